package loss

import (
	"reflect"
	"testing"
)

// TestEvaluatorFromRows: an evaluator made from another's RowState gives
// that evaluator's result to the bit, under both conventions, and keeps
// doing so through an edit, a change of β and a change of α; a state of
// the wrong size is refused.
func TestEvaluatorFromRows(t *testing.T) {
	sh := Shape{Stacks: 2, Batch: 2, Classes: 3, Height: 12, Width: 10, Slots: 6}
	for _, conv := range []Convention{Reference, MMDet} {
		in := randomInput(7, sh, []int{2, 4})
		o := DefaultOptions()
		o.Convention = conv
		a, err := NewEvaluator(in, o)
		if err != nil {
			t.Fatal(err)
		}
		b, err := NewEvaluatorFromRows(in, o, a.RowState())
		if err != nil {
			t.Fatal(err)
		}
		same := func(when string) {
			t.Helper()
			ra, rb := a.Result(), b.Result()
			if !reflect.DeepEqual(ra, rb) {
				t.Errorf("%s %s: loss %v from the rows, %v computed", conv, when, rb.Loss, ra.Loss)
			}
		}
		same("at once")
		in.Heat[TopLeft][sh.HeatIndex(1, 0, 2, 5, 3)] = 3.5
		a.Changed(TopLeft, 1, 0, 2, 5, 6)
		b.Changed(TopLeft, 1, 0, 2, 5, 6)
		same("after an edit")
		o.Beta = 3
		for _, e := range []*Evaluator{a, b} {
			if err := e.SetOptions(o); err != nil {
				t.Fatal(err)
			}
		}
		same("after β")
		o.Alpha = 1.5
		for _, e := range []*Evaluator{a, b} {
			if err := e.SetOptions(o); err != nil {
				t.Fatal(err)
			}
		}
		same("after α")
		if a.RowState() != nil && conv == Reference {
			t.Error("a state after a change of α alone, with stale background sums")
		}
		if _, err := NewEvaluatorFromRows(in, o, make([]float64, rowFields)); err == nil {
			t.Error("the rows of one row made an evaluator of a whole step")
		}
	}
}

// TestRowStateByParts: the RowStates of evaluators of consecutive plane
// ranges (how the page computes a dump's rows a few planes at a time,
// pausing between) are, end to end, the RowState of one evaluator of all
// planes, to the bit, under both conventions and for ranges that do not
// divide the planes evenly.
func TestRowStateByParts(t *testing.T) {
	sh := Shape{Stacks: 2, Batch: 2, Classes: 3, Height: 12, Width: 10, Slots: 6}
	n := PlaneCount(sh)
	for _, conv := range []Convention{Reference, MMDet} {
		in := randomInput(11, sh, []int{3, 1})
		o := DefaultOptions()
		o.Convention = conv
		whole, err := NewEvaluator(in, o)
		if err != nil {
			t.Fatal(err)
		}
		for _, per := range []int{1, 5, n} {
			var rows []float64
			for first := 0; first < n; first += per {
				e, err := NewPartEvaluator(in, o, first, min(first+per, n))
				if err != nil {
					t.Fatal(err)
				}
				rows = append(rows, e.RowState()...)
			}
			if !reflect.DeepEqual(rows, whole.RowState()) {
				t.Errorf("%s, %d planes a part: the parts' rows differ from the whole's", conv, per)
			}
			e, err := NewEvaluatorFromRows(in, o, rows)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := e.Result(), whole.Result(); !reflect.DeepEqual(got, want) {
				t.Errorf("%s, %d planes a part: loss %v from the parts' rows, %v computed", conv, per, got.Loss, want.Loss)
			}
		}
	}
}
