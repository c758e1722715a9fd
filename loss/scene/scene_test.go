package scene

import (
	"image"
	"math"
	"testing"

	"github.com/cornerloss/cornerloss/loss"
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
	} {
		s := Default()
		f(s)
		if _, _, err := s.Build(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
