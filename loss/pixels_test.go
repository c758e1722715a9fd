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

// TestTermsAsPoints: the maps' loop, which inlines backgroundPointLogs by
// hand, gives each pixel what the kernel's own functions give it, bit for
// bit: backgroundPointLogs on a plain background pixel (its logs too),
// bgFinish from those logs after a change of α, point on the others; over
// logits at and around both clamps, the fast functions' reach, 0, NaN and
// ±Inf, targets +0, -0, in (0, 1) and 1, both conventions, several α and ε.
// It fails if the inlined steps drift from the functions they copy.
func TestTermsAsPoints(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var opts []Options
	for _, conv := range []Convention{Reference, MMDet} {
		for _, a := range []float64{0, 1.5, 2, 3} {
			for _, eps := range []float64{1e-4, 1e-6} {
				o := DefaultOptions()
				o.Convention, o.Alpha, o.Eps = conv, a, eps
				opts = append(opts, o)
			}
		}
	}
	same := func(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }
	for _, o := range opts {
		k := newKernel(o)
		var xs []float32
		for _, c := range []float32{k.xLo, k.xHi, k.xTab, 0, -fastLogitMax, fastLogitMax, 10, -17.33} {
			xs = append(xs, c, math.Nextafter32(c, -100), math.Nextafter32(c, 100), c-1e-3, c+1e-3)
		}
		xs = append(xs, float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.Copysign(0, -1)))
		for range 3000 {
			xs = append(xs, float32(-4.6+3*rng.NormFloat64()))
		}
		n := len(xs)
		m := &PixelMaps{}
		m.resize(1, n)
		copy(m.Logit, xs)
		for i := range n {
			switch rng.IntN(12) {
			case 0:
				m.Target[i] = 1
			case 1:
				m.Target[i] = rng.Float32()
			case 2:
				m.Target[i] = float32(math.Copysign(0, -1))
			}
		}
		logs := make([]bgLogs, n)
		m.terms(k, 0, n, logs, false)
		// α changed: the pixels with logs finish from them.
		o2 := o
		o2.Alpha += 0.75
		k2 := newKernel(o2)
		inputs := func() *PixelMaps { // m's logits and targets, no terms yet
			c := &PixelMaps{}
			c.resize(1, n)
			copy(c.Logit, m.Logit)
			copy(c.Target, m.Target)
			return c
		}
		m2 := inputs()
		m2.terms(k2, 0, n, logs, true)
		m3 := inputs()
		m3.terms(k, 0, n, nil, false)
		fast := 0
		for i, x := range xs {
			y := m.Target[i]
			var want, want2 focalPoint
			var wantLogs bgLogs
			if plainPixel(x, y) {
				want, wantLogs = k.backgroundPointLogs(x)
				want2 = k2.point(x, y)
				if wantLogs.ok {
					want2 = k2.bgFinish(&wantLogs)
					fast++
				} else {
					want2.term = k2.exactBG(x)
				}
			} else {
				want, want2 = k.point(x, y), k2.point(x, y)
			}
			if wantLogs.ok != logs[i].ok || wantLogs.ok && wantLogs != logs[i] {
				t.Fatalf("%+v x=%v y=%v: logs %+v, backgroundPointLogs %+v", o, x, y, logs[i], wantLogs)
			}
			for _, c := range []struct {
				m  *PixelMaps
				pt focalPoint
			}{{m, want}, {m2, want2}, {m3, want}} {
				pos, neg := 0.0, -c.pt.term
				if c.pt.pos {
					pos, neg = -c.pt.term, 0
				}
				if math.Float32bits(c.m.Prob[i]) != math.Float32bits(c.pt.prob) || !same(c.m.Weight[i], c.pt.weight) ||
					c.m.Clamped[i] != c.pt.clamped || !same(c.m.Grad[i], -c.pt.dterm) || !same(c.m.Pos[i], pos) || !same(c.m.Neg[i], neg) {
					t.Fatalf("%+v x=%v y=%v: maps p=%v w=%v clamped=%d grad=%v pos=%v neg=%v, kernel %+v",
						o, x, y, c.m.Prob[i], c.m.Weight[i], c.m.Clamped[i], c.m.Grad[i], c.m.Pos[i], c.m.Neg[i], c.pt)
				}
			}
		}
		if fast < n/2 {
			t.Fatalf("%+v: %d of %d pixels on the fast path: the test misses the inlined steps", o, fast, n)
		}
	}
}
