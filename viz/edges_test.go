package viz

import (
	"math"
	"testing"
)

// TestEdgesExact checks that the table Fill searches gives, for the float32s
// on both sides of every edge, the entry that At(Norm(v)) picks, including
// domains that reach past float32's range.
func TestEdgesExact(t *testing.T) {
	for _, s := range []Scale{
		Log(1e-12, 10), Log(0.5, 2), Log(1e-300, 1e300), Log(1e-50, 1e-40), Log(3, 3.0000001),
		SymLog(2, 1e-6), SymLog(1e-3, 1e-3), SymLog(1e38, 1e-45),
	} {
		if s.edges == nil {
			t.Fatalf("%+v: no edges", s)
		}
		down, up := float32(math.Inf(-1)), float32(math.Inf(1))
		for k := 1; k < 256; k++ {
			e := s.edges.at[k]
			for _, v := range []float32{math.Nextafter32(e, down), e, math.Nextafter32(e, up)} {
				if v != v || math.IsInf(float64(v), 0) {
					continue
				}
				if got, want := s.edges.find(v), s.entry(v); got != want {
					t.Errorf("%+v: edge %d: find(%g) = %d, Norm gives entry %d", s, k, v, got, want)
				}
			}
		}
	}
	// A degenerate domain keeps the plain path.
	if s := Log(2, 2); s.edges != nil {
		t.Errorf("Log(2, 2) has edges")
	}
}

func BenchmarkLog(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Log(1e-12, 10)
	}
}
