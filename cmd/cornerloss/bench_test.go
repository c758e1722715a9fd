package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/cornerloss/cornerloss/loss/golden"
)

// BenchmarkEvalRun runs `cornerloss eval DUMP...` on a run of 16 dumps (the
// reference's COCO-like step, S=2 B=2 C=10 64×64, 0.5 MB deflated each),
// as a user does, its table going nowhere: read, evaluate and summarise on
// the worker pool, order the steps, print. Run with -cpu 1,2: the pool
// takes GOMAXPROCS workers.
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
		args := append([]string{"eval"}, paths...)
		for b.Loop() {
			var out, errs bytes.Buffer
			if code := run(args, &out, &errs); code != 0 || bytes.Count(out.Bytes(), []byte("\n")) != len(paths)+1 {
				b.Fatalf("exit %d, %d lines, stderr %s", code, bytes.Count(out.Bytes(), []byte("\n")), errs.String())
			}
		}
	})
}
