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

// BenchmarkScans times the loops that test float32 bits two values to a
// 64-bit word (see words), on a megabyte of values: the NaN scan every
// array gets as it is read (logits around p = 0.01), the targets' range
// check (zeros with a bump every 50 values) and the run summary's scan of a
// plane (its background pixels). As WebAssembly under Node (make
// bench-wasm) these are the figures the README compares with the loops
// that read each value through math.Float32bits.
func BenchmarkScans(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 1 << 18
	logits, targets := make([]float32, n), make([]float32, n)
	for i := range logits {
		logits[i] = float32(-4.6 + 1.5*rng.NormFloat64())
		if rng.IntN(50) == 0 {
			targets[i] = rng.Float32()
		}
	}
	perValue := func(b *testing.B) {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/value")
	}
	b.Run("FirstNonFinite", func(b *testing.B) {
		for b.Loop() {
			if _, bad := FirstNonFinite(logits); bad {
				b.Fatal("a finite array scanned as not")
			}
		}
		perValue(b)
	})
	b.Run("firstOutsideUnit", func(b *testing.B) {
		for b.Loop() {
			if firstOutsideUnit(targets) >= 0 {
				b.Fatal("targets in [0, 1] scanned as outside")
			}
		}
		perValue(b)
	})
	b.Run("scanPlane", func(b *testing.B) {
		k := newKernel(DefaultOptions())
		sh := Shape{Stacks: 1, Batch: 1, Classes: 1, Height: n / 128, Width: 128, Slots: 1}
		for b.Loop() {
			k.scanPlane(logits, targets, sh, false)
		}
		perValue(b)
	})
}
