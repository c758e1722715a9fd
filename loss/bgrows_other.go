//go:build !(js && wasm)

package loss

// rowsSIMD is the browser's SIMD rows (bgrows_js.go); natively there is
// none, and rows sums every row in Go.
func (k *kernel) rowsSIMD(dst []rowSums, x, y []float32, width int) (plain int, ok bool) {
	return 0, false
}

// SIMDRows reports whether rows are summed by bgrows.wasm here: never
// natively.
func SIMDRows() bool { return false }

// rowsScratchBytes is the scratch of the browser's SIMD rows: none here.
func rowsScratchBytes(h int) int64 { return 0 }
