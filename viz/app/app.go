// Package app is the page's state and behaviour in plain Go: the step on
// screen (the synthetic scene the user edits, or an uploaded dump), the loss
// options, the view, the selection, and everything computed from them. The
// wasm package turns DOM and canvas events into calls on App and draws what
// it reports; everything here tests natively.
package app

import (
	"fmt"
	"image"
	"strings"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/dump"
	"github.com/cornerloss/cornerloss/loss/scene"
	"github.com/cornerloss/cornerloss/loss/target"
	"github.com/cornerloss/cornerloss/viz"
	"github.com/cornerloss/cornerloss/viz/i18n"
)

// View selects what the panels show.
type View struct {
	Stack  int
	Image  int
	Class  int // -1: all classes
	Corner loss.Corner
}

// App is the page's state.
type App struct {
	Scene    *scene.Scene // the synthetic scene; nil while a dump is shown
	Dump     *dump.Dump   // the uploaded dump; nil while the scene is shown
	DumpName string
	Options  loss.Options
	View     View
	Selected int  // object of the viewed image, -1 for none
	Run      *Run // the training run on the timeline; nil for none

	TimelineLog      bool // the timeline's terms on a log scale
	TimelinePerStack bool // the timeline's terms unweighted, per stack

	in     *loss.Input
	set    *target.Set     // the scene's targets
	eval   *loss.Evaluator // keeps row sums so edits recompute only what they touch; nil with a pool
	result *loss.Result
	// resultIn is the input result was evaluated on: a new step waiting
	// for the pool is not it yet.
	resultIn *loss.Input

	// With a pool (pool.go) the evaluation of a change arrives later:
	// waiting until it does, waitSame while every change since kept the
	// viewed plane's logits, frameWanted when the frame must be rebuilt.
	pool        Pool
	seed        *rowSeed // rows' sums computed elsewhere for the next step shown
	gen         int
	sums        []loss.PlaneSums // the pool's last answer
	sent        bool             // a change went to the pool since the last update
	waiting     bool
	waitSame    bool
	frameWanted bool
	frame       *viz.Frame
	history     []float64     // the total after each change, for the sparkline
	version     int           // bumped by every change that alters what is drawn
	url         urlCompressor // URLState's, reused

	size    image.Point // canvas size
	grid    [viz.NumPanels]image.Rectangle
	drag    drag
	hover   *Hover
	status  fmt.Stringer // the status line, said again when the language changes
	present presentation

	tlRect image.Rectangle // the timeline strip, empty without a run
	// tlOver: the timeline lies over the panels' lower strip instead of
	// taking it from them, from a run's start until a step of it opens
	// (or the layout changes anyway). Taking the strip changes every
	// panel's size, so the whole canvas is drawn again; the page then
	// draws it once, with the step it opens, not once more at the start.
	tlOver    bool
	tlHover   int         // step under the pointer on the timeline, -1 for none
	tlVersion int         // bumped by every change of the timeline
	base      compareBase // step A of a comparison
	chunks    *chunkStep  // the step on screen's chunks, when it is split over devices
	tour      int         // step of the guided walk (tour.go), 0 outside it
}

// historyLen is how many totals the sparkline keeps.
const historyLen = 120

// New returns an app showing the default scene.
func New() *App {
	a := &App{Options: loss.DefaultOptions(), View: View{Class: 0}, Selected: -1, TimelineLog: true, tlHover: -1}
	if err := a.setScene(scene.Default()); err != nil {
		panic(err) // the default scene is valid by construction; its test says so
	}
	return a
}

// Version changes whenever what is drawn changes: the wasm layer re-renders
// when it differs from the version it last drew.
func (a *App) Version() int { return a.version }

// Result returns the loss of the step on screen.
func (a *App) Result() *loss.Result { return a.result }

// Frame returns what the panels show.
func (a *App) Frame() *viz.Frame { return a.frame }

// Input returns the step on screen.
func (a *App) Input() *loss.Input { return a.in }

// Status returns the last message for the page's status line.
func (a *App) Status() string {
	if a.status == nil {
		return ""
	}
	return a.status.String()
}

// StatusMsg returns the last message as a message, which the page can say
// again in another language.
func (a *App) StatusMsg() fmt.Stringer {
	if a.status == nil {
		return i18n.M("page.ready")
	}
	return a.status
}

// History returns the totals of the last changes, oldest first.
func (a *App) History() []float64 { return a.history }

// setScene makes s the step on screen, built from scratch.
func (a *App) setScene(s *scene.Scene) error {
	in, set, err := s.Build()
	if err != nil {
		return err
	}
	ev, err := a.evaluate(in)
	if err != nil {
		return err
	}
	a.Scene, a.Dump, a.DumpName, a.chunks = s, nil, "", nil
	resized := a.in == nil || a.in.Height != in.Height || a.in.Width != in.Width
	a.in, a.set, a.eval = in, set, ev
	if resized {
		a.layout()
	}
	a.clampView()
	a.load()
	return nil
}

// LoadDump reads an uploaded dump (one .npz or .pt, or several .npy files)
// and shows it. On error the step on screen stays as it was.
func (a *App) LoadDump(files []dump.File, opt dump.Options) error {
	if len(files) == 0 {
		return i18n.Err("err.no-file")
	}
	var d *dump.Dump
	var err error
	name := files[0].Name
	if len(files) == 1 && !dump.IsNPY(name) {
		d, err = dump.ReadNPZ(name, files[0].Data, opt)
	} else {
		name = i18n.F("status.npy-files", len(files))
		d, err = dump.ReadNPYFiles(files, opt)
	}
	if err != nil {
		a.status = &i18n.Wrapped{Lead: i18n.M("status.refused"), Detail: name + ": " + err.Error()}
		return err
	}
	return a.ShowDump(name, d)
}

// ShowDump shows a dump read elsewhere (the page reads off the event loop).
// On error the step on screen stays as it was.
func (a *App) ShowDump(name string, d *dump.Dump) error {
	if err := a.showDump(name, d); err != nil {
		return err
	}
	a.chunks = nil
	return nil
}

// showDump is ShowDump, leaving the step's chunks as they are.
func (a *App) showDump(name string, d *dump.Dump) error {
	ev, err := a.evaluate(d.Input)
	if err != nil {
		a.status = &i18n.Wrapped{Lead: i18n.M("status.refused"), Detail: name + ": " + err.Error()}
		return err
	}
	resized := a.in.Height != d.Input.Height || a.in.Width != d.Input.Width
	a.Scene, a.set, a.Dump, a.DumpName, a.in, a.eval = nil, nil, d, name, d.Input, ev
	a.tour = 0 // the walk's steps are about the synthetic scene
	if resized {
		a.layout()
	}
	a.Selected = -1
	a.clampView()
	a.load()
	a.status = i18n.M("status.dump", name, d.Input.Shape.String())
	if len(d.Warnings) > 0 {
		// The reader's warnings, in its words (the CLI's), after the lead:
		// every one, since a later one (after the sigmoid, say) may be the
		// one that matters.
		a.status = &i18n.Wrapped{Lead: i18n.M("status.dump-warning", name, d.Input.Shape.String()), Detail: strings.Join(d.Warnings, "; ")}
	}
	return nil
}

// Recompute evaluates the step on screen from scratch, every row of every
// plane, and rebuilds the frame: the page's bench.
func (a *App) Recompute() {
	if a.frame != nil {
		a.frame.Forget()
	}
	a.changedAll()
	a.refresh()
}

// load evaluates a new step on screen: here, or sent to the pool.
func (a *App) load() {
	if a.pool != nil {
		a.poolLoad()
		return
	}
	a.refresh()
}

// UseScene goes back to a synthetic scene (the default one when s is nil).
func (a *App) UseScene(s *scene.Scene) error {
	if s == nil {
		s = scene.Default()
	}
	a.Selected = -1
	if err := a.setScene(s); err != nil {
		return err
	}
	a.EndRun()
	a.status = i18n.M("status.scene")
	return nil
}

// clampView keeps the view inside the shape of the step on screen.
func (a *App) clampView() {
	sh := a.in.Shape
	a.View.Stack = min(max(a.View.Stack, 0), sh.Stacks-1)
	a.View.Image = min(max(a.View.Image, 0), sh.Batch-1)
	if a.View.Class >= sh.Classes {
		a.View.Class = sh.Classes - 1
	}
	if a.View.Class < -1 {
		a.View.Class = -1
	}
	if a.Selected >= len(a.objects()) {
		a.Selected = -1
	}
}

// refresh takes the loss from the evaluator, rebuilds the frame and
// records the total for the sparkline.
func (a *App) refresh() { a.update(false) }

// refreshTerms is refresh after a change that left the logits and targets
// of the viewed plane as they were: the frame keeps its pixel maps unless
// the options they depend on changed (see viz.Frame.ResetTerms).
func (a *App) refreshTerms() { a.update(true) }

// update is refresh, keeping the frame's maps when sameLogits says the
// viewed plane's logits and targets did not change.
func (a *App) update(sameLogits bool) {
	if a.pool != nil {
		a.poolUpdate(sameLogits)
		return
	}
	a.show(a.eval.Result(), sameLogits)
}

// show makes r, the loss of the step on screen, the one shown.
func (a *App) show(r *loss.Result, sameLogits bool) {
	a.result, a.resultIn = r, a.in
	if sameLogits {
		a.rebuildTerms()
	} else {
		a.rebuildFrame()
	}
	a.history = append(a.history, a.result.Loss)
	if len(a.history) > historyLen {
		a.history = a.history[len(a.history)-historyLen:]
	}
}

// rebuildFrame recomputes what the panels show for the current view,
// reusing the frame's buffers.
func (a *App) rebuildFrame() {
	if a.waiting { // the pool's answer rebuilds it: maps and totals together
		a.frameWanted = true
		return
	}
	a.frameWanted = false
	v := a.View
	if a.frame == nil {
		a.frame = viz.NewFrame(a.result, v.Stack, v.Image, v.Class, v.Corner, a.objects())
	} else {
		a.frame.Reset(a.result, v.Stack, v.Image, v.Class, v.Corner, a.objects())
	}
	a.frame.Selected = a.Selected
	a.frame.Curve = a.tourCurve()
	a.frame.SetBase(a.baseMaps())
	a.version++
}

// rebuildTerms is rebuildFrame when the viewed plane's logits and targets
// have not changed: the frame recomputes the terms and keeps its maps.
func (a *App) rebuildTerms() {
	v, f := a.View, a.frame
	if a.waiting || f == nil || f.Stack != v.Stack || f.Image != v.Image || f.Class != v.Class || f.Corner != v.Corner {
		a.rebuildFrame()
		return
	}
	f.ResetTerms(a.result, a.objects())
	f.Selected = a.Selected
	a.version++
}

// touches reports whether an edit's region reaches the viewed plane.
func (a *App) touches(r scene.Region) bool {
	v := a.View
	return r.Image == v.Image && r.Corner == v.Corner && (v.Class < 0 || r.Class == v.Class)
}

// objects returns the overlays of the viewed image.
func (a *App) objects() []viz.Object {
	if a.set != nil {
		return viz.ObjectsFromTargets(a.set, a.View.Image)
	}
	return viz.ObjectsFromInput(a.in, a.View.Image)
}

// SetView changes what is shown; values outside the shape are clamped.
func (a *App) SetView(v View) {
	if v.Image != a.View.Image {
		a.Selected = -1
	}
	a.View = v
	a.clampView()
	a.rebuildFrame()
}

// SetOptions changes the loss options; the evaluator recomputes only what
// they reach (nothing for weights, the bump rows for β), and the frame keeps
// its maps when only weights changed.
func (a *App) SetOptions(o loss.Options) error {
	if err := a.setEvalOptions(o); err != nil {
		return err
	}
	a.Options = o
	if a.chunks != nil {
		if err := a.chunks.evaluate(o); err != nil {
			return err
		}
	}
	if a.base.in != nil {
		a.setBase(a.base.name, a.base.in) // step A under the same options
	}
	a.refreshTerms() // the logits and targets stay; the frame checks the rest
	return nil
}

// Select makes object k of the viewed image the selected one (-1: none).
func (a *App) Select(k int) {
	if k < -1 || k >= len(a.objects()) {
		k = -1
	}
	a.Selected = k
	a.frame.Selected = k
	a.version++
}

// Relabel marks every panel and the timeline for redrawing after the
// page's language changed (panels read the catalogue as they draw), and
// says the timeline's hover box again.
func (a *App) Relabel() {
	a.version++
	a.tlVersion++
	if a.hover != nil && a.hover.Text != "" && a.Run != nil && a.tlHover >= 0 && a.tlHover < len(a.Run.steps) {
		a.hover = &Hover{Text: a.stepText(a.tlHover, nil)}
	}
}
