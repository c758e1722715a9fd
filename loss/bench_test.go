package loss_test

import (
	"fmt"
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
