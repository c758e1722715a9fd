package loss

import "testing"

// TestMMDetSharedOffsetPixel: under MMDet, two valid slots whose corner is
// one pixel (here of different classes) make one term of the offset loss,
// the later slot's, and the earlier slot has no gradient; the offset
// gradients still match finite differences of the total.
func TestMMDetSharedOffsetPixel(t *testing.T) {
	sh := Shape{Stacks: 2, Batch: 2, Classes: 2, Height: 6, Width: 7, Slots: 5}
	in := randomInput(21, sh, []int{3, 2})
	const pix = 2*7 + 3
	in.Inds[TopLeft][sh.SlotIndex(0, 0)], in.Inds[TopLeft][sh.SlotIndex(0, 2)] = pix, pix
	in.GTHeat[TopLeft][sh.TargetIndex(0, 0, 2, 3)] = 1
	in.GTHeat[TopLeft][sh.TargetIndex(0, 1, 2, 3)] = 1
	o := DefaultOptions()
	o.Convention = MMDet
	r := mustEvaluate(t, in, o)
	off := r.Offsets(1, 0, TopLeft)
	if len(off.Counted) != 3 || off.Counted[0] || !off.Counted[2] {
		t.Fatalf("counted %v: want slot 0 left out, slot 2 counted", off.Counted)
	}
	if off.Loss[0] != 0 || off.Grad[0] != [2]float64{} {
		t.Errorf("slot 0 shares its pixel with slot 2: loss %v grad %v, want 0", off.Loss[0], off.Grad[0])
	}
	for _, c := range Corners {
		g := r.RegrGrad(c)
		for i := range g {
			const h = 1e-2
			at := func(d float32) float64 {
				c2 := in.clone()
				c2.Regr[c][i] += d
				return mustEvaluate(t, c2, o).Loss
			}
			if fd := (at(h) - at(-h)) / (2 * h); !near(g[i], fd, 2e-3, 2e-6) {
				t.Errorf("%v offset %d: gradient %.6g, finite difference %.6g", c, i, g[i], fd)
			}
		}
	}
}

// TestMMDetSharedOffsetQuirk: slots of different classes on one corner
// pixel are flagged under MMDet (one offset term), and not under the
// reference, where each slot counts.
func TestMMDetSharedOffsetQuirk(t *testing.T) {
	sh := Shape{Stacks: 1, Batch: 2, Classes: 2, Height: 6, Width: 7, Slots: 5}
	in := randomInput(22, sh, []int{3, 2})
	const pix = 2*7 + 3
	in.Inds[BottomRight][sh.SlotIndex(1, 0)], in.Inds[BottomRight][sh.SlotIndex(1, 1)] = pix, pix
	for cls := range sh.Classes {
		in.GTHeat[BottomRight][sh.TargetIndex(1, cls, 2, 3)] = float32(cls) // class 1 has the positive
	}
	o := DefaultOptions()
	o.Convention = MMDet
	if !hasQuirk(mustEvaluate(t, in, o), QuirkSharedOffset, 1) {
		t.Errorf("mmdet: quirks %v lack %s on image 1", mustEvaluate(t, in, o).Quirks(), QuirkSharedOffset)
	}
	if q := mustEvaluate(t, in, o).Quirks(); hasQuirk(mustEvaluate(t, in, o), QuirkSharedOffset, 0) {
		t.Errorf("mmdet: %s on image 0, which shares no pixel: %v", QuirkSharedOffset, q)
	}
	if hasQuirk(mustEvaluate(t, in, DefaultOptions()), QuirkSharedOffset, 1) {
		t.Errorf("reference: %s fired", QuirkSharedOffset)
	}
}
