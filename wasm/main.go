//go:build js && wasm

// Command wasm is the cornerloss page: Ebitengine draws the panels that
// package viz renders, the DOM holds the controls and the numbers, and
// package app (plain Go) holds the state. Build it with `make site`.
//
// Every JS callback only queues work; Update runs it, so the state changes
// in one place and a callback never blocks. No panic escapes Update, Draw or
// a callback: it becomes a message in #status and the page keeps running.
package main

import (
	"fmt"
	"image"
	"image/color"
	"runtime/debug"
	"strconv"
	"sync"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"

	"github.com/cornerloss/cornerloss/viz"
	"github.com/cornerloss/cornerloss/viz/app"
	"github.com/cornerloss/cornerloss/viz/i18n"
)

func main() {
	mark("main")
	holdGC()
	g := newGame()
	ebiten.SetScreenClearedEveryFrame(false)
	ebiten.SetRunnableOnUnfocused(true)
	ebiten.SetWindowTitle("cornerloss")
	if err := ebiten.RunGame(g); err != nil {
		g.page.setStatus(&i18n.Wrapped{Lead: i18n.M("status.stopped"), Detail: err.Error()}, true)
	}
}

// game is the ebiten.Game of the page.
type game struct {
	app   *app.App
	page  *page
	queue queue

	size      image.Point // canvas size, from Layout
	panels    [viz.NumPanels]panelImage
	rendered  int                 // app version the panel images hold
	pending   [viz.NumPanels]bool // panels still to draw for version pendingAt
	pendingAt int
	drawn     int // app version last drawn on screen
	draws     int // frames that drew something: frames with no change draw nothing
	frames    int // Updates so far
	drewAt    int // frames when the canvas last drew
	hover     *app.Hover
	hoverOn   bool // the hover box is drawn
	redraw    bool // something besides the panels changed on screen
	ready     bool

	cursor  image.Point
	pressed bool
	touch   touchState
	offset  image.Point // the canvas's top-left on the page

	bench *benchRun

	pool      pool
	steps     stepPool           // the step on screen's workers
	load      *runLoad           // the run's loading figures; nil without a run
	timeline  timelineCanvas     // the run's timeline, over the panels' canvas
	tlDrawn   int                // the app's timeline version it holds
	tlAt      float64            // now() when it was last painted
	tlMs      float64            // how long that paint took, ms
	tlPaint   *viz.TimelinePaint // a paint under way, over several frames while a run loads
	tlPaintV  int                // the timeline version it paints
	tlPaintAt image.Rectangle    // the strip it paints
	synced    [2]int             // the app and timeline versions the link was last built at
}

// panelImage is one panel: its place on the canvas, its pixels in Go and on
// the GPU. Both are made when the layout changes, never per frame.
type panelImage struct {
	rect image.Rectangle
	rgba *image.RGBA
	img  *ebiten.Image
}

var background = color.RGBA{0xf3, 0xf3, 0xf1, 0xff}

func newGame() *game {
	pickLang() // first: everything built after it speaks the language
	g := &game{app: app.New(), rendered: -1, pendingAt: -1, drawn: -1, tlDrawn: -1, synced: [2]int{-1, -1}}
	g.pool.g = g
	mark("scene")
	g.page = newPage(&g.queue)
	g.page.bind(g)
	g.startup()
	// The numbers and controls show while the canvas starts up.
	g.page.refresh(g.app)
	mark("dom")
	return g
}

// queue holds work from JS callbacks until the next Update.
type queue struct {
	mu    sync.Mutex
	items []func()
}

func (q *queue) push(f func()) {
	q.mu.Lock()
	q.items = append(q.items, f)
	q.mu.Unlock()
}

func (q *queue) take() []func() {
	q.mu.Lock()
	defer q.mu.Unlock()
	items := q.items
	q.items = nil
	return items
}

// guard turns a panic into a status message: the page keeps running.
func (g *game) guard(where string) {
	if p := recover(); p != nil {
		// The lead in the page's language; where and what, as Go says it.
		detail := fmt.Sprintf("%s: %v", where, p)
		consoleWarn("internal error in " + detail + "\n" + string(debug.Stack()))
		g.page.setStatus(&i18n.Wrapped{Lead: i18n.M("status.internal"), Detail: detail}, true)
	}
}

// Update runs queued work, follows the pointer, and re-renders every panel
// when the app's version changed (the app keeps what an edit cannot
// change; drawing all panels takes a few ms; idle frames draw nothing).
func (g *game) Update() error {
	defer g.guard("update")
	start := now()
	defer g.workDone(start)
	g.frames++
	for _, f := range g.queue.take() {
		g.run(f)
	}
	g.app.SetCanvas(g.size)
	g.pointer()
	g.tick()
	g.steps.frame(g)
	g.uploadTick()
	g.warmTick()
	if v := g.app.Version(); v != g.rendered && g.renderSome(v) {
		g.page.refresh(g.app)
		g.rendered = v
	}
	// While a run loads, what can wait for a later frame does when this
	// one already took its budget (a worker's reply, the panels).
	// A paint while a run loads takes as many frames as its stages need
	// to keep each within the budget; otherwise it is done in this one.
	if v := g.app.TimelineVersion(); g.tlPaint == nil && v != g.tlDrawn && !g.busy(start) && g.timelineDue() {
		g.tlPaint, g.tlPaintV, g.tlPaintAt, g.tlMs = g.timeline.begin(g.app.Timeline(), g.app.TimelineRect(), g.offset), v, g.app.TimelineRect(), 0
		if g.tlPaint == nil { // hidden
			g.page.refreshRun(g.app)
			g.tlDrawn = v
		}
	}
	if g.tlPaint != nil {
		at := now()
		done := g.tlPaint.Step(func() bool { return !g.busy(start) })
		g.tlMs += now() - at
		if done {
			g.tlPaint = nil
			// Painted for a strip that has moved since: paint again.
			if g.tlPaintAt == g.app.TimelineRect() {
				g.timeline.show()
				g.page.refreshRun(g.app)
				g.tlDrawn = g.tlPaintV
			}
		}
	}
	g.timeline.follow(g.app.TimelineRect(), g.offset)
	g.startJobs()
	if g.loading() && !g.busy(start) {
		warmRun()
	}
	// The link follows the app and the run, and changes only with them:
	// building it encodes and compresses the scene, too much for every frame.
	if at := [2]int{g.app.Version(), g.app.TimelineVersion()}; g.ready && at != g.synced && !g.busy(start) {
		g.page.syncURL(g.app)
		g.synced = at
	}
	if g.bench != nil && g.ready {
		g.bench.step(g)
	}
	return nil
}

// run runs one queued item under its own guard, so one failing item does
// not drop the others.
func (g *game) run(f func()) {
	defer g.guard("event")
	f()
}

// pointer turns the mouse or a finger into presses, drags and the hover.
func (g *game) pointer() {
	p, pressed := g.touch.read(g.offset)
	switch {
	case pressed && !g.pressed:
		g.app.PointerDown(p)
	case !pressed && g.pressed:
		g.app.PointerUp()
	}
	if p != g.cursor || pressed != g.pressed {
		if err := g.app.PointerMove(p); err != nil {
			g.page.setStatus(err, true)
		}
	}
	// Also without a move: the step workers' answer renews the hover.
	if h := g.app.Hover(); h != g.hover {
		g.hover = h
		g.redraw = true
		g.page.showHover(h, p)
		if g.rendered == g.app.Version() {
			g.renderPanel(viz.PanelCurves)
		}
	}
	g.cursor, g.pressed = p, pressed
}

// render draws every panel into its buffer and uploads it.
func (g *game) render() {
	for i := range g.panels {
		g.renderPanel(viz.Panel(i))
	}
}

// renderSome draws the panels of app version v into their buffers and
// uploads them, and reports whether all are done. While a run loads, the
// workers take both cores and a frame must stay short: it then draws
// panels for frameBudget ms and leaves the rest to the next frames (the
// screen keeps the last complete version until all are done). Otherwise it
// draws them all at once.
func (g *game) renderSome(v int) bool {
	if g.pendingAt != v {
		g.pendingAt = v
		for i := range g.pending {
			g.pending[i] = true
		}
	}
	start, loading := now(), g.loading()
	for i, due := range g.pending {
		if !due {
			continue
		}
		if loading && now()-start > frameBudget {
			return false
		}
		g.renderPanel(viz.Panel(i))
		g.pending[i] = false
	}
	return true
}

// frameBudget is the page's own work in one frame while a run loads, ms:
// with the workers on every core, the frame takes a few times that.
const frameBudget = 8

// timelineEvery is the shortest interval between two paints of the
// timeline while a run loads, ms: a reply from a worker comes every few
// hundred ms, and each paint draws the whole timeline.
const timelineEvery = 250

// busy reports whether this frame, begun at start, has taken its budget
// while a run loads.
func (g *game) busy(start float64) bool { return g.loading() && now()-start > frameBudget }

// loading reports whether a run is being summarised.
func (g *game) loading() bool { return g.load != nil && !g.load.done }

// timelineDue reports whether the timeline may be painted now: while a run
// loads, at most every timelineEvery ms and every drawShare times what the
// last paint took (a long run's timeline takes longer); at once otherwise.
func (g *game) timelineDue() bool {
	if !g.loading() || now()-g.tlAt >= max(timelineEvery, drawShare*g.tlMs) {
		g.tlAt = now()
		return true
	}
	return false
}

// renderPanel draws one panel into its buffer and uploads it.
func (g *game) renderPanel(p viz.Panel) {
	pi, r := &g.panels[p], g.app.Grid()[p]
	if r.Empty() {
		pi.rect = r
		return
	}
	if pi.rgba == nil || pi.rect.Size() != r.Size() {
		if pi.img != nil {
			pi.img.Deallocate()
		}
		pi.rgba = image.NewRGBA(image.Rectangle{Max: r.Size()})
		pi.img = ebiten.NewImage(r.Dx(), r.Dy())
	}
	pi.rect = r
	viz.DrawPanel(pi.rgba, pi.rgba.Bounds(), p, g.app.Frame())
	pi.img.WritePixels(pi.rgba.Pix)
}

// Draw puts the panels on screen; a frame where nothing changed draws
// nothing.
func (g *game) Draw(screen *ebiten.Image) {
	defer g.guard("draw")
	if g.drawn == g.rendered && !g.redraw {
		return
	}
	screen.Fill(background)
	for i, pi := range g.panels {
		if pi.img == nil || pi.rect.Empty() {
			continue
		}
		op := &ebiten.DrawImageOptions{}
		op.GeoM.Translate(float64(pi.rect.Min.X), float64(pi.rect.Min.Y))
		tourDim(g.app, viz.Panel(i), op)
		screen.DrawImage(pi.img, op)
	}
	g.tourOutline(screen)
	g.drawHover(screen)
	g.drawn, g.redraw = g.rendered, false
	g.draws++
	g.drewAt = g.frames
	g.page.body.attr("data-draws", strconv.Itoa(g.draws))
	if g.loading() {
		g.load.drew = true
	}
	if !g.ready && g.rendered >= 0 {
		g.ready = true
		g.page.firstFrame()
		resumeGC()
		g.queue.push(func() { g.page.setReady(g.app) })
	}
}

// drawHover outlines the hovered pixel on every map panel.
func (g *game) drawHover(screen *ebiten.Image) {
	h := g.hover
	if h == nil || h.Text != "" {
		return
	}
	in := g.app.Input()
	for _, pn := range viz.MapPanels {
		if g.panels[pn].rect.Empty() {
			continue // not shown (presentation mode)
		}
		r, zoom := viz.MapRect(g.panels[pn].rect, in.Height, in.Width)
		if zoom <= 0 {
			continue
		}
		x := float32(r.Min.X + h.X*zoom)
		y := float32(r.Min.Y + h.Y*zoom)
		vector.StrokeRect(screen, x-1, y-1, float32(zoom)+2, float32(zoom)+2, 1.5, color.RGBA{255, 255, 255, 255}, false)
		vector.StrokeRect(screen, x-2, y-2, float32(zoom)+4, float32(zoom)+4, 1, color.RGBA{0, 0, 0, 255}, false)
	}
}

// Layout keeps one canvas pixel per CSS pixel.
func (g *game) Layout(w, h int) (int, int) {
	if s := image.Pt(w, h); s != g.size {
		g.size = s
		g.redraw = true
		g.offset = canvasOffset()
	}
	return w, h
}
