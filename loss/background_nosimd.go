//go:build !(goexperiment.simd && amd64)

package loss

// Without GOEXPERIMENT=simd on amd64 there is no vector background row:
// (*kernel).row keeps its scalar loop. See background_simd.go.

// backgroundSIMD reports whether backgroundRowSIMD runs: never in this build.
const backgroundSIMD = false

// zeroTargets reports whether every target of a row is +0; unused in this
// build.
func zeroTargets(y []float32) bool { return false }

// backgroundRowSIMD always leaves the row to the scalar loop in this build.
func backgroundRowSIMD(k *kernel, x []float32) (neg float64, clamped int, ok bool) {
	return 0, 0, false
}
