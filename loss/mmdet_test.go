package loss_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/dump"
	"github.com/cornerloss/cornerloss/loss/golden"
)

// mmdetOptions returns the options a case of testdata/mmdet was computed with.
func mmdetOptions(c golden.MMDetCase) loss.Options {
	o := loss.DefaultOptions()
	o.Convention = loss.MMDet
	o.PullWeight, o.PushWeight, o.RegrWeight = c.Weights.Pull, c.Weights.Push, c.Weights.Regr
	o.Alpha, o.Beta = c.Alpha, c.Gamma
	return o
}

// TestMMDetCases checks the mmdet convention against mmdetection's own loss
// code (testdata/mmdet): the five scalars, and each stack's terms per corner.
func TestMMDetCases(t *testing.T) {
	cases, err := golden.MMDetCases()
	if err != nil {
		t.Fatal(err)
	}
	worst, worstAt := 0.0, ""
	for _, c := range cases {
		d, err := dump.ReadFile(c.NPZ(), dump.Options{})
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		o := mmdetOptions(c)
		r, err := loss.Evaluate(d.Input, o)
		if err != nil {
			t.Fatal(err)
		}
		w := r.Weighted
		type pair struct {
			n         string
			got, want float64
		}
		checks := []pair{{"loss", r.Loss, c.Loss}, {"focal", w.Focal(), c.Focal}, {"pull", w.Pull, c.Pull},
			{"push", w.Push, c.Push}, {"regr", w.Regr(), c.Regr}}
		if len(c.PerStack) != len(r.Stacks) {
			t.Fatalf("%s: %d stacks, mmdetection %d", c.Name, len(r.Stacks), len(c.PerStack))
		}
		for s, want := range c.PerStack {
			// Stacks holds each corner's unweighted share: half its det and
			// off loss (mmdetection averages the corners).
			got := r.Stacks[s]
			n := func(x string) string { return fmt.Sprintf("stack %d %s", s, x) }
			checks = append(checks,
				pair{n("tl_det"), 2 * got.FocalTL, want.TLDet}, pair{n("br_det"), 2 * got.FocalBR, want.BRDet},
				pair{n("pull"), o.PullWeight * got.Pull, want.Pull}, pair{n("push"), o.PushWeight * got.Push, want.Push},
				pair{n("tl_off"), 2 * o.RegrWeight * got.RegrTL, want.TLOff}, pair{n("br_off"), 2 * o.RegrWeight * got.RegrBR, want.BROff})
		}
		for _, x := range checks {
			if !golden.Close(x.got, x.want) {
				t.Errorf("%s: %s = %.10g, mmdetection %.10g (diff %.3g)", c.Name, x.n, x.got, x.want, x.got-x.want)
			}
			if e := math.Abs(x.got-x.want) / (1e-6 + 1e-5*math.Abs(x.want)); e > worst {
				worst, worstAt = e, c.Name+" "+x.n
			}
		}
	}
	t.Logf("worst difference from mmdetection: %.2g of the tolerance (%s)", worst, worstAt)
}
