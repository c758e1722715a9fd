package loss

import "math"

// kernel evaluates the focal loss at single pixels for one set of options.
// Its exact method follows the reference step by step; its fast method gives
// the same float32 roundings with cheaper transcendental functions and is used
// on background pixels (target 0) under the reference convention.
type kernel struct {
	conv   Convention
	alpha  float64
	beta   float64
	lo, hi float32 // clamp bounds as the reference rounds them: float32(ε), float32(1-ε)
	logEps float32 // added inside the logs (MMDet: 1e-12)

	// fast path (reference convention)
	fast       bool
	xLo, xHi   float32 // logits whose probability clamps to lo, to hi
	lnLo, lnHi float64 // log(lo), log(hi), for p^α at the clamp
}

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
	k := &kernel{conv: o.Convention, alpha: o.Alpha, beta: o.Beta}
	if o.Convention == Reference {
		// torch.clamp casts its Python-float bounds to the tensor's float32.
		k.lo, k.hi = float32(o.Eps), float32(1-o.Eps)
	} else {
		k.lo, k.hi = 0, 1
		k.logEps = float32(1e-12)
	}
	if o.Convention == Reference {
		k.lnLo, k.lnHi = math.Log(float64(k.lo)), math.Log(float64(k.hi))
		k.xLo = lastLogitBelow(k.lo)
		k.xHi = firstLogitAbove(k.hi)
		k.fast = -k.xLo < fastLogitMax && k.xHi < fastLogitMax
	}
	return k
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
		w := pow32(q, a)
		fp.term = float64(float32(lp * w))
		fp.weight = float64(w)
		if side == 0 {
			p64, q64 := float64(p), float64(q)
			d := math.Pow(q64, a) / (p64 + float64(k.logEps))
			if a != 0 {
				d -= a * math.Pow(q64, a-1) * float64(lp)
			}
			fp.dterm = d * float64(s) * (1 - float64(s))
		}
	case y < 1: // gt.lt(1)
		lq := log32(float32(q + k.logEps))
		pa := pow32(p, a)
		nw := pow32(float32(1-y), k.beta)
		fp.term = float64(float32(float32(lq*pa) * nw))
		fp.weight = float64(float32(pa * nw))
		if side == 0 {
			p64, q64 := float64(p), float64(q)
			d := -math.Pow(p64, a) / (q64 + float64(k.logEps))
			if a != 0 {
				d += a * math.Pow(p64, a-1) * float64(lq)
			}
			fp.dterm = d * float64(nw) * float64(s) * (1 - float64(s))
		}
	}
	return fp
}

// lastLogitBelow returns the largest float32 logit whose reference sigmoid is
// below lo: every logit up to it has p clamped to lo. sigmoid32 is monotone,
// so a bisection over the ordered float32 values finds it.
func lastLogitBelow(lo float32) float32 {
	a, b := float32(-104), float32(0) // sigmoid32(a) = 0 < lo < 0.5 = sigmoid32(b)
	for {
		m := midFloat32(a, b)
		if m == a {
			return a
		}
		if sigmoid32(m) < lo {
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
