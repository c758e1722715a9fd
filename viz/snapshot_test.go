package viz

import (
	"image"
	"image/color"
	"math"
	"testing"

	"github.com/cornerloss/cornerloss/viz/viztest"
)

var (
	paper = color.RGBA{0xff, 0xff, 0xff, 0xff}
	night = color.RGBA{0x1e, 0x1e, 0x24, 0xff}
)

// canvas returns a w×h image filled with bg.
func canvas(w, h int, bg color.Color) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	FillRect(img, img.Rect, bg)
	return img
}

// TestSnapshotColorbars draws each map under each kind of scale, vertical and
// horizontal, on a light and a dark background.
func TestSnapshotColorbars(t *testing.T) {
	bars := []struct {
		m     *Colormap
		s     Scale
		title string
	}{
		{Viridis, Linear(0, 1), "target"},
		{Magma, Log(1e-12, 10), "focal term"},
		{CoolWarm, Symmetric(3.3e-4), "gradient"},
		{CoolWarm, SymLog(2, 1e-6), "grad (symlog)"},
		{Viridis, Linear(-3.7, 12.2), "a very long title that does not fit"},
	}
	for _, bg := range []struct {
		name string
		c    color.RGBA
	}{{"light", paper}, {"dark", night}} {
		img := canvas(5*84+8, 200+4+3*52, bg.c)
		for i, b := range bars {
			DrawColorbar(img, image.Rect(4+84*i, 4, 4+84*i+80, 200), b.m, b.s, b.title)
		}
		for i, b := range bars[:3] {
			DrawColorbar(img, image.Rect(4, 208+52*i, 4+260, 208+52*i+48), b.m, b.s, b.title)
		}
		viztest.CheckGolden(t, "colorbars_"+bg.name, img)
	}
}

// TestSnapshotHeatmap draws a 24×16 plane with two Gaussian peaks at 6× with
// the overlays a panel puts on it: corner markers, a box, offset arrows,
// circles and labels, then a NaN pixel and a clipped second copy.
func TestSnapshotHeatmap(t *testing.T) {
	const w, h, zoom = 24, 16, 6
	plane := make([]float32, w*h)
	for y := range h {
		for x := range w {
			a := math.Exp(-(sq(float64(x)-5) + sq(float64(y)-4)) / 4)
			b := math.Exp(-(sq(float64(x)-17) + sq(float64(y)-11)) / 8)
			plane[y*w+x] = float32(max(a, b))
		}
	}
	plane[15*w+23] = float32(math.NaN())
	img := canvas(w*zoom+90, h*zoom+60, paper)
	r := Heatmap(img, image.Rect(0, 0, w*zoom, h*zoom), plane, w, h, Viridis, Linear(0, 1))
	px := func(x, y float64) (float64, float64) {
		return float64(r.Min.X) + (x+0.5)*zoom, float64(r.Min.Y) + (y+0.5)*zoom
	}
	white := color.RGBA{255, 255, 255, 255}
	red := color.RGBA{230, 40, 40, 255}
	x0, y0 := px(5, 4)
	x1, y1 := px(17, 11)
	Cross(img, x0, y0, 5, 1.5, white)
	Cross(img, x1, y1, 5, 1.5, white)
	// A crisp box: one-pixel lines through pixel centres.
	bx0, by0, bx1, by1 := x0+0.5, y0+0.5, x1+0.5, y1+0.5
	Line(img, bx0, by0, bx1, by0, 1, white)
	Line(img, bx1, by0, bx1, by1, 1, white)
	Line(img, bx0, by0, bx0, by1, 1, white)
	Line(img, bx0, by1, bx1, by1, 1, white)
	Arrow(img, x0, y0, x0+0.4*zoom*4, y0+0.7*zoom*4, 1.5, red)
	Arrow(img, x1, y1, x1-0.3*zoom*4, y1-0.2*zoom*4, 1.5, red)
	Arrow(img, 10, 80, 10.3, 80.2, 1.5, red) // shorter than a pixel: a dot
	Circle(img, x1, y1, 20, 1, color.NRGBA{255, 255, 255, 160})
	Disk(img, 130, 20, 3.5, red)
	FillRect(img, image.Rect(120, 60, 140, 80), color.RGBA{0, 0, 0, 96})
	LabelAt(img, int(x0)+9, int(y0)-6, Start, Center, "tl 0.97", white)
	LabelAt(img, w*zoom/2, h*zoom+2, Center, Start, "gt_tl_heat  α=2 β=4", color.Black)
	DrawColorbar(img, image.Rect(w*zoom+6, 0, w*zoom+86, h*zoom), Viridis, Linear(0, 1), "p")
	// The same plane again at 3×, cut by a clip rectangle through its
	// blocks on the left, top and bottom.
	clip := image.Rect(w*zoom+6, h*zoom+20, w*zoom+90, h*zoom+60)
	at := clip.Min.Sub(image.Pt(4, 5))
	Heatmap(img.SubImage(clip).(*image.RGBA), image.Rectangle{Min: at, Max: at.Add(image.Pt(3*w, 3*h))}, plane, w, h, Magma, Linear(0, 1))
	viztest.CheckGolden(t, "heatmap_overlays", img)
}

func sq(x float64) float64 { return x * x }
