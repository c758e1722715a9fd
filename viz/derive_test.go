package viz

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestMinMaxAsBuiltins: the inlined minf and maxf give what the
// builtins give, bit for bit, over NaN, both zeros, infinities and
// ordinary numbers in every order.
func TestMinMaxAsBuiltins(t *testing.T) {
	vals := []float64{math.NaN(), 0, math.Copysign(0, -1), 1, -1, 2.5, math.Inf(1), math.Inf(-1), 1e-300, -3e38}
	same := func(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) || a != a && b != b }
	for _, a := range vals {
		for _, b := range vals {
			if got, want := minf(a, b), min(a, b); !same(got, want) {
				t.Errorf("minf(%v, %v) = %v, the builtin gives %v", a, b, got, want)
			}
			if got, want := maxf(a, b), max(a, b); !same(got, want) {
				t.Errorf("maxf(%v, %v) = %v, the builtin gives %v", a, b, got, want)
			}
			a32, b32 := float32(a), float32(b)
			if got, want := maxf(a32, b32), max(a32, b32); !same(float64(got), float64(want)) {
				t.Errorf("maxf[float32](%v, %v) = %v, the builtin gives %v", a32, b32, got, want)
			}
		}
	}
}

// TestFindPeaksAsSort: findPeaks keeps what sorting every peak by
// probability, stably, and keeping the first maxPeaks gives, on planes with
// many peaks, ties among them, and few.
func TestFindPeaksAsSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := range 60 {
		h, w := 5+rng.IntN(40), 5+rng.IntN(40)
		prob := make([]float32, h*w)
		levels := 2 + rng.IntN(30) // few levels: many ties
		for i := range prob {
			if rng.IntN(3+trial%7) == 0 {
				prob[i] = float32(rng.IntN(levels)) / float32(levels)
			}
		}
		var want []peak
		for y := range h {
			for x := range w {
				if v := prob[y*w+x]; v > peakThreshold && isLocalMax(prob, h, w, x, y) {
					want = append(want, peak{x, y, v})
				}
			}
		}
		slices.SortStableFunc(want, func(a, b peak) int {
			switch {
			case a.p > b.p:
				return -1
			case a.p < b.p:
				return 1
			}
			return 0
		})
		want = want[:min(len(want), maxPeaks)]
		if got := findPeaks(nil, prob, h, w); !slices.Equal(got, want) {
			t.Fatalf("trial %d (%d×%d): got %v, want %v", trial, h, w, got, want)
		}
	}
}
