package loss

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkRow times the focal kernel on background rows (target 0) of
// logits around p = 0.01, the bulk of a COCO heatmap.
func BenchmarkRow(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	const w, rows = 128, 128
	x := make([]float32, w*rows)
	for i := range x {
		x[i] = float32(-4.6 + 1.5*rng.NormFloat64())
	}
	y := make([]float32, w*rows)
	k := newKernel(DefaultOptions())
	sums := make([]rowSums, rows)
	b.SetBytes(4 * w * rows)
	for b.Loop() {
		k.rows(sums, x, y, w)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(w*rows), "ns/px")
}

// BenchmarkBackgroundTable times building the background term's table, the
// cost a change of α adds before its first use.
func BenchmarkBackgroundTable(b *testing.B) {
	k := newKernel(DefaultOptions())
	for b.Loop() {
		newBGTable(2.5, k.xLo)
	}
}
