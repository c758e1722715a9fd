package loss_test

import (
	"testing"

	"codeberg.org/sbinet/npyio/npz"
	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/golden"
)

func loadGolden(t *testing.T, c golden.Case) *loss.Input {
	f, err := npz.Open(c.NPZ())
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rf := func(name string) []float32 {
		var v []float32
		if err := f.Read(name+".npy", &v); err != nil {
			t.Fatal(name, err)
		}
		return v
	}
	ri := func(name string) []int64 {
		var v []int64
		if err := f.Read(name+".npy", &v); err != nil {
			t.Fatal(name, err)
		}
		return v
	}
	var m []uint8
	if err := f.Read("gt_mask.npy", &m); err != nil {
		t.Fatal(err)
	}
	in := &loss.Input{Shape: loss.Shape{Stacks: c.Shape.S, Batch: c.Shape.B, Classes: c.Shape.C, Height: c.Shape.H, Width: c.Shape.W, Slots: c.Shape.K}}
	in.Mask = m
	for _, cr := range loss.Corners {
		p := cr.String()
		in.Heat[cr] = rf(p + "_heats")
		in.GTHeat[cr] = rf("gt_" + p + "_heat")
		in.GTRegr[cr] = rf("gt_" + p + "_regr")
		in.Inds[cr] = ri(p + "_inds")
		tag, regr := rf(p+"_tags"), rf(p+"_regrs")
		if len(tag) == c.Shape.S*c.Shape.B*c.Shape.K {
			in.Tag[cr], in.Regr[cr] = tag, regr
		} else {
			n := c.Shape.H * c.Shape.W
			for s := 0; s < c.Shape.S; s++ {
				for b := 0; b < c.Shape.B; b++ {
					for k := 0; k < c.Shape.K; k++ {
						ind := int(in.Inds[cr][b*c.Shape.K+k])
						in.Tag[cr] = append(in.Tag[cr], tag[(s*c.Shape.B+b)*n+ind])
						base := (s*c.Shape.B + b) * 2 * n
						in.Regr[cr] = append(in.Regr[cr], regr[base+ind], regr[base+n+ind])
					}
				}
			}
		}
	}
	return in
}

func TestGolden(t *testing.T) {
	cases, err := golden.Cases()
	if err != nil {
		t.Fatal(err)
	}
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
			ok := golden.Close(x.got, x.want)
			t.Logf("%s %s got %.10g want %.10g diff %.3g ok=%v", c.Name, x.n, x.got, x.want, x.got-x.want, ok)
			if !ok {
				t.Errorf("%s %s mismatch", c.Name, x.n)
			}
		}
	}
}
