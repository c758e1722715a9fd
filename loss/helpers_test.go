package loss

import (
	"math"
	"math/rand/v2"
)

// randomInput builds a small deterministic training step: objects[b] objects
// in image b, each with a positive pixel and a few Gaussian-ish neighbours in
// its class plane, logits around -3 with noise, tags and offsets random.
func randomInput(seed uint64, sh Shape, objects []int) *Input {
	rng := rand.New(rand.NewPCG(seed, 7))
	in := &Input{Shape: sh}
	n := sh.Pixels()
	in.Mask = make([]uint8, sh.Batch*sh.Slots)
	for _, c := range Corners {
		in.Heat[c] = make([]float32, sh.Stacks*sh.Batch*sh.Classes*n)
		for i := range in.Heat[c] {
			in.Heat[c][i] = float32(-3 + 2*rng.NormFloat64())
		}
		in.GTHeat[c] = make([]float32, sh.Batch*sh.Classes*n)
		in.Tag[c] = make([]float32, sh.Stacks*sh.Batch*sh.Slots)
		in.Regr[c] = make([]float32, 2*sh.Stacks*sh.Batch*sh.Slots)
		in.GTRegr[c] = make([]float32, 2*sh.Batch*sh.Slots)
		in.Inds[c] = make([]int64, sh.Batch*sh.Slots)
	}
	for b, nb := range objects {
		for k := range nb {
			in.Mask[sh.SlotIndex(b, k)] = 1
			cls := rng.IntN(sh.Classes)
			for _, c := range Corners {
				y, x := rng.IntN(sh.Height), rng.IntN(sh.Width)
				in.Inds[c][sh.SlotIndex(b, k)] = int64(y*sh.Width + x)
				plane := in.GTHeat[c][sh.TargetIndex(b, cls, 0, 0):][:n]
				for dy := -2; dy <= 2; dy++ {
					for dx := -2; dx <= 2; dx++ {
						yy, xx := y+dy, x+dx
						if yy < 0 || xx < 0 || yy >= sh.Height || xx >= sh.Width {
							continue
						}
						v := float32(math.Exp(-float64(dx*dx+dy*dy) / 2))
						plane[yy*sh.Width+xx] = max(plane[yy*sh.Width+xx], v)
					}
				}
				in.GTRegr[c][2*sh.SlotIndex(b, k)] = float32(rng.Float64())
				in.GTRegr[c][2*sh.SlotIndex(b, k)+1] = float32(rng.Float64())
				for s := range sh.Stacks {
					i := sh.StackSlotIndex(s, b, k)
					in.Tag[c][i] = float32(3*k) + float32(rng.NormFloat64()*0.4)
					in.Regr[c][2*i] = float32(rng.Float64()*1.6 - 0.3)
					in.Regr[c][2*i+1] = float32(rng.Float64()*1.6 - 0.3)
					// Positives get a raised logit so both branches matter.
					hi := sh.HeatIndex(s, b, cls, y, x)
					in.Heat[c][hi] = float32(1 + rng.NormFloat64())
				}
			}
		}
	}
	return in
}

// clone deep-copies an input.
func (in *Input) clone() *Input {
	out := &Input{Shape: in.Shape, Mask: append([]uint8(nil), in.Mask...)}
	for _, c := range Corners {
		out.Heat[c] = append([]float32(nil), in.Heat[c]...)
		out.Tag[c] = append([]float32(nil), in.Tag[c]...)
		out.Regr[c] = append([]float32(nil), in.Regr[c]...)
		out.GTHeat[c] = append([]float32(nil), in.GTHeat[c]...)
		out.GTRegr[c] = append([]float32(nil), in.GTRegr[c]...)
		out.Inds[c] = append([]int64(nil), in.Inds[c]...)
	}
	return out
}

// close reports whether got is within rel of want (or within abs of it).
func near(got, want, rel, abs float64) bool {
	return math.Abs(got-want) <= abs+rel*math.Abs(want)
}

func mustEvaluate(t interface{ Fatal(...any) }, in *Input, o Options) *Result {
	r, err := Evaluate(in, o)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
