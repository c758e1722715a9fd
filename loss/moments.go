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
// With bins 1/64 wide (|d| ≤ 1/128) and k up to 5, the series leaves an
// error below (α/128)^6/720 relative: 1e-11 for α up to 6. A change of α then
// costs 600 bins a plane; the moments depend on the logits and on ε alone.
const (
	momentBinsPerUnit = 64
	momentOrder       = 6 // k = 0 … 5
	momentMaxAlpha    = 8 // beyond, (α/128)^6/720 passes 1e-10: recompute instead
)

// planeMoments holds one plane's binned moments, for log p in
// [lnLo, lnLo + len/64).
type planeMoments struct {
	valid bool
	m     [][momentOrder]float64
}

// momentBins is the number of bins that cover log p from log(lo) to 0.
func (k *kernel) momentBins() int { return int(-k.lnLo*momentBinsPerUnit) + 2 }

// moments computes the background moments of one plane into dst.
func (k *kernel) moments(dst *planeMoments, x, y []float32) {
	n := k.momentBins()
	if cap(dst.m) < n {
		dst.m = make([][momentOrder]float64, n)
	}
	dst.m = dst.m[:n]
	clear(dst.m)
	for i, xi := range x[:len(y)] {
		if !plainPixel(xi, y[i]) {
			continue
		}
		xi = min(max(xi, k.xLo), k.xHi)
		p, _, _, lq, softplus, expNeg := sigmoidLog(xi, k.lo, k.hi)
		lnp := k.logP(p, xi, softplus, expNeg)
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
