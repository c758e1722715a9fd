package loss

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestFirstOutsideUnitAsTest: the four-at-a-time scan finds the same
// first value as testing y < 0 || y > 1 one by one, over arrays of every
// length up to 13 and values on both sides of the bounds: ±0, the
// smallest subnormals, 1 and the floats next to it, NaN of both signs,
// infinities, and ORs of in-range bits that exceed 1's.
func TestFirstOutsideUnitAsTest(t *testing.T) {
	plain := func(v []float32) int {
		for i, y := range v {
			if y < 0 || y > 1 {
				return i
			}
		}
		return -1
	}
	special := []float32{0, float32(math.Copysign(0, -1)), math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32,
		1, math.Nextafter32(1, 0), math.Nextafter32(1, 2), 0.5, 0.25, 0.75, 0.999,
		float32(math.NaN()), -float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), -0.5, 2, 1e-30}
	r := rand.New(rand.NewPCG(1, 2))
	for n := range 14 {
		for range 3000 {
			v := make([]float32, n)
			for i := range v {
				switch r.IntN(4) {
				case 0:
					v[i] = special[r.IntN(len(special))]
				case 1:
					v[i] = r.Float32() // in [0, 1)
				default:
					v[i] = 0
				}
			}
			if got, want := firstOutsideUnit(v), plain(v); got != want {
				t.Fatalf("%v: firstOutsideUnit %d, one by one %d", v, got, want)
			}
		}
	}
}
