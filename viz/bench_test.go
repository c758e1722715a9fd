package viz

import (
	"fmt"
	"image"
	"math"
	"testing"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/scene"
)

// benchScales are the scales the panels use, each with deterministic data in
// its range: probabilities, focal terms across 12 decades, gradients.
var benchScales = []struct {
	name  string
	s     Scale
	value func(i int) float32
}{
	{"linear", Linear(0, 1), func(i int) float32 { return float32(i%251) / 250 }},
	{"log", Log(1e-12, 10), func(i int) float32 { return float32(math.Pow(10, -12*float64(i%97)/96)) }},
	{"symmetric", Symmetric(1e-3), func(i int) float32 { return float32(i%201-100) * 1e-5 }},
	{"symlog", SymLog(1, 1e-6), func(i int) float32 {
		return float32(math.Copysign(math.Pow(10, -9*float64(i%89)/88), float64(i%2*2-1)))
	}},
}

func benchPlane(n int, value func(int) float32) []float32 {
	p := make([]float32, n)
	for i := range p {
		p[i] = value(i)
	}
	return p
}

func BenchmarkHeatmap(b *testing.B) {
	for _, size := range []struct{ w, h, zoom int }{{128, 128, 2}, {256, 256, 1}, {128, 128, 4}} {
		for _, bs := range benchScales {
			name := fmt.Sprintf("%dx%d_x%d", size.w, size.h, size.zoom)
			if bs.name != "linear" {
				name += "_" + bs.name
			}
			b.Run(name, func(b *testing.B) {
				src := benchPlane(size.w*size.h, bs.value)
				dst := image.NewRGBA(image.Rect(0, 0, size.w*size.zoom, size.h*size.zoom))
				b.SetBytes(int64(len(dst.Pix)))
				b.ReportAllocs()
				for b.Loop() {
					Heatmap(dst, dst.Rect, src, size.w, size.h, Viridis, bs.s)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(size.w*size.h), "ns/value")
			})
		}
	}
}

func BenchmarkFill(b *testing.B) {
	const n = 65536
	for _, bs := range benchScales {
		b.Run(fmt.Sprintf("%s/%d", bs.name, n), func(b *testing.B) {
			src := benchPlane(n, bs.value)
			dst := make([]uint8, 4*n)
			b.SetBytes(4 * n)
			b.ReportAllocs()
			for b.Loop() {
				Viridis.Fill(dst, src, bs.s)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/px")
		})
	}
}

func BenchmarkColorbar(b *testing.B) {
	dst := canvas(90, 256, paper)
	b.ReportAllocs()
	for b.Loop() {
		DrawColorbar(dst, dst.Rect, Magma, Log(1e-12, 10), "focal term")
	}
}

// BenchmarkDrawPanels draws every panel of a frame into the cells of a
// 1600×900 Grid, as the page does when all panels change at once.
func BenchmarkDrawPanels(b *testing.B) {
	b.Run("scene_default", func(b *testing.B) {
		f := sceneFrame(b, scene.Default(), 1, 0, 1, loss.TopLeft)
		f.Selected = 1
		size := image.Pt(1600, 900)
		dst := image.NewRGBA(image.Rectangle{Max: size})
		cells := Grid(size, f.Maps.Height, f.Maps.Width)
		b.SetBytes(int64(len(dst.Pix)))
		b.ReportAllocs()
		for b.Loop() {
			for p, r := range cells {
				DrawPanel(dst, r, Panel(p), f)
			}
		}
	})
}

// BenchmarkFrameReset recomputes a frame's maps and what the panels derive
// from them, as the page does after each change of the loss, for one class
// and for the all-classes summary.
func BenchmarkFrameReset(b *testing.B) {
	for _, class := range []int{1, -1} {
		b.Run(fmt.Sprintf("scene_default/class=%d", class), func(b *testing.B) {
			f := sceneFrame(b, scene.Default(), 1, 0, class, loss.TopLeft)
			b.ReportAllocs()
			for b.Loop() {
				f.Reset(f.Result, 1, 0, class, loss.TopLeft, f.Objects)
			}
		})
	}
}

// BenchmarkCOCOPlane times what the page derives for the viewed plane of the
// COCO-shaped scene (the page's bench view) around a full recompute:
// prepare is Prepare from scratch (the maps before normalisation, then
// fixed), fixed what the panels derive from those alone (weights, clamps,
// positives, peaks, the weight scale), scaled what they derive from the
// normalised maps (focal and gradient planes and scales: what the page does
// once the step workers' sums are in).
func BenchmarkCOCOPlane(b *testing.B) {
	s := scene.COCO(1, 1)
	class := s.Images[0][0].Box.Class
	f := sceneFrame(b, s, 0, 0, class, loss.TopLeft)
	in := f.Result.Input()
	b.Run("prepare", func(b *testing.B) {
		for b.Loop() {
			f.Forget()
			f.Prepare(in, f.Result.Options, 0, 0, class, loss.TopLeft)
		}
	})
	b.Run("fixed", func(b *testing.B) {
		for b.Loop() {
			f.d.fixedPlanes(f.Maps)
		}
	})
	b.Run("scaled", func(b *testing.B) {
		for b.Loop() {
			f.d.scaledPlanes(f.Maps)
		}
	})
}
