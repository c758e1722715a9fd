package loss_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/golden"
)

// scalarsOf lists every number of a result a page shows, for comparisons
// to the bit.
func scalarsOf(r *loss.Result) []float64 {
	terms := func(t loss.Terms) []float64 {
		return []float64{t.FocalTL, t.FocalBR, t.Pull, t.Push, t.RegrTL, t.RegrBR}
	}
	out := []float64{r.Loss, float64(r.NumPos[0]), float64(r.NumPos[1]), float64(r.Clamped[0]), float64(r.Clamped[1])}
	out = append(out, terms(r.Weighted)...)
	for _, t := range r.Stacks {
		out = append(out, terms(t)...)
	}
	for _, im := range r.Images {
		out = append(out, terms(im.Weighted)...)
		for _, t := range im.Stacks {
			out = append(out, terms(t)...)
		}
	}
	return out
}

func sameBits(t *testing.T, what string, got, want *loss.Result) {
	t.Helper()
	g, w := scalarsOf(got), scalarsOf(want)
	if len(g) != len(w) {
		t.Fatalf("%s: %d numbers, want %d", what, len(g), len(w))
	}
	for i := range g {
		if math.Float64bits(g[i]) != math.Float64bits(w[i]) {
			t.Errorf("%s: number %d is %.17g, one thread gives %.17g", what, i, g[i], w[i])
			return
		}
	}
}

// splits cuts n planes into parts contiguous ranges, as a pool of that
// many workers does (the last ones may be empty).
func splits(n, parts int) [][2]int {
	var out [][2]int
	for p := range parts {
		out = append(out, [2]int{p * n / parts, (p + 1) * n / parts})
	}
	return out
}

// TestAssembleSplitsMatchEvaluate sums the planes of every golden case in
// parts, as a pool would, and checks that the result assembled from the
// parts is the one-thread result to the bit, under both conventions.
func TestAssembleSplitsMatchEvaluate(t *testing.T) {
	cases, err := golden.All()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		in := loadGolden(t, c)
		for _, conv := range []loss.Convention{loss.Reference, loss.MMDet} {
			o := loss.DefaultOptions()
			o.Convention = conv
			o.PullWeight, o.PushWeight, o.RegrWeight = c.Weights.Pull, c.Weights.Push, c.Weights.Regr
			want, err := loss.Evaluate(in, o)
			if err != nil {
				t.Fatal(err)
			}
			n := loss.PlaneCount(in.Shape)
			for _, parts := range []int{1, 2, 3, 7, n + 1} {
				var sums []loss.PlaneSums
				for _, s := range splits(n, parts) {
					p, err := loss.SumPlanes(in, o, s[0], s[1])
					if err != nil {
						t.Fatal(err)
					}
					sums = append(sums, p...)
				}
				got, err := loss.Assemble(in, o, sums)
				if err != nil {
					t.Fatal(err)
				}
				sameBits(t, fmt.Sprintf("%s %v in %d parts", c.Name, conv, parts), got, want)
			}
		}
	}
}

// TestPartEvaluatorsFollowEdits keeps a step in two part evaluators, as two
// workers do, through edits of logits, targets and options, and checks
// after each that the assembled result is the one-thread evaluator's to
// the bit (including α from the moments, which is not Evaluate's).
func TestPartEvaluatorsFollowEdits(t *testing.T) {
	c, err := golden.Load("small_two_images")
	if err != nil {
		t.Fatal(err)
	}
	in := loadGolden(t, c)
	sh := in.Shape
	o := loss.DefaultOptions()
	whole, err := loss.NewEvaluator(in, o)
	if err != nil {
		t.Fatal(err)
	}
	n := loss.PlaneCount(sh)
	var parts []*loss.Evaluator
	for _, s := range splits(n, 2) {
		e, err := loss.NewPartEvaluator(in, o, s[0], s[1])
		if err != nil {
			t.Fatal(err)
		}
		if e.Result() != nil {
			t.Fatal("a part's Result is not nil")
		}
		parts = append(parts, e)
	}
	check := func(what string) {
		t.Helper()
		var sums []loss.PlaneSums
		for _, e := range parts {
			sums = e.Sums(sums)
		}
		got, err := loss.Assemble(in, o, sums)
		if err != nil {
			t.Fatal(err)
		}
		sameBits(t, what, got, whole.Result())
	}
	check("start")
	for step, edit := range []func(e *loss.Evaluator) error{
		func(e *loss.Evaluator) error { // logits of the last class of br, stack 0
			e.Changed(loss.BottomRight, 0, 1, sh.Classes-1, 0, sh.Height)
			return nil
		},
		func(e *loss.Evaluator) error { // targets of tl's first class
			e.Changed(loss.TopLeft, -1, 0, 0, 1, 3)
			return nil
		},
		func(e *loss.Evaluator) error { o.Beta = 3; return e.SetOptions(o) },
		func(e *loss.Evaluator) error { o.Alpha = 2.5; return e.SetOptions(o) },
		func(e *loss.Evaluator) error { e.Changed(loss.TopLeft, -1, 1, 1, 0, 2); return nil },
		func(e *loss.Evaluator) error { o.Convention = loss.MMDet; return e.SetOptions(o) },
		func(e *loss.Evaluator) error { o.Alpha = 2; return e.SetOptions(o) },
	} {
		switch step {
		case 0:
			p := in.Heat[loss.BottomRight][sh.HeatIndex(0, 1, sh.Classes-1, 0, 0):][:sh.Pixels()]
			for i := range p {
				p[i] += 0.25
			}
		case 1:
			in.GTHeat[loss.TopLeft][sh.TargetIndex(0, 0, 2, 1)] = 1
		case 4:
			in.GTHeat[loss.TopLeft][sh.TargetIndex(1, 1, 0, 0)] = 0.5
		}
		for _, e := range append(parts, whole) {
			if err := edit(e); err != nil {
				t.Fatal(err)
			}
		}
		check(fmt.Sprintf("after edit %d", step))
	}
}
