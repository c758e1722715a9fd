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
	return float32(math.Pow(float64(x), a))
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
