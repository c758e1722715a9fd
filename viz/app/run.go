package app

import (
	"fmt"
	"image"
	"net/url"
	"slices"
	"strings"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/dump"
	"github.com/cornerloss/cornerloss/loss/timeline"
	"github.com/cornerloss/cornerloss/viz"
	"github.com/cornerloss/cornerloss/viz/i18n"
)

// RunSource says where a run's files come from, and so whether its view can
// travel in a link.
type RunSource int

const (
	RunLocal  RunSource = iota // files picked or dropped: they stay in this browser
	RunServer                  // `cornerloss serve -dumps DIR`: followed live, linkable
	RunSample                  // made up in the page from the synthetic scene
)

// Run is a training run in the page: one entry per file, summarised by the
// page's workers; the page keeps the summaries, not the tensors, and opening
// a step reads its file again.
type Run struct {
	Source RunSource
	files  []runFile         // by ID, the order they were given in
	steps  []timeline.Step   // summarised, in step order
	byName map[string]int    // file name → ID
	marks  []timeline.Marker // of steps
	tl     viz.Timeline      // what the panel draws
	open   string            // file of the step on screen ("" none)
	base   string            // file of step A of a comparison ("" none)
	want   string            // file the page is to open next
	total  int               // the steps the run's files make (files still pending grouped by name)
}

// runFile is one file of a run.
type runFile struct {
	name string
	st   timeline.Step // its summary, once done
	done bool
}

// StartRun makes a new run of the named files (IDs are their indices) the
// one the timeline shows; the step on screen stays until the run's last
// step is summarised.
func (a *App) StartRun(src RunSource, names []string) *Run {
	r := &Run{Source: src, byName: map[string]int{}}
	for _, n := range names {
		r.add(n)
	}
	r.regroup()
	over := a.Run == nil || a.tlOver // the panels have the whole canvas
	a.Run = r
	a.tlHover = -1
	if over {
		// The timeline lies over the panels' lower strip until a step
		// opens (tlOver): while the run loads, the canvas under it is not
		// drawn again.
		a.tlOver, a.tlRect = true, a.timelineStrip()
		a.tlVersion++
	} else {
		a.layout()
	}
	return r
}

// add appends a file to the run and returns its ID; a name already there
// keeps its ID.
func (r *Run) add(name string) int {
	if id, ok := r.byName[name]; ok {
		return id
	}
	r.files = append(r.files, runFile{name: name})
	r.byName[name] = len(r.files) - 1
	return len(r.files) - 1
}

// AddFile adds a file that appeared in a live run; it returns its ID and
// whether it is new.
func (r *Run) AddFile(name string) (int, bool) {
	n := len(r.files)
	id := r.add(name)
	if id == n {
		r.regroup()
	}
	return id, id == n
}

// regroup makes the steps from the files summarised (timeline.Group, the
// CLI's grouping: the files of one step written by several devices are one
// step, shown once all of them are in) and their markers.
func (r *Run) regroup() {
	files := make([]timeline.Step, len(r.files))
	pending := make([]bool, len(r.files))
	for i, f := range r.files {
		files[i], pending[i] = f.st, !f.done
		files[i].File = f.name
	}
	r.steps = timeline.Group(files, pending)
	r.marks = timeline.Markers(r.steps)
	r.total = len(r.steps)
	if slices.Contains(pending, true) && len(r.files) > 0 { // the steps the files will make, by their names so far
		r.total = len(timeline.Group(files, make([]bool, len(files))))
	}
}

// Files returns the files of the step a file names (the first file of a
// step split over devices names it): all its chunks' files, in chunk
// order, with their IDs; or that file alone.
func (r *Run) Files(name string) (ids []int, names []string) {
	if i := r.index(name); i >= 0 && r.steps[i].Chunks != nil {
		for _, c := range r.steps[i].Chunks {
			ids, names = append(ids, r.byName[c.File]), append(names, c.File)
		}
		return ids, names
	}
	return []int{r.byName[name]}, []string{name}
}

// Name returns the file name of an ID.
func (r *Run) Name(id int) string { return r.files[id].name }

// Len returns the number of files in the run.
func (r *Run) Len() int { return len(r.files) }

// Done returns how many files have been summarised (or found unreadable).
func (r *Run) Done() int {
	n := 0
	for _, f := range r.files {
		if f.done {
			n++
		}
	}
	return n
}

// StepsDone returns how many steps are summarised: a step split over
// devices counts once, when all its files are in.
func (r *Run) StepsDone() int { return len(r.steps) }

// StepsTotal returns the steps the run's files make (files still pending
// grouped by their names): what StepsDone counts up to.
func (r *Run) StepsTotal() int { return r.total }

// Loaded reports whether every file has been tried.
func (r *Run) Loaded() bool { return r.Done() == len(r.files) }

// Steps returns the summaries in step order.
func (r *Run) Steps() []timeline.Step { return r.steps }

// Markers returns the run's markers.
func (r *Run) Markers() []timeline.Marker { return r.marks }

// Forget marks a file as not summarised, for a retry (a live file that was
// still being written).
func (r *Run) Forget(id int) {
	f := &r.files[id]
	if !f.done {
		return
	}
	f.done, f.st = false, timeline.Step{}
	r.regroup()
}

// RunSummary records a worker's summary of file id. The step number comes
// from the dump's step array, else the file name, else the order
// (timeline.Group). When the run's last file is in and no step is open,
// the last readable step becomes the one to open.
func (a *App) RunSummary(id int, st timeline.Step) {
	r := a.Run
	if r == nil || id < 0 || id >= len(r.files) {
		return
	}
	f := &r.files[id]
	// Following a live run: a step after the last one, while that one
	// is open, opens in its place.
	follow := r.open != "" && r.open == r.lastReadable()
	f.st, f.done = st, true
	r.regroup()
	if last := r.lastReadable(); r.Loaded() && r.want == "" && (r.open == "" || follow && last != r.open) {
		r.want = last
	}
	a.tlVersion++
}

// lastReadable returns the last step's file that could be read.
func (r *Run) lastReadable() string {
	for i := len(r.steps) - 1; i >= 0; i-- {
		if r.steps[i].OK() {
			return r.steps[i].File
		}
	}
	return ""
}

// Want returns the file the page should open next, with its ID, and
// clears the request; ok is false when there is none.
// A file named by a link is opened once it is summarised.
func (r *Run) Want() (id int, name string, ok bool) {
	if r == nil || r.want == "" {
		return 0, "", false
	}
	id, ok = r.byName[r.want]
	if !ok || !r.files[id].done {
		return 0, "", false
	}
	name, r.want = r.want, ""
	return id, name, true
}

// ShowRunStep shows the run's file name, read again from its source.
func (a *App) ShowRunStep(name string, d *dump.Dump) error {
	return a.ShowRunChunks([]string{name}, []*dump.Dump{d})
}

// ShowRunChunks shows a step of the run read again from its source: its
// one file, or the files of its chunks (Files), in the order Files gave.
func (a *App) ShowRunChunks(names []string, ds []*dump.Dump) error {
	show := a.ShowChunks
	if s, ok := a.Run.Step(names[0]); ok && s.Chunks != nil {
		show = a.showChunks // even one chunk: the others are missing
	}
	if err := show(names, ds); err != nil {
		return err
	}
	if a.Run != nil {
		a.Run.open = names[0]
		if a.tlOver {
			a.layout() // the strip is the timeline's from now on
		}
		if s, ok := a.Run.Step(names[0]); ok && a.chunks != nil {
			a.chunks.step.Missing = s.Missing // the chunks the run has and this step lacks
			a.chunkStatus()
		}
		a.rebuildFrame() // with step A's maps when comparing
		a.tlVersion++
		if a.Run.Source == RunLocal {
			a.status = i18n.M("status.local-run", a.status)
		}
	}
	return nil
}

// EndRun closes the run: the timeline goes, the step on screen stays.
func (a *App) EndRun() {
	if a.Run == nil {
		return
	}
	a.Run = nil
	a.tlHover = -1
	a.base = compareBase{}
	a.layout()
	a.rebuildFrame()
}

// OpenStep asks for the step at index i of the timeline (in step order).
// An unreadable step is not opened: its message is the status.
func (a *App) OpenStep(i int) error {
	r := a.Run
	if r == nil || i < 0 || i >= len(r.steps) {
		return nil
	}
	s := r.steps[i]
	if !s.OK() {
		return &i18n.Wrapped{Lead: i18n.M("status.refused"), Detail: s.File + ": " + s.Error}
	}
	if s.File != r.open {
		r.want = s.File
	}
	return nil
}

// stepRun opens the neighbouring readable step, d = ±1.
func (a *App) stepRun(d int) (Action, error) {
	r := a.Run
	if r == nil || len(r.steps) == 0 {
		return ActionNone, nil
	}
	i := r.index(r.open)
	if i < 0 {
		i = len(r.steps)
	}
	for j := i + d; j >= 0 && j < len(r.steps); j += d {
		if r.steps[j].OK() {
			return ActionNone, a.OpenStep(j)
		}
	}
	return ActionNone, nil
}

// index returns the position in step order of a file, -1 if not there.
func (r *Run) index(name string) int {
	if name == "" {
		return -1
	}
	return slices.IndexFunc(r.steps, func(s timeline.Step) bool { return s.File == name })
}

// ToggleBase makes the open step step A of a comparison (the next step
// opened is B), or ends the comparison.
func (a *App) ToggleBase() {
	r := a.Run
	if r == nil {
		return
	}
	if r.base != "" || r.open == "" {
		r.base = ""
		a.setBase("", nil)
	} else {
		r.base = r.open
		a.setBase(r.open, a.in)
	}
	a.tlVersion++
}

// SetBaseDump makes a dump read again step A of the comparison the run
// asks for (a link names it); the page reads it when NeedBase says so.
func (a *App) SetBaseDump(name string, d *dump.Dump) {
	if a.Run == nil || a.Run.base != name {
		return
	}
	a.setBase(name, d.Input)
	a.tlVersion++
}

// NeedBase returns step A of the comparison when its dump is not in
// memory yet: the page reads it and calls SetBaseDump.
func (a *App) NeedBase() (id int, name string, ok bool) {
	r := a.Run
	if r == nil || r.base == "" || r.base == a.base.name {
		return 0, "", false
	}
	id, ok = r.byName[r.base]
	if !ok || !r.files[id].done || a.base.asked == r.base {
		return 0, "", false
	}
	a.base.asked = r.base
	return id, r.base, true
}

// compareBase is step A of a comparison as the page holds it: its input
// (one dump more in memory, no more) and the maps of the viewed plane.
type compareBase struct {
	name          string
	in            *loss.Input
	result        *loss.Result
	maps, scratch *loss.PixelMaps
	asked         string // the file NeedBase last asked for
}

// setBase makes in (the step named name) step A, or ends the comparison.
func (a *App) setBase(name string, in *loss.Input) {
	a.base.name, a.base.in, a.base.result = name, in, nil
	if in != nil {
		if r, err := loss.Evaluate(in, a.Options); err == nil {
			a.base.result = r
		} else {
			a.status = &i18n.Wrapped{Lead: i18n.M("status.refused"), Detail: name + ": " + err.Error()}
		}
	}
	a.rebuildFrame()
}

// baseMaps returns step A's maps of the viewed plane, nil without a
// comparison or when A's shape differs from the step on screen.
func (a *App) baseMaps() *loss.PixelMaps {
	b, v := &a.base, a.View
	if b.result == nil || a.Run == nil || a.Run.base == "" || b.result.Shape != a.in.Shape || a.Run.open == b.name {
		return nil
	}
	if v.Class < 0 {
		if b.scratch == nil {
			b.scratch = new(loss.PixelMaps)
		}
		b.maps = b.result.PixelsAllClasses(b.maps, b.scratch, v.Stack, v.Image, v.Corner)
	} else {
		b.maps = b.result.Pixels(b.maps, v.Stack, v.Image, v.Class, v.Corner)
	}
	return b.maps
}

// Base returns the summary of step A of the comparison (none without a
// run).
func (r *Run) Base() (timeline.Step, bool) {
	if r == nil {
		return timeline.Step{}, false
	}
	return r.summary(r.base)
}

// Open returns the summary of the step on screen (none without a run).
func (r *Run) Open() (timeline.Step, bool) {
	if r == nil {
		return timeline.Step{}, false
	}
	return r.summary(r.open)
}

// Step returns the step a file names (its first file, for a step split
// over devices); none without a run.
func (r *Run) Step(name string) (timeline.Step, bool) {
	if r == nil {
		return timeline.Step{}, false
	}
	return r.summary(name)
}

// summary returns the summary of a file of the run.
func (r *Run) summary(name string) (timeline.Step, bool) {
	i := r.index(name)
	if i < 0 {
		return timeline.Step{}, false
	}
	return r.steps[i], true
}

// Comparison returns steps A and B of a comparison: the marked step and
// the open one.
func (a *App) Comparison() (base, open timeline.Step, ok bool) {
	base, ok1 := a.Run.Base()
	open, ok2 := a.Run.Open()
	return base, open, ok1 && ok2
}

// Timeline returns what the timeline panel draws.
func (a *App) Timeline() *viz.Timeline {
	r := a.Run
	if r == nil {
		return nil
	}
	r.tl = viz.Timeline{Steps: r.steps, Markers: r.marks, Open: r.index(r.open), Base: r.index(r.base),
		Hover: a.tlHover, Log: a.TimelineLog, PerStack: a.TimelinePerStack, Total: r.total}
	return &r.tl
}

// TimelineVersion changes whenever the timeline panel must be redrawn.
func (a *App) TimelineVersion() int { return a.tlVersion }

// TimelineOver reports whether the timeline lies over the panels' lower
// strip (a run loading, none of its steps opened yet) rather than beside
// them.
func (a *App) TimelineOver() bool { return a.tlOver }

// TimelineRect returns where the timeline sits on the canvas (empty when
// there is no run).
func (a *App) TimelineRect() image.Rectangle { return a.tlRect }

// timelineHeight is the height of the timeline strip under the panels for
// a canvas: a third of it, within limits that keep it readable and leave
// the maps room.
func timelineHeight(size image.Point) int {
	return min(max(size.Y*34/100, 250), 400, size.Y/2)
}

// timelineLeast is the shortest timeline strip: its title, markers, a terms
// chart of a few lines and a legend of three lines (viz.DrawTimeline leaves
// out its lower rows when they do not fit).
const timelineLeast = 160

// timelineFor returns the height of the timeline strip on a canvas of the
// given size: timelineHeight, or less (down to timelineLeast) when that
// is what leaves the maps above it usable (viz.MapsUsable), as on a
// tablet's 1024×768 page or a projector's 1280×720, where the maps would
// otherwise drop to a third of their size. When not even that helps, the
// strip keeps its height.
func (a *App) timelineFor(size image.Point) int {
	want := timelineHeight(size)
	if a.present.on {
		return want
	}
	for h := want; h >= timelineLeast; h -= 4 {
		if viz.MapsUsable(a.gridFor(image.Pt(size.X, size.Y-h)), a.in.Height, a.in.Width) {
			return h
		}
	}
	return want
}

// timelineHover updates the hover for a pointer over the timeline.
func (a *App) timelineHover(p image.Point) bool {
	tl := a.Timeline()
	i, ok := viz.TimelineAt(a.tlRect, tl, p)
	if !ok {
		if a.tlHover != -1 {
			a.tlHover = -1
			a.tlVersion++
		}
		return false
	}
	if i != a.tlHover {
		a.tlHover = i
		a.tlVersion++
	}
	a.hover = &Hover{Text: a.stepText(i, viz.MarkerAt(a.tlRect, tl, p))}
	return true
}

// stepText is the hover of step i: the file, every term and quantity, the
// markers under the pointer (or all of the step's).
func (a *App) stepText(i int, under []timeline.Marker) string {
	s := a.Run.steps[i]
	var b strings.Builder
	line := func(key string, args ...any) { b.WriteString(i18n.F(key, args...) + "\n") }
	line("step.head", s.Step, s.File)
	if s.Chunks != nil {
		line("step.chunks-note")
		for _, c := range s.Chunks {
			if c.OK() {
				line("step.chunk", *c.Chunk, c.Loss, c.File)
			} else {
				line("step.chunk-unread", *c.Chunk, c.Error)
			}
		}
		for _, m := range s.Missing {
			line("step.chunk-missing", m)
		}
	}
	if !s.OK() {
		line("step.unread", s.Error)
	} else {
		line("step.loss", s.Loss)
		line("step.focal", s.Focal, s.FocalTL, s.FocalBR)
		line("step.pull", s.Pull)
		line("step.push", s.Push)
		line("step.offset", s.Regr, s.RegrTL, s.RegrBR)
		for k, t := range s.PerStack {
			line("step.stack", k, t.FocalTL, t.FocalBR, t.Pull, t.Push, t.RegrTL, t.RegrBR)
		}
		line("step.pos-share", s.PosShare(), s.FocalPosShare[0], s.FocalPosShare[1])
		line("step.clamped", 100*s.ClampedFraction)
		fmt.Fprintf(&b, "num_pos   tl %d  br %d\n", s.NumPos[0], s.NumPos[1])
		line("step.corners", s.PredictedCorners[0], s.PredictedCorners[1], s.TrueCorners)
		if s.EmbedPairs > 0 {
			line("step.gap", s.EmbedGap, s.EmbedPairs)
		}
		fmt.Fprintf(&b, "max |dL/dlogit| %.4g\n", s.MaxGrad)
	}
	marks := under
	if len(marks) == 0 {
		for _, m := range a.Run.marks {
			if m.Index == i {
				marks = append(marks, m)
			}
		}
	}
	for _, m := range marks {
		fmt.Fprintf(&b, "[%s] %s\n", i18n.T("marker."+string(m.Kind)), a.markerText(m))
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// RunURLState returns the link state of a run from a server: the open step
// and the compared one; "" for other runs.
func (a *App) RunURLState() string {
	r := a.Run
	if r == nil || r.Source != RunServer {
		return ""
	}
	v := url.Values{}
	if r.open != "" {
		v.Set("open", r.open)
	}
	if r.base != "" {
		v.Set("base", r.base)
	}
	return v.Encode()
}

// RestoreRunURLState asks for the open and compared steps a link names,
// once those files are in the run.
func (a *App) RestoreRunURLState(fragment string) error {
	v, err := url.ParseQuery(fragment)
	if err != nil {
		return fmt.Errorf("link state: %w", err)
	}
	if a.Run == nil {
		return nil
	}
	a.Run.want = v.Get("open")
	a.Run.base = v.Get("base")
	return nil
}

// markerText says marker m in the page's language from its step's values
// (loss/timeline writes it in English, for the CLI's words); a kind the
// catalogue does not know keeps timeline's sentence.
func (a *App) markerText(m timeline.Marker) string {
	s := a.Run.steps[m.Index]
	switch m.Kind {
	case timeline.KindNonFinite, timeline.KindUnread:
		// The reader's error, as the CLI prints it, after the lead.
		return i18n.F("marker.text."+string(m.Kind), s.Step, s.File) + s.Error
	case timeline.KindNoPositives:
		return i18n.F("marker.text.no-positives", s.Step, s.Focal)
	case timeline.KindOneObject:
		return i18n.F("marker.text.one-object", s.Step)
	case timeline.KindChunks:
		// The grouping's warnings, as the CLI prints them, after the lead.
		return i18n.F("marker.text.chunks", s.Step) + strings.Join(s.ChunkWarnings, "; ")
	case timeline.KindClamp:
		return i18n.F("marker.text.clamp", s.Step, 100*s.ClampedFraction)
	case timeline.KindJump:
		// The terms that jumped, named by the catalogue, with timeline's
		// numbers ("loss 3.1 is 4.2× its running median 0.74").
		_, rest, _ := strings.Cut(m.Text, ": ")
		var parts []string
		for _, j := range strings.Split(rest, "; ") {
			left, right, _ := strings.Cut(j, " is ")
			i := strings.LastIndex(left, " ")
			var v, f, med float64
			_, errV := fmt.Sscan(left[i+1:], &v)
			n, _ := fmt.Sscanf(right, "%g× its running median %g", &f, &med)
			if i < 0 || errV != nil || n != 2 {
				parts = append(parts, j)
				continue
			}
			parts = append(parts, i18n.F("marker.text.jump-term", termName(left[:i]), v, f, med))
		}
		return i18n.F("marker.text.jump", s.Step) + strings.Join(parts, i18n.T("marker.text.sep"))
	}
	return m.Text
}

// termName names a timeline term ("loss", "focal_tl", ...) in the page's
// language.
func termName(n string) string {
	if k := "tlterm." + n; i18n.Has(k) {
		return i18n.T(k)
	}
	return n
}
