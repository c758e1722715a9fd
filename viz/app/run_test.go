package app

import (
	"bytes"
	"image"
	"testing"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/dump"
	"github.com/cornerloss/cornerloss/loss/scene"
	"github.com/cornerloss/cornerloss/loss/timeline"
	"github.com/cornerloss/cornerloss/viz"
)

// loadSampleRun starts a run of the sample run's n files and hands in
// their summaries in reverse order, as workers may finish; it returns the
// dumps by ID, for opening.
func loadSampleRun(t *testing.T, a *App, n int) []*dump.Dump {
	t.Helper()
	names := make([]string, n)
	data := make([][]byte, n)
	for i := range n {
		rs, err := scene.SampleRunStep(i, n)
		if err != nil {
			t.Fatal(err)
		}
		names[i], data[i] = rs.Name, rs.Data
	}
	a.StartRun(RunLocal, names)
	dumps := make([]*dump.Dump, n)
	for id := n - 1; id >= 0; id-- {
		if a.Run.Loaded() {
			t.Fatalf("loaded after %d of %d", n-1-id, n)
		}
		st := timeline.Read(names[id], bytes.NewReader(data[id]), int64(len(data[id])), a.Options, dump.Options{})
		a.RunSummary(id, st)
		dumps[id], _ = dump.ReadNPZ(names[id], data[id], dump.Options{})
	}
	return dumps
}

// open shows what the run asks for, as the page does.
func open(t *testing.T, a *App, dumps []*dump.Dump) string {
	t.Helper()
	id, name, ok := a.Run.Want()
	if !ok {
		return ""
	}
	if err := a.ShowRunStep(name, dumps[id]); err != nil {
		t.Fatal(err)
	}
	return name
}

// TestRunStartKeepsPanels: a run's start leaves the panels where they
// were (nothing on the canvas under the timeline changes, so the page need
// not draw it again while the run loads), with the timeline over their
// lower strip and the pointer there on the timeline alone; the first step
// opened takes the strip from the panels, and a later run keeps it.
func TestRunStartKeepsPanels(t *testing.T) {
	const n = 6
	a := New()
	a.SetCanvas(image.Pt(1400, 900))
	grid, version := a.Grid(), a.Version()
	dumps := loadSampleRun(t, a, n)
	if !a.TimelineOver() || a.Grid() != grid || a.Version() != version {
		t.Fatalf("a run's start moved the panels: over %v, version %d → %d, grid %v → %v", a.TimelineOver(), version, a.Version(), grid, a.Grid())
	}
	strip := a.TimelineRect()
	if strip.Empty() || strip.Max != image.Pt(1400, 900) || strip.Dx() != 1400 {
		t.Fatalf("timeline strip %v on a 1400×900 canvas", strip)
	}
	// A point of the strip over a map.
	var p image.Point
	for _, pn := range viz.MapPanels {
		if r, _ := viz.MapRect(a.Grid()[pn], a.in.Height, a.in.Width); r.Overlaps(strip) {
			p = r.Intersect(strip).Min
			break
		}
	}
	pn, _, _, _, onMap := a.mapAt(p)
	if !onMap {
		t.Fatalf("no map under the timeline strip %v", strip)
	}
	if err := a.PointerMove(p); err != nil {
		t.Fatal(err)
	}
	if h := a.Hover(); h != nil && h.Text == "" {
		t.Errorf("the pointer on the timeline at %v hovers the %s panel under it", p, pn.Title())
	}
	if got := open(t, a, dumps); got == "" {
		t.Fatal("no step asked for after loading")
	}
	if a.TimelineOver() || a.Grid() == grid || a.TimelineRect() != strip {
		t.Fatalf("the open step did not take the strip: over %v, timeline %v (was %v)", a.TimelineOver(), a.TimelineRect(), strip)
	}
	for _, r := range a.Grid() {
		if r.Overlaps(strip) {
			t.Errorf("panel %v overlaps the timeline %v", r, strip)
		}
	}
	runGrid := a.Grid()
	loadSampleRun(t, a, n)
	if a.TimelineOver() || a.Grid() != runGrid {
		t.Errorf("a second run gave the strip back to the panels: over %v", a.TimelineOver())
	}
	a.EndRun()
	if a.TimelineOver() || !a.TimelineRect().Empty() || a.Grid() != grid {
		t.Errorf("after the run: over %v, timeline %v, grid %v, want %v", a.TimelineOver(), a.TimelineRect(), a.Grid(), grid)
	}
}

// TestRunModel: a run's summaries come in out of order and are kept in
// step order; once all are in, the last readable step is asked for; [ and
// ] ask for the neighbouring readable steps; clicking the timeline asks for
// the step under the pointer.
func TestRunModel(t *testing.T) {
	const n = 12
	a := New()
	a.SetCanvas(image.Pt(1400, 900))
	dumps := loadSampleRun(t, a, n)
	steps := a.Run.Steps()
	for i := 1; i < len(steps); i++ {
		if steps[i].Step <= steps[i-1].Step {
			t.Fatalf("steps out of order: %d then %d", steps[i-1].Step, steps[i].Step)
		}
	}
	if a.TimelineRect().Empty() {
		t.Fatal("no timeline on the canvas")
	}
	nan, _ := scene.SampleRunBroken(n)
	if got := open(t, a, dumps); got != steps[n-1].File {
		t.Fatalf("opened %q after loading, want the last step %s", got, steps[n-1].File)
	}
	if a.TimelineOver() {
		t.Error("a step is open and the timeline still lies over the panels")
	}
	for _, r := range a.Grid() {
		if r.Overlaps(a.TimelineRect()) {
			t.Errorf("panel %v overlaps the timeline %v", r, a.TimelineRect())
		}
	}
	// Back to the NaN step's neighbour, then over it.
	for i := n - 2; i >= nan-1; i-- {
		if i == nan {
			continue
		}
		a.Key("[")
		if got := open(t, a, dumps); got != steps[i].File {
			t.Fatalf("[ opened %q, want %s", got, steps[i].File)
		}
	}
	a.Key("]")
	if got := open(t, a, dumps); got != steps[nan+1].File {
		t.Errorf("] from before the NaN step opened %q, want %s", got, steps[nan+1].File)
	}
	// A click on the timeline over step 2.
	tl := a.Timeline()
	p := viz.TimelinePoint(a.TimelineRect(), tl, 2)
	a.PointerDown(p)
	a.PointerUp()
	if got := open(t, a, dumps); got != steps[2].File {
		t.Errorf("click at %v opened %q, want %s", p, got, steps[2].File)
	}
	a.PointerMove(p)
	if h := a.Hover(); h == nil || !bytes.Contains([]byte(h.String()), []byte(steps[2].File)) {
		t.Errorf("hover over step 2: %v", h)
	}
	if a.Input() != dumps[a.Run.byName[steps[2].File]].Input {
		t.Error("the step on screen is not the opened dump")
	}
}

// TestCompareSteps: b makes the open step A; opening another step shows
// B − A on the maps and the comparison of the totals; b again ends it.
func TestCompareSteps(t *testing.T) {
	const n = 12
	a := New()
	a.SetCanvas(image.Pt(1400, 900))
	dumps := loadSampleRun(t, a, n)
	open(t, a, dumps)
	a.Key("b")
	if a.Frame().Base != nil {
		t.Error("a step compared with itself")
	}
	a.OpenStep(1)
	open(t, a, dumps)
	base, b, ok := a.Comparison()
	if !ok || base.File != a.Run.Steps()[n-1].File || b.File != a.Run.Steps()[1].File {
		t.Fatalf("comparison %v %q %q", ok, base.File, b.File)
	}
	f := a.Frame()
	if f.Base == nil {
		t.Fatal("no step A maps on the frame")
	}
	// A's maps are those of the last step, in the same view.
	r, err := loss.Evaluate(dumps[n-1].Input, a.Options)
	if err != nil {
		t.Fatal(err)
	}
	v := a.View
	want := r.Pixels(nil, v.Stack, v.Image, v.Class, v.Corner)
	for i := range want.Prob {
		if f.Base.Prob[i] != want.Prob[i] {
			t.Fatalf("A's probability at %d: %v, want %v", i, f.Base.Prob[i], want.Prob[i])
		}
	}
	a.Key("c") // another view keeps comparing
	if a.Frame().Base == nil || a.Frame().Base.Prob[0] == want.Prob[0] && a.Frame().Corner == v.Corner {
		t.Error("the other corner lost the comparison")
	}
	a.Key("b")
	if a.Frame().Base != nil {
		t.Error("b did not end the comparison")
	}
	if _, _, ok := a.Comparison(); ok {
		t.Error("still comparing")
	}
}

// TestRunFollowsNewSteps: with the last step open, a later step that
// arrives opens; with an earlier step open, it does not.
func TestRunFollowsNewSteps(t *testing.T) {
	const n = 6
	a := New()
	a.SetCanvas(image.Pt(1400, 900))
	dumps := loadSampleRun(t, a, n-1)
	open(t, a, dumps)
	rs, err := scene.SampleRunStep(n-1, n)
	if err != nil {
		t.Fatal(err)
	}
	id, fresh := a.Run.AddFile(rs.Name)
	if !fresh {
		t.Fatal("a new file is not new")
	}
	a.RunSummary(id, timeline.Read(rs.Name, bytes.NewReader(rs.Data), int64(len(rs.Data)), a.Options, dump.Options{}))
	if _, name, ok := a.Run.Want(); !ok || name != rs.Name {
		t.Errorf("after a new last step: want %q %v, not %s", name, ok, rs.Name)
	}
	a.OpenStep(0)
	a.Run.Want()
	a.RunSummary(id, timeline.Read(rs.Name, bytes.NewReader(rs.Data), int64(len(rs.Data)), a.Options, dump.Options{}))
	if _, name, ok := a.Run.Want(); ok {
		t.Errorf("with step 0 asked for, a re-read of the last asked for %q", name)
	}
}

// TestNoRun: without a run, the run's questions have no answer and no
// panic.
func TestNoRun(t *testing.T) {
	a := New()
	if _, _, ok := a.Comparison(); ok {
		t.Error("a comparison without a run")
	}
	if _, _, ok := a.Run.Want(); ok {
		t.Error("a step wanted without a run")
	}
	if _, _, ok := a.NeedBase(); ok {
		t.Error("a step A needed without a run")
	}
	if a.Timeline() != nil || !a.TimelineRect().Empty() {
		t.Error("a timeline without a run")
	}
	for _, k := range []string{"[", "]", "b"} {
		if _, _, err := a.Key(k); err != nil {
			t.Errorf("key %s: %v", k, err)
		}
	}
}
