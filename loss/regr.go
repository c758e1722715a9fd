package loss

import "math"

// Offsets is the offset loss of one image in one stack for one corner,
// object by object: the part of _regr_loss that image contributes.
type Offsets struct {
	Slots  []int        // slot of each object
	Pred   [][2]float32 // predicted sub-pixel offset (x, y)
	Target [][2]float32 // true offset
	Loss   []float64    // smooth-L1 summed over x and y, before normalisation
	Sum    float64      // Σ Loss
	Grad   [][2]float64 // d total / d predicted offset
}

// smoothL132 is F.smooth_l1_loss with beta 1 on one float32 element.
func smoothL132(pred, target float32) (loss float32, grad float64) {
	d := float32(pred - target)
	z := float32(math.Abs(float64(d)))
	if z < 1 {
		return float32(float32(0.5*z) * z), float64(d)
	}
	return float32(z - 0.5), sign32(d)
}

// offsets computes the smooth-L1 of one image's valid slots. pred and target
// hold the image's K slots as (x, y) pairs; gradScale is d total / d sum.
func offsets(pred, target []float32, mask []uint8, gradScale float64) Offsets {
	var o Offsets
	for k, m := range mask {
		if m == 0 {
			continue
		}
		p := [2]float32{pred[2*k], pred[2*k+1]}
		t := [2]float32{target[2*k], target[2*k+1]}
		lx, gx := smoothL132(p[0], t[0])
		ly, gy := smoothL132(p[1], t[1])
		o.Slots = append(o.Slots, k)
		o.Pred = append(o.Pred, p)
		o.Target = append(o.Target, t)
		o.Loss = append(o.Loss, float64(lx)+float64(ly))
		o.Sum += float64(lx) + float64(ly)
		o.Grad = append(o.Grad, [2]float64{gx * gradScale, gy * gradScale})
	}
	return o
}

// offsetNorm is the denominator of the offset loss over the batch: the
// reference divides by float32(Σ mask) + 1e-4 (so an empty batch gives 0,
// not NaN); MMDet by max(1, objects).
//
// Quirk kept on purpose for a batch of one image, where the reference itself
// crashes: we return its value on the image duplicated, with the summed-over-
// images terms halved (how the golden batch_of_one was made). Focal, pull and
// push come out as for the lone image; the offset term becomes
// 2Σ/(2N + 1e-4), so the 1e-4 counts half.
func offsetNorm(conv Convention, mask []uint8, batch int) float64 {
	var sum, n int
	for _, m := range mask {
		sum += int(m)
		if m != 0 {
			n++
		}
	}
	if conv == MMDet {
		return float64(max(n, 1))
	}
	if batch == 1 {
		return float64(float32(float32(2*sum)+eps4)) / 2
	}
	return float64(float32(float32(sum) + eps4))
}
