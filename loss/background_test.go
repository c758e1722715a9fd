package loss

import (
	"math"
	"math/rand/v2"
	"os"
	"testing"
)

// The vector background row (background_simd.go, GOEXPERIMENT=simd on amd64
// with AVX-512) against the reference arithmetic and the scalar loop of row.
// In other builds, or on other CPUs, the tests that need it skip.

// Tolerances of the vector row, relative:
const (
	// Its exp(-x) (the scalar loop's is as close): table, polynomial and
	// rounding errors within two ulp of float64.
	simdExpTol = 4.5e-16
	// Its log(q) is math.Log's algorithm, within an ulp or two of float64.
	simdLogTol = 1e-15
	// The scalar loop's log(1-p) = c(1-c/2) - softplus(x), c = q(1+exp(x)) - 1,
	// is off by the series' c³/3, 1.2e-11 relative near p = 1-ε, and by the
	// rounding of c, 1e-16 absolute, 1e-10 relative at p = ε = 1e-6
	// (TestSigmoidLog allows it 1e-10): the two paths agree to that, no closer.
	scalarLogTol, scalarLogAbs = 2e-11, 5e-16
	// A row's terms, all of one sign, summed in eight lanes then across them:
	// another order than a plain loop, a few ulp apart.
	simdSumTol = 1e-13
)

// referencePixel is p, q = 1-p and log(q) at a background pixel by the
// reference's arithmetic: math.Exp and math.Log, float32 roundings.
func referencePixel(k *kernel, x float32) (p, q float32, lq float64) {
	p, _ = clamp32(sigmoid32(x), k.lo, k.hi)
	q = float32(1 - p)
	return p, q, math.Log(float64(q))
}

// scalarPixel is what the scalar loop computes at a background pixel.
func scalarPixel(k *kernel, x float32) (p, q float32, lq float64) {
	x = min(max(x, k.xLo), k.xHi)
	p, _, q, lq, _, _ = sigmoidLog(x, k.lo, k.hi)
	return p, q, lq
}

// checkPixelsSIMD compares the vector row's pixels over x with the
// reference and the scalar loop; their logs with the scalar loop's only if
// vsScalar.
func checkPixelsSIMD(t *testing.T, k *kernel, x []float32, vsScalar bool) {
	t.Helper()
	ev, p, q, lq, clamped, ok := simdPixels(k, x)
	if !ok {
		t.Skip("no vector background row in this build or on this CPU")
	}
	bad, wantClamped := 0, 0
	for i, xi := range x {
		rp, rq, rlq := referencePixel(k, xi)
		sp, sq, slq := scalarPixel(k, xi)
		re := math.Exp(-float64(min(max(xi, k.xLo), k.xHi)))
		if _, side := clamp32(sigmoid32(xi), k.lo, k.hi); side != 0 {
			wantClamped++
		}
		if float32(ev[i]) != float32(re) || !near(ev[i], re, simdExpTol, 0) || p[i] != rp || q[i] != rq || p[i] != sp || q[i] != sq ||
			!near(lq[i], rlq, simdLogTol, 0) || vsScalar && !near(lq[i], slq, scalarLogTol, scalarLogAbs) {
			if bad++; bad <= 10 {
				t.Errorf("x=%v (%#x): vector exp(-x) %.17g p %v q %v log %.17g; reference %.17g %v %v %.17g; scalar p %v q %v log %.17g",
					xi, math.Float32bits(xi), ev[i], p[i], q[i], lq[i], re, rp, rq, rlq, sp, sq, slq)
			}
		}
	}
	if clamped != wantClamped {
		t.Errorf("clamped %d, want %d", clamped, wantClamped)
	}
}

// clampLogits are the logits around kernel k's clamp thresholds, and
// the extremes.
func clampLogits(k *kernel) []float32 {
	inf := float32(math.Inf(1))
	xs := []float32{0, float32(math.Copysign(0, -1)), inf, -inf, math.MaxFloat32, -math.MaxFloat32, 50, -50}
	for _, b := range []float32{k.xLo, k.xHi} {
		lo, hi := b, b
		for range 4 {
			xs = append(xs, lo, hi)
			lo, hi = math.Nextafter32(lo, -inf), math.Nextafter32(hi, inf)
		}
	}
	return xs
}

// simdKernels are the clamps the tests run at. At ε = 1e-6 the scalar
// loop's log(1-p) is off by up to 5e-6 relative near p = 1-ε (its series
// c(1-c/2) with c up to 0.06: the float32 rounding of 1-p, relative to
// 1-p ≈ 1e-6): there the vector row is held to the reference only.
var simdKernels = []struct {
	eps      float64
	vsScalar bool
}{{1e-4, true}, {1e-3, true}, {0.25, true}, {1e-6, false}}

// TestBackgroundPixelsSIMD: at every pixel the vector row's exp(-x) is
// within simdExpTol of math.Exp's and rounds to the same float32, so it gives the reference's p and q
// exactly, the scalar loop's too, and log(q) within simdLogTol of math.Log:
// over logits in [-50, 50] in steps of 1/4096, the clamp thresholds (every
// float32 near them for ε = 1e-4), and every 257th float32 between them.
func TestBackgroundPixelsSIMD(t *testing.T) {
	for _, c := range simdKernels {
		o := DefaultOptions()
		o.Eps = c.eps
		k := newKernel(o)
		x := clampLogits(k)
		for i := -50 * 4096; i <= 50*4096; i++ {
			x = append(x, float32(i)/4096)
		}
		checkPixelsSIMD(t, k, x, c.vsScalar)
	}
	k := newKernel(DefaultOptions())
	checkPixelsSIMD(t, k, thresholdLogits, true)
	var x []float32
	for i := orderedBits(k.xLo); i <= orderedBits(k.xHi); i += 257 {
		x = append(x, fromOrderedBits(i))
	}
	checkPixelsSIMD(t, k, x, true)
}

// TestBackgroundPixelsSIMDExhaustive is TestBackgroundPixelsSIMD over every
// float32 logit between the clamp thresholds (2.2e9 of them, a few minutes);
// it runs with CORNERLOSS_EXHAUSTIVE=1.
func TestBackgroundPixelsSIMDExhaustive(t *testing.T) {
	if os.Getenv("CORNERLOSS_EXHAUSTIVE") == "" {
		t.Skip("set CORNERLOSS_EXHAUSTIVE=1 to run")
	}
	k := newKernel(DefaultOptions())
	const chunk = 1 << 20
	first, last := orderedBits(k.xLo), orderedBits(k.xHi)
	parallel(int((last-first)/chunk+1), func(c int, _ *rowScratch) {
		x := make([]float32, 0, chunk)
		for i := first + int64(c)*chunk; i <= last && len(x) < chunk; i++ {
			x = append(x, fromOrderedBits(i))
		}
		checkPixelsSIMD(t, k, x, true)
	})
}

// TestBackgroundRowSIMD compares backgroundRowSIMD with the scalar loop of
// row and with the reference's sum on rows of every length from 1 to 300:
// random logits over [-50, 50] and around p = 0.01, constant rows, rows of
// threshold logits. The clamped counts agree exactly.
func TestBackgroundRowSIMD(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, c := range simdKernels {
		o := DefaultOptions()
		o.Eps = c.eps
		k := newKernel(o)
		edge := clampLogits(k)
		kinds := []struct {
			name string
			gen  func(i int) float32
		}{
			{"uniform", func(int) float32 { return float32(-50 + 100*rng.Float64()) }},
			{"background", func(int) float32 { return float32(-4.6 + 1.5*rng.NormFloat64()) }},
			{"thresholds", func(int) float32 { return edge[rng.IntN(len(edge))] }},
		}
		for _, v := range edge {
			kinds = append(kinds, struct {
				name string
				gen  func(i int) float32
			}{"constant", func(int) float32 { return v }})
		}
		for _, kind := range kinds {
			for n := 1; n <= 300; n++ {
				x := make([]float32, n)
				for i := range x {
					x[i] = kind.gen(i)
				}
				if !checkRowSIMD(t, k, x, c.vsScalar) {
					t.Fatalf("ε=%v, %s row %v", c.eps, kind.name, x)
				}
			}
		}
	}
}

// checkRowSIMD compares the vector row sum over x with the reference's and
// the scalar loop's (its sum only if vsScalar).
func checkRowSIMD(t *testing.T, k *kernel, x []float32, vsScalar bool) bool {
	t.Helper()
	neg, clamped, ok := backgroundRowSIMD(k, x)
	if !ok {
		t.Skip("no vector background row in this build or on this CPU")
	}
	scalar := k.rowScalar(x, make([]float32, len(x)))
	var want, weights float64
	for _, xi := range x {
		p, _, lq := referencePixel(k, xi)
		want += lq * float64(p) * float64(p)
		weights += float64(p) * float64(p)
	}
	if clamped != scalar.bg.clamped || !near(neg, want, simdSumTol, 0) ||
		vsScalar && !near(neg, scalar.bg.neg, scalarLogTol, scalarLogAbs*weights) {
		t.Errorf("vector sum %.17g clamped %d; reference %.17g; scalar loop %.17g clamped %d",
			neg, clamped, want, scalar.bg.neg, scalar.bg.clamped)
		return false
	}
	return true
}

// TestBackgroundRowSIMDDeclines: a NaN logit anywhere in the row, or a
// kernel without the fast path, leaves the row to the scalar loop.
func TestBackgroundRowSIMDDeclines(t *testing.T) {
	k := newKernel(DefaultOptions())
	if _, _, ok := backgroundRowSIMD(k, []float32{1}); !ok {
		t.Skip("no vector background row in this build or on this CPU")
	}
	nan := float32(math.NaN())
	for n := 1; n <= 40; n++ {
		for at := range n {
			x := make([]float32, n)
			x[at] = nan
			if _, _, ok := backgroundRowSIMD(k, x); ok {
				t.Fatalf("NaN at %d of %d: the vector row took it", at, n)
			}
		}
	}
	o := DefaultOptions()
	o.Convention = MMDet
	if _, _, ok := backgroundRowSIMD(newKernel(o), []float32{1}); ok {
		t.Error("MMDet kernel: the vector row took it")
	}
}

// TestZeroTargets: zeroTargets sees any non-zero bit, -0 included, at any
// position of rows of any length.
func TestZeroTargets(t *testing.T) {
	if !backgroundSIMD {
		t.Skip("no vector background row in this build or on this CPU")
	}
	for n := 0; n <= 70; n++ {
		y := make([]float32, n)
		if !zeroTargets(y) {
			t.Fatalf("%d zeros: not zero", n)
		}
		for at := range n {
			for _, v := range []float32{float32(math.Copysign(0, -1)), math.SmallestNonzeroFloat32, 0.5, 1} {
				y[at] = v
				if zeroTargets(y) {
					t.Fatalf("%v at %d of %d: zero", v, at, n)
				}
			}
			y[at] = 0
		}
	}
}

// TestRowWiring: row sends plain background rows for α = 2 to the vector
// row where there is one, and every other row to the scalar loop, unchanged.
func TestRowWiring(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const w = 133
	x := make([]float32, w)
	for i := range x {
		x[i] = float32(-50 + 100*rng.Float64())
	}
	for _, alpha := range []float64{2, 3} {
		o := DefaultOptions()
		o.Alpha = alpha
		k := newKernel(o)
		zero := make([]float32, w)
		got, scalar := k.row(x, zero, nil), k.rowScalar(x, zero)
		if neg, clamped, ok := backgroundRowSIMD(k, x); ok && alpha == 2 {
			want := rowSums{bg: focalSums{neg: neg, clamped: clamped}}
			if got != want {
				t.Errorf("α=2 background row %+v, vector row %+v", got, want)
			}
			if !near(got.bg.neg, scalar.bg.neg, scalarLogTol, scalarLogAbs*w) || got.bg.clamped != scalar.bg.clamped {
				t.Errorf("α=2 background row %+v, scalar loop %+v", got, scalar)
			}
		} else if got != scalar {
			t.Errorf("α=%v background row %+v, scalar loop %+v", alpha, got, scalar)
		}
		for _, c := range []struct {
			name string
			x, y float32
		}{{"-0 target", 1, float32(math.Copysign(0, -1))}, {"bump", 1, 0.3}, {"positive", 1, 1}, {"NaN logit", float32(math.NaN()), 0}} {
			for _, at := range []int{0, 7, w - 1} {
				xs, ys := append([]float32(nil), x...), make([]float32, w)
				xs[at], ys[at] = c.x, c.y
				got, want := k.row(xs, ys, nil), k.rowScalar(xs, ys)
				if !sameRowSums(got, want) {
					t.Errorf("α=%v, %s at %d: row %+v, scalar loop %+v", alpha, c.name, at, got, want)
				}
			}
		}
	}
}

// sameRowSums is == on rowSums, with NaN equal to NaN.
func sameRowSums(a, b rowSums) bool {
	same := func(x, y float64) bool { return x == y || x != x && y != y }
	return a.others == b.others && a.bg.npos == b.bg.npos && a.bg.clamped == b.bg.clamped &&
		a.other.npos == b.other.npos && a.other.clamped == b.other.clamped &&
		same(a.bg.pos, b.bg.pos) && same(a.bg.neg, b.bg.neg) && same(a.other.pos, b.other.pos) && same(a.other.neg, b.other.neg)
}
