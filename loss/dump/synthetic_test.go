package dump

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/cornerloss/cornerloss/loss"
)

// synthetic returns a deterministic dump of the given shape as arrays to
// write: heat logits around the reference's initial bias, sparse targets,
// and objects objects per image with random corners.
func synthetic(sh loss.Shape, objects int) []Array {
	rng := rand.New(rand.NewPCG(1, 2))
	s, b, c, hw, k := sh.Stacks, sh.Batch, sh.Classes, sh.Pixels(), sh.Slots
	normal := func(n int, mean float64) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(mean + rng.NormFloat64())
		}
		return v
	}
	uniform := func(n int) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = rng.Float32()
		}
		return v
	}
	var arrays []Array
	mask := make([]uint8, b*k)
	var inds [2][]int64
	var gt [2][]float32
	for _, corner := range loss.Corners {
		inds[corner] = make([]int64, b*k)
		gt[corner] = make([]float32, b*c*hw)
	}
	for img := range b {
		for j := range min(objects, k) {
			mask[img*k+j] = 1
			for _, corner := range loss.Corners {
				at := rng.IntN(hw)
				inds[corner][img*k+j] = int64(at)
				gt[corner][(img*c+rng.IntN(c))*hw+at] = 1
			}
		}
	}
	for _, corner := range loss.Corners {
		p := corner.String()
		arrays = append(arrays,
			Array{p + "_heats", []int{s, b, c, sh.Height, sh.Width}, normal(s*b*c*hw, -2.19)},
			Array{p + "_tags", []int{s, b, k, 1}, normal(s*b*k, 0)},
			Array{p + "_regrs", []int{s, b, k, 2}, uniform(s * b * k * 2)},
			Array{"gt_" + p + "_heat", []int{b, c, sh.Height, sh.Width}, gt[corner]},
			Array{"gt_" + p + "_regr", []int{b, k, 2}, uniform(b * k * 2)},
			Array{p + "_inds", []int{b, k}, inds[corner]},
		)
	}
	return append(arrays, Array{"gt_mask", []int{b, k}, mask})
}

// npzOf writes arrays as an npz in memory.
func npzOf(t testing.TB, arrays []Array) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteNPZ(&buf, arrays); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// decodedBytes is what the arrays take in the engine's types.
func decodedBytes(arrays []Array) int64 {
	var n int64
	for _, a := range arrays {
		switch v := a.Data.(type) {
		case []float32:
			n += 4 * int64(len(v))
		case []int64:
			n += 8 * int64(len(v))
		case []uint8:
			n += int64(len(v))
		}
	}
	return n
}
