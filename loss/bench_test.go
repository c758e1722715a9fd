package loss_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/scene"
)

// BenchmarkTotal times a full evaluation on COCO-shaped steps: 80 classes,
// 128×128, targets from boxes, noisy mostly-negative logits.
func BenchmarkTotal(b *testing.B) {
	for _, c := range []struct{ batch, stacks int }{{1, 1}, {2, 2}} {
		in, _, err := scene.COCO(c.batch, c.stacks).Build()
		if err != nil {
			b.Fatal(err)
		}
		name := fmt.Sprintf("B=%d_S=%d_C=%d_%dx%d", c.batch, c.stacks, in.Classes, in.Height, in.Width)
		b.Run(name, func(b *testing.B) {
			px := 2 * in.Stacks * in.Batch * in.Classes * in.Pixels()
			b.SetBytes(int64(4 * px)) // logits read
			b.ReportAllocs()
			for b.Loop() {
				if _, err := loss.Evaluate(in, loss.DefaultOptions()); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(px), "ns/px")
		})
	}
}

// BenchmarkTotalMMDet is BenchmarkTotal's B=1 S=1 step under the MMDet
// convention, which has a fast path of its own (see background.go).
func BenchmarkTotalMMDet(b *testing.B) {
	in, _, err := scene.COCO(1, 1).Build()
	if err != nil {
		b.Fatal(err)
	}
	o := loss.DefaultOptions()
	o.Convention = loss.MMDet
	px := 2 * in.Classes * in.Pixels()
	b.SetBytes(int64(4 * px))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := loss.Evaluate(in, o); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(px), "ns/px")
}

// BenchmarkPixelTerms times the maps of one COCO plane before
// normalisation (the page's viewed maps, computed afresh for a full
// recompute): fresh, and from the logs kept by a PlaneTerms after a change
// of α (the page's α edit); and scale, their normalisation
// (Result.ScalePixels, what the page does once a step worker's sums are in),
// with a copy of the three scaled maps back to the unscaled ones each time.
func BenchmarkPixelTerms(b *testing.B) {
	in, _, err := scene.COCO(1, 1).Build()
	if err != nil {
		b.Fatal(err)
	}
	px := float64(in.Pixels())
	b.Run("fresh", func(b *testing.B) {
		var m *loss.PixelMaps
		for b.Loop() {
			m = loss.PixelTerms(m, in, loss.DefaultOptions(), 0, 0, 0, loss.TopLeft)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/px, "ns/px")
	})
	b.Run("alpha", func(b *testing.B) {
		var t loss.PlaneTerms
		var m *loss.PixelMaps
		opts := [2]loss.Options{loss.DefaultOptions(), loss.DefaultOptions()}
		opts[1].Alpha = 2.5
		rs := [2]*loss.Result{}
		for i, o := range opts {
			if rs[i], err = loss.Evaluate(in, o); err != nil {
				b.Fatal(err)
			}
		}
		i := 0
		for b.Loop() {
			i ^= 1
			m = rs[i].PixelsFrom(m, &t, 0, 0, 0, loss.TopLeft)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/px, "ns/px")
	})
	b.Run("scale", func(b *testing.B) {
		r, err := loss.Evaluate(in, loss.DefaultOptions())
		if err != nil {
			b.Fatal(err)
		}
		m := loss.PixelTerms(nil, in, r.Options, 0, 0, 0, loss.TopLeft)
		pos, neg, grad := slices.Clone(m.Pos), slices.Clone(m.Neg), slices.Clone(m.Grad)
		for b.Loop() {
			copy(m.Pos, pos)
			copy(m.Neg, neg)
			copy(m.Grad, grad)
			r.ScalePixels(m, loss.TopLeft)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/px, "ns/px")
	})
}
