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
		for k := range 3000 {
			// Every other array starts 4 bytes past an 8-byte boundary:
			// the scan reads two values to a 64-bit word.
			buf := make([]float32, n+1)
			v := buf[k%2 : k%2+n]
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

// TestFirstNonFiniteAsTest: the two-to-a-word scan finds the same first
// value as math.IsNaN || math.IsInf one by one, over arrays of every
// length up to 13, starting on an 8-byte boundary or not, with values next
// to the infinities and NaNs of both signs and every payload's extremes.
func TestFirstNonFiniteAsTest(t *testing.T) {
	plain := func(v []float32) (int, bool) {
		for i, x := range v {
			if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
				return i, true
			}
		}
		return 0, false
	}
	special := []float32{0, float32(math.Copysign(0, -1)), math.SmallestNonzeroFloat32, math.MaxFloat32, -math.MaxFloat32,
		math.Float32frombits(0x7f7fffff), math.Float32frombits(0xff7fffff), math.Float32frombits(0x7f800001),
		math.Float32frombits(0xffffffff), math.Float32frombits(0x7fc00000), float32(math.Inf(1)), float32(math.Inf(-1)), 1, -2.5}
	r := rand.New(rand.NewPCG(3, 4))
	for n := range 14 {
		for off := range 2 {
			for range 3000 {
				buf := make([]float32, n+1)
				v := buf[off : off+n]
				for i := range v {
					if r.IntN(3) == 0 {
						v[i] = special[r.IntN(len(special))]
					} else {
						v[i] = float32(r.NormFloat64() * 10)
					}
				}
				gi, gok := FirstNonFinite(v)
				wi, wok := plain(v)
				if gi != wi || gok != wok {
					t.Fatalf("%v: FirstNonFinite %d %v, one by one %d %v", v, gi, gok, wi, wok)
				}
			}
		}
	}
}
