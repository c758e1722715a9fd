package viz

import "math"

// minf and maxf are the builtin min and max, NaN and −0 included,
// inlined: in wasm the builtins on floats are calls, and the loops over a
// plane's pixels, and a curve's segments, make thousands of them.
func minf[T float32 | float64](a, b T) T {
	switch {
	case b < a:
		return b
	case a < b, a != a:
		return a
	case b != b || math.Signbit(float64(b)):
		return b
	}
	return a
}

func maxf[T float32 | float64](a, b T) T {
	switch {
	case b > a:
		return b
	case a > b, a != a:
		return a
	case b != b || !math.Signbit(float64(b)):
		return b
	}
	return a
}
