package dump

import (
	"archive/zip"
	"bufio"
	"bytes"
	"testing"

	"codeberg.org/sbinet/npyio/npy"
	"github.com/cornerloss/cornerloss/loss"
)

// bench40MB is CornerNet at batch 2 with two stacks: its npz, deflated, is
// about 40 MB, like the uploads the page must parse in 1.5 s.
var bench40MB = loss.Shape{Stacks: 2, Batch: 2, Classes: 80, Height: 128, Width: 128, Slots: 128}

func BenchmarkReadNPZ(b *testing.B) {
	arrays := synthetic(bench40MB, 12)
	buf := npzOf(b, arrays)
	// 40MB-cleared: the arrays cleared before decoding, as make does
	// (Options.Cleared), to compare with their uncleared allocation.
	for name, opt := range map[string]Options{"40MB": {}, "40MB-cleared": {Cleared: true}} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(buf)))
			for b.Loop() {
				if _, err := ReadNPZ("bench.npz", buf, opt); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(buf))/1e6, "npz-MB")
			b.ReportMetric(float64(decodedBytes(arrays))/1e6, "decoded-MB")
		})
	}
}

// BenchmarkNPYIO reads the same npz with npyio's typed Read behind a
// bufio.Reader: the alternative measured for the comment on chunkBytes.
func BenchmarkNPYIO(b *testing.B) {
	buf := npzOf(b, synthetic(bench40MB, 12))
	b.Run("40MB", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(buf)))
		for b.Loop() {
			zr, err := zip.NewReader(bytes.NewReader(buf), int64(len(buf)))
			if err != nil {
				b.Fatal(err)
			}
			for _, f := range zr.File {
				rc, err := f.Open()
				if err != nil {
					b.Fatal(err)
				}
				r, err := npy.NewReader(bufio.NewReaderSize(rc, chunkBytes))
				if err != nil {
					b.Fatal(err)
				}
				var ptr any
				switch r.Header.Descr.Type {
				case "'<f4'":
					ptr = new([]float32)
				case "'<i8'":
					ptr = new([]int64)
				default:
					ptr = new([]uint8)
				}
				if err := r.Read(ptr); err != nil {
					b.Fatal(err)
				}
				rc.Close()
			}
		}
	})
}
