package loss

import "fmt"

// Quirk is a reference behaviour that fired on an input: the page and the
// CLI show it next to the number it changes.
type Quirk struct {
	Name   string // stable identifier, one of the Quirk* constants
	Image  int    // the image it concerns, -1 for the whole batch
	Detail string // one sentence for people
	Args   []any  // the values Detail names, in its order: a page can say it in another language
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
		q = append(q, Quirk{Name: QuirkBatchOfOne, Image: -1,
			Detail: "batch of one: the reference crashes (squeeze drops the batch axis); this is its value on the image duplicated, pull and push halved (an un-normalised focal counts the image twice)"})
	}
	for _, c := range Corners {
		if r.NumPos[c] == 0 {
			q = append(q, Quirk{Name: QuirkNoPositives, Image: -1, Detail: fmt.Sprintf(
				"no positive pixel in gt_%s_heat: focal is -Σneg, not divided by num_pos (a spike, not a NaN)", c), Args: []any{c.String()}})
		}
	}
	for b, im := range r.Images {
		switch {
		case im.Objects == 0:
			q = append(q, Quirk{Name: QuirkNoObjects, Image: b, Detail: fmt.Sprintf(
				"image %d has no objects: it adds nothing to pull, push or offset, but its negatives count in focal", b), Args: []any{b}})
		case im.Objects == 1 && ref:
			q = append(q, Quirk{Name: QuirkOneObject, Image: b, Detail: fmt.Sprintf(
				"image %d has one object: its push is %.7g per stack (0.9999 in exact arithmetic), a constant with zero gradient", b, im.Stacks[0].Push), Args: []any{b, im.Stacks[0].Push}})
		}
		for _, c := range Corners {
			if at, slots, pos, ok := r.sharedCorner(b, c); ok {
				plural := map[bool]string{true: "s"}[pos > 1]
				x, y := at%int64(r.Shape.Width), at/int64(r.Shape.Width)
				q = append(q, Quirk{Name: QuirkSharedCorner, Image: b, Detail: fmt.Sprintf(
					"%d objects of image %d have their %s corner on pixel (%d, %d), where gt_%s_heat has %d positive%s: objects of one class share a positive, which num_pos counts once",
					slots, b, c, x, y, c, pos, plural), Args: []any{slots, b, c.String(), x, y, c.String(), pos}})
			}
		}
	}
	q = append(q, r.mmdetQuirks()...)
	return q
}

// sharedCorner finds a pixel of image b where more valid slots have their
// corner c than gt_c_heat has positives over the classes: objects of one
// class whose corners coincide make one positive, which num_pos counts once.
// (Of different classes they make a positive on each class's plane.) It
// returns the pixel, the slots on it and its positives.
func (r *Result) sharedCorner(b int, c Corner) (at int64, slots, pos int, ok bool) {
	sh := r.Shape
	on := map[int64]int{}
	for k := range sh.Slots {
		if i := sh.SlotIndex(b, k); r.in.Mask[i] != 0 {
			on[r.in.Inds[c][i]]++
		}
	}
	for p, n := range on {
		if n < 2 || p < 0 || p >= int64(sh.Pixels()) || (ok && p > at) {
			continue
		}
		m := 0
		for cls := range sh.Classes {
			if r.in.GTHeat[c][sh.TargetIndex(b, cls, 0, 0)+int(p)] == 1 {
				m++
			}
		}
		if m > 0 && m < n { // the first such pixel, whatever the map's order
			at, slots, pos, ok = p, n, m, true
		}
	}
	return at, slots, pos, ok
}
