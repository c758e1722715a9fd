package loss

import (
	"math"
	"math/rand/v2"
	"testing"
)

// exactBackground is g(x) = log(1-σ(x))·σ(x)^α in float64 with math.Exp and
// math.Log1p, no table and no float32 rounding.
func exactBackground(x float32, alpha float64) float64 {
	sp := math.Log1p(math.Exp(float64(x)))
	return -sp * math.Exp(alpha*(float64(x)-sp))
}

// clampLogits are the logits around kernel k's clamp thresholds, 0 and its
// neighbours, and the extremes.
func clampLogits(k *kernel) []float32 {
	inf := float32(math.Inf(1))
	xs := []float32{0, float32(math.Copysign(0, -1)), -math.SmallestNonzeroFloat32, -1e-30,
		inf, -inf, math.MaxFloat32, -math.MaxFloat32, 50, -50}
	for _, b := range []float32{k.xLo, k.xHi, 0} {
		lo, hi := b, b
		for range 4 {
			xs = append(xs, lo, hi)
			lo, hi = math.Nextafter32(lo, -inf), math.Nextafter32(hi, inf)
		}
	}
	return xs
}

var tableAlphas = []float64{2, 0, 0.5, 1, 1.5, 3, 4.5, 6, 8}

// TestBackgroundTable: the table's term is g(x) within 1e-10 relative for
// α = 2 (the Hermite bound is 5e-11) and within 2e-8 up to α = 8, over
// every 64th float32 logit between the low clamp and 0, every logit in
// steps of 1/4096, and the ends.
func TestBackgroundTable(t *testing.T) {
	for _, alpha := range tableAlphas {
		o := DefaultOptions()
		o.Alpha = alpha
		k := newKernel(o)
		tol := 1e-10
		if alpha > 2 {
			tol = 2e-8
		}
		var xs []float32
		for i := orderedBits(k.xLo) + 1; i < orderedBits(0); i += 64 {
			xs = append(xs, fromOrderedBits(i))
		}
		for i := -16 * 4096; i < 0; i++ {
			if x := float32(i) / 4096; x > k.xLo {
				xs = append(xs, x)
			}
		}
		xs = append(xs, math.Nextafter32(k.xLo, 1), math.Nextafter32(0, -1))
		worst := 0.0
		for _, x := range xs {
			got, want := k.bg.at(x), exactBackground(x, alpha)
			if e := math.Abs(got-want) / math.Abs(want); e > worst {
				worst = e
			}
			if !near(got, want, tol, 0) {
				t.Fatalf("α=%v x=%v: table %.17g, g %.17g", alpha, x, got, want)
			}
		}
		t.Logf("α=%v: worst relative error %.2g over %d logits", alpha, worst, len(xs))
	}
}

// referenceRounding bounds how far the reference's float32 term at logit x
// can be from the exact g(x): its p rounds by half an ulp and its 1-p by
// half an ulp again, which moves log(1-p) by that over 1-p; its log, power
// and products round to float32 (the relative part).
func referenceRounding(x float32, alpha float64, want float64) float64 {
	s := 1 / (1 + math.Exp(-float64(x)))
	p, q := float32(s), float32(1-s)
	ulp := func(f float32) float64 { return float64(math.Nextafter32(f, 2) - f) }
	return math.Pow(s, alpha)*(ulp(p)+ulp(q))/2/float64(q) + 1e-6*math.Abs(want) + 1e-12
}

// TestBackgroundAgainstReference: the table's term (a one-pixel row) is
// within the reference's own float32 rounding of the reference's term
// (plainTerm), over logits in [-50, 50] and the clamp edges, for several α
// and ε.
func TestBackgroundAgainstReference(t *testing.T) {
	for _, eps := range []float64{1e-4, 1e-3, 1e-6, 0.25, -1} { // -1: MMDet, no clamp
		for _, alpha := range tableAlphas {
			o := DefaultOptions()
			o.Eps, o.Alpha = eps, alpha
			if eps < 0 {
				o.Convention = MMDet
			}
			k := newKernel(o)
			xs := clampLogits(k)
			for i := 0; i <= 100000; i++ {
				xs = append(xs, float32(-50+100*float64(i)/100000))
			}
			for _, x := range xs {
				want := plainTerm(x, 0, o)
				got := k.row([]float32{x}, []float32{0}).bg.neg
				if d := math.Abs(got - want); d > referenceRounding(x, alpha, want) {
					t.Fatalf("ε=%v α=%v x=%v: table %.17g, reference %.17g, apart %.3g, allowed %.3g",
						eps, alpha, x, got, want, d, referenceRounding(x, alpha, want))
				}
			}
		}
	}
}

// TestRepeatedLogits: over a row of one repeated logit the reference's
// rounding of 1-p does not cancel: at the worst logit in [-7, -6] the
// table's sum is off by more than the golden tolerance, so such rows follow
// the reference's steps and give its sum; a row of distinct logits takes the
// table.
func TestRepeatedLogits(t *testing.T) {
	o := DefaultOptions()
	k := newKernel(o)
	worst, worstErr := float32(0), 0.0
	for i := range 257 {
		v := -7 + float32(i)/256
		if e := math.Abs(k.bg.at(v)/plainTerm(v, 0, o) - 1); e > worstErr {
			worst, worstErr = v, e
		}
	}
	if worstErr < 1e-5 {
		t.Errorf("the table is within %.3g of the reference at every logit in [-7, -6]: the steps are not needed", worstErr)
	}
	const w = 128
	x, y := make([]float32, w), make([]float32, w)
	for i := range x {
		x[i] = worst
	}
	want := w * plainTerm(worst, 0, o)
	if got := k.row(x, y).bg.neg; !near(got, want, 2e-7, 0) {
		t.Errorf("constant %v: row %.10g, reference %.10g (the table alone is %.3g off)", worst, got, want, worstErr)
	}
	cases := []struct {
		name string
		x    func(i int) float32
		want bool
	}{
		{"constant", func(int) float32 { return -6 }, true},
		{"pairs", func(i int) float32 { return -5 - float32(i/2)/256 }, true},
		{"a plateau over a quarter and a pixel", func(i int) float32 { return -5 - float32(max(i, 65))/64 }, true},
		{"a plateau on the right", func(i int) float32 { return -5 - float32(min(i, w-34))/64 }, true},
		{"distinct", func(i int) float32 { return -5 - float32(i)/64 }, false},
		{"a plateau of 8 between the pairs", func(i int) float32 {
			if i >= 10 && i < 18 {
				i = 10
			}
			return -5 - float32(i)/64
		}, false},
	}
	for _, c := range cases {
		for i := range x {
			x[i] = c.x(i)
		}
		if got := repeatedLogits(x); got != c.want {
			t.Errorf("%s: repeated %v, want %v", c.name, got, c.want)
		}
	}
	if repeatedLogits([]float32{-6}) || repeatedLogits(nil) || repeatedLogits([]float32{-6, -5, -4}) {
		t.Error("a row of one logit, none, or three distinct counts as repeated")
	}
	if !repeatedLogits([]float32{-6, -5, -5}) {
		t.Error("a short row with equal neighbours does not count as repeated")
	}
}

// TestRowSums: row adds up what the table, the reference's steps and the
// exact path give pixel by pixel, with the clamped count backgroundPoint
// gives, on rows of random or repeated logits with bumps, positives, -0
// targets and NaN logits scattered in.
func TestRowSums(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i, alpha := range []float64{2, 3, 2, 3} {
		o := DefaultOptions()
		o.Alpha = alpha
		if i >= 2 {
			o.Convention = MMDet
		}
		k := newKernel(o)
		edge := clampLogits(k)
		logits := []func() float32{
			func() float32 { return float32(-50 + 100*rng.Float64()) },
			func() float32 { return float32(-4.6 + 1.5*rng.NormFloat64()) },
			func() float32 { return edge[rng.IntN(len(edge))] },
			func() float32 { return float32(rng.IntN(4)) - 6 }, // repeated
		}
		for n := 1; n <= 300; n++ {
			x, y := make([]float32, n), make([]float32, n)
			gen := logits[n%len(logits)]
			for i := range x {
				x[i] = gen()
				switch rng.IntN(40) {
				case 0:
					y[i] = float32(rng.Float64())
				case 1:
					y[i] = 1
				case 2:
					y[i] = float32(math.Copysign(0, -1))
				case 3:
					x[i] = float32(math.NaN())
				}
			}
			steps := repeatedLogits(x)
			var bg, other focalSums
			for i := range x {
				if !plainPixel(x[i], y[i]) {
					other.addPoint(k.point(x[i], y[i]))
					continue
				}
				fp := k.backgroundPoint(x[i])
				if fp.clamped != 0 {
					bg.clamped++
				}
				if !steps && fp.clamped == 0 && x[i] > k.xTab && x[i] < 0 {
					fp.term = k.bg.at(x[i])
				}
				bg.neg += fp.term
			}
			r := k.row(x, y)
			if r.bg.clamped != bg.clamped || !near(r.bg.neg, bg.neg, 1e-13, 1e-300) || r.bg.pos != 0 || r.bg.npos != 0 {
				t.Fatalf("α=%v n=%d (repeated %v): row background %+v, pixel by pixel %+v", alpha, n, steps, r.bg, bg)
			}
			if !sameSums(r.other, other) || r.others != hasOther(x, y) {
				t.Fatalf("α=%v n=%d: row others %+v (%v), pixel by pixel %+v", alpha, n, r.other, r.others, other)
			}
		}
	}
}

func hasOther(x, y []float32) bool {
	for i := range x {
		if !plainPixel(x[i], y[i]) {
			return true
		}
	}
	return false
}

// TestRowOthersApart: a pixel outside the background path leaves the row's
// background sum as if the pixel were not there, to the last bit.
func TestRowOthersApart(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const w = 133
	x := make([]float32, w)
	for i := range x {
		x[i] = float32(-50 + 100*rng.Float64())
	}
	k := newKernel(DefaultOptions())
	for _, c := range []struct {
		name string
		x, y float32
	}{{"-0 target", 1, float32(math.Copysign(0, -1))}, {"bump", 1, 0.3}, {"positive", 1, 1}, {"NaN logit", float32(math.NaN()), 0}} {
		for _, at := range []int{0, 7, w - 1} {
			xs, ys := append([]float32(nil), x...), make([]float32, w)
			xs[at], ys[at] = c.x, c.y
			got := k.row(xs, ys)
			rest := append(append([]float32(nil), x[:at]...), x[at+1:]...)
			want := k.row(rest, make([]float32, w-1))
			if got.bg != want.bg || !got.others || !sameSums(got.other, k.others(xs, ys)) {
				t.Errorf("%s at %d: row %+v, without it %+v", c.name, at, got, want)
			}
		}
	}
}

// sameSums is == on focalSums, with NaN equal to NaN.
func sameSums(a, b focalSums) bool {
	same := func(x, y float64) bool { return x == y || x != x && y != y }
	return a.npos == b.npos && a.clamped == b.clamped && same(a.pos, b.pos) && same(a.neg, b.neg)
}

// TestBackgroundLogs: the logs the moments bin give back row's term,
// log(1-p)·e^(α·log p), within the table's error, on both of row's paths.
func TestBackgroundLogs(t *testing.T) {
	for i := range 2 * len(tableAlphas) {
		alpha := tableAlphas[i%len(tableAlphas)]
		o := DefaultOptions()
		o.Alpha = alpha
		o.Convention = Convention(i / len(tableAlphas))
		k := newKernel(o)
		xs := clampLogits(k)
		for i := 0; i <= 20000; i++ {
			xs = append(xs, float32(-20+40*float64(i)/20000))
		}
		for _, x := range xs {
			if x != x {
				continue
			}
			for _, steps := range []bool{false, true} {
				lq, lnp := k.backgroundLogs(x, steps)
				rx := []float32{x}
				if steps {
					rx = []float32{x, x}
				}
				want := k.row(rx, make([]float32, len(rx))).bg.neg / float64(len(rx))
				if got := lq * math.Exp(alpha*lnp); !near(got, want, 2e-8, 1e-300) {
					t.Fatalf("α=%v x=%v steps %v: from the logs %.17g, row %.17g", alpha, x, steps, got, want)
				}
			}
		}
	}
}
