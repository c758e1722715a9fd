package loss

import (
	"math"
	"slices"
)

// Offsets is the offset loss of one image in one stack for one corner,
// object by object: the part of _regr_loss (or, under MMDet, of
// loss_by_feat_single's offset loss) that image contributes.
type Offsets struct {
	Slots  []int        // slot of each object
	Pred   [][2]float32 // predicted sub-pixel offset (x, y)
	Target [][2]float32 // true offset
	Loss   []float64    // smooth-L1 summed over x and y, before normalisation
	Grad   [][2]float64 // d total / d predicted offset
	// Counted says whether the object's term is in Sum. Under the reference
	// every valid slot counts; under MMDet only the last valid slot whose
	// corner is a pixel of the mask (see mmdetOffsets), so an object that
	// shares its corner pixel with a later one has Loss and Grad 0.
	Counted []bool
	// Unowned is the smooth-L1 at the mask pixels that no valid slot points
	// at (MMDet with offset maps: the map's value against a target of 0).
	Unowned float64
	Sum     float64 // Σ Loss + Unowned
}

// smoothL132 is F.smooth_l1_loss with beta 1 on one float32 element (and
// mmdetection's smooth_l1_loss: the same steps).
func smoothL132(pred, target float32) (loss float32, grad float64) {
	d := float32(pred - target)
	z := float32(math.Abs(float64(d)))
	if z < 1 {
		return float32(float32(0.5*z) * z), float64(d)
	}
	return float32(z - 0.5), sign32(d)
}

// add appends one object's pair of offsets; counted says whether its term
// enters the sum.
func (o *Offsets) add(slot int, p, t [2]float32, counted bool, gradScale float64) {
	o.Slots = append(o.Slots, slot)
	o.Pred = append(o.Pred, p)
	o.Target = append(o.Target, t)
	o.Counted = append(o.Counted, counted)
	if !counted {
		o.Loss = append(o.Loss, 0)
		o.Grad = append(o.Grad, [2]float64{})
		return
	}
	lx, gx := smoothL132(p[0], t[0])
	ly, gy := smoothL132(p[1], t[1])
	o.Loss = append(o.Loss, float64(lx)+float64(ly))
	o.Sum += float64(lx) + float64(ly)
	o.Grad = append(o.Grad, [2]float64{gx * gradScale, gy * gradScale})
}

// offsets computes the smooth-L1 of one image's valid slots, as _regr_loss.
// pred and target hold the image's K slots as (x, y) pairs; gradScale is
// d total / d sum.
func offsets(pred, target []float32, mask []uint8, gradScale float64) Offsets {
	var o Offsets
	for k, m := range mask {
		if m != 0 {
			o.add(k, [2]float32{pred[2*k], pred[2*k+1]}, [2]float32{target[2*k], target[2*k+1]}, true, gradScale)
		}
	}
	return o
}

// mmdetOffsets computes one image's offset loss as loss_by_feat_single does
// on dense maps: smooth-L1 at the pixels of the mask (pix, sorted: where any
// class's target is 1), where get_targets' dense target map holds the offset
// of the last box written there, so the last valid slot whose corner is that
// pixel gives the target and, gathered at the same pixel, the prediction.
// Mask pixels no slot points at have target 0 and the prediction of
// predMap ([2,H·W], the dump's offset map) or 0 when the dump has none.
func mmdetOffsets(pred, target []float32, inds []int64, mask []uint8, pix []int32, predMap []float32, gradScale float64) Offsets {
	var o Offsets
	owner := make(map[int64]int, len(pix))
	for k, m := range mask {
		if m != 0 {
			if _, in := slices.BinarySearch(pix, int32(inds[k])); in {
				owner[inds[k]] = k
			}
		}
	}
	for k, m := range mask {
		if m != 0 {
			j, ok := owner[inds[k]]
			o.add(k, [2]float32{pred[2*k], pred[2*k+1]}, [2]float32{target[2*k], target[2*k+1]}, ok && j == k, gradScale)
		}
	}
	if predMap != nil && len(owner) < len(pix) {
		n := len(predMap) / 2
		for _, i := range pix {
			if _, ok := owner[int64(i)]; !ok {
				lx, _ := smoothL132(predMap[i], 0)
				ly, _ := smoothL132(predMap[n+int(i)], 0)
				o.Unowned += float64(lx) + float64(ly)
			}
		}
		o.Sum += o.Unowned
	}
	return o
}

// offsetNorm is the denominator of the reference's offset loss over the
// batch: float32(Σ mask) + 1e-4 (so an empty batch gives 0, not NaN).
//
// Quirk kept on purpose for a batch of one image, where the reference itself
// crashes: we return its value on the image duplicated, with the summed-over-
// images terms halved (how the golden batch_of_one was made). Focal, pull and
// push come out as for the lone image; the offset term becomes
// 2Σ/(2N + 1e-4), so the 1e-4 counts half.
func offsetNorm(mask []uint8, batch int) float64 {
	var sum int
	for _, m := range mask {
		sum += int(m)
	}
	if batch == 1 {
		return float64(float32(float32(2*sum)+eps4)) / 2
	}
	return float64(float32(float32(sum) + eps4))
}

// mmdetAvgFactor is what mmdetection's weight_reduce_loss divides a sum by
// for avg_factor = max(1, n): avg_factor + float32 eps, in float32 (n for
// n ≥ 2, 1 + 2⁻²³ for n ≤ 1).
func mmdetAvgFactor(n int) float64 {
	const eps = 0x1p-23 // torch.finfo(torch.float32).eps
	return float64(float32(float64(max(n, 1)) + eps))
}
