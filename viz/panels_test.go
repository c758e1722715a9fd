package viz

import (
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/dump"
	"github.com/cornerloss/cornerloss/loss/golden"
	"github.com/cornerloss/cornerloss/loss/scene"
	"github.com/cornerloss/cornerloss/loss/target"
	"github.com/cornerloss/cornerloss/viz/viztest"
)

// sceneFrame returns a frame of a synthetic scene.
func sceneFrame(t testing.TB, s *scene.Scene, stack, img, class int, c loss.Corner) *Frame {
	t.Helper()
	in, set, err := s.Build()
	if err != nil {
		t.Fatal(err)
	}
	r, err := loss.Evaluate(in, loss.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	return NewFrame(r, stack, img, class, c, ObjectsFromTargets(set, img))
}

// goldenFrame returns a frame of a reference case, evaluated with its
// weights and then whatever edit changes in the options.
func goldenFrame(t testing.TB, name string, stack, img, class int, c loss.Corner, edit ...func(*loss.Options)) *Frame {
	t.Helper()
	gc, err := golden.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	d, err := dump.ReadFile(gc.NPZ(), dump.Options{})
	if err != nil {
		t.Fatal(err)
	}
	o := loss.DefaultOptions()
	o.PullWeight, o.PushWeight, o.RegrWeight = gc.Weights.Pull, gc.Weights.Push, gc.Weights.Regr
	for _, e := range edit {
		e(&o)
	}
	r, err := loss.Evaluate(d.Input, o)
	if err != nil {
		t.Fatal(err)
	}
	return NewFrame(r, stack, img, class, c, ObjectsFromInput(d.Input, img))
}

// TestSnapshotRender renders every panel of the default scene, of two
// reference cases and of a scene with 128 objects; -update rewrites the
// snapshots.
func TestSnapshotRender(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    func(t *testing.T) *Frame
		size image.Point
	}{
		{"render_scene_default", func(t *testing.T) *Frame {
			f := sceneFrame(t, scene.Default(), 1, 0, 1, loss.TopLeft)
			f.Selected = 1
			return f
		}, image.Pt(1600, 900)},
		{"render_small_two_images", func(t *testing.T) *Frame {
			return goldenFrame(t, "small_two_images", 0, 0, 1, loss.BottomRight)
		}, image.Pt(1280, 800)},
		{"render_many_objects", func(t *testing.T) *Frame {
			f := sceneFrame(t, manyObjects(), 0, 0, -1, loss.BottomRight)
			f.Selected = 5
			return f
		}, image.Pt(1280, 800)},
		{"render_single_object_push_quirk", func(t *testing.T) *Frame {
			f := goldenFrame(t, "single_object_push_quirk", 0, 0, -1, loss.TopLeft)
			f.Selected = 0
			return f
		}, image.Pt(1024, 768)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			viztest.CheckGolden(t, tc.name, Render(tc.f(t), tc.size))
		})
	}
}

// manyObjects is a scene with 128 objects in one image, every slot used.
func manyObjects() *scene.Scene {
	s := scene.Default()
	rng := rand.New(rand.NewPCG(7, 11))
	var objs []scene.Object
	for k := range 128 {
		w, h := 30+rng.Float64()*150, 30+rng.Float64()*150
		x0, y0 := rng.Float64()*(505-w), rng.Float64()*(505-h)
		tag := float64(k)*0.3 + rng.NormFloat64()*0.2
		objs = append(objs, scene.Object{
			Box:    target.Box{X0: x0, Y0: y0, X1: x0 + w, Y1: y0 + h, Class: k % 3},
			Peak:   0.2 + 0.6*rng.Float64(),
			Tag:    [2]float64{tag + rng.NormFloat64()*0.1, tag + rng.NormFloat64()*0.1},
			Offset: [2][2]float64{{rng.Float64(), rng.Float64()}, {rng.Float64(), rng.Float64()}},
		})
	}
	s.Images = [][]scene.Object{objs}
	s.Blobs = nil
	s.Stacks = 1
	return s
}

// testFrames returns frames that cover the cases the panels must handle.
func testFrames(t *testing.T) map[string]*Frame {
	t.Helper()
	return map[string]*Frame{
		"scene class 1":     sceneFrame(t, scene.Default(), 1, 0, 1, loss.TopLeft),
		"scene all classes": sceneFrame(t, scene.Default(), 0, 1, -1, loss.BottomRight),
		"128 objects":       sceneFrame(t, manyObjects(), 0, 0, -1, loss.TopLeft),
		"no objects":        goldenFrame(t, "empty_image_in_batch", 0, 0, 2, loss.TopLeft),
		"batch of one":      goldenFrame(t, "batch_of_one", 0, 0, 3, loss.BottomRight),
		"two stacks":        goldenFrame(t, "two_stacks", 1, 1, -1, loss.TopLeft),
		"one object":        goldenFrame(t, "single_object_push_quirk", 0, 1, 1, loss.TopLeft),
		"mmdet": goldenFrame(t, "single_object_push_quirk", 0, 1, 1, loss.BottomRight,
			func(o *loss.Options) { o.Convention = loss.MMDet }),
		"stack out of range": func() *Frame {
			f := goldenFrame(t, "small_two_images", 0, 0, 0, loss.TopLeft)
			f.Reset(f.Result, 5, 0, 0, loss.TopLeft, f.Objects)
			return f
		}(),
	}
}

// TestPanelsRead renders every test frame at several sizes and fails on
// text the font cannot print and on a panel left blank.
func TestPanelsRead(t *testing.T) {
	var missing []rune
	onMissing = func(r rune) { missing = append(missing, r) }
	defer func() { onMissing = nil }()
	for name, f := range testFrames(t) {
		for _, size := range []image.Point{{1600, 900}, {800, 600}, {2560, 1440}} {
			img := Render(f, size)
			for p, r := range Grid(size, f.Result.Shape.Height, f.Result.Shape.Width) {
				// Below the title, something other than the background.
				body := image.Rect(r.Min.X+pad, r.Min.Y+pad+titleH, r.Max.X-pad, r.Max.Y-pad)
				if inked(img.SubImage(body).(*image.RGBA), panelColor).Empty() {
					t.Errorf("%s at %v: %s is blank", name, size, Panel(p).Title())
				}
			}
		}
		if len(missing) > 0 {
			t.Errorf("%s: the font lacks %q", name, string(missing))
			missing = nil
		}
	}
}

// TestPanelMessages: with no objects, or a view outside the result, the
// panels say so instead of plotting.
func TestPanelMessages(t *testing.T) {
	frames := testFrames(t)
	r := image.Rect(20, 30, 20+400, 30+300)
	body := image.Rect(r.Min.X+pad, r.Min.Y+pad+titleH, r.Max.X-pad, r.Max.Y-pad)
	for _, tc := range []struct {
		frame string
		p     Panel
		msg   string
	}{
		{"no objects", PanelEmbedding, "image 0 has no objects: no pull, no push"},
		{"no objects", PanelPush, "image 0 has no objects: no push"},
		{"no objects", PanelOffsets, "image 0 has no objects: no offset loss"},
		{"stack out of range", PanelFocal, "stack 5 is outside [0, 0]"},
		{"stack out of range", PanelPush, "stack 5 is outside [0, 0]"},
	} {
		f := frames[tc.frame]
		got := canvas(450, 350, paper)
		DrawPanel(got, r, tc.p, f)
		want := canvas(450, 350, paper)
		FillRect(want, r, panelColor)
		frame(want, r, edgeColor)
		title(want, r, tc.p, f)
		message(want, body, tc.msg)
		if !equalImages(got, want) {
			t.Errorf("%s: %s does not show only %q", tc.frame, tc.p.Title(), tc.msg)
		}
	}
	// A nil frame and an unknown panel draw a message, not a panic.
	img := canvas(300, 200, paper)
	DrawPanel(img, img.Rect, PanelGrad, nil)
	DrawPanel(img, img.Rect, NumPanels, frames["scene class 1"])
	Render(nil, image.Pt(640, 480))
}

func equalImages(a, b *image.RGBA) bool {
	return a.Rect == b.Rect && string(a.Pix) == string(b.Pix)
}

// TestShows: a class view marks that class's objects, the all-classes view
// every object.
func TestShows(t *testing.T) {
	f := sceneFrame(t, scene.Default(), 0, 0, 1, loss.TopLeft)
	var classes []int
	for _, o := range f.Objects {
		if f.shows(o) {
			classes = append(classes, o.Class)
		}
	}
	if fmt.Sprint(classes) != "[1 1]" {
		t.Errorf("class 1 view shows classes %v, want [1 1]", classes)
	}
	f.Reset(f.Result, 0, 0, -1, loss.TopLeft, f.Objects)
	for _, o := range f.Objects {
		if !f.shows(o) {
			t.Errorf("all-classes view hides slot %d", o.Slot)
		}
	}
}

// TestReset: a frame reset to another view draws what a new frame of that
// view draws, and keeps the selection.
func TestReset(t *testing.T) {
	a := sceneFrame(t, scene.Default(), 0, 0, 1, loss.TopLeft)
	a.Selected = 2
	b := NewFrame(a.Result, 1, 0, -1, loss.BottomRight, a.Objects)
	b.Selected = 2
	a.Reset(a.Result, 1, 0, -1, loss.BottomRight, a.Objects)
	if a.Selected != 2 {
		t.Errorf("Reset dropped the selection: %d", a.Selected)
	}
	size := image.Pt(1280, 800)
	if !equalImages(Render(a, size), Render(b, size)) {
		t.Error("a reset frame renders differently from a new one")
	}
	a.Reset(a.Result, 0, 0, 0, loss.TopLeft, a.Objects[:1])
	if a.Selected != -1 {
		t.Errorf("selection %d kept past the objects", a.Selected)
	}
}

// TestPeaks: predicted corners are the 3×3 local maxima above the
// threshold, most probable first.
func TestPeaks(t *testing.T) {
	const h, w = 6, 7
	p := make([]float32, h*w)
	p[1*w+1] = 0.5
	p[1*w+2] = 0.4 // beside a larger one: suppressed
	p[4*w+5] = 0.9
	p[0*w+6] = 0.1 // at the threshold: not a corner
	p[5*w+0] = 0.3
	p[3*w+3] = float32(math.NaN()) // not a probability: not a corner
	got := fmt.Sprint(findPeaks(nil, p, h, w))
	if want := "[{5 4 0.9} {1 1 0.5} {0 5 0.3}]"; got != want {
		t.Errorf("peaks %s, want %s", got, want)
	}
	many := make([]float32, 40*40)
	for i := range many {
		if i%3 == 0 && i/40%3 == 0 {
			many[i] = 0.5
		}
	}
	if n := len(findPeaks(nil, many, 40, 40)); n != maxPeaks {
		t.Errorf("%d peaks kept, want %d", n, maxPeaks)
	}
}

// TestZeroGradientPlane: a plane whose gradient is 0 everywhere (every
// logit past the clamp, no object) draws the gradient panel in the scale's
// centre colour, not in the colour of NaN.
func TestZeroGradientPlane(t *testing.T) {
	s := scene.Default()
	s.Background, s.Noise, s.Blobs = -20, 0, nil
	s.Images[1] = nil
	f := sceneFrame(t, s, 0, 1, 0, loss.TopLeft)
	for i, g := range f.Maps.Grad {
		if g != 0 {
			t.Fatalf("pixel %d: gradient %v, want a plane of zeros", i, g)
		}
	}
	size := image.Pt(1280, 800)
	img := Render(f, size)
	r, _ := MapRect(Grid(size, f.Result.Shape.Height, f.Result.Shape.Width)[PanelGrad], f.Result.Shape.Height, f.Result.Shape.Width)
	want := CoolWarm.At(0.5)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if got := img.RGBAAt(x, y); got != want {
				t.Fatalf("gradient panel pixel (%d, %d) is %v, want the centre colour %v (bad: %v)", x, y, got, want, CoolWarm.Bad())
			}
		}
	}
}

// TestResetTerms: a frame given a result with other weights keeps its maps
// and draws what a new frame of that result draws; a result with other
// focal options makes it recompute them.
func TestResetTerms(t *testing.T) {
	s := scene.Default()
	in, set, err := s.Build()
	if err != nil {
		t.Fatal(err)
	}
	objs := ObjectsFromTargets(set, 0)
	f := sceneFrame(t, s, 1, 0, 1, loss.TopLeft)
	f.Selected = 1
	size := image.Pt(1280, 800)
	// tags sets the viewed image's tags of slot k to v + k·step: under
	// mmdet, whose push matrix has no diagonal, a new step changes the push
	// scale too.
	tags := func(v, step float32) func(*loss.Options) {
		return func(*loss.Options) {
			for k := range in.Shape.Slots {
				for _, c := range loss.Corners {
					in.Tag[c][in.Shape.StackSlotIndex(1, 0, k)] = v + float32(k)*step
				}
			}
		}
	}
	for _, tc := range []struct {
		name string
		edit func(*loss.Options)
		kept bool
	}{
		{"weights", func(o *loss.Options) { o.PullWeight, o.PushWeight, o.RegrWeight = 1, 3, 0.2 }, true},
		{"alpha", func(o *loss.Options) { o.Alpha = 1.5 }, false},
		{"beta", func(o *loss.Options) { o.Beta = 2 }, false},
		{"push weight", func(o *loss.Options) { o.PushWeight = 0.01 }, true},
		{"tags", tags(0.5, 0.3), true},
		{"convention", func(o *loss.Options) { o.Convention = loss.MMDet }, false},
		{"mmdet tags", tags(-1, 0.6), true},
		{"mmdet weights", func(o *loss.Options) { o.PushWeight = 2 }, true},
	} {
		o := f.Result.Options
		tc.edit(&o)
		r, err := loss.Evaluate(in, o)
		if err != nil {
			t.Fatal(err)
		}
		maxProb := f.d.maxProb
		f.d.maxProb = -1 // a mark that only a recomputation of the maps clears
		f.ResetTerms(r, objs)
		if kept := f.d.maxProb == -1; kept != tc.kept {
			t.Errorf("%s: maps kept %v, want %v", tc.name, kept, tc.kept)
		} else if kept {
			f.d.maxProb = maxProb
		}
		want := NewFrame(r, 1, 0, 1, loss.TopLeft, objs)
		want.Selected = 1
		if f.Selected != 1 {
			t.Errorf("%s: selection %d", tc.name, f.Selected)
		}
		if !equalImages(Render(f, size), Render(want, size)) {
			t.Errorf("%s: the frame renders differently from a new one", tc.name)
		}
	}
	f.ResetTerms(f.Result, objs[:1])
	if f.Selected != -1 {
		t.Errorf("selection %d kept past the objects", f.Selected)
	}
}
