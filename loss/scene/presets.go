package scene

import (
	"math/rand/v2"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/target"
)

// Default is the scene the page opens on: CornerNet's sampler settings on a
// 128×128 map with three classes, two stacks, two images (four objects and
// one), a slightly noisy background near p = 0.01 and one false positive.
func Default() *Scene {
	p := target.DefaultParams()
	p.Categories = 3
	return &Scene{
		Target: p,
		Stacks: 2,
		Images: [][]Object{
			{
				{Box: target.Box{X0: 40, Y0: 60, X1: 230, Y1: 300, Class: 0}, Peak: 0.75, Tag: [2]float64{-1.6, -1.3}, Offset: [2][2]float64{{0.2, 0.4}, {0.6, 0.5}}},
				{Box: target.Box{X0: 250, Y0: 90, X1: 470, Y1: 250, Class: 1}, Peak: 0.6, Shift: [2]float64{1, 0}, Tag: [2]float64{0.1, 0.5}, Offset: [2][2]float64{{0.5, 0.5}, {0.3, 0.8}}},
				{Box: target.Box{X0: 300, Y0: 300, X1: 490, Y1: 480, Class: 1}, Peak: 0.5, Tag: [2]float64{1.2, 0.9}, Offset: [2][2]float64{{0.1, 0.9}, {0.5, 0.2}}},
				{Box: target.Box{X0: 90, Y0: 350, X1: 200, Y1: 460, Class: 2}, Peak: 0.4, Shift: [2]float64{0, -1}, Tag: [2]float64{2.4, 2.9}, Offset: [2][2]float64{{0.7, 0.3}, {0.4, 0.4}}},
			},
			{
				{Box: target.Box{X0: 120, Y0: 100, X1: 400, Y1: 420, Class: 2}, Peak: 0.7, Tag: [2]float64{0.3, 0.2}, Offset: [2][2]float64{{0.5, 0.5}, {0.5, 0.5}}},
			},
		},
		Blobs:      [][]Blob{{{Corner: loss.TopLeft, Class: 1, X: 20, Y: 100, Peak: 0.3}}},
		Background: -4.6,
		Noise:      0.8,
		Blur:       1.2,
		Seed:       1,
	}
}

// COCO is a training step shaped like a real COCO run of CornerNet-104: 80
// classes on 128×128 maps, eight objects of random classes and sizes per
// image, a background around p = 0.01 with noise (mostly negative logits,
// nothing constant), peaks of middling confidence, a few false positives.
// The same arguments always give the same scene.
func COCO(batch, stacks int) *Scene {
	rng := rand.New(rand.NewPCG(uint64(batch), uint64(stacks)))
	s := &Scene{
		Target:     target.DefaultParams(),
		Stacks:     stacks,
		Background: -4.6,
		Noise:      1.5,
		Blur:       1.5,
		Seed:       42,
	}
	in := float64(s.Target.InputSize[1] - 1)
	for range batch {
		var objs []Object
		var blobs []Blob
		for k := range 8 {
			w, h := 20+rng.Float64()*200, 20+rng.Float64()*200
			x0, y0 := rng.Float64()*(in-w), rng.Float64()*(in-h)
			tag := float64(k)*1.2 + rng.NormFloat64()*0.3
			objs = append(objs, Object{
				Box:    target.Box{X0: x0, Y0: y0, X1: x0 + w, Y1: y0 + h, Class: rng.IntN(80)},
				Peak:   0.2 + 0.6*rng.Float64(),
				Shift:  [2]float64{float64(rng.IntN(3) - 1), float64(rng.IntN(3) - 1)},
				Tag:    [2]float64{tag + rng.NormFloat64()*0.2, tag + rng.NormFloat64()*0.2},
				Offset: [2][2]float64{{rng.Float64(), rng.Float64()}, {rng.Float64(), rng.Float64()}},
			})
		}
		for range 4 {
			blobs = append(blobs, Blob{Corner: loss.Corners[rng.IntN(2)], Class: rng.IntN(80),
				X: rng.Float64() * 127, Y: rng.Float64() * 127, Peak: 0.1 + 0.3*rng.Float64()})
		}
		s.Images = append(s.Images, objs)
		s.Blobs = append(s.Blobs, blobs)
	}
	return s
}
