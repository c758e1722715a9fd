package loss

import "fmt"

// QuirkSharedOffset fires under MMDet where valid slots of an image have a
// corner on one pixel of the offset mask, whatever their classes: the
// pixel is one term of the offset loss, the last slot's.
const QuirkSharedOffset = "shared-offset-pixel"

// mmdetQuirks lists what fires only under MMDet.
func (r *Result) mmdetQuirks() []Quirk {
	if r.Options.Convention != MMDet {
		return nil
	}
	var q []Quirk
	for b := range r.Shape.Batch {
		for _, c := range Corners {
			o := r.Offsets(0, b, c)
			for i, counted := range o.Counted {
				if !counted && r.inMask(b, c, o.Slots[i]) {
					q = append(q, Quirk{Name: QuirkSharedOffset, Image: b, Detail: fmt.Sprintf(
						"object %d of image %d shares its %s corner pixel with a later object: mmdetection's offset map holds one offset there, the later one's, and the pixel counts once", o.Slots[i], b, c), Args: []any{o.Slots[i], b, c.String()}})
					break
				}
			}
		}
	}
	return q
}

// inMask reports whether slot k of image b has its corner c on a pixel of
// the MMDet offset mask.
func (r *Result) inMask(b int, c Corner, k int) bool {
	ind := int32(r.in.Inds[c][r.Shape.SlotIndex(b, k)])
	for _, p := range r.offPix[b][c] {
		if p == ind {
			return true
		}
	}
	return false
}
