package viz

import (
	"image"
	"testing"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/dump"
	"github.com/cornerloss/cornerloss/loss/scene"
	"github.com/cornerloss/cornerloss/viz/viztest"
)

// sampleFrame returns the frame of step i of a sample run of n.
func sampleFrame(t *testing.T, i, n int) *Frame {
	t.Helper()
	rs, err := scene.SampleRunStep(i, n)
	if err != nil {
		t.Fatal(err)
	}
	d, err := dump.ReadNPZ(rs.Name, rs.Data, dump.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := loss.Evaluate(d.Input, loss.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	return NewFrame(r, 1, 0, 0, loss.TopLeft, ObjectsFromInput(d.Input, 0))
}

// TestCompareSelfIsZero: a step compared with itself shows 0 everywhere,
// the middle of the diverging map, on every map panel; compared with an
// earlier step it does not.
func TestCompareSelfIsZero(t *testing.T) {
	f := sampleFrame(t, 10, 12)
	self := *f.Maps
	f.SetBase(&self)
	mid := CoolWarm.At(0.5)
	for _, p := range MapPanels {
		v, s := f.diffPlane(p)
		for i, x := range v {
			if x != 0 {
				t.Fatalf("%s: B − B is %v at %d", p.Title(), x, i)
			}
		}
		if got := CoolWarm.At(s.Norm(0)); got != mid {
			t.Errorf("%s: 0 drawn as %v, want the middle %v", p.Title(), got, mid)
		}
	}
	a := sampleFrame(t, 2, 12)
	f.SetBase(a.Maps)
	v, _ := f.diffPlane(PanelProb)
	nonzero := 0
	for i, x := range v {
		if want := f.Maps.Prob[i] - a.Maps.Prob[i]; x != want {
			t.Fatalf("prob B − A at %d: %v, want %v", i, x, want)
		}
		if x != 0 {
			nonzero++
		}
	}
	if nonzero == 0 {
		t.Error("steps 2 and 10 have the same probabilities")
	}
}

// TestSnapshotCompare draws the probability and focal panels of a late
// sample step minus an early one.
func TestSnapshotCompare(t *testing.T) {
	f := sampleFrame(t, 10, 12)
	f.SetBase(sampleFrame(t, 2, 12).Maps)
	img := canvas(2*300, 260, canvasColor)
	DrawPanel(img, image.Rect(0, 0, 300, 260), PanelProb, f)
	DrawPanel(img, image.Rect(300, 0, 600, 260), PanelFocal, f)
	viztest.CheckGolden(t, "compare_prob_focal", img)
}
