package viz

import (
	"math"
	"testing"
)

func TestNorm(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		name string
		s    Scale
		v    float64
		want float64
	}{
		{"zero scale is [0,1]", Scale{}, 0.25, 0.25},
		{"linear low", Linear(-2, 6), -2, 0},
		{"linear mid", Linear(-2, 6), 2, 0.5},
		{"linear high", Linear(-2, 6), 6, 1},
		{"linear clamps", Linear(-2, 6), 100, 1},
		{"linear swapped", Linear(6, -2), 0, 0.25},
		{"linear degenerate", Linear(3, 3), 3, 0},
		{"linear degenerate above", Linear(3, 3), 4, 0},
		{"linear non-finite", Linear(nan, 5), 0.5, 0.5},
		{"log floor", Log(1e-12, 10), 1e-12, 0},
		{"log below floor", Log(1e-12, 10), 1e-20, 0},
		{"log zero", Log(1e-12, 10), 0, 0},
		{"log negative", Log(1e-12, 10), -5, 0},
		{"log decade", Log(1e-12, 10), 1e-1, 11.0 / 13},
		{"log top", Log(1e-12, 10), 10, 1},
		{"log inf", Log(1e-12, 10), math.Inf(1), 1},
		{"log floor from hi", Log(0, 1), 1e-6, 0.5},
		{"symmetric zero", Symmetric(2), 0, 0.5},
		{"symmetric low", Symmetric(2), -2, 0},
		{"symmetric quarter", Symmetric(-2), 1, 0.75},
		{"symmetric degenerate", Symmetric(0), 5, 0.5},
		{"symlog zero", SymLog(10, 1), 0, 0.5},
		{"symlog top", SymLog(10, 1), 10, 1},
		{"symlog bottom", SymLog(10, 1), -10, 0},
		{"symlog odd", SymLog(10, 1), -3, 0.5 - 0.5*math.Log10(4)/math.Log10(11)},
		{"symlog degenerate", SymLog(0, 0), 0, 0.5},
	} {
		if got := tc.s.Norm(tc.v); !closeTo(got, tc.want) {
			t.Errorf("%s: Norm(%g) = %g, want %g", tc.name, tc.v, got, tc.want)
		}
	}
	for _, s := range []Scale{{}, Linear(0, 1), Log(1e-3, 1), Symmetric(1), SymLog(1, 0.1)} {
		if got := s.Norm(nan); !math.IsNaN(got) {
			t.Errorf("%+v: Norm(NaN) = %g, want NaN", s, got)
		}
	}
}

func TestDomain(t *testing.T) {
	for _, tc := range []struct {
		s      Scale
		lo, hi float64
	}{
		{Scale{}, 0, 1},
		{Linear(5, -1), -1, 5},
		{Log(-1, 100), 1e-10, 100},
		{Log(0, 0), 1e-12, 1},
		{Symmetric(-3), -3, 3},
		{SymLog(2, 0), -2, 2},
	} {
		lo, hi := tc.s.Domain()
		if !closeTo(lo, tc.lo) || !closeTo(hi, tc.hi) {
			t.Errorf("%+v: Domain() = %g, %g, want %g, %g", tc.s, lo, hi, tc.lo, tc.hi)
		}
	}
}

// closeTo compares computed floats: Norm divides and takes logarithms, so
// allow a few ulps of relative error (1e-12), and as much absolutely near 0.
func closeTo(got, want float64) bool {
	return math.Abs(got-want) <= 1e-12*math.Max(1, math.Abs(want))
}
