package viz

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

var red = color.RGBA{255, 0, 0, 255}

// TestShapesClip draws every shape across, outside and around a clip
// rectangle, with non-finite and huge coordinates too: nothing may change
// outside the clip, and nothing may panic.
func TestShapesClip(t *testing.T) {
	img := canvas(80, 80, paper)
	clip := image.Rect(20, 20, 60, 60)
	sub := img.SubImage(clip).(*image.RGBA)
	nan, inf := math.NaN(), math.Inf(1)
	for _, p := range [][2]float64{{40, 40}, {20, 20}, {59.9, 21}, {-30, 45}, {100, 100}, {nan, 30}, {inf, -inf}, {1e30, 5}} {
		x, y := p[0], p[1]
		Line(sub, x, y, 40, 40, 3, red)
		Line(sub, x, y, x+50, y-50, 1, red)
		Circle(sub, x, y, 25, 2, red)
		Disk(sub, x, y, 12, red)
		Cross(sub, x, y, 30, 2, red)
		Arrow(sub, 40, 40, x, y, 2, red)
		Arrow(sub, x, y, x, y, 2, red)
		FillRect(sub, image.Rect(int(x)-50, 25, int(x)+5, 30), red)
	}
	if ink := inked(img, paper); !ink.In(clip) {
		t.Errorf("ink %v outside the clip %v", ink, clip)
	}
}

func TestLineCrisp(t *testing.T) {
	img := canvas(20, 20, paper)
	Line(img, 2, 10.5, 17, 10.5, 1, red) // through the centres of row 10
	for x := 2; x < 17; x++ {
		if c := img.RGBAAt(x, 10); c != red {
			t.Errorf("pixel %d,10 = %v, want %v", x, c, red)
		}
	}
	if ink := inked(img, paper); ink.Min.Y != 10 || ink.Max.Y != 11 {
		t.Errorf("a one-pixel line on row 10 inks rows [%d, %d)", ink.Min.Y, ink.Max.Y)
	}
}

func TestCircleAndDisk(t *testing.T) {
	img := canvas(40, 40, paper)
	Circle(img, 20, 20, 10, 2, red)
	for _, p := range []image.Point{{29, 19}, {10, 20}, {19, 29}, {20, 10}} { // on the ring
		if c := img.RGBAAt(p.X, p.Y); c.G > 64 {
			t.Errorf("ring pixel %v = %v, want red", p, c)
		}
	}
	for _, p := range []image.Point{{19, 19}, {0, 0}, {33, 20}} { // centre, outside
		if c := img.RGBAAt(p.X, p.Y); c != paper {
			t.Errorf("pixel %v = %v, want untouched", p, c)
		}
	}
	Disk(img, 20, 20, 3, red)
	if c := img.RGBAAt(19, 19); c != red {
		t.Errorf("disk centre = %v, want red", c)
	}
}

func TestArrowReachesTip(t *testing.T) {
	img := canvas(40, 40, paper)
	Arrow(img, 5.5, 20.5, 30.5, 20.5, 1, red)
	if c := img.RGBAAt(29, 20); c.G > 64 {
		t.Errorf("pixel before the tip = %v, want red", c)
	}
	if ink := inked(img, paper); ink.Max.X > 32 || ink.Min.X < 4 {
		t.Errorf("arrow ink %v runs past its ends", ink)
	}
	// The head is wider than the shaft.
	head, shaft := 0, 0
	for y := 0; y < 40; y++ {
		if img.RGBAAt(27, y) != paper {
			head++
		}
		if img.RGBAAt(12, y) != paper {
			shaft++
		}
	}
	if head <= shaft {
		t.Errorf("head column has %d inked pixels, shaft column %d", head, shaft)
	}
}

func TestFillRectBlends(t *testing.T) {
	img := canvas(4, 4, paper)
	FillRect(img, image.Rect(1, 1, 3, 3), color.NRGBA{0, 0, 0, 128})
	if c := img.RGBAAt(1, 1); c.R < 126 || c.R > 128 || c.A != 255 {
		t.Errorf("half black over white = %v, want grey 127", c)
	}
	if c := img.RGBAAt(0, 0); c != paper {
		t.Errorf("pixel outside the rectangle = %v", c)
	}
	// A colour that is not premultiplied is clamped, not overflowed.
	FillRect(img, image.Rect(0, 0, 1, 1), color.RGBA{255, 255, 255, 100})
	if c := img.RGBAAt(0, 0); c != paper {
		t.Errorf("white over white = %v", c)
	}
}

// TestFillRectAsDraw: FillRect gives, byte for byte, what image/draw's
// Porter-Duff "over" of a uniform colour gives, over a random background,
// opaque and translucent, clipped by the image's edges.
func TestFillRectAsDraw(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	colors := []color.Color{halo, white, textColor, color.NRGBA{0x1f, 0x77, 0xb4, 90}, color.NRGBA{200, 10, 40, 1}, color.NRGBA{9, 9, 9, 254}}
	for trial := range 60 {
		got := image.NewRGBA(image.Rect(-3, 2, 37, 29))
		for i := range got.Pix {
			got.Pix[i] = uint8(rng.IntN(256))
		}
		want := image.NewRGBA(got.Rect)
		copy(want.Pix, got.Pix)
		r := image.Rect(rng.IntN(50)-8, rng.IntN(40)-5, rng.IntN(50)-8, rng.IntN(40)-5).Canon()
		c := colors[trial%len(colors)]
		FillRect(got, r, c)
		draw.Draw(want, r, image.NewUniform(c), image.Point{}, draw.Over)
		if !slices.Equal(got.Pix, want.Pix) {
			t.Fatalf("trial %d: FillRect(%v, %v) differs from draw.Over", trial, r, c)
		}
	}
}

// TestSegmentDist: the distance a segment computes once for all its
// pixels is, to the bit, the plain formula's (the projection clamped to
// the segment, the first point for a segment of length 0), on random
// segments, points and degenerate segments.
func TestSegmentDist(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	plain := func(x, y, x0, y0, x1, y1 float64) float64 {
		dx, dy := x1-x0, y1-y0
		u := 0.0
		if l := dx*dx + dy*dy; l > 0 {
			u = math.Min(math.Max(((x-x0)*dx+(y-y0)*dy)/l, 0), 1)
		}
		return math.Hypot(x-x0-u*dx, y-y0-u*dy)
	}
	c := func() float64 { return rng.Float64()*200 - 100 }
	for i := range 20000 {
		x0, y0, x1, y1 := c(), c(), c(), c()
		switch i % 4 {
		case 1:
			x1, y1 = x0, y0
		case 2:
			x1, y1 = x0+1e-200, y0 // its squared length underflows to 0
		}
		x, y := float64(int(c()))+0.5, float64(int(c()))+0.5
		got, want := segmentDist(x, y, x0, y0, x1, y1), plain(x, y, x0, y0, x1, y1)
		if math.Abs(got-want) > 1e-12*math.Max(1, want) {
			t.Fatalf("segmentDist(%v, %v, %v, %v, %v, %v) = %v, want %v", x, y, x0, y0, x1, y1, got, want)
		}
	}
}

// TestPixelSaturates: pixel is the plain saturating conversion (NaN to 0),
// on the edges of its range and on random coordinates.
func TestPixelSaturates(t *testing.T) {
	const far = 1 << 24
	plain := func(v float64) int {
		if math.IsNaN(v) {
			return 0
		}
		return int(math.Min(math.Max(v, -far), far))
	}
	vs := []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1), far, -far, far + 1, -far - 1, far - 0.5, 1e300, -1e300, 3.5, -3.5}
	rng := rand.New(rand.NewPCG(11, 12))
	for range 10000 {
		vs = append(vs, math.Floor((rng.Float64()*2-1)*math.Pow(2, float64(rng.IntN(40)))))
	}
	for _, v := range vs {
		if got, want := pixel(v), plain(v); got != want {
			t.Errorf("pixel(%v) = %d, want %d", v, got, want)
		}
	}
}
