package app

import (
	"image"
	"testing"

	"github.com/cornerloss/cornerloss/viz"
)

// TestRunLayoutSmall: with a run, on a tablet's and a projector's canvas,
// the timeline gives up height so that the maps keep 128 pixels a side
// (zoom 1 of a 128×128 map) and the other panels their least size; on a
// desktop's canvas it keeps its third of the height.
func TestRunLayoutSmall(t *testing.T) {
	for _, c := range []struct {
		size image.Point
		full bool // the timeline keeps timelineHeight
	}{{image.Pt(704, 768), false}, {image.Pt(900, 720), false}, {image.Pt(1540, 1080), true}} {
		a := New()
		a.SetCanvas(c.size)
		a.StartRun(RunSample, nil)
		a.layout() // as when a step opens: the strip is the timeline's
		tl := a.TimelineRect()
		if tl.Dy() < timelineLeast || c.full && tl.Dy() != timelineHeight(c.size) {
			t.Errorf("%v: timeline %v", c.size, tl)
		}
		g := a.Grid()
		for _, p := range viz.MapPanels {
			r, _ := viz.MapRect(g[p], 128, 128)
			if r.Dx() < 128 || !r.In(g[p]) || g[p].Overlaps(tl) {
				t.Errorf("%v: %s's map %v in %v, timeline %v", c.size, p.Title(), r, g[p], tl)
			}
		}
		for _, p := range []viz.Panel{viz.PanelEmbedding, viz.PanelOffsets, viz.PanelPush, viz.PanelCurves} {
			if d := g[p].Size(); d.X < 240 || d.Y < 150 || g[p].Overlaps(tl) {
				t.Errorf("%v: %s is %v", c.size, p.Title(), g[p])
			}
		}
	}
}

// TestTourCurve: the walk's push and offsets steps give the curves panel
// their curve (where it has room for one), the free page the focal curves.
func TestTourCurve(t *testing.T) {
	a := New()
	for n, st := range TourSteps() {
		if err := a.StartTour(n + 1); err != nil {
			t.Fatal(err)
		}
		want := viz.CurveFocal
		switch st.ID {
		case "push":
			want = viz.CurveHinge
		case "offsets":
			want = viz.CurveSmoothL1
		}
		if got := a.Frame().Curve; got != want {
			t.Errorf("step %s: curve %d, want %d", st.ID, got, want)
		}
	}
	a.StartTour(7)
	a.LeaveTour()
	if got := a.Frame().Curve; got != viz.CurveFocal {
		t.Errorf("after the walk: curve %d", got)
	}
}
