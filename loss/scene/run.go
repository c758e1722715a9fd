package scene

import (
	"bytes"
	"fmt"
	"math"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/dump"
	"github.com/cornerloss/cornerloss/loss/target"
)

// A sample run is a training run made up from a small scene, for the
// timeline to show without any file: over its steps the logits sharpen
// towards the targets, the embeddings of each object come together and
// those of different objects apart, the offsets converge. Two steps are
// broken on purpose, as runs break: one holds a NaN logit (the reader
// refuses it, naming the array and the position) and one is a batch with
// no object, so no positive pixel (the reference's unnormalised focal
// spike). One step more is a spike of the ordinary kind: a bad batch
// that sets the prediction back for a step.

// RunSteps is the number of steps of the page's sample run.
const RunSteps = 40

// RunStepEvery is the iterations between two dumps of a sample run.
const RunStepEvery = 500

// RunStep is one dump of a sample run.
type RunStep struct {
	Name string // step_000500.npz
	Step int64  // the training iteration
	Data []byte // the .npz
}

// SampleRunStep returns step i (0-based) of a sample run of n steps; the
// same arguments always give the same bytes.
func SampleRunStep(i, n int) (RunStep, error) {
	if n < 1 || i < 0 || i >= n {
		return RunStep{}, fmt.Errorf("sample run: step %d of %d", i, n)
	}
	it := int64(i+1) * RunStepEvery
	st := RunStep{Name: fmt.Sprintf("step_%06d.npz", it), Step: it}
	s := sampleScene(i, n)
	in, _, err := s.Build()
	if err != nil {
		return st, err
	}
	if i == nanStep(n) {
		// A NaN logit, as a diverged step writes them.
		sh := in.Shape
		in.Heat[loss.TopLeft][sh.HeatIndex(sh.Stacks-1, 1, 2, 17, 23)] = float32(math.NaN())
	}
	var buf bytes.Buffer
	// The step array, as assets/dump_step.py writes it.
	if err := dump.WriteNPZ(&buf, append(dump.Arrays(in), dump.Scalar("step", it))); err != nil {
		return st, err
	}
	st.Data = buf.Bytes()
	return st, nil
}

// The broken steps of a run of n: late enough that a trend came before.
func nanStep(n int) int        { return n * 3 / 4 }
func noPositiveStep(n int) int { return n / 2 }
func spikeStep(n int) int      { return n * 5 / 8 }

// SampleRunBroken returns the indices of the NaN step and of the batch with
// no positive pixel in a sample run of n steps (-1 when the run is too
// short to hold one).
func SampleRunBroken(n int) (nan, noPositives int) {
	if n < 4 {
		return -1, -1
	}
	return nanStep(n), noPositiveStep(n)
}

// sampleScene is the scene of step i of n: a 64×64 map, three classes,
// two stacks, two images, trained from CornerNet's initial bias.
func sampleScene(i, n int) *Scene {
	t := float64(i) / math.Max(1, float64(n-1)) // training progress, 0 to 1
	if n >= 8 && i == spikeStep(n) {
		t /= 4
	}
	ease := 1 - math.Pow(1-t, 2)
	lerp := func(a, b float64) float64 { return a + (b-a)*ease }
	p := target.DefaultParams()
	p.InputSize = [2]int{255, 255}
	p.OutputSize = [2]int{64, 64}
	p.Categories = 3
	p.MaxTagLen = 16
	boxes := [][]target.Box{
		{{X0: 20, Y0: 30, X1: 115, Y1: 150, Class: 0}, {X0: 125, Y0: 45, X1: 235, Y1: 125, Class: 1}, {X0: 150, Y0: 150, X1: 245, Y1: 240, Class: 1}},
		{{X0: 60, Y0: 50, X1: 200, Y1: 210, Class: 2}, {X0: 10, Y0: 170, X1: 90, Y1: 250, Class: 0}},
	}
	if n >= 4 && i == noPositiveStep(n) {
		boxes = [][]target.Box{{}, {}}
	}
	s := &Scene{
		Target:     p,
		Stacks:     2,
		Background: lerp(-2.19, -6.5), // CornerNet's initial bias, then confident negatives
		Noise:      lerp(1.2, 0.6),
		Blur:       lerp(2.5, 0.9),
		Seed:       uint64(i + 1),
	}
	ratio := float64(p.OutputSize[1]) / float64(p.InputSize[1])
	for b, bs := range boxes {
		var objs []Object
		for k, box := range bs {
			// Each object's tags start near 0 and together, and end at
			// their own value (k apart by about 1.5), the two corners
			// agreeing; the offsets start at 0.5 and end at the truth.
			home := 1.5*float64(k) - 1.5 + 0.3*float64(b)
			wobble := 0.6 * (1 - ease) * math.Sin(float64(3*i+k))
			o := Object{
				Box:   box,
				Peak:  lerp(0.08, 0.92),
				Shift: [2]float64{(1 - ease) * 2 * math.Cos(float64(k+i)), (1 - ease) * 1.5 * math.Sin(float64(k+2*i))},
				Tag:   [2]float64{lerp(0.1*float64(k), home) + wobble, lerp(-0.1*float64(k), home) - wobble},
			}
			for c, xy := range [2][2]float64{{box.X0, box.Y0}, {box.X1, box.Y1}} {
				for d := range 2 {
					f := xy[d] * ratio
					o.Offset[c][d] = lerp(0.5, f-math.Floor(f))
				}
			}
			objs = append(objs, o)
		}
		s.Images = append(s.Images, objs)
	}
	s.Blobs = [][]Blob{{{Corner: loss.TopLeft, Class: 1, X: 50, Y: 10, Peak: lerp(0.4, 0.05)}}}
	return s
}
