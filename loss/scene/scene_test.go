package scene

import (
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"testing"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/target"
)

func TestPresetsBuild(t *testing.T) {
	for name, s := range map[string]*Scene{"default": Default(), "coco 1x1": COCO(1, 1), "coco 2x2": COCO(2, 2)} {
		in, set, err := s.Build()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := in.Validate(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if set.Batch != len(s.Images) || in.Stacks != s.Stacks {
			t.Errorf("%s: shape %v", name, in.Shape)
		}
	}
}

// TestCOCOShapedLikeARun: deterministic, 80 classes at 128×128, logits
// mostly negative with noise (not constant), one positive per corner.
func TestCOCOShapedLikeARun(t *testing.T) {
	a, _, _ := COCO(1, 1).Build()
	b, _, _ := COCO(1, 1).Build()
	if a.Classes != 80 || a.Height != 128 || a.Width != 128 {
		t.Fatalf("shape %v", a.Shape)
	}
	var neg, n int
	var sum, sq float64
	for i, x := range a.Heat[loss.TopLeft] {
		if x != b.Heat[loss.TopLeft][i] {
			t.Fatal("two builds differ")
		}
		if x < 0 {
			neg++
		}
		sum += float64(x)
		sq += float64(x) * float64(x)
		n++
	}
	mean := sum / float64(n)
	std := math.Sqrt(sq/float64(n) - mean*mean)
	if float64(neg) < 0.99*float64(n) || math.Abs(mean+4.6) > 0.1 || math.Abs(std-1.5) > 0.1 {
		t.Errorf("logits: %d of %d negative, mean %.3f, std %.3f; want almost all negative around -4.6 ± 1.5", neg, n, mean, std)
	}
}

// TestPartialRedraw: redrawing any rectangle of a plane reproduces the
// plane, the basis of the page's partial updates.
func TestPartialRedraw(t *testing.T) {
	s := Default()
	in, set, err := s.Build()
	if err != nil {
		t.Fatal(err)
	}
	sh := in.Shape
	full := append([]float32(nil), in.Heat[loss.TopLeft]...)
	plane := in.Heat[loss.TopLeft][sh.HeatIndex(1, 0, 0, 0, 0):][:sh.Pixels()]
	for i := range plane {
		plane[i] = 99
	}
	for _, r := range []image.Rectangle{image.Rect(0, 0, 64, 128), image.Rect(64, 0, 128, 50), image.Rect(64, 50, 128, 128)} {
		s.DrawPrediction(in, set, 1, 0, 0, loss.TopLeft, r)
	}
	for i, x := range in.Heat[loss.TopLeft] {
		if x != full[i] {
			t.Fatalf("pixel %d: %v after partial redraws, %v in the full build", i, x, full[i])
		}
	}
}

func TestCloneIsDeep(t *testing.T) {
	s := Default()
	c := s.Clone()
	s.Images = append(s.Images, nil) // an image with no objects, nil or empty
	c.Images = append(c.Images, []Object{})
	if !c.Equal(s) {
		t.Error("a clone is not Equal to its original")
	}
	c.Images[0][0].Tag[1] += 1e-9
	if c.Equal(s) {
		t.Error("Equal misses a changed tag")
	}
	c.Images[0][0].Peak = 0.01
	c.Blobs[0][0].X = 3
	if s.Images[0][0].Peak == 0.01 || s.Blobs[0][0].X == 3 {
		t.Error("editing the clone changed the original")
	}
}

func TestSetBlobs(t *testing.T) {
	s := Default()
	first := s.Blobs[0][0]
	s.SetBlobs(0, 5)
	if len(s.Blobs[0]) != 5 || s.Blobs[0][0] != first {
		t.Fatalf("blobs %v", s.Blobs[0])
	}
	five := append([]Blob(nil), s.Blobs[0]...)
	s.SetBlobs(0, 2)
	s.SetBlobs(0, 5)
	for i := range five {
		if s.Blobs[0][i] != five[i] {
			t.Errorf("blob %d changed after shrinking and growing", i)
		}
	}
	s.SetBlobs(1, 3)
	if len(s.Blobs[1]) != 3 {
		t.Errorf("image 1 has %d blobs", len(s.Blobs[1]))
	}
}

func TestValidateRejects(t *testing.T) {
	for name, f := range map[string]func(*Scene){
		"no stacks":   func(s *Scene) { s.Stacks = 0 },
		"no images":   func(s *Scene) { s.Images = nil },
		"peak 1":      func(s *Scene) { s.Images[0][0].Peak = 1 },
		"NaN noise":   func(s *Scene) { s.Noise = math.NaN() },
		"bad blob":    func(s *Scene) { s.Blobs[0][0].Class = 99 },
		"blob images": func(s *Scene) { s.Blobs = append(s.Blobs, nil, nil) },
		"NaN blob":    func(s *Scene) { s.Blobs[0][0].X = math.NaN() },
		"blob corner": func(s *Scene) { s.Blobs[0][0].Corner = 2 },
		"many blobs":  func(s *Scene) { s.SetBlobs(0, MaxBlobs+1) },
		"huge blur":   func(s *Scene) { s.Blur = 1e9 },
		"Inf shift":   func(s *Scene) { s.Images[0][0].Shift[0] = math.Inf(1) },
		"NaN tag":     func(s *Scene) { s.Images[0][0].Tag[1] = math.NaN() },
		"huge offset": func(s *Scene) { s.Images[0][0].Offset[1][0] = 1e300 },
		// 4.3 GB of logits per corner, each size within its own limit: the
		// budget counts them all.
		"over budget": func(s *Scene) {
			s.Stacks, s.Target.Categories, s.Target.OutputSize = 4, 128, [2]int{512, 512}
			s.Images = make([][]Object, 8)
		},
	} {
		s := Default()
		f(s)
		if _, _, err := s.Build(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestBytesCountsWhatIsAllocated: Bytes is at least what building a scene,
// evaluating it and changing α (which builds the moments) allocate, and not
// far above it, so the budget is a budget of real memory.
func TestBytesCountsWhatIsAllocated(t *testing.T) {
	for _, s := range []*Scene{Default(), COCO(2, 2)} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		in, _, err := s.Build()
		if err != nil {
			t.Fatal(err)
		}
		opt := loss.DefaultOptions()
		ev, err := loss.NewEvaluator(in, opt)
		if err != nil {
			t.Fatal(err)
		}
		opt.Alpha = 2.5
		if err := ev.SetOptions(opt); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		got, est := int64(after.TotalAlloc-before.TotalAlloc), s.Bytes()
		t.Logf("%v: allocated %d bytes, Bytes %d", s.Shape(), got, est)
		if got > est || est > 2*got {
			t.Errorf("%v: allocated %d bytes, Bytes says %d", s.Shape(), got, est)
		}
	}
}

// TestUpdateMatchesBuild applies long random edit sequences with Update and
// checks after each that the step equals a fresh Build of the edited scene,
// byte for byte, and that an evaluator told only the returned regions
// equals a fresh evaluation.
func TestUpdateMatchesBuild(t *testing.T) {
	s := Default()
	in, set, err := s.Build()
	if err != nil {
		t.Fatal(err)
	}
	ev, err := loss.NewEvaluator(in, loss.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 8))
	for step := range 150 {
		next := s.Clone()
		b := rng.IntN(len(next.Images))
		objs := next.Images[b]
		what := ""
		switch r := rng.IntN(8); {
		case r < 3 && len(objs) > 0: // move or resize a box
			o := &objs[rng.IntN(len(objs))]
			dx, dy := rng.Float64()*60-30, rng.Float64()*60-30
			if rng.IntN(2) == 0 {
				o.Box.X0, o.Box.Y0 = clampTo(o.Box.X0+dx, 0, o.Box.X1-2), clampTo(o.Box.Y0+dy, 0, o.Box.Y1-2)
			} else {
				o.Box.X1, o.Box.Y1 = clampTo(o.Box.X1+dx, o.Box.X0+2, 510), clampTo(o.Box.Y1+dy, o.Box.Y0+2, 510)
			}
			what = "box"
		case r == 3 && len(objs) > 0: // class, peak, shift
			o := &objs[rng.IntN(len(objs))]
			o.Box.Class = rng.IntN(next.Target.Categories)
			o.Peak = 0.05 + 0.9*rng.Float64()
			o.Shift = [2]float64{float64(rng.IntN(5) - 2), float64(rng.IntN(5) - 2)}
			what = "prediction"
		case r == 4 && len(objs) > 0: // tags and offsets only
			o := &objs[rng.IntN(len(objs))]
			o.Tag[rng.IntN(2)] = rng.NormFloat64() * 2
			o.Offset[rng.IntN(2)][rng.IntN(2)] = rng.Float64()
			what = "slots"
		case r == 5 && len(objs) > 0: // delete
			k := rng.IntN(len(objs))
			next.Images[b] = append(objs[:k:k], objs[k+1:]...)
			what = "delete"
		case r == 6 && len(objs) < 10: // add
			x, y := rng.Float64()*400, rng.Float64()*400
			next.Images[b] = append(objs, Object{Box: target.Box{X0: x, Y0: y, X1: x + 20 + rng.Float64()*90, Y1: y + 20 + rng.Float64()*90, Class: rng.IntN(3)}, Peak: 0.5})
			what = "add"
		default: // false positives
			next.SetBlobs(b, rng.IntN(4))
			what = "blobs"
		}
		regions, full, err := s.Update(in, set, next)
		if err != nil || full {
			t.Fatalf("step %d (%s): full %v, err %v", step, what, full, err)
		}
		s = next
		for _, r := range regions {
			ev.Changed(r.Corner, -1, r.Image, r.Class, r.Rect.Min.Y, r.Rect.Max.Y)
		}
		want, _, _ := s.Build()
		if d := firstDifference(in, want); d != "" {
			t.Fatalf("step %d (%s): %s", step, what, d)
		}
		got, fresh := ev.Result(), mustEval(t, want)
		if got.Loss != fresh.Loss || got.Weighted != fresh.Weighted {
			t.Fatalf("step %d (%s): incremental loss %v, fresh %v", step, what, got.Loss, fresh.Loss)
		}
	}
}

// TestUpdateAsksForFullBuild: settings that reach every pixel are not
// patched.
func TestUpdateAsksForFullBuild(t *testing.T) {
	for name, f := range map[string]func(*Scene){
		"noise":  func(s *Scene) { s.Noise = 2 },
		"iou":    func(s *Scene) { s.Target.GaussianIOU = 0.5 },
		"stacks": func(s *Scene) { s.Stacks = 3 },
		"images": func(s *Scene) { s.Images = s.Images[:1]; s.Blobs = s.Blobs[:1] },
	} {
		s := Default()
		in, set, _ := s.Build()
		next := s.Clone()
		f(next)
		if _, full, err := s.Update(in, set, next); !full || err != nil {
			t.Errorf("%s: full %v, err %v", name, full, err)
		}
	}
	// A box the sampler refuses leaves everything as it was.
	s := Default()
	in, set, _ := s.Build()
	before := append([]float32(nil), in.GTHeat[loss.TopLeft]...)
	next := s.Clone()
	next.Images[0][0].Box.X1 = 99999
	if _, _, err := s.Update(in, set, next); err == nil {
		t.Fatal("a box outside the map was accepted")
	}
	for i, v := range before {
		if in.GTHeat[loss.TopLeft][i] != v {
			t.Fatal("a refused update changed the targets")
		}
	}
}

// TestUpdateTooManyObjects: an image given more objects than max_tag_len is
// refused by Validate, with target.Build's message, and Update refuses it
// before touching the step, even when an earlier image changes too.
func TestUpdateTooManyObjects(t *testing.T) {
	s := Default()
	s.Target.MaxTagLen = 4 // image 0 holds 4 objects
	in, set, err := s.Build()
	if err != nil {
		t.Fatal(err)
	}
	next := s.Clone()
	next.Images[0][0].Box.X1 -= 20 // placed and written first
	for len(next.Images[1]) <= next.Target.MaxTagLen {
		next.Images[1] = append(next.Images[1], next.Images[1][0])
	}
	const msg = "image 1: 5 objects, more than max_tag_len 4"
	if err := next.Validate(); err == nil || err.Error() != msg {
		t.Errorf("Validate: %v, want %q", err, msg)
	}
	if _, _, err := next.Build(); err == nil || err.Error() != msg {
		t.Errorf("Build: %v, want %q", err, msg)
	}
	regions, full, err := s.Update(in, set, next)
	if err == nil || err.Error() != msg || full || regions != nil {
		t.Fatalf("Update: regions %v, full %v, err %v; want %q", regions, full, err, msg)
	}
	wantIn, wantSet, _ := s.Build()
	if d := firstDifference(in, wantIn); d != "" {
		t.Errorf("a refused update changed the input: %s", d)
	}
	if !reflect.DeepEqual(set, wantSet) {
		t.Error("a refused update changed the targets")
	}
}

func clampTo(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }

func mustEval(t *testing.T, in *loss.Input) *loss.Result {
	t.Helper()
	r, err := loss.Evaluate(in, loss.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// firstDifference names the first array where two inputs differ.
func firstDifference(a, b *loss.Input) string {
	f32 := func(name string, x, y []float32) string {
		for i := range x {
			if x[i] != y[i] {
				return fmt.Sprintf("%s[%d]: %v, fresh build %v", name, i, x[i], y[i])
			}
		}
		return ""
	}
	for _, c := range loss.Corners {
		for _, d := range []string{
			f32(c.String()+"_heats", a.Heat[c], b.Heat[c]),
			f32("gt_"+c.String()+"_heat", a.GTHeat[c], b.GTHeat[c]),
			f32(c.String()+"_tags", a.Tag[c], b.Tag[c]),
			f32(c.String()+"_regrs", a.Regr[c], b.Regr[c]),
			f32("gt_"+c.String()+"_regr", a.GTRegr[c], b.GTRegr[c]),
		} {
			if d != "" {
				return d
			}
		}
		for i := range a.Inds[c] {
			if a.Inds[c][i] != b.Inds[c][i] {
				return fmt.Sprintf("%s_inds[%d] differs", c, i)
			}
		}
	}
	for i := range a.Mask {
		if a.Mask[i] != b.Mask[i] {
			return fmt.Sprintf("gt_mask[%d] differs", i)
		}
	}
	return ""
}
