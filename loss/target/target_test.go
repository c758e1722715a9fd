package target

import (
	"image"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/cornerloss/cornerloss/loss"
)

// TestBuildByHand follows one box through kp_detection by hand: 128 → 32 is a
// ratio of 1/4, so [10, 20, 50, 61] scales to (2.5, 5) and (12.5, 15.25); the
// box is ceil(10)×ceil(10.25) = 11 high, 10 wide, gaussian_radius(11, 10, 0.3)
// = 2.38…, radius 2.
func TestBuildByHand(t *testing.T) {
	p := Params{InputSize: [2]int{128, 128}, OutputSize: [2]int{32, 32}, Categories: 3,
		GaussianIOU: 0.3, GaussianRadius: -1, MaxTagLen: 4}
	s, err := Build(p, [][]Box{{}, {{10, 20, 50, 61, 1}}})
	if err != nil {
		t.Fatal(err)
	}
	o := s.Objects[1][0]
	if o.Radius != 2 || o.Corner != [2]image.Point{{2, 5}, {12, 15}} {
		t.Fatalf("object %+v, want radius 2 at (2,5), (12,15)", o)
	}
	slot := 1*s.Slots + 0
	for _, c := range []struct {
		corner loss.Corner
		ind    int64
		regr   [2]float32
	}{
		{loss.TopLeft, 5*32 + 2, [2]float32{0.5, 0}},
		{loss.BottomRight, 15*32 + 12, [2]float32{0.5, 0.25}},
	} {
		if got := s.Inds[c.corner][slot]; got != c.ind {
			t.Errorf("%v ind %d, want %d", c.corner, got, c.ind)
		}
		if got := [2]float32(s.Regr[c.corner][2*slot:]); got != c.regr {
			t.Errorf("%v regr %v, want %v", c.corner, got, c.regr)
		}
		plane := s.Heat[c.corner][(1*3+1)*32*32:][:32*32]
		if v := plane[c.ind]; v != 1 {
			t.Errorf("%v peak %v, want 1", c.corner, v)
		}
		// One pixel off the peak, sigma = 5/6: exp(-1/(2·25/36)) = exp(-0.72).
		if v, want := plane[c.ind+1], float32(math.Exp(-0.72)); v != want {
			t.Errorf("%v neighbour %v, want %v", c.corner, v, want)
		}
	}
	if !slices.Equal(s.Mask, []uint8{0, 0, 0, 0, 1, 0, 0, 0}) {
		t.Errorf("mask %v", s.Mask)
	}
}

func TestFixedRadius(t *testing.T) {
	p := Params{InputSize: [2]int{64, 64}, OutputSize: [2]int{16, 16}, Categories: 1,
		GaussianIOU: 0.3, GaussianRadius: 0, MaxTagLen: 2}
	s, err := Build(p, [][]Box{{{4, 4, 60, 60, 0}}})
	if err != nil {
		t.Fatal(err)
	}
	// Radius 0 is the reference's gaussian_bump = False: a single 1.
	for _, c := range loss.Corners {
		n := 0
		for _, v := range s.Heat[c] {
			if v != 0 {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%v: %d nonzero pixels with radius 0, want 1", c, n)
		}
	}
	p.GaussianRadius = 3
	r, err := p.footprint(Box{4, 4, 60, 60, 0}, loss.TopLeft)
	if want := image.Rect(0, 0, 5, 5); err != nil || r != want {
		t.Errorf("footprint = %v, %v, want %v", r, err, want)
	}
}

func TestBuildErrors(t *testing.T) {
	p := Params{InputSize: [2]int{128, 160}, OutputSize: [2]int{32, 40}, Categories: 3,
		GaussianIOU: 0.3, GaussianRadius: -1, MaxTagLen: 2}
	ok := Box{10, 10, 50, 50, 0}
	for _, c := range []struct {
		name   string
		p      Params
		images [][]Box
		want   string
	}{
		{"too many objects", p, [][]Box{{ok}, {ok, ok, ok}}, "image 1: 3 objects, more than max_tag_len 2"},
		{"negative class", p, [][]Box{{ok, {10, 10, 50, 50, -1}}}, "image 0: box 1: class -1 is outside [0, 3)"},
		{"class past categories", p, [][]Box{{}, {{10, 10, 50, 50, 3}}}, "image 1: box 0: class 3 is outside [0, 3)"},
		{"negative x0", p, [][]Box{{{-0.5, 10, 50, 50, 0}}}, "image 0: box 0: tl corner (-0.5, 10) falls outside the 32x40 output map"},
		{"x1 at the input width", p, [][]Box{{ok, {10, 10, 160, 50, 0}}}, "image 0: box 1: br corner (160, 50) falls outside"},
		{"y1 past the input height", p, [][]Box{{{10, 10, 50, 200, 0}}}, "image 0: box 0: br corner (50, 200) falls outside"},
		{"x1 < x0", p, [][]Box{{{50, 10, 10, 50, 0}}}, "image 0: box 0: box [50 10 10 50] has x1 < x0 or y1 < y0"},
		{"y1 < y0", p, [][]Box{{{10, 50, 50, 49, 0}}}, "image 0: box 0: box [10 50 50 49] has x1 < x0"},
		{"nan", p, [][]Box{{{math.NaN(), 10, 50, 50, 0}}}, "image 0: box 0: coordinate NaN is not finite"},
		{"no images", p, nil, "images: no images"},
		{"zero iou", Params{InputSize: p.InputSize, OutputSize: p.OutputSize, Categories: 3, MaxTagLen: 2}, [][]Box{{ok}}, "gaussian_iou: 0 is outside (0, 1]"},
		{"zero output", Params{InputSize: p.InputSize, Categories: 3, GaussianIOU: 0.3, MaxTagLen: 2}, [][]Box{{ok}}, "output_size height: 0 is outside"},
		{"huge batch", DefaultParams(), make([][]Box, 1<<20), "images: 1048576 images of 80 128x128 heatmaps is too large"},
	} {
		s, err := Build(c.p, c.images)
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
		if s != nil {
			t.Errorf("%s: set returned with the error", c.name)
		}
	}
	// A zero-size box and one reaching just inside the last pixel are drawn.
	if _, err := Build(p, [][]Box{{{20, 20, 20, 20, 1}, {0, 0, 159.999, 127.999, 2}}}); err != nil {
		t.Errorf("edge boxes: %v", err)
	}
}

// randomScene draws parameters and boxes the way the reference sees them
// after _clip_detections: corners inside [0, size-1].
func randomScene(rng *rand.Rand) (Params, [][]Box) {
	p := Params{
		InputSize:      [2]int{16 + rng.IntN(600), 16 + rng.IntN(600)},
		OutputSize:     [2]int{4 + rng.IntN(160), 4 + rng.IntN(160)},
		Categories:     1 + rng.IntN(6),
		GaussianIOU:    []float64{0.3, 0.7, 0.05 + 0.95*rng.Float64()}[rng.IntN(3)],
		GaussianRadius: []int{-1, -1, 0, rng.IntN(6)}[rng.IntN(4)],
		Formula:        Formula(rng.IntN(2)),
		MaxTagLen:      16,
	}
	images := make([][]Box, 1+rng.IntN(3))
	for i := range images {
		for range rng.IntN(p.MaxTagLen + 1) {
			h, w := float64(p.InputSize[0]-1), float64(p.InputSize[1]-1)
			x0, y0 := w*rng.Float64(), h*rng.Float64()
			x1, y1 := x0+(w-x0)*rng.Float64(), y0+(h-y0)*rng.Float64()
			if rng.IntN(8) == 0 {
				x1, y1 = w, h // clipped at the border, as many COCO boxes are
			}
			images[i] = append(images[i], Box{x0, y0, x1, y1, rng.IntN(p.Categories)})
		}
	}
	return p, images
}

func TestBuildProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for iter := range 300 {
		p, images := randomScene(rng)
		s, err := Build(p, images)
		if err != nil {
			t.Fatalf("scene %d: %v", iter, err)
		}
		h, w := s.Height, s.Width
		plane := h * w
		rw, rh := float64(w)/float64(p.InputSize[1]), float64(h)/float64(p.InputSize[0])
		for i, boxes := range images {
			// positive[c][class] marks the corner pixels of that plane.
			positive := [2]map[int]map[int64]bool{{}, {}}
			for k, b := range boxes {
				slot := i*s.Slots + k
				if s.Mask[slot] != 1 {
					t.Fatalf("scene %d image %d slot %d: mask %d", iter, i, k, s.Mask[slot])
				}
				for c, xy := range [2][2]float64{{b.X0, b.Y0}, {b.X1, b.Y1}} {
					fx, fy := xy[0]*rw, xy[1]*rh
					x, y := math.Floor(fx), math.Floor(fy)
					ind := int64(y)*int64(w) + int64(x)
					if got := s.Inds[c][slot]; got != ind {
						t.Fatalf("scene %d image %d box %d %v: ind %d, want %d", iter, i, k, loss.Corner(c), got, ind)
					}
					for j, f := range []float64{fx - x, fy - y} {
						r := s.Regr[c][2*slot+j]
						if r < 0 || r >= 1 || r != float32(f) {
							t.Fatalf("scene %d image %d box %d %v: regr %v, want float32(%v) in [0, 1)", iter, i, k, loss.Corner(c), r, f)
						}
					}
					if v := s.Heat[c][(i*s.Classes+b.Class)*plane+int(ind)]; v != 1 {
						t.Fatalf("scene %d image %d box %d %v: heat %v at its corner", iter, i, k, loss.Corner(c), v)
					}
					if positive[c][b.Class] == nil {
						positive[c][b.Class] = map[int64]bool{}
					}
					positive[c][b.Class][ind] = true
				}
			}
			for k := len(boxes); k < s.Slots; k++ {
				slot := i*s.Slots + k
				if s.Mask[slot] != 0 || s.Inds[0][slot] != 0 || s.Inds[1][slot] != 0 || s.Regr[0][2*slot] != 0 {
					t.Fatalf("scene %d image %d: unused slot %d is not zero", iter, i, k)
				}
			}
			// Every 1 is a corner: no other kernel value rounds to 1 in float32.
			for _, c := range loss.Corners {
				for class := range s.Classes {
					off := (i*s.Classes + class) * plane
					for j, v := range s.Heat[c][off : off+plane] {
						if v < 0 || v > 1 || (v == 1) != positive[c][class][int64(j)] {
							t.Fatalf("scene %d image %d class %d %v: pixel %d = %v", iter, i, class, c, j, v)
						}
					}
				}
			}
		}
	}
}

// TestDrawPlane checks that redrawing one plane reproduces Build's plane bit
// for bit, and that the footprints of a class's boxes hold all its nonzero
// pixels.
func TestDrawPlane(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for iter := range 100 {
		p, images := randomScene(rng)
		s, err := Build(p, images)
		if err != nil {
			t.Fatal(err)
		}
		plane := s.Height * s.Width
		dst := make([]float32, plane)
		for i, boxes := range images {
			for _, c := range loss.Corners {
				for class := range s.Classes {
					for j := range dst {
						dst[j] = 0.25 // DrawPlane clears it first
					}
					if err := DrawPlane(dst, p, boxes, class, c); err != nil {
						t.Fatal(err)
					}
					want := s.Heat[c][(i*s.Classes+class)*plane:][:plane]
					if !slices.Equal(dst, want) {
						t.Fatalf("scene %d image %d class %d %v: DrawPlane differs from Build", iter, i, class, c)
					}
					var cover image.Rectangle
					for _, b := range boxes {
						if b.Class == class {
							r, err := p.footprint(b, c)
							if err != nil {
								t.Fatal(err)
							}
							cover = cover.Union(r)
						}
					}
					for j, v := range dst {
						if v != 0 && !image.Pt(j%s.Width, j/s.Width).In(cover) {
							t.Fatalf("scene %d image %d class %d %v: pixel %d outside the footprints %v", iter, i, class, c, j, cover)
						}
					}
				}
			}
		}
	}
	p := DefaultParams()
	if err := DrawPlane(make([]float32, 10), p, nil, 0, loss.TopLeft); err == nil {
		t.Error("DrawPlane on a short plane: no error")
	}
	if err := DrawPlane(make([]float32, 128*128), p, []Box{{0, 0, 600, 10, 0}}, 0, loss.TopLeft); err == nil {
		t.Error("DrawPlane with a box outside the map: no error")
	}
}

func TestApply(t *testing.T) {
	p := Params{InputSize: [2]int{64, 80}, OutputSize: [2]int{16, 20}, Categories: 2,
		GaussianIOU: 0.3, GaussianRadius: -1, MaxTagLen: 8}
	s, err := Build(p, [][]Box{{{1, 2, 30, 40, 1}}, {}})
	if err != nil {
		t.Fatal(err)
	}
	sh := loss.Shape{Stacks: 2, Batch: 2, Classes: 2, Height: 16, Width: 20, Slots: 8}
	in := &loss.Input{Shape: sh}
	for _, c := range loss.Corners {
		in.Heat[c] = make([]float32, sh.Stacks*sh.Batch*sh.Classes*sh.Pixels())
		in.Tag[c] = make([]float32, sh.Stacks*sh.Batch*sh.Slots)
		in.Regr[c] = make([]float32, 2*sh.Stacks*sh.Batch*sh.Slots)
	}
	if err := s.Apply(in); err != nil {
		t.Fatal(err)
	}
	if err := in.Validate(); err != nil {
		t.Errorf("input with the set applied: %v", err)
	}
	if &in.GTHeat[1][0] != &s.Heat[1][0] || &in.Mask[0] != &s.Mask[0] {
		t.Error("Apply copied the arrays instead of sharing them")
	}
	in.Shape.Slots = 128
	if err := s.Apply(in); err == nil || !strings.Contains(err.Error(), "do not match input") {
		t.Errorf("Apply with K=128: error %v", err)
	}
}

func BenchmarkBuild(b *testing.B) {
	p := DefaultParams()
	rng := rand.New(rand.NewPCG(5, 6))
	images := make([][]Box, 2)
	for i := range images {
		for range 100 {
			x0, y0 := 450*rng.Float64(), 450*rng.Float64()
			x1, y1 := x0+(510-x0)*rng.Float64(), y0+(510-y0)*rng.Float64()
			images[i] = append(images[i], Box{x0, y0, x1, y1, rng.IntN(p.Categories)})
		}
	}
	b.Run("COCO_B=2_100objects", func(b *testing.B) {
		heat := 2 * 2 * p.Categories * p.OutputSize[0] * p.OutputSize[1] * 4
		b.SetBytes(int64(heat))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Build(p, images); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// footprint returns the pixels of the output map that box b's bump at corner
// c covers: what changes in its class plane when the box appears, moves or
// goes.
func (p Params) footprint(b Box, c loss.Corner) (image.Rectangle, error) {
	o, err := p.Object(b)
	if err != nil {
		return image.Rectangle{}, err
	}
	q := o.Corner[c]
	return Bounds(p.OutputSize[0], p.OutputSize[1], q.X, q.Y, o.Radius), nil
}
