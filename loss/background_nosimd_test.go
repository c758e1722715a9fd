//go:build !(goexperiment.simd && amd64)

package loss

// simdPixels: no vector background row in this build.
func simdPixels(k *kernel, x []float32) (expNeg []float64, p, q []float32, lq []float64, clamped int, ok bool) {
	return nil, nil, nil, nil, 0, false
}
