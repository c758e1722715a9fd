package loss

import (
	"math"
	"testing"
)

// mmdetOracle is mmdetection's CornerHead loss written directly in float64
// from its definition: sigmoid without clamp, 1e-12 inside the logs, focal
// divided by max(1, num_pos) per corner and level, pull/push per image with
// no 1e-4 terms and push 0 below two objects, offsets divided by
// max(1, objects), levels summed.
func mmdetOracle(in *Input, o Options) float64 {
	sh := in.Shape
	var total float64
	for s := range sh.Stacks {
		for _, c := range Corners {
			var pos, neg float64
			var npos int
			for b := range sh.Batch {
				for cls := range sh.Classes {
					for y := range sh.Height {
						for x := range sh.Width {
							l := float64(in.Heat[c][sh.HeatIndex(s, b, cls, y, x)])
							g := float64(in.GTHeat[c][sh.TargetIndex(b, cls, y, x)])
							p := 1 / (1 + math.Exp(-l))
							if g == 1 {
								npos++
								pos += math.Log(p+1e-12) * math.Pow(1-p, o.Alpha)
							} else {
								neg += math.Log(1-p+1e-12) * math.Pow(p, o.Alpha) * math.Pow(1-g, o.Beta)
							}
						}
					}
				}
			}
			total -= (pos + neg) / float64(max(npos, 1))
		}
		var objects int
		var regr [2]float64
		for b := range sh.Batch {
			var tl, br []float64
			for k := range sh.Slots {
				if in.Mask[sh.SlotIndex(b, k)] == 0 {
					continue
				}
				objects++
				i := sh.StackSlotIndex(s, b, k)
				tl = append(tl, float64(in.Tag[TopLeft][i]))
				br = append(br, float64(in.Tag[BottomRight][i]))
				for _, c := range Corners {
					for d := range 2 {
						z := math.Abs(float64(in.Regr[c][2*i+d]) - float64(in.GTRegr[c][2*sh.SlotIndex(b, k)+d]))
						if z < 1 {
							regr[c] += 0.5 * z * z
						} else {
							regr[c] += z - 0.5
						}
					}
				}
			}
			n := float64(len(tl))
			for k := range tl {
				m := (tl[k] + br[k]) / 2
				total += o.PullWeight * ((tl[k]-m)*(tl[k]-m) + (br[k]-m)*(br[k]-m)) / n
			}
			for j := range tl {
				for k := range tl {
					if j != k && n > 1 {
						d := math.Abs((tl[j]+br[j])/2 - (tl[k]+br[k])/2)
						total += o.PushWeight * math.Max(0, 1-d) / (n * (n - 1))
					}
				}
			}
		}
		total += o.RegrWeight * (regr[0] + regr[1]) / float64(max(objects, 1))
	}
	return total
}

func TestMMDetConvention(t *testing.T) {
	for i, tc := range invariantShapes {
		in := randomInput(uint64(20+i), tc.sh, tc.objects)
		for j := range in.Tag[TopLeft] {
			in.Tag[TopLeft][j] *= 0.3
			in.Tag[BottomRight][j] *= 0.3
		}
		in.Heat[TopLeft][0] = -40 // no clamp: the 1e-12 matters
		in.Heat[BottomRight][1] = 40
		o := DefaultOptions()
		o.Convention = MMDet
		o.PullWeight, o.PushWeight, o.RegrWeight, o.Alpha, o.Beta = 0.3, 0.6, 2, 2.5, 3
		got := mustEvaluate(t, in, o).Loss
		if want := mmdetOracle(in, o); !near(got, want, 1e-6, 1e-9) {
			t.Errorf("case %d: mmdet loss %.10g, oracle %.10g", i, got, want)
		}
	}
}

// TestOtherExponents: the reference path with α, β other than 2, 4 (the
// exact per-pixel path) against plainTerm summed by hand.
func TestOtherExponents(t *testing.T) {
	sh := Shape{Stacks: 1, Batch: 2, Classes: 2, Height: 7, Width: 9, Slots: 4}
	in := randomInput(31, sh, []int{2, 4})
	o := DefaultOptions()
	o.Alpha, o.Beta = 1.5, 3
	r := mustEvaluate(t, in, o)
	for _, c := range Corners {
		var pos, neg float64
		var npos int
		for i, x := range in.Heat[c] {
			y := in.GTHeat[c][i%len(in.GTHeat[c])]
			if y == 1 {
				npos++
				pos += plainTerm(x, y, o)
			} else {
				neg += plainTerm(x, y, o)
			}
		}
		want := -(pos + neg) / float64(max(npos, 1))
		got := r.Weighted.FocalTL
		if c == BottomRight {
			got = r.Weighted.FocalBR
		}
		// plainTerm takes β = 3 through math.Pow, the engine multiplies as
		// PyTorch does: float32 rounding apart, they agree.
		if !near(got, want, 1e-6, 0) {
			t.Errorf("%v focal %.12g, plain %.12g", c, got, want)
		}
	}
}
