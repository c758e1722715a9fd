package loss

import "math"

// A change of α reaches every background pixel: its term is log(1-p)·p^α.
// Rather than 16k exponentials a plane, the Evaluator keeps, per plane, the
// background pixels' log(1-p) binned by log p, with the first moments of
// their offsets d from the bin's centre c:
//
//	Σ log(1-p)·p^α = Σ_bins e^(α·c) Σ_pixels log(1-p)·e^(α·d)
//	               = Σ_bins e^(α·c) Σ_k α^k · M_k,   M_k = Σ log(1-p)·d^k/k!
//
// With bins 1/16 wide (|d| ≤ 1/32) and k up to 8, the series leaves an
// error below (α/32)^9/9!·e^(α/32) relative: 1.3e-11 for α up to 8. A
// change of α then costs 150 bins of nine terms a plane (fewer, wider bins
// of more terms cost less: the bins are what every α change walks); the
// moments depend on the logits and on ε alone.
const (
	momentBinsPerUnit = 16
	momentOrder       = 9 // k = 0 … 8
	momentMaxAlpha    = 8 // beyond, the series' error passes 1e-10: recompute instead
)

// planeMoments holds one plane's binned moments, for log p in
// [lnLo, lnLo + len/16).
type planeMoments struct {
	valid bool
	m     [][momentOrder]float64
}

// momentBins is the number of bins that cover log p from log(lo) to 0.
func (k *kernel) momentBins() int { return int(-k.lnLo*momentBinsPerUnit) + 2 }

// moments computes the background moments of one plane of the given width
// into dst.
func (k *kernel) moments(dst *planeMoments, x, y []float32, width int) {
	n := k.momentBins()
	if cap(dst.m) < n {
		dst.m = make([][momentOrder]float64, n)
	}
	dst.m = dst.m[:n]
	clear(dst.m)
	for o := 0; o < len(y); o += width {
		xr, yr := x[o:o+width], y[o:o+width]
		steps := repeatedLogits(xr) // as row sums it
		for i, xi := range xr {
			if !plainPixel(xi, yr[i]) {
				continue
			}
			lq, lnp := k.backgroundLogs(xi, steps)
			u := (lnp - k.lnLo) * momentBinsPerUnit
			b := min(max(int(u), 0), n-1)
			d := (u - (float64(b) + 0.5)) * (1.0 / momentBinsPerUnit)
			m := &dst.m[b]
			t := lq
			for j := range momentOrder {
				m[j] += t
				t *= d / float64(j+1)
			}
		}
	}
	dst.valid = true
}

// backgroundAt returns Σ log(1-p)·p^α over the plane's background pixels
// from its moments.
func (k *kernel) backgroundAt(pm *planeMoments, alpha float64) float64 {
	c0 := k.lnLo + 0.5/momentBinsPerUnit
	scale := math.Exp(alpha * c0)               // e^(α·c) at bin 0
	step := math.Exp(alpha / momentBinsPerUnit) // ratio of e^(α·c) between bins
	var sum float64
	for b := range pm.m {
		m := &pm.m[b]
		if m[0] != 0 {
			s := m[momentOrder-1]
			for j := momentOrder - 2; j >= 0; j-- {
				s = s*alpha + m[j]
			}
			sum += scale * s
		}
		scale *= step
	}
	return sum
}

// backgroundLogs returns log(1-p) and log p at a background logit x as
// row's term has them, term = log(1-p)·e^(α·log p): the clamps' constants,
// -softplus(x) and x - softplus(x) where bgTable holds the term, and the
// reference's float32 steps from 0 up or in a row of repeated logits
// (steps).
func (k *kernel) backgroundLogs(x float32, steps bool) (lq, lnp float64) {
	switch {
	case x <= k.xLo:
		return k.lqLo, k.lnLo
	case x >= k.xHi && !k.exactHi:
		return k.lqHi, k.lnHi
	case x > k.xTab && x < 0 && !steps:
		sp := softplus(x)
		return -sp, float64(x) - sp
	case x > -fastLogitMax && x < k.xHi:
		p, _, _, lq, sp, expNeg := sigmoidLog(x, k.lo, k.hi)
		return lq, k.logP(p, x, sp, expNeg)
	}
	return k.exactLogs(x) // MMDet past the fast functions' reach
}
