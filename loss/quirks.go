package loss

import "fmt"

// Quirk is a reference behaviour that fired on an input: the page and the
// CLI show it next to the number it changes.
type Quirk struct {
	Name   string // stable identifier, one of the Quirk* constants
	Image  int    // the image it concerns, -1 for the whole batch
	Detail string // one sentence for people
}

// Quirk names.
const (
	QuirkOneObject    = "one-object-push" // N_b = 1: push ≈ 1.000166, constant, zero gradient
	QuirkNoObjects    = "no-objects"      // N_b = 0: only its negatives count
	QuirkNoPositives  = "no-positives"    // no positive pixel in the batch: focal not normalised
	QuirkBatchOfOne   = "batch-of-one"    // B = 1: the reference crashes
	QuirkSharedCorner = "shared-corner"   // two objects on one corner pixel: counted once in num_pos
)

// Quirks lists the reference behaviours that fired on this input, batch-wide
// ones first.
func (r *Result) Quirks() []Quirk {
	var q []Quirk
	ref := r.Options.Convention == Reference
	if ref && r.Shape.Batch == 1 {
		q = append(q, Quirk{QuirkBatchOfOne, -1,
			"batch of one: the reference crashes (squeeze drops the batch axis); this is its value on the image duplicated, pull and push halved (an un-normalised focal counts the image twice)"})
	}
	for _, c := range Corners {
		if r.NumPos[c] == 0 {
			q = append(q, Quirk{QuirkNoPositives, -1, fmt.Sprintf(
				"no positive pixel in gt_%s_heat: focal is -Σneg, not divided by num_pos (a spike, not a NaN)", c)})
		}
	}
	for b, im := range r.Images {
		switch {
		case im.Objects == 0:
			q = append(q, Quirk{QuirkNoObjects, b, fmt.Sprintf(
				"image %d has no objects: it adds nothing to pull, push or offset, but its negatives count in focal", b)})
		case im.Objects == 1 && ref:
			q = append(q, Quirk{QuirkOneObject, b, fmt.Sprintf(
				"image %d has one object: its push is %.7g per stack (0.9999 in exact arithmetic), a constant with zero gradient", b, im.Stacks[0].Push)})
		}
		for _, c := range Corners {
			if j, k, ok := r.sharedCorner(b, c); ok {
				q = append(q, Quirk{QuirkSharedCorner, b, fmt.Sprintf(
					"objects %d and %d of image %d share a %s corner pixel: a shared positive counts once in num_pos", j, k, b, c)})
			}
		}
	}
	q = append(q, r.mmdetQuirks()...)
	return q
}

// sharedCorner finds two valid slots of image b whose corner c falls on the
// same pixel.
func (r *Result) sharedCorner(b int, c Corner) (int, int, bool) {
	sh := r.Shape
	seen := map[int64]int{}
	for k := range sh.Slots {
		i := sh.SlotIndex(b, k)
		if r.in.Mask[i] == 0 {
			continue
		}
		if j, ok := seen[r.in.Inds[c][i]]; ok {
			return j, k, true
		}
		seen[r.in.Inds[c][i]] = k
	}
	return 0, 0, false
}
