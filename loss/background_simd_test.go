//go:build goexperiment.simd && amd64

package loss

// simdPixels runs the vector background row over x and returns its per-pixel
// exp(-x), p, q = 1-p and log(q), and the row's clamped count; ok as
// backgroundRowSIMD.
func simdPixels(k *kernel, x []float32) (expNeg []float64, p, q []float32, lq []float64, clamped int, ok bool) {
	n := len(x)
	out := &bgPixels{expNeg: make([]float64, n), p: make([]float32, n), q: make([]float32, n), lq: make([]float64, n)}
	_, clamped, ok = backgroundRowVec(k, x, out)
	return out.expNeg, out.p, out.q, out.lq, clamped, ok
}
