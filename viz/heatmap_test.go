package viz

import (
	"image"
	"math"
	"testing"
)

// ramp returns a deterministic w×h plane spanning [-1, 2], with a NaN.
func ramp(w, h int) []float32 {
	p := make([]float32, w*h)
	for i := range p {
		p[i] = float32(math.Sin(float64(i)*0.37)*1.5 + 0.5)
	}
	p[len(p)/3] = float32(math.NaN())
	return p
}

func TestHeatmapPixels(t *testing.T) {
	const w, h = 7, 5
	src := ramp(w, h)
	s := Linear(-1, 2)
	img := canvas(40, 30, paper)
	got := Heatmap(img, image.Rect(2, 3, 40, 30), src, w, h, Magma, s)
	zoom := 5 // min(38/7, 27/5)
	if want := image.Rect(2, 3, 2+w*zoom, 3+h*zoom); got != want {
		t.Fatalf("Heatmap covered %v, want %v", got, want)
	}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			want := paper
			if (image.Point{x, y}).In(got) {
				v := src[(y-3)/zoom*w+(x-2)/zoom]
				want = Magma.At(s.Norm(float64(v)))
			}
			if c := img.RGBAAt(x, y); c != want {
				t.Fatalf("pixel %d,%d = %v, want %v", x, y, c, want)
			}
		}
	}
}

// TestHeatmapClipped checks that clipping by r, by a sub-image and by the
// image's own edge cuts the unclipped picture without changing it.
func TestHeatmapClipped(t *testing.T) {
	const w, h = 6, 4
	src := ramp(w, h)
	full := canvas(60, 40, paper)
	Heatmap(full, image.Rect(5, 5, 5+w*7, 5+h*7), src, w, h, CoolWarm, Symmetric(2))
	for _, clip := range []image.Rectangle{
		image.Rect(8, 9, 30, 21),   // cuts blocks on every side
		image.Rect(0, 0, 60, 40),   // cuts nothing
		image.Rect(40, 30, 60, 40), // holds a corner only
		image.Rect(50, 0, 60, 40),  // misses the plane
	} {
		img := canvas(60, 40, paper)
		Heatmap(img.SubImage(clip).(*image.RGBA), image.Rect(5, 5, 5+w*7, 5+h*7), src, w, h, CoolWarm, Symmetric(2))
		for y := 0; y < 40; y++ {
			for x := 0; x < 60; x++ {
				want := paper
				if (image.Point{x, y}).In(clip) {
					want = full.RGBAAt(x, y)
				}
				if c := img.RGBAAt(x, y); c != want {
					t.Fatalf("clip %v: pixel %d,%d = %v, want %v", clip, x, y, c, want)
				}
			}
		}
	}
}

func TestHeatmapSmallRect(t *testing.T) {
	// A rectangle smaller than the plane still draws at 1×, clipped to it.
	img := canvas(10, 10, paper)
	got := Heatmap(img, image.Rect(1, 1, 4, 4), ramp(6, 6), 6, 6, Viridis, Linear(-1, 2))
	if got != image.Rect(1, 1, 7, 7) {
		t.Errorf("covered %v, want (1,1)-(7,7)", got)
	}
	if ink := inked(img, paper); ink != image.Rect(1, 1, 4, 4) {
		t.Errorf("ink %v, want (1,1)-(4,4)", ink)
	}
	if got := Heatmap(img, img.Rect, nil, 0, 3, Viridis, Linear(0, 1)); !got.Empty() {
		t.Errorf("an empty plane covered %v", got)
	}
}

func TestHeatmapAllocs(t *testing.T) {
	src := ramp(32, 32)
	img := canvas(100, 100, paper)
	sub := img.SubImage(image.Rect(3, 3, 50, 50)).(*image.RGBA)
	for _, s := range []Scale{Linear(0, 1), Log(1e-3, 1), Symmetric(1), SymLog(1, 1e-3)} {
		if n := testing.AllocsPerRun(10, func() { Heatmap(img, img.Rect, src, 32, 32, Viridis, s) }); n != 0 {
			t.Errorf("%+v: %v allocations per call", s, n)
		}
		if n := testing.AllocsPerRun(10, func() { Heatmap(sub, image.Rect(0, 0, 96, 96), src, 32, 32, Viridis, s) }); n != 0 {
			t.Errorf("%+v clipped: %v allocations per call", s, n)
		}
	}
}
