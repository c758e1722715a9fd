package loss_test

import (
	"math"
	"testing"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/golden"
)

// TestOracleGolden checks the stress tests' oracle itself against the
// reference's own numbers: it must reproduce every golden case, as the engine
// does.
func TestOracleGolden(t *testing.T) {
	cases, err := golden.All()
	if err != nil {
		t.Fatal(err)
	}
	worst := map[string]float64{}
	for _, c := range cases {
		in := loadGolden(t, c)
		o := loss.DefaultOptions()
		o.PullWeight, o.PushWeight, o.RegrWeight = c.Weights.Pull, c.Weights.Push, c.Weights.Regr
		l, focal, pull, push, regr := loss.OracleScalars(in, o)
		for _, x := range []struct {
			n         string
			got, want float64
		}{{"loss", l, c.Loss}, {"focal", focal, c.Focal}, {"pull", pull, c.Pull}, {"push", push, c.Push}, {"regr", regr, c.Regr}} {
			if x.want != 0 {
				worst[x.n] = max(worst[x.n], math.Abs(x.got-x.want)/math.Abs(x.want))
			}
			if !golden.Close(x.got, x.want) {
				t.Errorf("%s: oracle %s = %.10g, reference %.10g (diff %.3g)", c.Name, x.n, x.got, x.want, x.got-x.want)
			}
		}
	}
	// Push is a sum of terms that nearly cancel (6.7e-6 in small_two_images):
	// there the float32 pairwise sums of PyTorch and the oracle's float64
	// sums differ by ~1e-4 relative, 1e-9 absolute.
	t.Logf("worst relative difference of the oracle from the reference: loss %.3g focal %.3g pull %.3g push %.3g regr %.3g",
		worst["loss"], worst["focal"], worst["pull"], worst["push"], worst["regr"])
}
