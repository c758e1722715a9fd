package loss

import (
	"fmt"
	"unsafe"
)

// Evaluator holds the loss of an input that changes a little at a time: it
// keeps the focal sums of every row of every plane, so that an edit
// recomputes only the rows it touched, and a change of β only the rows that
// hold bumps or positives. Its Result equals Evaluate on the same input to
// the last bit (both sum the same rows in the same order), except after
// SetOptions changed α alone on the fast path: the background then comes
// from binned moments (moments.go), within 1e-10 relative of Evaluate,
// until the planes are recomputed.
//
// The caller changes the input's arrays in place and then says which rows
// changed with Changed (tags, offsets, the mask and the indices need no call:
// Result always recomputes the embedding and offset terms, which are cheap).
//
// An Evaluator made by NewPartEvaluator holds planes [first, last) only
// (in PlaneCount's order): a worker's share of a step split across a pool.
// Its Sums go to Assemble on the page, beside the other parts'.
type Evaluator struct {
	in     *Input
	opt    Options
	k      *kernel
	first  int       // index of ids[0] among all the step's planes
	whole  bool      // the evaluator holds every plane: Result works
	ids    []planeID // the planes held
	rows   []rowSums // plane i's rows at [i·H, (i+1)·H)
	planes []focalSums

	// After a change of α summed from the moments, a plane's background
	// comes from them and its rows' background sums are stale: bgStale, and
	// bg holds the plane's background sums. moments are built on the first
	// change of α and dropped when a plane's pixels change.
	moments []planeMoments
	bgStale []bool
	bg      []focalSums
}

// NewEvaluator computes every row of in under opt.
func NewEvaluator(in *Input, opt Options) (*Evaluator, error) {
	return NewPartEvaluator(in, opt, 0, PlaneCount(in.Shape))
}

// NewPartEvaluator computes every row of planes [first, last) of in under
// opt (see PlaneCount for their order). Only those planes' logits and
// targets are read; Changed ignores the others.
func NewPartEvaluator(in *Input, opt Options, first, last int) (*Evaluator, error) {
	e, err := newEvaluator(in, opt, first, last)
	if err != nil {
		return nil, err
	}
	e.computeAll()
	return e, nil
}

// newEvaluator checks in and opt and allocates an evaluator of planes
// [first, last), computing nothing.
func newEvaluator(in *Input, opt Options, first, last int) (*Evaluator, error) {
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	if err := in.checkLengths(); err != nil {
		return nil, err
	}
	all := planeOrder(in.Shape)
	if first < 0 || last > len(all) || first > last {
		return nil, fmt.Errorf("planes [%d, %d) of a step of %d", first, last, len(all))
	}
	ids := all[first:last]
	e := &Evaluator{
		in:      in,
		opt:     opt,
		k:       newKernel(opt),
		first:   first,
		whole:   len(ids) == len(all),
		ids:     ids,
		rows:    make([]rowSums, len(ids)*in.Height),
		planes:  make([]focalSums, len(ids)),
		bgStale: make([]bool, len(ids)),
		bg:      make([]focalSums, len(ids)),
	}
	return e, nil
}

// EvaluatorBytes bounds what an Evaluator of a step of shape sh allocates
// beyond the input, under any options: its row and plane sums, and the
// binned moments of every plane that a change of α builds.
func EvaluatorBytes(sh Shape) int64 {
	// Moments are built only on the fast path, where -log(ε) < fastLogitMax.
	const maxBins = (fastLogitMax+1)*momentBinsPerUnit + 2
	planes := int64(sh.Stacks) * int64(len(Corners)) * int64(sh.Batch) * int64(sh.Classes)
	perPlane := int64(sh.Height)*int64(unsafe.Sizeof(rowSums{})) +
		3*int64(unsafe.Sizeof(focalSums{})) + int64(unsafe.Sizeof(planeID{})) + 1 +
		int64(unsafe.Sizeof(planeMoments{})) + maxBins*int64(unsafe.Sizeof([momentOrder]float64{}))
	return planes*perPlane + rowsScratchBytes(sh.Height)
}

// computeAll recomputes every row, on all cores, and drops the moments.
func (e *Evaluator) computeAll() {
	h := e.in.Height
	parallel(len(e.ids), func(i int, sc *rowScratch) {
		rows := e.rows[i*h : (i+1)*h]
		x, y := e.in.planeData(e.ids[i])
		e.k.rows(rows, x, y, e.in.Width)
		e.planes[i] = planeSums(rows)
		e.bgStale[i] = false
		if e.moments != nil {
			e.moments[i].valid = false
		}
	})
}

// sumPlane adds up plane i: its rows, or, while their background sums are
// stale, its background from the moments and its rows' other pixels.
func (e *Evaluator) sumPlane(i int) {
	h := e.in.Height
	rows := e.rows[i*h : (i+1)*h]
	if !e.bgStale[i] {
		e.planes[i] = planeSums(rows)
		return
	}
	f := e.bg[i]
	for _, r := range rows {
		f.add(r.other)
	}
	e.planes[i] = f
}

// planeIndex is the position of plane (stack, corner, image, class) among
// the evaluator's planes, outside [0, len(e.ids)) when it holds another
// part.
func (e *Evaluator) planeIndex(stack int, c Corner, image, class int) int {
	return PlaneOf(e.in.Shape, stack, c, image, class) - e.first
}

// Changed says that rows [y0, y1) of plane (stack, image, class, corner)
// changed, in the logits or the targets; stack < 0 means every stack (a
// target plane is shared by the stacks). Rows outside the map are ignored.
func (e *Evaluator) Changed(c Corner, stack, image, class, y0, y1 int) {
	sh := e.in.Shape
	y0, y1 = max(y0, 0), min(y1, sh.Height)
	if y0 >= y1 {
		return
	}
	stacks := []int{stack}
	if stack < 0 {
		stacks = stacks[:0]
		for s := range sh.Stacks {
			stacks = append(stacks, s)
		}
	}
	w := sh.Width
	for _, s := range stacks {
		i := e.planeIndex(s, c, image, class)
		if i < 0 || i >= len(e.ids) {
			continue // another part's plane
		}
		x, y := e.in.planeData(e.ids[i])
		rows := e.rows[i*sh.Height : (i+1)*sh.Height]
		if e.bgStale[i] { // the other rows' background sums are for an old α
			y0, y1 = 0, sh.Height
			e.bgStale[i] = false
		}
		for r := y0; r < y1; r++ {
			rows[r] = e.k.row(x[r*w:(r+1)*w], y[r*w:(r+1)*w])
		}
		if e.moments != nil {
			e.moments[i].valid = false
		}
		e.sumPlane(i)
	}
}

// ChangedAll says that the whole input changed (same shape).
func (e *Evaluator) ChangedAll() { e.computeAll() }

// SetOptions changes the options, recomputing only what they reach: new
// weights recompute nothing, a new β only the rows with bumps or positives,
// anything else every row.
func (e *Evaluator) SetOptions(opt Options) error {
	if err := opt.Validate(); err != nil {
		return err
	}
	old := e.opt
	e.opt = opt
	sameEps := old.Eps == opt.Eps || opt.Convention == MMDet // MMDet has no clamp
	sameKernel := old.Alpha == opt.Alpha && sameEps && old.Convention == opt.Convention
	onlyAlpha := sameEps && old.Convention == opt.Convention && old.Alpha != opt.Alpha
	switch {
	case sameKernel && old.Beta == opt.Beta:
	case sameKernel:
		e.k = newKernel(opt)
		e.recomputeOthers()
	case onlyAlpha && e.k.fast && opt.Alpha <= momentMaxAlpha:
		e.k = newKernel(opt)
		e.alphaFromMoments()
	default:
		e.k = newKernel(opt)
		e.computeAll()
	}
	return nil
}

// alphaFromMoments re-sums every plane's background for a new α from its
// moments (building those it lacks), and recomputes the other pixels. Each
// plane writes only its own rows, moments and sums, so planes run in
// parallel.
func (e *Evaluator) alphaFromMoments() {
	if e.moments == nil {
		e.moments = make([]planeMoments, len(e.ids))
	}
	h := e.in.Height
	parallel(len(e.ids), func(i int, sc *rowScratch) {
		x, y := e.in.planeData(e.ids[i])
		pm := &e.moments[i]
		if !pm.valid {
			e.k.moments(pm, x, y, e.in.Width)
		}
		// The clamped count does not depend on α: take it from the rows,
		// or, while their background sums are stale, from the last bg.
		var clamped int
		if e.bgStale[i] {
			clamped = e.bg[i].clamped
		} else {
			for _, r := range e.rows[i*h : (i+1)*h] {
				clamped += r.bg.clamped
			}
		}
		e.bg[i] = focalSums{neg: e.k.backgroundAt(pm, e.opt.Alpha), clamped: clamped}
		e.bgStale[i] = true
		e.recomputeOthersOf(i)
		e.sumPlane(i)
	})
}

// recomputeOthers recomputes the non-background part of the rows that have
// one: all a change of β reaches.
func (e *Evaluator) recomputeOthers() {
	for i := range e.ids {
		if e.recomputeOthersOf(i) {
			e.sumPlane(i)
		}
	}
}

// recomputeOthersOf recomputes the non-background part of plane i's rows
// that have one, and reports whether there was any. It writes only plane
// i's rows.
func (e *Evaluator) recomputeOthersOf(i int) bool {
	sh := e.in.Shape
	h, w := sh.Height, sh.Width
	rows := e.rows[i*h : (i+1)*h]
	touched := false
	var x, y []float32
	for r := range rows {
		if !rows[r].others {
			continue
		}
		if !touched {
			x, y = e.in.planeData(e.ids[i])
			touched = true
		}
		rows[r].other = e.k.others(x[r*w:(r+1)*w], y[r*w:(r+1)*w])
	}
	return touched
}

// Result assembles the loss from the cached sums. It needs every plane: an
// evaluator of a part returns nil (its Sums go to Assemble instead).
func (e *Evaluator) Result() *Result {
	if !e.whole {
		return nil
	}
	return assemble(e.in, e.opt, e.k, e.planes)
}

// Sums appends the sums of the evaluator's planes to dst, in order.
func (e *Evaluator) Sums(dst []PlaneSums) []PlaneSums {
	for _, f := range e.planes {
		dst = append(dst, f.export())
	}
	return dst
}
