package loss

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestEvaluatorMatchesEvaluate runs long random edit sequences (logits,
// targets, tags, offsets, masks, weights, α, β, ε, convention) on an
// Evaluator told only what changed, and checks after every step that its
// result equals a fresh Evaluate of the same input, bit for bit.
func TestEvaluatorMatchesEvaluate(t *testing.T) {
	sh := Shape{Stacks: 2, Batch: 2, Classes: 3, Height: 12, Width: 10, Slots: 6}
	in := randomInput(41, sh, []int{3, 5})
	o := DefaultOptions()
	e, err := NewEvaluator(in, o)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for step := range 400 {
		var what string
		switch rng.IntN(9) {
		case 0, 1, 2: // logits in a patch of one plane of one stack
			s, b, cls, c := rng.IntN(sh.Stacks), rng.IntN(sh.Batch), rng.IntN(sh.Classes), Corners[rng.IntN(2)]
			y0, x0 := rng.IntN(sh.Height), rng.IntN(sh.Width)
			y1, x1 := min(y0+1+rng.IntN(4), sh.Height), min(x0+1+rng.IntN(4), sh.Width)
			for y := y0; y < y1; y++ {
				for x := x0; x < x1; x++ {
					in.Heat[c][sh.HeatIndex(s, b, cls, y, x)] = float32(rng.NormFloat64()*6 - 2)
				}
			}
			e.Changed(c, s, b, cls, y0, y1)
			what = "logits"
		case 3, 4: // a target patch, shared by the stacks
			b, cls, c := rng.IntN(sh.Batch), rng.IntN(sh.Classes), Corners[rng.IntN(2)]
			y0 := rng.IntN(sh.Height)
			y1 := min(y0+1+rng.IntN(3), sh.Height)
			for y := y0; y < y1; y++ {
				for x := range sh.Width {
					v := float32(0)
					switch rng.IntN(4) {
					case 0:
						v = 1
					case 1:
						v = float32(rng.Float64())
					}
					in.GTHeat[c][sh.TargetIndex(b, cls, y, x)] = v
				}
			}
			e.Changed(c, -1, b, cls, y0, y1)
			what = "targets"
		case 5: // slots: tags, offsets, mask
			i := rng.IntN(len(in.Tag[TopLeft]))
			in.Tag[Corners[rng.IntN(2)]][i] = float32(rng.NormFloat64())
			in.Regr[Corners[rng.IntN(2)]][2*i+rng.IntN(2)] = float32(rng.Float64())
			in.Mask[rng.IntN(len(in.Mask))] = uint8(rng.IntN(2))
			what = "slots"
		case 6: // weights
			o.PullWeight, o.PushWeight, o.RegrWeight = rng.Float64(), rng.Float64(), rng.Float64()*2
			what = "weights"
		case 7: // β alone
			o.Beta = []float64{4, 2, 3.5, 0}[rng.IntN(4)]
			what = "beta"
		case 8: // α, ε or the convention
			switch rng.IntN(3) {
			case 0:
				o.Alpha = []float64{2, 2, 1.5, 3, 0.5, 6}[rng.IntN(6)]
			case 1:
				o.Eps = []float64{1e-4, 1e-3, 1e-6}[rng.IntN(3)]
			case 2:
				o.Convention = Convention(rng.IntN(2))
			}
			what = "kernel"
		}
		if err := e.SetOptions(o); err != nil {
			t.Fatal(err)
		}
		got := e.Result()
		want := mustEvaluate(t, in, o)
		// Bit for bit, except where a change of α was summed from the
		// moments: there, to the series' 1e-11 and float64 summation.
		same := func(a, b float64) bool { return a == b }
		if slices.Contains(e.bgStale, true) {
			same = func(a, b float64) bool { return near(a, b, 1e-10, 1e-300) }
		}
		if !same(got.Loss, want.Loss) || !same(got.Weighted.Focal(), want.Weighted.Focal()) ||
			got.Weighted.Pull != want.Weighted.Pull || got.Weighted.Push != want.Weighted.Push ||
			got.Weighted.Regr() != want.Weighted.Regr() || got.NumPos != want.NumPos || got.Clamped != want.Clamped {
			t.Fatalf("step %d (%s): incremental %+v (loss %v), full %+v (loss %v)", step, what, got.Weighted, got.Loss, want.Weighted, want.Loss)
		}
		for s := range got.Stacks {
			if !same(got.Stacks[s].FocalTL, want.Stacks[s].FocalTL) || !same(got.Stacks[s].FocalBR, want.Stacks[s].FocalBR) {
				t.Fatalf("step %d (%s): stack %d differs", step, what, s)
			}
		}
	}
}

// TestEvaluatorBetaOnlyRecomputesBumps: changing β recomputes only rows with
// bumps or positives; rows of plain background keep their cached sums.
func TestEvaluatorBetaOnlyRecomputesBumps(t *testing.T) {
	sh := Shape{Stacks: 1, Batch: 1, Classes: 1, Height: 8, Width: 8, Slots: 2}
	in := randomInput(3, sh, []int{0})
	for _, c := range Corners {
		clear(in.GTHeat[c])
	}
	in.GTHeat[TopLeft][3*8+4] = 0.5
	e, err := NewEvaluator(in, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	before := e.rows[0]
	o := DefaultOptions()
	o.Beta = 2
	e.SetOptions(o)
	if e.rows[0] != before {
		t.Error("a background row was recomputed for a change of β")
	}
	if e.rows[3].other == (focalSums{}) || !e.rows[3].others {
		t.Error("the row with a bump has no other part")
	}
	if got, want := e.Result().Loss, mustEvaluate(t, in, o).Loss; got != want {
		t.Errorf("loss %v after β, full %v", got, want)
	}
}

// TestAlphaFromMoments: sums from the moments agree with full evaluations
// over α in [0, 8], on COCO-like data and at the clamp.
func TestAlphaFromMoments(t *testing.T) {
	for _, conv := range []Convention{Reference, MMDet} {
		alphaFromMoments(t, conv)
	}
}

func alphaFromMoments(t *testing.T, conv Convention) {
	sh := Shape{Stacks: 1, Batch: 2, Classes: 4, Height: 16, Width: 16, Slots: 4}
	in := randomInput(77, sh, []int{2, 3})
	rng := rand.New(rand.NewPCG(1, 1))
	for i := range in.Heat[TopLeft] {
		in.Heat[TopLeft][i] = float32(-4.6 + 3*rng.NormFloat64()) // some past the clamp on both sides
		in.Heat[BottomRight][i] = -12
	}
	if conv == MMDet { // logits past the fast functions' reach, and where 1-p rounds to 1
		for i := range 40 {
			in.Heat[TopLeft][i*13] = float32(rng.Float64()*60 - 30)
		}
	}
	o0 := DefaultOptions()
	o0.Convention = conv
	e, err := NewEvaluator(in, o0)
	if err != nil {
		t.Fatal(err)
	}
	for _, alpha := range []float64{2.5, 0, 0.25, 1, 3.7, 6, 8, 2} {
		o := o0
		o.Alpha = alpha
		if err := e.SetOptions(o); err != nil {
			t.Fatal(err)
		}
		got, want := e.Result(), mustEvaluate(t, in, o)
		if !near(got.Loss, want.Loss, 1e-10, 0) || got.Clamped != want.Clamped {
			t.Errorf("%v α=%v: from moments %.15g (clamped %v), full %.15g (%v)", conv, alpha, got.Loss, got.Clamped, want.Loss, want.Clamped)
		}
	}
	if !slices.Contains(e.bgStale, true) {
		t.Error("the moments were not used")
	}
}
