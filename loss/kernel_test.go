package loss

import (
	"math"
	"math/rand/v2"
	"testing"
)

// plainTerm is the reference's per-pixel focal term (or, under MMDet,
// mmdetection's gaussian_focal_loss: no clamp, 1e-12 inside the logs)
// written the obvious way: float64 math.Exp and math.Log, rounded to float32
// where PyTorch's float32 tensors round (after each elementwise op), nothing
// else. The kernel's fast path must agree with it.
func plainTerm(x, y float32, o Options) float64 {
	e := float32(math.Exp(-float64(x)))
	d := float32(1 + e)
	p := float32(1 / d)
	lo, hi, eps := float32(o.Eps), float32(1-o.Eps), float32(0)
	if o.Convention == MMDet {
		lo, hi, eps = 0, 1, 1e-12
	}
	if p < lo {
		p = lo
	}
	if p > hi {
		p = hi
	}
	q := float32(1 - p)
	if y == 1 {
		lp := float32(math.Log(float64(float32(p + eps))))
		return float64(float32(lp * float32(math.Pow(float64(q), o.Alpha))))
	}
	lq := float32(math.Log(float64(float32(q + eps))))
	pa := float32(math.Pow(float64(p), o.Alpha))
	w := float32(math.Pow(float64(float32(1-y)), o.Beta))
	return float64(float32(float32(lq*pa) * w))
}

func termsAgree(got, want float64) bool {
	return math.Abs(got-want) <= 1e-12 || math.Abs(got-want) <= 1e-6*math.Abs(want)
}

// plainFloat64 is the background term in float64 with math.Exp and
// math.Log and no float32 rounding but the clamp bounds': log(1-p)·p^α,
// p = clamp(σ(x), lo, hi).
func plainFloat64(x float32, k *kernel) float64 {
	p := 1 / (1 + math.Exp(-float64(x)))
	p = min(max(p, float64(k.lo)), float64(k.hi))
	return math.Log1p(-p) * math.Pow(p, k.alpha)
}

// TestFastMathSweep checks every per-pixel term the engine can produce
// against a plain computation, over logits in [-50, 50] and targets in
// [0, 1]. A row sum's background term between the low clamp and logit 0
// comes from bgTable, the exact term: the plain float64 one is what it must
// match (the reference's float32 rounding of 1-p is the larger error there:
// TestBackgroundAgainstReference bounds it). Every other term, the maps'
// included, follows the reference's float32 steps: plainTerm is what it must
// match.
func TestFastMathSweep(t *testing.T) {
	for _, eps := range []float64{1e-4, 1e-3, 1e-5, 1e-6, 0.25} { // smaller: past the table, the exact path
		o := DefaultOptions()
		o.Eps = eps
		checkBackgroundSweep(t, o, 400000)
	}
	mm := DefaultOptions()
	mm.Convention = MMDet
	checkBackgroundSweep(t, mm, 400000)
	for _, conv := range []Convention{Reference, MMDet} {
		fastMathSweep(t, conv)
	}
}

func fastMathSweep(t *testing.T, conv Convention) {
	o := DefaultOptions()
	o.Convention = conv
	k := newKernel(o)
	bad := 0
	for _, y := range []float32{0, 1e-6, 0.01, 0.3, 0.5, 0.9, 0.999, 1} {
		for i := 0; i <= 20000; i++ {
			x := float32(-50 + 100*float64(i)/20000)
			got := k.point(x, y).term
			if want := plainTerm(x, y, o); !termsAgree(got, want) && bad < 20 {
				bad++
				t.Errorf("%v y=%v x=%v: exact %.17g, plain %.17g", conv, y, x, got, want)
			}
		}
	}
	// Row sums mix both paths: they must equal the plain sum up to the float32
	// roundings the table leaves out, which cancel over distinct logits
	// (≤ 2e-7).
	xs := make([]float32, 4096)
	ys := make([]float32, 4096)
	var want float64
	for i := range xs {
		xs[i] = float32(-12 + 24*math.Sin(float64(i)*0.37))
		if i%7 == 0 {
			ys[i] = float32(i%100) / 100
		}
		if ys[i] < 1 {
			want += plainTerm(xs[i], ys[i], o)
		}
	}
	r := k.row(xs, ys)
	if got := r.bg.neg + r.other.neg; !near(got, want, 2e-7, 0) {
		t.Errorf("%v: row sum %.17g, plain %.17g", conv, got, want)
	}
}

// TestClampThresholds checks the logits at which the clamp starts: below
// xLo (and above xHi) the reference's probability is clamped, just inside it
// is not.
func TestClampThresholds(t *testing.T) {
	for _, eps := range []float64{1e-4, 1e-3, 1e-6, 0.25} {
		o := DefaultOptions()
		o.Eps = eps
		k := newKernel(o)
		next := func(f float32, up bool) float32 {
			return math.Nextafter32(f, float32(math.Copysign(math.Inf(1), map[bool]float64{true: 1, false: -1}[up])))
		}
		if s := sigmoid32(k.xLo); !(s < k.lo) {
			t.Errorf("eps %v: sigmoid(xLo=%v) = %v, want < %v", eps, k.xLo, s, k.lo)
		}
		if s := sigmoid32(next(k.xLo, true)); s < k.lo {
			t.Errorf("eps %v: sigmoid just above xLo = %v is still clamped", eps, s)
		}
		if s := sigmoid32(k.xHi); !(s > k.hi) {
			t.Errorf("eps %v: sigmoid(xHi=%v) = %v, want > %v", eps, k.xHi, s, k.hi)
		}
		if s := sigmoid32(next(k.xHi, false)); s > k.hi {
			t.Errorf("eps %v: sigmoid just below xHi = %v is still clamped", eps, s)
		}
	}
	// MMDet has no clamp: up to xLo its term is exactly 0 in float32 (1-p
	// rounds to 1), just above it is not.
	o := DefaultOptions()
	o.Convention = MMDet
	k := newKernel(o)
	if plainTerm(k.xLo, 0, o) != 0 || plainTerm(math.Nextafter32(k.xLo, 0), 0, o) == 0 {
		t.Errorf("mmdet: term %v at xLo = %v, %v just above, want 0 and not 0",
			plainTerm(k.xLo, 0, o), k.xLo, plainTerm(math.Nextafter32(k.xLo, 0), 0, o))
	}
	// With ε = 1e-4 the clamp starts at |logit| ≈ 9.21, as the reference doc says.
	k = newKernel(DefaultOptions())
	if math.Abs(float64(k.xLo)+9.21) > 0.01 || math.Abs(float64(k.xHi)-9.21) > 0.01 {
		t.Errorf("clamp thresholds %v, %v, want ±9.21", k.xLo, k.xHi)
	}
}

// TestSigmoidLog: the table's exp(-x) rounds to the same float32 as
// math.Exp, and log(1-p) agrees with math.Log of the rounded 1-p, over
// logits in steps of 1/4096 (callers move logits past the clamp thresholds
// onto them first, as here).
func TestSigmoidLog(t *testing.T) {
	k := newKernel(DefaultOptions())
	lo, hi := k.lo, k.hi
	for i := -fastLogitMax * 4096; i < fastLogitMax*4096; i++ {
		x := min(max(float32(i)/4096, k.xLo), k.xHi)
		p, s, q, lq, _, _ := sigmoidLog(x, lo, hi)
		ws := sigmoid32(x)
		wp, _ := clamp32(ws, lo, hi)
		if s != ws || p != wp || q != float32(1-wp) {
			t.Fatalf("x=%v: p %v s %v, reference %v %v", x, p, s, wp, ws)
		}
		if want := math.Log(float64(q)); math.Abs(lq-want) > 1e-10*math.Abs(want) {
			t.Fatalf("x=%v: log(1-p) %v, math.Log %v", x, lq, want)
		}
	}
}

// TestGradientAtClamp: past |logit| ≈ 9.21 the reference's clamp stops the
// gradient exactly.
func TestGradientAtClamp(t *testing.T) {
	k := newKernel(DefaultOptions())
	for _, x := range []float32{-40, -9.3, 9.3, 40} {
		for _, y := range []float32{0, 0.5, 1} {
			if pt := k.point(x, y); pt.dterm != 0 || pt.clamped == 0 {
				t.Errorf("x=%v y=%v: gradient %v clamped %v, want 0 and clamped", x, y, pt.dterm, pt.clamped)
			}
		}
	}
	if pt := k.point(-9.1, 0); pt.dterm == 0 || pt.clamped != 0 {
		t.Errorf("x=-9.1: want a live gradient, got %v", pt.dterm)
	}
}

// TestBackgroundPointMatchesPoint: the maps' fast path agrees with the exact
// path on every field, over logits in [-50, 50], for several α.
func TestBackgroundPointMatchesPoint(t *testing.T) {
	for i, alpha := range []float64{2, 0, 0.5, 1, 1.5, 2.5, 3, 6, 2, 0, 0.5, 3} {
		o := DefaultOptions()
		o.Alpha = alpha
		if i >= 8 {
			o.Convention = MMDet
		}
		k := newKernel(o)
		for i := 0; i <= 100000; i++ {
			x := float32(-50 + 100*float64(i)/100000)
			got, want := k.backgroundPoint(x), k.point(x, 0)
			if got.prob != want.prob || got.clamped != want.clamped ||
				!termsAgree(got.term, want.term) || !termsAgree(got.weight, want.weight) || !termsAgree(got.dterm, want.dterm) {
				t.Fatalf("%v α=%v x=%v: fast %+v, exact %+v", o.Convention, alpha, x, got, want)
			}
		}
	}
}

// TestFastPathOtherAlpha: every background term of the fast path, for α
// other than 2, against the plain computations as in TestFastMathSweep, and
// row sums against plain sums.
func TestFastPathOtherAlpha(t *testing.T) {
	for i, alpha := range []float64{0, 0.5, 1, 1.5, 2.5, 3, 4.5, 6, 0, 0.5, 1.5, 3, 6} {
		o := DefaultOptions()
		o.Alpha = alpha
		if i >= 8 {
			o.Convention = MMDet
		}
		k := checkBackgroundSweep(t, o, 100000)
		xs, ys := make([]float32, 512), make([]float32, 512)
		var want float64
		for i := range xs {
			xs[i] = float32(-12 + 24*math.Sin(float64(i)*0.37))
			want += plainTerm(xs[i], 0, o)
		}
		if r := k.row(xs, ys); !near(r.bg.neg, want, 2e-7, 1e-300) {
			t.Errorf("%v α=%v: row %.17g, plain %.17g", o.Convention, alpha, r.bg.neg, want)
		}
	}
}

// checkBackgroundSweep checks that options o take the fast path and, at
// n+1 logits over [-50, 50], the background term of a one-pixel row and of
// the maps against the plain computations (see TestFastMathSweep). It
// returns the kernel.
func checkBackgroundSweep(t *testing.T, o Options, n int) *kernel {
	t.Helper()
	k := newKernel(o)
	if !k.fast {
		t.Fatalf("ε=%v α=%v: no fast path", o.Eps, o.Alpha)
	}
	for i := 0; i <= n; i++ {
		x := float32(-50 + 100*float64(i)/float64(n))
		want := plainTerm(x, 0, o)
		if got := k.backgroundPoint(x).term; !termsAgree(got, want) {
			t.Fatalf("%v ε=%v α=%v x=%v: maps %.17g, plain %.17g", o.Convention, o.Eps, o.Alpha, x, got, want)
		}
		if x > k.xTab && x < 0 {
			want = plainFloat64(x, k)
		}
		if got := k.row([]float32{x}, []float32{0}).bg.neg; !termsAgree(got, want) {
			t.Fatalf("%v ε=%v α=%v x=%v: row %.17g, plain %.17g", o.Convention, o.Eps, o.Alpha, x, got, want)
		}
	}
	return k
}

// TestOtherExponents: the reference path with α, β other than 2, 4 (the
// exact per-pixel path) against plainTerm summed by hand.
func TestOtherExponents(t *testing.T) {
	sh := Shape{Stacks: 1, Batch: 2, Classes: 2, Height: 7, Width: 9, Slots: 4}
	in := randomInput(31, sh, []int{2, 4})
	o := DefaultOptions()
	o.Alpha, o.Beta = 1.5, 3
	r := mustEvaluate(t, in, o)
	for _, c := range Corners {
		var pos, neg float64
		var npos int
		for i, x := range in.Heat[c] {
			y := in.GTHeat[c][i%len(in.GTHeat[c])]
			if y == 1 {
				npos++
				pos += plainTerm(x, y, o)
			} else {
				neg += plainTerm(x, y, o)
			}
		}
		want := -(pos + neg) / float64(max(npos, 1))
		got := r.Weighted.FocalTL
		if c == BottomRight {
			got = r.Weighted.FocalBR
		}
		// plainTerm takes β = 3 through math.Pow, the engine multiplies as
		// PyTorch does: float32 rounding apart, they agree.
		if !near(got, want, 1e-6, 0) {
			t.Errorf("%v focal %.12g, plain %.12g", c, got, want)
		}
	}
}

// TestPowExact holds powExact to math.Pow bit for bit: log-uniform values
// over the whole float64 range and both signs (its multiplied range and
// past it), the range's ends and their neighbours, subnormals, zeros,
// infinities and NaN, for the multiplied exponents and others.
func TestPowExact(t *testing.T) {
	xs := []float64{0, math.Copysign(0, -1), 1, -1, 0.5, 1e-4, 1 - 1e-4, 5e-324, -5e-324, 2.2250738585072014e-308,
		math.MaxFloat64, -math.MaxFloat64, math.Inf(1), math.Inf(-1), math.NaN()}
	for _, edge := range []float64{0x1p-255, 0x1p255, 0x1p-256, 0x1p254, 0x1p-511, 0x1p511} {
		for _, v := range []float64{edge, math.Nextafter(edge, 0), math.Nextafter(edge, math.Inf(1))} {
			xs = append(xs, v, -v)
		}
	}
	rng := rand.New(rand.NewPCG(7, 13))
	for range 200000 {
		x := math.Ldexp(1+rng.Float64(), rng.IntN(2100)-1075)
		if rng.IntN(2) == 0 {
			x = -x
		}
		xs = append(xs, x, float64(float32(rng.Float64()))) // the kernel's: float32 values in [0, 1)
	}
	for _, a := range []float64{2, 4, 3, 1.5, 0, 1, -2} {
		for _, x := range xs {
			got, want := powExact(x, a), math.Pow(x, a)
			if math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
				t.Fatalf("powExact(%v, %v) = %v, math.Pow gives %v", x, a, got, want)
			}
		}
	}
}
