package app

import (
	"fmt"
	"image"
	"slices"
	"testing"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/viz"
)

// TestPresentationPanels: presentation mode lays out only the chosen
// panels (the default set, or what SetPanels chose), larger, and a press
// where a hidden map would be grabs nothing; leaving it shows every panel.
func TestPresentationPanels(t *testing.T) {
	a := New()
	a.SetCanvas(image.Pt(704, 768))
	before := a.Grid()
	a.SetPresenting(true)
	shown := func() []viz.Panel {
		var ps []viz.Panel
		for p, r := range a.Grid() {
			if !r.Empty() {
				ps = append(ps, viz.Panel(p))
			}
		}
		return ps
	}
	if got := shown(); fmt.Sprint(got) != fmt.Sprint(DefaultPanels) {
		t.Errorf("presentation shows %v, want %v", got, DefaultPanels)
	}
	{
		_, z0 := viz.MapRect(before[viz.PanelTarget], 128, 128)
		if _, z := viz.MapRect(a.Grid()[viz.PanelTarget], 128, 128); z <= z0 {
			t.Errorf("target map at zoom %d in presentation, %d outside it", z, z0)
		}
	}
	a.SetPanels(viz.PanelProb, viz.PanelPush)
	if got := shown(); fmt.Sprint(got) != fmt.Sprint([]viz.Panel{viz.PanelProb, viz.PanelPush}) {
		t.Errorf("after SetPanels: %v", got)
	}
	// Where the target map was, nothing is grabbed now.
	o := a.Frame().Objects[0].Exact[loss.TopLeft]
	r, zoom := viz.MapRect(before[viz.PanelTarget], 128, 128)
	p := image.Pt(r.Min.X+int(o[0]*float64(zoom)), r.Min.Y+int(o[1]*float64(zoom)))
	if pn, _, _, _, ok := a.mapAt(p); ok && pn == viz.PanelTarget {
		t.Errorf("the hidden target map answers at %v", p)
	}
	a.SetPresenting(false)
	if got := len(shown()); got != int(viz.NumPanels) {
		t.Errorf("%d panels after leaving presentation mode", got)
	}
}

// TestPresentationFollowsTheWalk: presenting, the canvas shows the walk's
// step's panels only, step after step, and the chosen ones again after it.
func TestPresentationFollowsTheWalk(t *testing.T) {
	a := New()
	a.SetCanvas(image.Pt(1024, 768))
	a.SetPresenting(true)
	a.SetPanels(viz.PanelProb)
	shown := func() string {
		var ps []viz.Panel
		for p, r := range a.Grid() {
			if !r.Empty() {
				ps = append(ps, viz.Panel(p))
			}
		}
		return fmt.Sprint(ps)
	}
	for n, st := range TourSteps() {
		if err := a.StartTour(n + 1); err != nil {
			t.Fatal(err)
		}
		if len(st.Panels) == 0 {
			continue
		}
		want := append([]viz.Panel(nil), st.Panels...)
		slices.Sort(want)
		if got := shown(); got != fmt.Sprint(want) {
			t.Errorf("step %s: the canvas shows %s, want %v", st.ID, got, want)
		}
	}
	a.LeaveTour()
	if got := shown(); got != fmt.Sprint([]viz.Panel{viz.PanelProb}) {
		t.Errorf("after the walk: %s", got)
	}
}
