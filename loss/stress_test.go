package loss

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/cornerloss/cornerloss/loss/golden"
)

// Stress cases: the kinds of reference input nobody here has a golden for
// (many objects, none, extreme logits, three stacks, non-square maps, other
// weights, a batch of one, ...), built by deterministic generators and
// checked against referenceOracle and against the engine's own exact path.

// stressBox is one object on the output map: integer corners, a class and
// the radius of its Gaussian bumps.
type stressBox struct {
	x0, y0, x1, y1 int
	cls, r         int
}

// stressCase describes one input. Boxes are drawn at random (objects[b] in
// image b) unless boxes is set; tag and logit draw the embeddings and the
// heat logits (nil: spread embeddings, noisy logits); opt changes the
// weights; edit changes the input once drawn.
type stressCase struct {
	name    string
	sh      Shape
	objects []int
	boxes   [][]stressBox
	tag     func(rng *rand.Rand, b, k int) (tl, br float32)
	logit   func(rng *rand.Rand, y float32) float32
	opt     func(*Options)
	edit    func(*Input)
}

// drawBump is the sampler's draw_gaussian: a (2r+1)² kernel with σ = d/6 in
// float64, values below float64 eps (× the maximum, 1) cut, written with an
// element-wise max, clipped at the border, stored as float32. The centre is
// exactly 1.
func drawBump(plane []float32, height, width, cx, cy, r int) {
	sigma := float64(2*r+1) / 6
	for dy := -r; dy <= r; dy++ {
		for dx := -r; dx <= r; dx++ {
			y, x := cy+dy, cx+dx
			if y < 0 || x < 0 || y >= height || x >= width {
				continue
			}
			g := math.Exp(-float64(dx*dx+dy*dy) / (2 * sigma * sigma))
			if g < 0x1p-52 {
				g = 0
			}
			if v := float32(g); v > plane[y*width+x] {
				plane[y*width+x] = v
			}
		}
	}
}

// randomBoxes draws objects[b] boxes in image b, anywhere on the map, with
// radii 0 to 3.
func randomBoxes(rng *rand.Rand, sh Shape, objects []int) [][]stressBox {
	boxes := make([][]stressBox, sh.Batch)
	for b, n := range objects {
		for range n {
			x0, y0 := rng.IntN(sh.Width), rng.IntN(sh.Height)
			boxes[b] = append(boxes[b], stressBox{
				x0: x0, y0: y0,
				x1: x0 + rng.IntN(sh.Width-x0), y1: y0 + rng.IntN(sh.Height-y0),
				cls: rng.IntN(sh.Classes), r: rng.IntN(4),
			})
		}
	}
	return boxes
}

// spreadTags puts object k's embeddings near 1.5k: most pairs beyond the
// margin, pull non-zero.
func spreadTags(rng *rand.Rand, b, k int) (float32, float32) {
	m := 1.5*float64(k) + 0.3*rng.NormFloat64()
	return float32(m + 0.2*rng.NormFloat64()), float32(m + 0.2*rng.NormFloat64())
}

// clumpedTags puts every mean within 0.9 of the others: every pair inside
// the margin of 1.
func clumpedTags(rng *rand.Rand, b, k int) (float32, float32) {
	m := 0.9 * rng.Float64()
	return float32(m + 0.1*rng.NormFloat64()), float32(m + 0.1*rng.NormFloat64())
}

// noisyLogit: positives around 1, bump pixels around -1, background around -3.
func noisyLogit(rng *rand.Rand, y float32) float32 {
	switch {
	case y == 1:
		return float32(1 + 1.5*rng.NormFloat64())
	case y > 0:
		return float32(-1 + 2*rng.NormFloat64())
	}
	return float32(-3 + 2*rng.NormFloat64())
}

func constLogit(v float32) func(*rand.Rand, float32) float32 {
	return func(*rand.Rand, float32) float32 { return v }
}

// worstRoundingLogit returns the logit on a 1/256 grid in [lo, hi] where
// the exact background term is furthest, relatively, from the reference's
// float32 one.
func worstRoundingLogit(lo, hi float32) float32 {
	o := DefaultOptions()
	worst, worstErr := lo, 0.0
	for v := lo; v <= hi; v += 1.0 / 256 {
		if e := math.Abs(exactBackground(v, o.Alpha)/plainTerm(v, 0, o) - 1); e > worstErr {
			worst, worstErr = v, e
		}
	}
	return worst
}

// input draws the case's training step from seed.
func (tc stressCase) input(seed uint64) *Input {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	sh := tc.sh
	n := sh.Height * sh.Width
	in := &Input{Shape: sh, Mask: make([]uint8, sh.Batch*sh.Slots)}
	for _, c := range Corners {
		in.Heat[c] = make([]float32, sh.Stacks*sh.Batch*sh.Classes*n)
		in.GTHeat[c] = make([]float32, sh.Batch*sh.Classes*n)
		in.Tag[c] = make([]float32, sh.Stacks*sh.Batch*sh.Slots)
		in.Regr[c] = make([]float32, 2*sh.Stacks*sh.Batch*sh.Slots)
		in.GTRegr[c] = make([]float32, 2*sh.Batch*sh.Slots)
		in.Inds[c] = make([]int64, sh.Batch*sh.Slots)
	}
	boxes := tc.boxes
	if boxes == nil {
		boxes = randomBoxes(rng, sh, tc.objects)
	}
	tag := tc.tag
	if tag == nil {
		tag = spreadTags
	}
	for b, list := range boxes {
		for k, bx := range list {
			slot := b*sh.Slots + k
			in.Mask[slot] = 1
			for _, c := range Corners {
				x, y := bx.x0, bx.y0
				if c == BottomRight {
					x, y = bx.x1, bx.y1
				}
				plane := in.GTHeat[c][(b*sh.Classes+bx.cls)*n:][:n]
				drawBump(plane, sh.Height, sh.Width, x, y, bx.r)
				in.Inds[c][slot] = int64(y*sh.Width + x)
				// The fractional part of the scaled corner.
				in.GTRegr[c][2*slot] = float32(rng.Float64())
				in.GTRegr[c][2*slot+1] = float32(rng.Float64())
			}
			for s := range sh.Stacks {
				i := (s*sh.Batch+b)*sh.Slots + k
				in.Tag[TopLeft][i], in.Tag[BottomRight][i] = tag(rng, b, k)
				for _, c := range Corners {
					// Errors up to ~2: both branches of smooth-L1.
					for d := range 2 {
						in.Regr[c][2*i+d] = in.GTRegr[c][2*slot+d] + float32(0.7*rng.NormFloat64())
					}
				}
			}
		}
	}
	logit := tc.logit
	if logit == nil {
		logit = noisyLogit
	}
	for _, c := range Corners {
		per := len(in.GTHeat[c])
		for i := range in.Heat[c] {
			in.Heat[c][i] = logit(rng, in.GTHeat[c][i%per])
		}
	}
	if tc.edit != nil {
		tc.edit(in)
	}
	return in
}

func (tc stressCase) options() Options {
	o := DefaultOptions()
	if tc.opt != nil {
		tc.opt(&o)
	}
	return o
}

// thresholdLogits are every float32 logit x with |x| in [9.2095, 9.2110],
// around where the clamp starts: float32 σ(x) falls below float32(1e-4) at
// x ≈ -ln(9999) ≈ -9.21024 and reaches float32(0.9999) near +9.2104, where
// it moves in steps of 6e-8 (one per ~6e-4 of logit).
var thresholdLogits = func() []float32 {
	var xs []float32
	for x := float32(9.2095); x <= 9.2110; x = math.Nextafter32(x, 10) {
		xs = append(xs, x, -x)
	}
	return xs
}()

func stressCases() []stressCase {
	weights := func(pull, push, regr float64) func(*Options) {
		return func(o *Options) { o.PullWeight, o.PushWeight, o.RegrWeight = pull, push, regr }
	}
	return []stressCase{
		{
			// K = 128 slots all used in both images; image 0's embeddings all
			// within the margin (16k active pairs), image 1's spread out with
			// every fourth object clumped onto its predecessor.
			name: "many_objects_K128",
			sh:   Shape{Stacks: 2, Batch: 2, Classes: 4, Height: 48, Width: 48, Slots: 128}, objects: []int{128, 128},
			tag: func(rng *rand.Rand, b, k int) (float32, float32) {
				if b == 0 {
					return clumpedTags(rng, b, k)
				}
				if k%4 == 3 {
					k--
				}
				return spreadTags(rng, b, k)
			},
		},
		{name: "no_objects", sh: Shape{Stacks: 2, Batch: 3, Classes: 3, Height: 16, Width: 20, Slots: 6}, objects: []int{0, 0, 0}},
		{
			name: "no_objects_initial_bias", sh: Shape{Stacks: 1, Batch: 2, Classes: 4, Height: 32, Width: 32, Slots: 4},
			objects: []int{0, 0}, logit: constLogit(-2.19),
		},
		{
			// Soft targets but no exact 1.0 in gt_br_heat: tl normalised, br not.
			name: "br_without_positives", sh: Shape{Stacks: 2, Batch: 2, Classes: 2, Height: 16, Width: 16, Slots: 6}, objects: []int{3, 4},
			edit: func(in *Input) {
				for i, y := range in.GTHeat[BottomRight] {
					if y == 1 {
						in.GTHeat[BottomRight][i] = 0.999
					}
				}
			},
		},
		{
			name: "extreme_perfect_40", sh: Shape{Stacks: 2, Batch: 2, Classes: 3, Height: 20, Width: 20, Slots: 6}, objects: []int{3, 5},
			logit: func(_ *rand.Rand, y float32) float32 {
				if y == 1 {
					return 40
				}
				return -40
			},
		},
		{
			name: "extreme_inverted_40", sh: Shape{Stacks: 2, Batch: 2, Classes: 3, Height: 20, Width: 20, Slots: 6}, objects: []int{3, 5},
			logit: func(_ *rand.Rand, y float32) float32 {
				if y == 1 {
					return -40
				}
				return 40
			},
		},
		{
			name: "extreme_mixed_40", sh: Shape{Stacks: 2, Batch: 2, Classes: 3, Height: 20, Width: 20, Slots: 6}, objects: []int{4, 2},
			logit: func(rng *rand.Rand, _ float32) float32 { return float32(40 * (2*rng.IntN(2) - 1)) },
		},
		{
			// Past the float32 exp range both ways, and the odd zero.
			name: "extreme_beyond", sh: Shape{Stacks: 2, Batch: 2, Classes: 3, Height: 20, Width: 20, Slots: 6}, objects: []int{4, 6},
			logit: func(rng *rand.Rand, _ float32) float32 {
				v := []float32{40, 100, 1e4, 88.7, 87.4, 103.9, 104, 1e30, 3e38, 0, 1e-30, 9.21, 20.5}[rng.IntN(13)]
				if rng.IntN(2) == 0 {
					v = -v
				}
				return v
			},
			tag: func(rng *rand.Rand, b, k int) (float32, float32) {
				m := float32(1e4 * rng.NormFloat64())
				return m, m + float32(rng.NormFloat64())
			},
		},
		{
			// Every float32 logit around the clamp thresholds, on every kind
			// of pixel.
			name: "clamp_threshold", sh: Shape{Stacks: 2, Batch: 2, Classes: 2, Height: 24, Width: 40, Slots: 8}, objects: []int{5, 8},
			logit: func(rng *rand.Rand, _ float32) float32 { return thresholdLogits[rng.IntN(len(thresholdLogits))] },
		},
		{name: "three_stacks", sh: Shape{Stacks: 3, Batch: 2, Classes: 3, Height: 20, Width: 20, Slots: 8}, objects: []int{5, 8}, tag: clumpedTags},
		{name: "non_square_24x40", sh: Shape{Stacks: 2, Batch: 2, Classes: 2, Height: 24, Width: 40, Slots: 8}, objects: []int{6, 3}},
		{name: "non_square_40x24", sh: Shape{Stacks: 2, Batch: 2, Classes: 2, Height: 40, Width: 24, Slots: 8}, objects: []int{2, 7}, tag: clumpedTags},
		{
			name: "weights_1_1_2", sh: Shape{Stacks: 2, Batch: 2, Classes: 3, Height: 16, Width: 16, Slots: 8}, objects: []int{4, 6},
			tag: clumpedTags, opt: weights(1, 1, 2),
		},
		{
			name: "weights_zero", sh: Shape{Stacks: 2, Batch: 2, Classes: 3, Height: 16, Width: 16, Slots: 8}, objects: []int{4, 6},
			tag: clumpedTags, opt: weights(0, 0, 0),
		},
		{name: "batch_of_one", sh: Shape{Stacks: 2, Batch: 1, Classes: 3, Height: 16, Width: 16, Slots: 8}, objects: []int{5}, tag: clumpedTags},
		{
			name: "batch_of_one_one_object", sh: Shape{Stacks: 1, Batch: 1, Classes: 2, Height: 12, Width: 12, Slots: 4}, objects: []int{1},
			opt: weights(1, 1, 1),
		},
		{
			name: "batch_of_one_empty", sh: Shape{Stacks: 2, Batch: 1, Classes: 2, Height: 12, Width: 12, Slots: 4}, objects: []int{0},
		},
		{
			name: "one_object_per_image", sh: Shape{Stacks: 2, Batch: 3, Classes: 2, Height: 12, Width: 12, Slots: 4}, objects: []int{1, 1, 1},
			opt: weights(1, 1, 1),
		},
		{
			// Image 0: objects 0 and 1 share a class and a top-left pixel,
			// object 2 has object 0's bottom-right pixel in another class.
			// Image 1: a box whose two corners are one pixel, and two
			// identical objects with identical embeddings.
			name: "shared_corners", sh: Shape{Stacks: 2, Batch: 2, Classes: 2, Height: 10, Width: 12, Slots: 5},
			boxes: [][]stressBox{
				{{2, 3, 7, 8, 0, 2}, {2, 3, 9, 5, 0, 1}, {4, 1, 7, 8, 1, 0}},
				{{5, 5, 5, 5, 1, 2}, {0, 0, 11, 9, 0, 3}, {0, 0, 11, 9, 0, 3}},
			},
			tag: func(rng *rand.Rand, b, k int) (float32, float32) {
				if b == 1 && k == 2 {
					return 0.25, 0.5
				}
				if b == 1 && k == 1 {
					return 0.25, 0.5
				}
				return clumpedTags(rng, b, k)
			},
		},
		{
			name: "empty_next_to_full", sh: Shape{Stacks: 2, Batch: 4, Classes: 2, Height: 16, Width: 16, Slots: 6}, objects: []int{0, 6, 0, 3},
			tag: clumpedTags,
		},
		{
			// No positives: focal is the background alone, un-normalised, at
			// the logit where the reference's rounding of 1-p is largest
			// against the exact term (see TestRepeatedLogits).
			name: "no_objects_constant_worst", sh: Shape{Stacks: 1, Batch: 2, Classes: 3, Height: 32, Width: 32, Slots: 4},
			objects: []int{0, 0}, logit: constLogit(worstRoundingLogit(-9.2, -4)),
		},
		{
			// A float16 dump of a calm background: logits on steps of 1/256
			// near -7, few of them distinct.
			name: "no_objects_float16_steps", sh: Shape{Stacks: 1, Batch: 2, Classes: 3, Height: 32, Width: 32, Slots: 4},
			objects: []int{0, 0}, logit: func(rng *rand.Rand, _ float32) float32 {
				return float32(math.Round((-7+0.05*rng.NormFloat64())*256) / 256)
			},
		},
		{name: "constant_-7", sh: Shape{Stacks: 2, Batch: 2, Classes: 3, Height: 24, Width: 24, Slots: 6}, objects: []int{3, 2}, logit: constLogit(-7)},
		{name: "constant_-2.19", sh: Shape{Stacks: 2, Batch: 2, Classes: 3, Height: 24, Width: 24, Slots: 6}, objects: []int{2, 4}, logit: constLogit(-2.19)},
		{
			// The uint8 meaning of the mask: a slot marked 2 counts twice in
			// num and pairs with the empty slots in push.
			name: "mask_value_2", sh: Shape{Stacks: 2, Batch: 2, Classes: 2, Height: 12, Width: 12, Slots: 5}, objects: []int{3, 2},
			tag: clumpedTags,
			edit: func(in *Input) {
				in.Mask[1] = 2
				// Give the empty slots of image 0 embeddings, as a gather at
				// index 0 would.
				for s := range in.Stacks {
					for k := 3; k < 5; k++ {
						i := s*in.Batch*in.Slots + k
						in.Tag[TopLeft][i], in.Tag[BottomRight][i] = 0.3, 0.4
					}
				}
			},
		},
	}
}

// stressDiff tracks the worst relative difference seen per term.
type stressDiff struct {
	rel   map[string]float64
	abs   map[string]float64 // when the oracle's value is 0
	where map[string]string
}

func (d *stressDiff) see(name, where string, got, want float64) {
	if want == 0 {
		if a := math.Abs(got); a > d.abs[name] {
			d.abs[name] = a
		}
		return
	}
	if r := math.Abs(got-want) / math.Abs(want); r >= d.rel[name] {
		d.rel[name], d.where[name] = r, where
	}
}

// TestOracleStress compares the engine with referenceOracle on every stress
// case: the five scalars, then each stack's and each image's terms.
func TestOracleStress(t *testing.T) {
	worst := stressDiff{rel: map[string]float64{}, abs: map[string]float64{}, where: map[string]string{}}
	for i, tc := range stressCases() {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.input(uint64(100 + i))
			if err := in.Validate(); err != nil {
				t.Fatal(err)
			}
			o := tc.options()
			r := mustEvaluate(t, in, o)
			want := referenceOracle(in, o)
			check := func(name string, got, want float64) {
				t.Helper()
				worst.see(name, tc.name, got, want)
				// golden.Close(x, ±Inf) holds for any x: require finite values.
				if !golden.Close(got, want) || !finite(got) || !finite(want) {
					t.Errorf("%s = %.10g, oracle %.10g (diff %.3g)", name, got, want, got-want)
				}
			}
			w := r.Weighted
			check("loss", r.Loss, want.Loss)
			check("focal", w.Focal(), want.Focal)
			check("pull", w.Pull, want.Pull)
			check("push", w.Push, want.Push)
			check("regr", w.Regr(), want.Regr)
			terms := func(prefix string, got, want Terms) {
				t.Helper()
				g, w := termValues(got), termValues(want)
				for j, name := range termNames {
					check(prefix+name, g[j], w[j])
				}
			}
			for s := range in.Stacks {
				terms("stack.", r.Stacks[s], want.Stacks[s])
				for b := range in.Batch {
					terms("image.", r.Images[b].Stacks[s], want.Images[b][s])
				}
			}
			if !slices.ContainsFunc(in.Mask, func(m uint8) bool { return m != 0 }) {
				// No objects: offsets 0 (not NaN), pull and push 0, focal
				// un-normalised but finite.
				if w.Regr() != 0 || w.Pull != 0 || w.Push != 0 || want.Regr != 0 || !finite(r.Loss) {
					t.Errorf("empty batch: engine %+v, oracle %+v", w, want)
				}
			}
		})
	}
	for _, name := range []string{"loss", "focal", "pull", "push", "regr"} {
		t.Logf("worst relative difference %-5s %.3g (%s)", name, worst.rel[name], worst.where[name])
	}
	for _, p := range []string{"stack.", "image."} {
		var rel, abs float64
		for _, term := range termNames {
			rel, abs = max(rel, worst.rel[p+term]), max(abs, worst.abs[p+term])
		}
		t.Logf("worst relative difference %sterms %.3g (largest engine value where the oracle gives 0: %.3g)", p, rel, abs)
	}
}

// termNames names the fields termValues lists.
var termNames = [6]string{"focal_tl", "focal_br", "pull", "push", "regr_tl", "regr_br"}

func termValues(t Terms) [6]float64 {
	return [6]float64{t.FocalTL, t.FocalBR, t.Pull, t.Push, t.RegrTL, t.RegrBR}
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// TestFastPathStress evaluates every stress case with the kernel's fast
// background path and with the exact per-pixel path alone: every term must
// agree within 2e-6 relative, a fifth of the golden tolerance. The table
// leaves out the reference's float32 rounding of 1-p, which cancels over
// distinct logits (a few 1e-8 on most cases) and least on the float16 one
// (1.5e-6); rows of repeated logits follow the reference's steps.
func TestFastPathStress(t *testing.T) {
	var worst float64
	for i, tc := range stressCases() {
		in := tc.input(uint64(100 + i))
		o := tc.options()
		fast := newKernel(o)
		if !fast.fast {
			t.Fatalf("%s: the default options should take the fast path", tc.name)
		}
		exact := newKernel(o)
		exact.fast = false
		rf := assemble(in, o, fast, focalPlanes(fast, in))
		re := assemble(in, o, exact, focalPlanes(exact, in))
		cmp := func(name string, a, b float64) {
			if b != 0 {
				worst = max(worst, math.Abs(a-b)/math.Abs(b))
			}
			if !near(a, b, 2e-6, 0) {
				t.Errorf("%s: %s fast %.10g, exact %.10g", tc.name, name, a, b)
			}
		}
		all := func(prefix string, a, b Terms) {
			va, vb := termValues(a), termValues(b)
			for j, name := range termNames {
				cmp(prefix+name, va[j], vb[j])
			}
		}
		cmp("loss", rf.Loss, re.Loss)
		all("", rf.Weighted, re.Weighted)
		for s := range in.Stacks {
			all("stack.", rf.Stacks[s], re.Stacks[s])
			for b := range in.Batch {
				all("image.", rf.Images[b].Stacks[s], re.Images[b].Stacks[s])
			}
		}
		if rf.Clamped != re.Clamped || rf.NumPos != re.NumPos {
			t.Errorf("%s: fast clamped %v num_pos %v, exact %v %v", tc.name, rf.Clamped, rf.NumPos, re.Clamped, re.NumPos)
		}
	}
	t.Logf("worst relative difference fast vs exact: %.3g", worst)
}
