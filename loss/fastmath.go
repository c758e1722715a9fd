package loss

import "math"

// Where the focal kernel follows the reference's float32 steps on a
// background pixel (target 0; see background.go for where it need not), it
// needs, per logit x: p = clamp(σ(x)) with the reference's float32
// roundings, and log(1-p) for that rounded p. One table, indexed by x to 1/256, gives what
// both need from short polynomials in the remainder r (|r| ≤ 1/512):
//
//   - exp(-x), accurate to a few 1e-16, so that rounding it to float32, adding
//     1 and dividing in float32 give exactly the reference's p (rounding
//     decisions differ only for a true value within that distance of a
//     float32 boundary, where Sleef's expf, with its one-ulp error, is no
//     more exact anyway);
//   - softplus(x) = log(1+exp(x)) = -log(1-σ(x)), and exp(x): then
//     log(1-p) = -softplus(x) + log1p(c) with c = (1-p)/(1-σ(x)) - 1, the
//     float32 rounding of 1-p folded in exactly, c = (1-p)(1+exp(x)) - 1.
//
// One table, three polynomials and no logarithm measured faster than an
// exp table and a log table, natively and under WebAssembly.

const (
	sigSteps = 256 // table entries per unit of x
	sigHalf  = 16  // the table covers x in [-16, 16)
	sigLen   = 2 * sigHalf * sigSteps
)

// sigEntry holds, at x_i = i/256 - 16: exp(-x_i), exp(x_i), and softplus
// with its Taylor coefficients: softplus(x_i), σ, σ(1-σ)/2, σ(1-σ)(1-2σ)/6.
type sigEntry struct{ expNeg, expPos, s0, s1, s2, s3 float64 }

var sigTable = func() *[sigLen]sigEntry {
	var t [sigLen]sigEntry
	for i := range t {
		x := float64(i)/sigSteps - sigHalf
		s := 1 / (1 + math.Exp(-x))
		t[i] = sigEntry{
			expNeg: math.Exp(-x),
			expPos: math.Exp(x),
			s0:     math.Log1p(math.Exp(x)),
			s1:     s,
			s2:     s * (1 - s) / 2,
			s3:     s * (1 - s) * (1 - 2*s) / 6,
		}
	}
	return &t
}()

// fastLogitMax bounds the logits the fast path takes: |x| < fastLogitMax.
const fastLogitMax = sigHalf - 1

// sigmoidLog returns, for a float32 logit |x| < fastLogitMax, the reference's
// p = clamp(σ(x), lo, hi) with its float32 roundings, the unclamped float32
// sigmoid s, q = float32(1-p), log(q) to within 1e-10 relative, and the
// softplus(x) and exp(-x) it computed on the way (powP reuses them).
func sigmoidLog(x float32, lo, hi float32) (p, s, q float32, lq, softplus, expNeg float64) {
	u := float64(x) + sigHalf
	i := int(u*sigSteps + 0.5)
	r := u - float64(i)*(1.0/sigSteps) // exact: u and i/256 are short binary fractions
	t := &sigTable[i]
	r2 := r * r
	expNeg = t.expNeg * ((1 - r) + r2*((0.5-r*(1.0/6))+r2*(1.0/24)))
	expPos := t.expPos * ((1 + r) + r2*(0.5+r*(1.0/6)))
	softplus = t.s0 + r*(t.s1+r*(t.s2+r*t.s3))

	e := float32(expNeg)
	d := float32(1 + e)
	s = float32(1 / d)
	p = s
	if p < lo {
		p = lo
	} else if p > hi {
		p = hi
	}
	q = float32(1 - p)
	// log(q) = log(1-σ(x)) + log1p(c).
	c := float64(q)*(1+expPos) - 1
	return p, s, q, log1pSmall(c) - softplus, softplus, expNeg
}

// softplus returns log(1+exp(x)) for |x| < fastLogitMax from sigTable,
// within 1e-12 relative.
func softplus(x float32) float64 {
	u := float64(x) + sigHalf
	i := int(u*sigSteps + 0.5)
	r := u - float64(i)*(1.0/sigSteps)
	t := &sigTable[i]
	return t.s0 + r*(t.s1+r*(t.s2+r*t.s3))
}

// log1pSmall is log(1+c) for the float32 correction c of the fast path.
// Below the upper clamp c is a float32 rounding, |c| < 1e-6, where two
// terms leave less than 1e-19; at the upper clamp the clamped 1-p can be
// far from 1-σ(x) for a small ε (c ≈ 0.06 at ε = 1e-6), and math.Log1p
// takes it.
func log1pSmall(c float64) float64 {
	if c > 1e-4 || c < -1e-4 {
		return math.Log1p(c)
	}
	return c * (1 - 0.5*c)
}

// powP returns p^α (the reference's pow(p, α)) for the p sigmoidLog gave at
// logit x, from log p = log σ(x) + log(p/σ(x)) = x - softplus(x) + log1p(δ),
// δ = p·(1+exp(-x)) - 1 (the float32 roundings and the clamp), so that no
// logarithm is needed: only an exponential from powTable.
func (k *kernel) powP(p, x float32, softplus, expNeg float64) float64 {
	a := k.alpha * k.logP(p, x, softplus, expNeg)
	if a < -powMax {
		return math.Exp(a) // below 1.6e-28: rare, and nothing to be fast about
	}
	u := (a + powMax) * powSteps
	i := int(u + 0.5)
	r := (a + powMax) - float64(i)*(1.0/powSteps)
	return powTable[i] * (1 + r*(1+r*(1.0/2+r*(1.0/6+r*(1.0/24)))))
}

// logP returns log p for the p sigmoidLog gave at logit x (see powP).
func (k *kernel) logP(p, x float32, softplus, expNeg float64) float64 {
	switch p {
	case k.lo:
		return k.lnLo // clamped: p is not near σ(x)
	case k.hi:
		return k.lnHi
	}
	d := float64(p)*(1+expNeg) - 1 // |d| < 1e-6: float32 roundings only
	return float64(x) - softplus + d*(1-0.5*d)
}

// powTable[i] = exp(i/powSteps - powMax), for the exponentials of powP.
const (
	powMax   = 64
	powSteps = 64
)

var powTable = func() *[powMax*powSteps + 1]float64 {
	var t [powMax*powSteps + 1]float64
	for i := range t {
		t[i] = math.Exp(float64(i)/powSteps - powMax)
	}
	return &t
}()
