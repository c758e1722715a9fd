package loss

import "fmt"

// The seam per plane: a pool splits a step's heatmap planes across workers,
// each sums its share (SumPlanes, or an Evaluator of the part), and the page
// assembles the result from all the sums (Assemble). A plane's sums depend
// on that plane alone and Assemble adds them in plane order, so any split
// gives the same result as one thread, to the last bit.

// PlaneSums is the focal loss of one heatmap plane before normalisation:
// the sums _neg_loss builds from pos_loss and neg_loss, and the counts the
// result needs.
type PlaneSums struct {
	Pos     float64 // Σ log(p)(1-p)^α over the positives
	Neg     float64 // Σ log(1-p)p^α(1-y)^β over the negatives
	NumPos  int     // positive pixels (target exactly 1)
	Clamped int     // pixels whose probability hit the clamp
}

func (f focalSums) export() PlaneSums {
	return PlaneSums{Pos: f.pos, Neg: f.neg, NumPos: f.npos, Clamped: f.clamped}
}

func (p PlaneSums) internal() focalSums {
	return focalSums{pos: p.Pos, neg: p.Neg, npos: p.NumPos, clamped: p.Clamped}
}

// PlaneCount is the number of heatmap planes of a step of shape sh: S·2·B·C,
// ordered by stack, corner (tl, br), image, class.
func PlaneCount(sh Shape) int { return sh.Stacks * len(Corners) * sh.Batch * sh.Classes }

// PlaneOf is the index of plane (stack, corner, image, class) in
// PlaneCount's order.
func PlaneOf(sh Shape, stack int, c Corner, image, class int) int {
	return ((stack*len(Corners)+int(c))*sh.Batch+image)*sh.Classes + class
}

// SumPlanes sums planes [first, last) of in under opt, on all cores.
func SumPlanes(in *Input, opt Options, first, last int) ([]PlaneSums, error) {
	e, err := NewPartEvaluator(in, opt, first, last)
	if err != nil {
		return nil, err
	}
	return e.Sums(nil), nil
}

// Assemble is the loss of in under opt from the sums of every plane (in
// PlaneCount's order), as Evaluate computes it from its own.
func Assemble(in *Input, opt Options, planes []PlaneSums) (*Result, error) {
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	if err := in.checkLengths(); err != nil {
		return nil, err
	}
	if n := PlaneCount(in.Shape); len(planes) != n {
		return nil, fmt.Errorf("%d plane sums for a step of %d planes", len(planes), n)
	}
	f := make([]focalSums, len(planes))
	for i, p := range planes {
		f[i] = p.internal()
	}
	return assemble(in, opt, newKernel(opt), f), nil
}
