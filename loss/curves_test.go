package loss_test

import (
	"math"
	"testing"

	"github.com/cornerloss/cornerloss/loss"
)

// TestCurveFunctions checks the curve functions against the textbook
// formulas in float64 (independent of the engine's float32 steps) within
// float32 rounding, and the clamp: under the reference p stops at ε and 1−ε
// and the term with it; under mmdet it does not.
func TestCurveFunctions(t *testing.T) {
	o := loss.DefaultOptions()
	f := o.FocalAt()
	for _, p := range []float64{0.01, 0.1, 0.3, 0.5, 0.8, 0.95} {
		x := loss.Logit(p)
		pe := 1 / (1 + math.Exp(-float64(x)))
		pos := math.Log(pe) * math.Pow(1-pe, o.Alpha)
		if got := f(x, 1); math.Abs(got.Term-pos) > 1e-5*math.Abs(pos)+1e-7 || got.Clamped {
			t.Errorf("positive at p=%g: %v, want %g", p, got, pos)
		}
		for _, y := range []float32{0, 0.5, 0.9} {
			neg := math.Log(1-pe) * math.Pow(pe, o.Alpha) * math.Pow(1-float64(y), o.Beta)
			if got := f(x, y); math.Abs(got.Term-neg) > 1e-5*math.Abs(neg)+1e-9 {
				t.Errorf("negative y=%g at p=%g: %v, want %g", y, p, got.Term, neg)
			}
		}
	}
	lo := f(-30, 1)
	if !lo.Clamped || float32(lo.P) != float32(o.Eps) {
		t.Errorf("logit -30 under the reference: %+v, want p clamped to ε", lo)
	}
	m := o
	m.Convention = loss.MMDet
	if got := m.FocalAt()(-30, 1); got.Clamped || got.P >= o.Eps {
		t.Errorf("logit -30 under mmdet: %+v, want p unclamped, below ε", got)
	}
	for d, want := range map[float32]float64{0: 0, 0.5: 0.125, -0.5: 0.125, 1: 0.5, 3: 2.5, -2: 1.5} {
		if got := loss.SmoothL1(d); got != want {
			t.Errorf("SmoothL1(%g) = %g, want %g", d, got, want)
		}
	}
	for d, want := range map[float32]float64{0: 1, 0.25: 0.75, -0.25: 0.75, 1: 0, 2.5: 0} {
		for _, c := range []loss.Convention{loss.Reference, loss.MMDet} {
			if got := c.PushHinge(d); got != want {
				t.Errorf("%v PushHinge(%g) = %g, want %g", c, d, got, want)
			}
		}
	}
}
