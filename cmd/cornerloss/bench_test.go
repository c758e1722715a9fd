package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/golden"
)

// BenchmarkEvalRun evaluates a run of 16 dumps (the reference's COCO-like
// step, S=2 B=2 C=10 64×64, 0.5 MB deflated each) as eval DUMP... does:
// read, evaluate and summarise on the worker pool, then order the steps.
// Run with -cpu 1,2: the pool takes GOMAXPROCS workers.
func BenchmarkEvalRun(b *testing.B) {
	src, err := os.ReadFile(filepath.Join(golden.ReferenceDir(), "coco_like.npz"))
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	var paths []string
	var size int64
	for i := range 16 {
		p := filepath.Join(dir, fmt.Sprintf("step_%06d.npz", 500*(i+1)))
		if err := os.WriteFile(p, src, 0o644); err != nil {
			b.Fatal(err)
		}
		paths = append(paths, p)
		size += int64(len(src))
	}
	b.Run("16_dumps_S=2_B=2_C=10_64x64", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		for b.Loop() {
			rows, failed := runRows(paths, evalAll(paths, loss.DefaultOptions()))
			if failed != 0 || len(rows) != len(paths) {
				b.Fatalf("%d rows, %d failed", len(rows), failed)
			}
		}
	})
}
