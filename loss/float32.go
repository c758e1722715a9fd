package loss

import "math"

// The reference runs in float32 on the CPU. These helpers round exactly where
// PyTorch rounds, so that quantities like 1-p near the clamp, or N+1e-4 in the
// embedding loss, carry the same float32 error as the reference (the
// single-object push quirk depends on it). Explicit conversions also stop the
// compiler from fusing a multiply and an add.

// eps4 is the 1e-4 the reference adds to object counts, as a float32 tensor
// operand.
const eps4 = float32(1e-4)

// sigmoid32 is torch.sigmoid on a float32 CPU tensor: 1/(1+exp(-x)) with each
// step rounded to float32. Sleef's expf is within an ulp of the true value; we
// round the true value.
func sigmoid32(x float32) float32 {
	e := float32(math.Exp(-float64(x)))
	d := float32(1 + e)
	return float32(1 / d)
}

// log32 is torch.log on a float32 tensor.
func log32(x float32) float32 { return float32(math.Log(float64(x))) }

// pow32 is torch.pow(x, a) on a float32 tensor; PyTorch computes the small
// integer exponents by multiplication.
func pow32(x float32, a float64) float32 {
	switch a {
	case 0:
		return 1
	case 1:
		return x
	case 2:
		return float32(x * x)
	case 3:
		return float32(float32(x*x) * x)
	}
	return float32(powExact(float64(x), a))
}

// powExact is math.Pow(x, a) to the bit, by plain multiplication for the
// exponents 2 and 4 (the default α and β), which math.Pow reaches through
// Frexp, a loop and Ldexp: in WebAssembly it was 7 % of an evaluation's time
// (the exact path of a box's corner pixels). math.Pow squares x's mantissa
// (rounding as x*x rounds, the power of two aside) and scales the result by
// a power of two at the end, exactly unless the result leaves the normal
// range: within 2^-255 ≤ |x| ≤ 2^255 every square and the result are
// normal, so x*x and (x*x)*(x*x) round as math.Pow does. Elsewhere, and for
// every other exponent, math.Pow itself.
func powExact(x, a float64) float64 {
	if ax := math.Abs(x); ax >= 0x1p-255 && ax <= 0x1p255 {
		switch a {
		case 2:
			return x * x
		case 4:
			s := x * x
			return s * s
		}
	}
	return math.Pow(x, a)
}

// clamp32 is torch.clamp(x, lo, hi); side reports which bound applied.
func clamp32(x, lo, hi float32) (p float32, side int8) {
	switch {
	case x < lo:
		return lo, -1
	case x > hi:
		return hi, 1
	}
	return x, 0
}
