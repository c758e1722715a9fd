package loss

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestPixelsFromSameMaps: the maps PixelsFrom gives, recomputing only the
// rows that changed since its last call, are those Pixels computes from
// scratch, bit for bit, through a sequence of row patches (background,
// bumps, clamped and repeated logits), option changes, other planes and
// another step, under both conventions.
func TestPixelsFromSameMaps(t *testing.T) {
	sh := Shape{Stacks: 2, Batch: 2, Classes: 3, Height: 24, Width: 20, Slots: 8}
	for _, conv := range []Convention{Reference, MMDet} {
		in := randomInput(3, sh, []int{3, 2})
		rng := rand.New(rand.NewPCG(9, uint64(conv)))
		opt := DefaultOptions()
		opt.Convention = conv
		var terms PlaneTerms
		var got *PixelMaps
		views := [][4]int{{0, 0, 1, 0}, {1, 1, 2, 1}}
		for step := range 40 {
			v := views[step/15%2]
			stack, image, class, c := v[0], v[1], v[2], Corner(v[3])
			// A patch of a few rows of the viewed plane, as a drag makes.
			y0 := rng.IntN(sh.Height)
			y1 := min(sh.Height, y0+1+rng.IntN(4))
			if step%4 == 1 {
				y1 = y0 // some edits of the options alone
			}
			x, y := planeOf(in, stack, image, class, c)
			for i := y0 * sh.Width; i < y1*sh.Width; i++ {
				switch rng.IntN(5) {
				case 0:
					x[i] = float32(rng.NormFloat64() * 20) // clamps too
				case 1:
					y[i] = float32(rng.Float64())
				case 2:
					x[i] = -8.5 // repeated logits: the exact path
				default:
					x[i] = float32(-3 + 2*rng.NormFloat64())
				}
			}
			switch step {
			case 7, 8, 9, 10: // new α: the background finished from its logs
				opt.Alpha = []float64{2.5, 1.5, 2, 3}[step-7]
			case 11:
				opt.PullWeight = 0.3 // weights leave the terms as they were
			case 20, 21:
				opt.Beta = []float64{3, 4.5}[step-20]
			case 25:
				opt.Eps = 1e-3 // new logs
			case 26:
				opt.Alpha = 2.25
			case 33:
				in = in.clone() // another step, the same numbers
			}
			r := mustEvaluate(t, in, opt)
			got = r.PixelsFrom(got, &terms, stack, image, class, c)
			want := r.Pixels(nil, stack, image, class, c)
			if d := mapsDiffer(got, want); d != "" {
				t.Fatalf("%v, step %d: %s", conv, step, d)
			}
		}
	}
}

// mapsDiffer names the first pixel where a and b differ in any bit.
func mapsDiffer(a, b *PixelMaps) string {
	if a.Height != b.Height || a.Width != b.Width {
		return "shapes differ"
	}
	if math.Float64bits(a.PosSum) != math.Float64bits(b.PosSum) || math.Float64bits(a.NegSum) != math.Float64bits(b.NegSum) {
		return "sums differ"
	}
	f32 := map[string][2][]float32{"logit": {a.Logit, b.Logit}, "target": {a.Target, b.Target}, "prob": {a.Prob, b.Prob}}
	for name, p := range f32 {
		for i := range p[0] {
			if math.Float32bits(p[0][i]) != math.Float32bits(p[1][i]) {
				return name + " differs at " + fmt.Sprint(i)
			}
		}
	}
	f64 := map[string][2][]float64{"pos": {a.Pos, b.Pos}, "neg": {a.Neg, b.Neg}, "weight": {a.Weight, b.Weight}, "grad": {a.Grad, b.Grad}}
	for name, p := range f64 {
		for i := range p[0] {
			if math.Float64bits(p[0][i]) != math.Float64bits(p[1][i]) {
				return name + " differs at " + fmt.Sprint(i)
			}
		}
	}
	for i := range a.Clamped {
		if a.Clamped[i] != b.Clamped[i] {
			return "clamped differs at " + fmt.Sprint(i)
		}
	}
	return ""
}
