package loss

import "math"

// kernel evaluates the focal loss at single pixels for one set of options.
// Its exact method follows the reference (or mmdetection) step by step;
// background pixels (target 0) take the fast path: the same float32 steps
// with cheaper transcendental functions (fastmath.go), or the exact term
// from a table (background.go).
type kernel struct {
	alpha  float64
	beta   float64
	lo, hi float32 // clamp bounds as the reference rounds them: float32(ε), float32(1-ε); MMDet 0, 1
	logEps float32 // added inside the logs (MMDet: 1e-12)

	// fast path
	fast bool
	// Logits up to xLo have a constant background term termLo: under the
	// reference p clamps to lo; under MMDet, which has no clamp, 1-p rounds
	// to 1 in float32 and the term is exactly 0. Logits from xHi up: the
	// reference clamps to hi (the constant termHi); MMDet has no constant
	// there (exactHi: the exact path, past where the 1e-12 in its log starts
	// to count).
	xLo, xHi       float32
	exactHi        bool
	clamps         bool     // the reference's clamp: pixels at xLo, xHi count as clamped
	lnLo, lnHi     float64  // log p at xLo and xHi, for p^α there
	lqLo, lqHi     float64  // log(1-p) at the clamps, with the reference's rounding of 1-p
	termLo, termHi float64  // the background term of a logit up to xLo, from xHi
	xTab           float32  // the table holds the background term on (xTab, 0)
	bg             *bgTable // the background term below logit 0
}

// mmdetTableLow is where MMDet's table of the background term starts: where
// the reference's clamp starts (p = 1e-4), so that the table's one error,
// leaving out float32's rounding of 1-p, is bounded as under the reference
// (2^-25/p relative: 3e-4 at most, unbiased). Below, down to xLo, the
// float32 steps are followed.
const mmdetTableLow = 1e-4

// mmdetStepsHigh bounds the logits MMDet's float32 steps take from the fast
// functions: below it 1-p ≥ 4.5e-5, whose half ulp exceeds 1e-12, so
// 1-p+1e-12 rounds to 1-p, as sigmoidLog assumes. From it up, the exact path.
const mmdetStepsHigh = 10

// focalPoint is the focal loss at one pixel before normalisation.
type focalPoint struct {
	prob    float32 // p, after the clamp
	term    float64 // log(p)(1-p)^α on a positive, log(1-p)p^α(1-y)^β on a negative; ≤ 0
	weight  float64 // (1-p)^α on a positive, p^α(1-y)^β on a negative
	dterm   float64 // d term / d logit
	clamped int8    // -1: p clamped to ε, +1: clamped to 1-ε, 0: not clamped
	pos     bool    // target exactly 1
}

func newKernel(o Options) *kernel {
	k := &kernel{alpha: o.Alpha, beta: o.Beta}
	if o.Convention == Reference {
		// torch.clamp casts its Python-float bounds to the tensor's float32.
		k.lo, k.hi = float32(o.Eps), float32(1-o.Eps)
		k.lnLo, k.lnHi = math.Log(float64(k.lo)), math.Log(float64(k.hi))
		k.xLo = lastLogitBelow(k.lo)
		k.xHi = firstLogitAbove(k.hi)
		k.xTab, k.clamps = k.xLo, true
		k.fast = -k.xLo < fastLogitMax && k.xHi < fastLogitMax
		k.lqLo, k.termLo = clampedTerm(k.lo, k.lnLo, o.Alpha)
		k.lqHi, k.termHi = clampedTerm(k.hi, k.lnHi, o.Alpha)
	} else {
		k.lo, k.hi = 0, 1
		k.logEps = float32(1e-12)
		// 1-p rounds to 1 for p ≤ 2^-25: log(1 + 1e-12) is 0 in float32.
		k.xLo = lastLogitWhere(func(x float32) bool { return float32(1-sigmoid32(x)) == 1 })
		k.lnLo = math.Log(float64(sigmoid32(k.xLo)))
		k.xHi, k.exactHi = mmdetStepsHigh, true
		k.xTab = lastLogitBelow(mmdetTableLow)
		k.fast = true
	}
	if k.fast {
		k.bg = bgTableFor(o.Alpha, k.xTab)
	}
	return k
}

// exactBG is the background term at logit x by MMDet's float32 steps up to
// log(1-p+1e-12) and p, then in float64 (as stepsTerm), so that the moments
// (backgroundLogs) give the same term.
func (k *kernel) exactBG(x float32) float64 {
	lq, lnp := k.exactLogs(x)
	return lq * math.Exp(k.alpha*lnp)
}

// exactLogs returns log(1-p+1e-12) and log p at logit x, p = σ(x) by
// MMDet's float32 steps.
func (k *kernel) exactLogs(x float32) (lq, lnp float64) {
	p := sigmoid32(x)
	return math.Log(float64(float32(float32(1-p) + k.logEps))), math.Log(float64(p))
}

// lowTerm is the background term at a logit in (xLo, xTab], where the
// table does not reach (MMDet only: under the reference xTab = xLo): the
// float32 steps from the fast functions where they reach, else exactly.
func (k *kernel) lowTerm(x float32) float64 {
	if x > -fastLogitMax {
		return k.stepsTerm(x)
	}
	return k.exactBG(x)
}

// clampedTerm returns log(1-p) and the background term log(1-p)·p^α at a
// clamped p, whose log is lnP, with the reference's rounding of 1-p.
func clampedTerm(p float32, lnP, alpha float64) (lq, term float64) {
	pa := math.Exp(alpha * lnP)
	if alpha == 2 {
		pa = float64(p) * float64(p)
	}
	lq = math.Log(float64(float32(1 - p)))
	return lq, lq * pa
}

// point computes the focal loss at one pixel exactly as the reference:
// _sigmoid then the pos/neg branches of _neg_loss.
func (k *kernel) point(x, y float32) focalPoint {
	s := sigmoid32(x)
	p, side := clamp32(s, k.lo, k.hi)
	fp := focalPoint{prob: p, clamped: side}
	q := float32(1 - p)
	a := k.alpha
	switch {
	case y == 1: // gt.eq(1)
		fp.pos = true
		lp := log32(float32(p + k.logEps))
		q64 := float64(q)
		qa := powExact(q64, a)
		w := pow32With(q, a, qa)
		fp.term = float64(float32(lp * w))
		fp.weight = float64(w)
		if side == 0 {
			d := qa / (float64(p) + float64(k.logEps))
			if a != 0 {
				d -= a * powBelow(q64, a, qa) * float64(lp)
			}
			fp.dterm = d * float64(s) * (1 - float64(s))
		}
	case y < 1: // gt.lt(1)
		lq := log32(float32(q + k.logEps))
		p64 := float64(p)
		pa64 := powExact(p64, a)
		pa := pow32With(p, a, pa64)
		nw := pow32(float32(1-y), k.beta)
		fp.term = float64(float32(float32(lq*pa) * nw))
		fp.weight = float64(float32(pa * nw))
		if side == 0 {
			d := -pa64 / (float64(q) + float64(k.logEps))
			if a != 0 {
				d += a * powBelow(p64, a, pa64) * float64(lq)
			}
			fp.dterm = d * float64(nw) * float64(s) * (1 - float64(s))
		}
	}
	return fp
}

// pow32With is pow32(x, a) given xa = math.Pow(x, a) (as powExact gives
// it), which it reuses for the exponents pow32 does not multiply out.
func pow32With(x float32, a, xa float64) float32 {
	switch a {
	case 0, 1, 2, 3:
		return pow32(x, a)
	}
	return float32(xa)
}

// powBelow returns x^(a-1) given xa = x^a: one math.Pow less per gradient.
func powBelow(x, a, xa float64) float64 {
	if x > 0 {
		return xa / x
	}
	return math.Pow(x, a-1)
}

// lastLogitBelow returns the largest float32 logit whose reference sigmoid is
// below lo: every logit up to it has p clamped to lo.
func lastLogitBelow(lo float32) float32 {
	return lastLogitWhere(func(x float32) bool { return sigmoid32(x) < lo })
}

// lastLogitWhere returns the largest float32 logit in [-104, 0) where below,
// true at -104 and false at 0, holds, for a below monotone in the logit
// (as sigmoid32 is): a bisection over the ordered float32 values.
func lastLogitWhere(below func(float32) bool) float32 {
	a, b := float32(-104), float32(0)
	for {
		m := midFloat32(a, b)
		if m == a {
			return a
		}
		if below(m) {
			a = m
		} else {
			b = m
		}
	}
}

// firstLogitAbove returns the smallest float32 logit whose reference sigmoid
// is above hi.
func firstLogitAbove(hi float32) float32 {
	a, b := float32(0), float32(104)
	for {
		m := midFloat32(a, b)
		if m == a {
			return b
		}
		if sigmoid32(m) > hi {
			b = m
		} else {
			a = m
		}
	}
}

// midFloat32 returns a float32 half-way between a < b in the ordering of
// float32 values, so bisection ends after at most 32 steps.
func midFloat32(a, b float32) float32 {
	ia, ib := orderedBits(a), orderedBits(b)
	return fromOrderedBits(ia + (ib-ia)/2)
}

func orderedBits(f float32) int64 {
	u := math.Float32bits(f)
	if u>>31 != 0 {
		return -int64(u &^ (1 << 31))
	}
	return int64(u)
}

func fromOrderedBits(i int64) float32 {
	if i < 0 {
		return math.Float32frombits(uint32(-i) | 1<<31)
	}
	return math.Float32frombits(uint32(i))
}
