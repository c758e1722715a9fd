package loss

import (
	"fmt"
	"slices"
)

// Terms are the parts of the loss: focal per corner, pull, push and offset
// per corner.
type Terms struct {
	FocalTL float64
	FocalBR float64
	Pull    float64
	Push    float64
	RegrTL  float64
	RegrBR  float64
}

// Focal returns FocalTL + FocalBR.
func (t Terms) Focal() float64 { return t.FocalTL + t.FocalBR }

// Regr returns RegrTL + RegrBR.
func (t Terms) Regr() float64 { return t.RegrTL + t.RegrBR }

// Sum returns the sum of every term.
func (t Terms) Sum() float64 { return t.Focal() + t.Pull + t.Push + t.Regr() }

func (t *Terms) add(u Terms) {
	t.FocalTL += u.FocalTL
	t.FocalBR += u.FocalBR
	t.Pull += u.Pull
	t.Push += u.Push
	t.RegrTL += u.RegrTL
	t.RegrBR += u.RegrBR
}

// weighted applies the loss weights and the stack divisor to unweighted terms.
func (t Terms) weighted(o Options, div float64) Terms {
	return Terms{
		FocalTL: t.FocalTL / div,
		FocalBR: t.FocalBR / div,
		Pull:    o.PullWeight * t.Pull / div,
		Push:    o.PushWeight * t.Push / div,
		RegrTL:  o.RegrWeight * t.RegrTL / div,
		RegrBR:  o.RegrWeight * t.RegrBR / div,
	}
}

// ImageTerms is one image's share of the loss.
type ImageTerms struct {
	Objects  int     // N_b, valid slots of the mask
	Weighted Terms   // share of Result.Weighted: summed over images they give it back
	Stacks   []Terms // unweighted share, per stack
}

// Result is the loss of one training step and everything behind it.
type Result struct {
	Shape   Shape
	Options Options

	// Loss is the scalar the reference returns.
	Loss float64
	// Weighted holds each term weighted and divided by the number of stacks
	// (summed over stacks under MMDet), so that Loss = Weighted.Sum().
	// Under MMDet, which averages the corners (det_loss = (tl + br)/2, and so
	// the offsets), FocalTL is tl's half of det_loss, and so on: a corner's
	// share of the loss, as under the reference.
	Weighted Terms
	// Stacks holds the unweighted terms of each stack (each corner's share).
	Stacks []Terms
	// Images holds each image's share.
	Images []ImageTerms

	NumPos  [2]int // positive pixels per corner over the batch and all classes
	Clamped [2]int // pixels whose probability hit the clamp, per corner, all stacks

	// focalPos and focalNeg split each corner's focal term (unweighted,
	// summed over stacks, ≥ 0) into positives and negatives; classFocal is
	// the focal term of each class, both corners: for Summarize.
	focalPos, focalNeg [2]float64
	classFocal         []float64

	in       *Input
	kernel   *kernel
	div      float64    // stack divisor: S for the reference, 1 for MMDet
	regrNorm [2]float64 // each corner's offset denominator, from the mask at assembly
	// offPix holds, under MMDet, the offset mask of each image and corner:
	// the pixels (y·W+x, sorted) where any class's target is 1.
	offPix [][2][]int32
}

// Input is the input r is the loss of.
func (r *Result) Input() *Input { return r.in }

// Evaluate computes the loss of in under opt. It reads in but never writes
// to it. Values are not checked for NaN here (Input.Validate does that when a
// dump is read); a NaN logit gives a NaN loss, as in the reference.
func Evaluate(in *Input, opt Options) (*Result, error) {
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	if err := in.checkLengths(); err != nil {
		return nil, err
	}
	k := newKernel(opt)
	return assemble(in, opt, k, focalPlanes(k, in)), nil
}

// assemble turns the focal sums of every plane into the result and adds the
// embedding and offset terms, which are cheap enough to recompute each time.
func assemble(in *Input, opt Options, k *kernel, planes []focalSums) *Result {
	sh := in.Shape
	r := &Result{Shape: sh, Options: opt, in: in, kernel: k, div: float64(sh.Stacks)}
	if opt.Convention == MMDet {
		r.div = 1
	}
	r.Stacks = make([]Terms, sh.Stacks)
	r.Images = make([]ImageTerms, sh.Batch)
	for b := range r.Images {
		r.Images[b].Stacks = make([]Terms, sh.Stacks)
		for _, m := range in.Mask[b*sh.Slots : (b+1)*sh.Slots] {
			if m != 0 {
				r.Images[b].Objects++
			}
		}
	}

	// Focal: num_pos counts positives over the whole batch and every class;
	// the stacks share the targets, so stack 0 gives it.
	ids := planeOrder(sh)
	for i, id := range ids {
		if id.stack == 0 {
			r.NumPos[id.corner] += planes[i].npos
		}
		r.Clamped[id.corner] += planes[i].clamped
	}
	if opt.Convention == MMDet {
		r.offsetMasks(planes)
	}
	for _, c := range Corners {
		r.regrNorm[c] = r.offsetNorm(c)
	}
	r.classFocal = make([]float64, sh.Classes)
	for i, id := range ids {
		norm := r.focalNorm(id.corner)
		f := -(planes[i].pos + planes[i].neg) / norm
		r.focalPos[id.corner] -= planes[i].pos / norm
		r.focalNeg[id.corner] -= planes[i].neg / norm
		r.classFocal[id.class] += f
		t := &r.Images[id.image].Stacks[id.stack]
		if id.corner == TopLeft {
			t.FocalTL += f
		} else {
			t.FocalBR += f
		}
	}

	for s := range sh.Stacks {
		for _, c := range Corners {
			for b := range sh.Batch {
				o := r.Offsets(s, b, c)
				t := &r.Images[b].Stacks[s]
				if c == TopLeft {
					t.RegrTL += o.Sum / r.regrNorm[c]
				} else {
					t.RegrBR += o.Sum / r.regrNorm[c]
				}
			}
		}
		for b := range sh.Batch {
			e := r.Embedding(s, b)
			r.Images[b].Stacks[s].Pull = e.PullSum
			r.Images[b].Stacks[s].Push = e.PushSum
		}
	}

	for b := range r.Images {
		for s, t := range r.Images[b].Stacks {
			r.Stacks[s].add(t)
			r.Images[b].Weighted.add(t.weighted(opt, r.div))
		}
	}
	for _, t := range r.Stacks {
		r.Weighted.add(t.weighted(opt, r.div))
	}
	r.Loss = r.Weighted.Sum()
	return r
}

// focalNorm is what _neg_loss divides a corner's sums by: num_pos, or 1 when
// the batch has no positive pixel. Quirk kept on purpose: in that case the
// reference returns -Σneg un-normalised, a loss spike rather than a NaN.
//
// For a batch of one image (where the reference crashes) the value is the
// reference's on the image duplicated: with positives that changes nothing,
// without, the un-normalised sum counts the image twice, so the divisor is ½.
//
// Under MMDet each corner is divided by its own avg_factor, max(1, num_pos)
// (plus float32 eps, as weight_reduce_loss adds it), and the corners are
// averaged: det_loss = (tl_det + br_det)/2, so a corner's share has twice
// the avg_factor.
func (r *Result) focalNorm(c Corner) float64 {
	switch {
	case r.Options.Convention == MMDet:
		return 2 * mmdetAvgFactor(r.NumPos[c])
	case r.NumPos[c] == 0 && r.Shape.Batch == 1:
		return 0.5
	}
	return float64(max(r.NumPos[c], 1))
}

// offsetNorm is what a corner's offset sum is divided by: the reference's
// over the valid slots (the same for both corners), or under MMDet twice
// the avg_factor max(1, mask pixels) of loss_by_feat_single, which averages
// the corners: off_loss = (tl_off + br_off)/2.
func (r *Result) offsetNorm(c Corner) float64 {
	if r.Options.Convention != MMDet {
		return offsetNorm(r.in.Mask, r.Shape.Batch)
	}
	return 2 * mmdetAvgFactor(r.OffsetCount(c))
}

// offsetMasks finds MMDet's offset mask of every image and corner: the
// pixels where any class's target is 1 (gt.eq(1).sum(1).gt(0)). Only the
// planes with positives (their count is in the focal sums of stack 0) are
// scanned, each until its last positive.
func (r *Result) offsetMasks(planes []focalSums) {
	sh, in := r.Shape, r.in
	r.offPix = make([][2][]int32, sh.Batch)
	for i, id := range planeOrder(sh) {
		if id.stack != 0 || planes[i].npos == 0 {
			continue
		}
		y := in.targetData(id)
		pix := &r.offPix[id.image][id.corner]
		left := planes[i].npos
		for j, v := range y {
			if v == 1 {
				*pix = append(*pix, int32(j))
				if left--; left == 0 {
					break
				}
			}
		}
	}
	for b := range r.offPix {
		for c := range r.offPix[b] {
			slices.Sort(r.offPix[b][c])
			r.offPix[b][c] = slices.Compact(r.offPix[b][c])
		}
	}
}

// Embedding returns the embedding loss of image b in stack s, object by object.
func (r *Result) Embedding(stack, image int) Embedding {
	sh, in := r.Shape, r.in
	lo, hi := sh.StackSlotIndex(stack, image, 0), sh.StackSlotIndex(stack, image+1, 0)
	mask := in.Mask[image*sh.Slots : (image+1)*sh.Slots]
	o := r.Options
	return embed(o.Convention, in.Tag[TopLeft][lo:hi], in.Tag[BottomRight][lo:hi], mask,
		o.PullWeight/r.div, o.PushWeight/r.div)
}

// Offsets returns the offset loss of image b in stack s for one corner.
func (r *Result) Offsets(stack, image int, c Corner) Offsets {
	sh, in := r.Shape, r.in
	lo, hi := sh.StackSlotIndex(stack, image, 0), sh.StackSlotIndex(stack, image+1, 0)
	mask := in.Mask[image*sh.Slots : (image+1)*sh.Slots]
	gt := in.GTRegr[c][2*image*sh.Slots : 2*(image+1)*sh.Slots]
	scale := r.Options.RegrWeight / r.div / r.regrNorm[c]
	if r.Options.Convention == MMDet {
		var predMap []float32
		if m := in.RegrMap[c]; m != nil {
			n := 2 * sh.Pixels()
			predMap = m[(stack*sh.Batch+image)*n:][:n]
		}
		inds := in.Inds[c][image*sh.Slots : (image+1)*sh.Slots]
		return mmdetOffsets(in.Regr[c][2*lo:2*hi], gt, inds, mask, r.offPix[image][c], predMap, scale)
	}
	return offsets(in.Regr[c][2*lo:2*hi], gt, mask, scale)
}

// checkLengths verifies the array lengths against the shape and the index
// range: enough for the engine to run without panicking.
func (in *Input) checkLengths() error { return in.checkArrays(true) }

// checkArrays is checkLengths, leaving out the heats unless told: a
// Scanner had them, plane by plane.
func (in *Input) checkArrays(heats bool) error {
	sh := in.Shape
	if sh.Stacks < 1 || sh.Batch < 1 || sh.Classes < 1 || sh.Height < 1 || sh.Width < 1 || sh.Slots < 1 {
		return fmt.Errorf("shape %v: every dimension must be at least 1", sh)
	}
	n := sh.Pixels()
	for _, c := range Corners {
		p := c.String()
		for _, ch := range []struct {
			name      string
			got, want int
		}{
			{p + "_heats", len(in.Heat[c]), sh.Stacks * sh.Batch * sh.Classes * n},
			{p + "_tags", len(in.Tag[c]), sh.Stacks * sh.Batch * sh.Slots},
			{p + "_regrs", len(in.Regr[c]), sh.Stacks * sh.Batch * sh.Slots * 2},
			{"gt_" + p + "_heat", len(in.GTHeat[c]), sh.Batch * sh.Classes * n},
			{"gt_" + p + "_regr", len(in.GTRegr[c]), sh.Batch * sh.Slots * 2},
			{p + "_inds", len(in.Inds[c]), sh.Batch * sh.Slots},
		} {
			if ch.got != ch.want && (heats || ch.name != p+"_heats") {
				return fmt.Errorf("%s: %d values, want %d for %v", ch.name, ch.got, ch.want, sh)
			}
		}
		for i, v := range in.Inds[c] {
			if v < 0 || v >= int64(n) {
				return fmt.Errorf("%s: index %d at %v is outside the %dx%d map", p+"_inds", v, Unravel(i, sh.Batch, sh.Slots), sh.Height, sh.Width)
			}
		}
	}
	for _, c := range Corners {
		for _, m := range []struct {
			name string
			v    []float32
			per  int
		}{{c.String() + "_tags", in.TagMap[c], 1}, {c.String() + "_regrs", in.RegrMap[c], 2}} {
			if want := sh.Stacks * sh.Batch * m.per * n; m.v != nil && len(m.v) != want {
				return fmt.Errorf("%s: map of %d values, want %d for %v", m.name, len(m.v), want, sh)
			}
		}
	}
	if len(in.Mask) != sh.Batch*sh.Slots {
		return fmt.Errorf("gt_mask: %d values, want %d for %v", len(in.Mask), sh.Batch*sh.Slots, sh)
	}
	return nil
}
