package loss

import "fmt"

// An evaluator made on another thread: the page's upload worker reads a
// dump and evaluates it, and the page takes the rows' sums it computed
// instead of reading every pixel again on its own thread (one long frame
// for a COCO-sized step).

// rowFields is how many float64 carry one row's sums in RowState (the
// counts are exact in float64).
const rowFields = 9

// RowState returns every row's sums of the evaluator, rowFields numbers a
// row, for NewEvaluatorFromRows. Nil once α changed alone (the rows'
// background sums are stale then: see SetOptions).
func (e *Evaluator) RowState() []float64 {
	for _, stale := range e.bgStale {
		if stale {
			return nil
		}
	}
	out := make([]float64, 0, rowFields*len(e.rows))
	for _, r := range e.rows {
		others := 0.0
		if r.others {
			others = 1
		}
		out = append(out, r.bg.pos, r.bg.neg, float64(r.bg.npos), float64(r.bg.clamped),
			r.other.pos, r.other.neg, float64(r.other.npos), float64(r.other.clamped), others)
	}
	return out
}

// NewEvaluatorFromRows is NewEvaluator(in, opt) from the rows another
// evaluator of the same input and options computed (its RowState): no
// pixel is read, and the result is that evaluator's, to the bit. The
// caller vouches that rows belong to in and opt; only their number is
// checked.
func NewEvaluatorFromRows(in *Input, opt Options, rows []float64) (*Evaluator, error) {
	e, err := newEvaluator(in, opt, 0, PlaneCount(in.Shape))
	if err != nil {
		return nil, err
	}
	if len(rows) != rowFields*len(e.rows) {
		return nil, fmt.Errorf("%d numbers for the sums of %d rows, want %d", len(rows), len(e.rows), rowFields*len(e.rows))
	}
	for i := range e.rows {
		v := rows[rowFields*i:][:rowFields]
		e.rows[i] = rowSums{
			bg:     focalSums{pos: v[0], neg: v[1], npos: int(v[2]), clamped: int(v[3])},
			other:  focalSums{pos: v[4], neg: v[5], npos: int(v[6]), clamped: int(v[7])},
			others: v[8] != 0,
		}
	}
	for i := range e.ids {
		e.sumPlane(i)
	}
	return e, nil
}
