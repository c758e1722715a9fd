package loss

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"
)

var invariantShapes = []struct {
	sh      Shape
	objects []int
}{
	{Shape{Stacks: 1, Batch: 2, Classes: 3, Height: 12, Width: 16, Slots: 8}, []int{2, 3}},
	{Shape{Stacks: 3, Batch: 3, Classes: 2, Height: 10, Width: 7, Slots: 6}, []int{0, 1, 6}},
	{Shape{Stacks: 2, Batch: 1, Classes: 4, Height: 9, Width: 9, Slots: 5}, []int{4}},
}

// TestMapsSumToFocal: the per-pixel maps of every plane add up to the focal
// scalar, and the images' shares add up to every term.
func TestMapsSumToFocal(t *testing.T) {
	for _, conv := range []Convention{Reference, MMDet} {
		for i, tc := range invariantShapes {
			in := randomInput(uint64(i), tc.sh, tc.objects)
			o := DefaultOptions()
			o.Convention = conv
			r := mustEvaluate(t, in, o)
			var sum float64
			var m *PixelMaps
			for s := range tc.sh.Stacks {
				for b := range tc.sh.Batch {
					for cls := range tc.sh.Classes {
						for _, c := range Corners {
							m = r.Pixels(m, s, b, cls, c)
							sum += m.PosSum + m.NegSum
						}
					}
				}
			}
			if !near(sum, r.Weighted.Focal(), 1e-6, 0) {
				t.Errorf("%v case %d: maps sum to %.12g, focal %.12g", conv, i, sum, r.Weighted.Focal())
			}
			var shares Terms
			for _, im := range r.Images {
				shares.add(im.Weighted)
			}
			for name, p := range map[string][2]float64{
				"focal": {shares.Focal(), r.Weighted.Focal()}, "pull": {shares.Pull, r.Weighted.Pull},
				"push": {shares.Push, r.Weighted.Push}, "regr": {shares.Regr(), r.Weighted.Regr()},
			} {
				if !near(p[0], p[1], 1e-12, 1e-15) {
					t.Errorf("%v case %d: image shares of %s sum to %v, total %v", conv, i, name, p[0], p[1])
				}
			}
			if !near(r.Loss, r.Weighted.Sum(), 1e-15, 0) {
				t.Errorf("loss %v is not the sum of its terms %v", r.Loss, r.Weighted.Sum())
			}
		}
	}
}

// TestPushPermutation: reordering the objects of an image (their slots, with
// everything attached to them) changes no term.
func TestPushPermutation(t *testing.T) {
	sh := Shape{Stacks: 2, Batch: 2, Classes: 2, Height: 8, Width: 8, Slots: 7}
	in := randomInput(3, sh, []int{5, 7})
	// Bring some embeddings within the margin so push is not trivial.
	for i := range in.Tag[TopLeft] {
		in.Tag[TopLeft][i] *= 0.2
		in.Tag[BottomRight][i] *= 0.2
	}
	before := mustEvaluate(t, in, DefaultOptions())
	rng := rand.New(rand.NewPCG(1, 2))
	for b, n := range []int{5, 7} {
		perm := rng.Perm(n)
		p := in.clone()
		for k, from := range perm {
			for _, c := range Corners {
				p.Inds[c][sh.SlotIndex(b, k)] = in.Inds[c][sh.SlotIndex(b, from)]
				for d := range 2 {
					p.GTRegr[c][2*sh.SlotIndex(b, k)+d] = in.GTRegr[c][2*sh.SlotIndex(b, from)+d]
				}
				for s := range sh.Stacks {
					p.Tag[c][sh.StackSlotIndex(s, b, k)] = in.Tag[c][sh.StackSlotIndex(s, b, from)]
					for d := range 2 {
						p.Regr[c][2*sh.StackSlotIndex(s, b, k)+d] = in.Regr[c][2*sh.StackSlotIndex(s, b, from)+d]
					}
				}
			}
		}
		after := mustEvaluate(t, p, DefaultOptions())
		if after.Weighted.Push == 0 || !near(after.Weighted.Push, before.Weighted.Push, 1e-12, 0) ||
			!near(after.Weighted.Pull, before.Weighted.Pull, 1e-12, 0) ||
			!near(after.Weighted.Regr(), before.Weighted.Regr(), 1e-12, 0) {
			t.Errorf("image %d permuted %v: push %v→%v pull %v→%v regr %v→%v", b, perm,
				before.Weighted.Push, after.Weighted.Push, before.Weighted.Pull, after.Weighted.Pull,
				before.Weighted.Regr(), after.Weighted.Regr())
		}
	}
}

// TestPullZeroWhenEmbeddingsAgree: pull and its gradient vanish when each
// object's two embeddings are equal, whatever they are. With push weighted 0
// the tag gradients are pull's alone, so every one must be exactly 0.
func TestPullZeroWhenEmbeddingsAgree(t *testing.T) {
	for _, conv := range []Convention{Reference, MMDet} {
		sh := Shape{Stacks: 2, Batch: 2, Classes: 2, Height: 8, Width: 8, Slots: 6}
		in := randomInput(5, sh, []int{3, 6})
		copy(in.Tag[BottomRight], in.Tag[TopLeft])
		o := DefaultOptions()
		o.Convention = conv
		o.PushWeight = 0
		r := mustEvaluate(t, in, o)
		if r.Weighted.Pull != 0 {
			t.Errorf("%v: pull %v with agreeing embeddings", conv, r.Weighted.Pull)
		}
		for _, c := range Corners {
			for i, g := range r.TagGrad(c) {
				if g != 0 {
					t.Errorf("%v: pull gradient %v at %s tag %d with agreeing embeddings", conv, g, c, i)
				}
			}
		}
	}
}

// TestGradientsFiniteDifferences checks d Loss / d logit, tag and offset
// against central differences of the whole loss.
func TestGradientsFiniteDifferences(t *testing.T) {
	for _, conv := range []Convention{Reference, MMDet} {
		sh := Shape{Stacks: 2, Batch: 2, Classes: 2, Height: 8, Width: 10, Slots: 6}
		in := randomInput(11, sh, []int{3, 4})
		for i := range in.Tag[TopLeft] { // some pairs inside the margin
			in.Tag[TopLeft][i] *= 0.25
			in.Tag[BottomRight][i] *= 0.25
		}
		o := DefaultOptions()
		o.Convention = conv
		o.PullWeight, o.PushWeight = 0.7, 0.9
		r := mustEvaluate(t, in, o)
		loss := func(set func(*Input)) float64 {
			c := in.clone()
			set(c)
			return mustEvaluate(t, c, o).Loss
		}
		check := func(what string, got float64, set func(*Input, float32)) {
			t.Helper()
			const h = 1e-2
			fd := (loss(func(c *Input) { set(c, h) }) - loss(func(c *Input) { set(c, -h) })) / (2 * h)
			if !near(got, fd, 2e-3, 2e-6) {
				t.Errorf("%v %s: gradient %.6g, finite difference %.6g", conv, what, got, fd)
			}
		}
		rng := rand.New(rand.NewPCG(4, 4))
		for range 40 {
			s, b, cls, c := rng.IntN(sh.Stacks), rng.IntN(sh.Batch), rng.IntN(sh.Classes), Corners[rng.IntN(2)]
			y, x := rng.IntN(sh.Height), rng.IntN(sh.Width)
			m := r.Pixels(nil, s, b, cls, c)
			i := sh.HeatIndex(s, b, cls, y, x)
			if math.Abs(float64(in.Heat[c][i])) > 9 { // the clamp's kink
				continue
			}
			check("logit", m.Grad[y*sh.Width+x], func(c2 *Input, h float32) { c2.Heat[c][i] += h })
		}
		for _, c := range Corners {
			tg, rg := r.TagGrad(c), r.RegrGrad(c)
			for i := range tg {
				check("tag "+c.String(), tg[i], func(c2 *Input, h float32) { c2.Tag[c][i] += h })
			}
			for i := range rg {
				check("offset "+c.String(), rg[i], func(c2 *Input, h float32) { c2.Regr[c][i] += h })
			}
		}
	}
}

// TestInputsNotMutated: evaluating and asking for every detail leaves the
// input's bytes as they were.
func TestInputsNotMutated(t *testing.T) {
	sh := Shape{Stacks: 2, Batch: 2, Classes: 3, Height: 8, Width: 8, Slots: 5}
	in := randomInput(9, sh, []int{1, 5})
	before := inputHash(in)
	for _, conv := range []Convention{Reference, MMDet} {
		o := DefaultOptions()
		o.Convention = conv
		r := mustEvaluate(t, in, o)
		r.Pixels(nil, 1, 1, 2, BottomRight)
		r.Embedding(0, 1)
		r.Offsets(1, 0, TopLeft)
		r.TagGrad(TopLeft)
		r.RegrGrad(BottomRight)
		r.Quirks()
	}
	if inputHash(in) != before {
		t.Fatal("the engine wrote to its input")
	}
}

func inputHash(in *Input) uint64 {
	h := fnv.New64a()
	f32 := func(v []float32) {
		if len(v) > 0 {
			h.Write(unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), 4*len(v)))
		}
	}
	for _, c := range Corners {
		f32(in.Heat[c])
		f32(in.Tag[c])
		f32(in.Regr[c])
		f32(in.GTHeat[c])
		f32(in.GTRegr[c])
		for _, v := range in.Inds[c] {
			h.Write([]byte{byte(v), byte(v >> 8), byte(v >> 16), byte(v >> 24)})
		}
	}
	h.Write(in.Mask)
	return h.Sum64()
}

// TestAllClassesPlane: the all-classes plane sums to the same focal share as
// the class planes, and takes the maximum target.
func TestAllClassesPlane(t *testing.T) {
	sh := Shape{Stacks: 2, Batch: 2, Classes: 3, Height: 8, Width: 8, Slots: 5}
	in := randomInput(12, sh, []int{3, 2})
	r := mustEvaluate(t, in, DefaultOptions())
	before := inputHash(in)
	var m, all *PixelMaps
	for s := range sh.Stacks {
		for b := range sh.Batch {
			for _, c := range Corners {
				var sum float64
				maxY := make([]float32, sh.Pixels())
				for cls := range sh.Classes {
					m = r.Pixels(m, s, b, cls, c)
					sum += m.PosSum + m.NegSum
					for i, y := range m.Target {
						maxY[i] = max(maxY[i], y)
					}
				}
				all = r.PixelsAllClasses(all, m, s, b, c)
				if !near(all.PosSum+all.NegSum, sum, 1e-12, 0) {
					t.Errorf("all-classes plane sums to %v, classes to %v", all.PosSum+all.NegSum, sum)
				}
				for i := range maxY {
					if all.Target[i] != maxY[i] {
						t.Fatalf("pixel %d: target %v, max over classes %v", i, all.Target[i], maxY[i])
					}
				}
			}
		}
	}
	if inputHash(in) != before {
		t.Fatal("PixelsAllClasses wrote to the input")
	}
}
