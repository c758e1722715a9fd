package loss_test

import (
	"math"
	"testing"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/dump"
	"github.com/cornerloss/cornerloss/loss/golden"
)

func loadGolden(t *testing.T, c golden.Case) *loss.Input {
	d, err := dump.ReadFile(c.NPZ(), dump.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return d.Input
}

func TestGolden(t *testing.T) {
	cases, err := golden.All()
	if err != nil {
		t.Fatal(err)
	}
	worst, worstCase := 0.0, ""
	for _, c := range cases {
		in := loadGolden(t, c)
		if err := in.Validate(); err != nil {
			t.Fatal(err)
		}
		o := loss.DefaultOptions()
		o.PullWeight, o.PushWeight, o.RegrWeight = c.Weights.Pull, c.Weights.Push, c.Weights.Regr
		r, err := loss.Evaluate(in, o)
		if err != nil {
			t.Fatal(err)
		}
		w := r.Weighted
		for _, x := range []struct {
			n         string
			got, want float64
		}{{"loss", r.Loss, c.Loss}, {"focal", w.Focal(), c.Focal}, {"pull", w.Pull, c.Pull}, {"push", w.Push, c.Push}, {"regr", w.Regr(), c.Regr}} {
			if !golden.Close(x.got, x.want) {
				t.Errorf("%s: %s = %.10g, reference %.10g (diff %.3g)", c.Name, x.n, x.got, x.want, x.got-x.want)
			}
			if e := math.Abs(x.got-x.want) / (1e-6 + 1e-5*math.Abs(x.want)); e > worst {
				worst, worstCase = e, c.Name+" "+x.n
			}
		}
	}
	t.Logf("worst difference from the reference: %.2g of the tolerance (%s)", worst, worstCase)
}
