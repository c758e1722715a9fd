package main

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
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

// BenchmarkEvalRunYardstick is BenchmarkEvalRun's yardstick: the same 16
// dumps inflated from memory into nothing on GOMAXPROCS goroutines, with no
// reading, decoding, evaluating or allocating. It is what the machine gives
// two threads of that work; with -cpu 1,2 beside BenchmarkEvalRun, it says
// whether a speed-up below 2 is the program's or the machine's (a shared
// or virtual machine whose second core is busy elsewhere).
func BenchmarkEvalRunYardstick(b *testing.B) {
	src, err := os.ReadFile(filepath.Join(golden.ReferenceDir(), "coco_like.npz"))
	if err != nil {
		b.Fatal(err)
	}
	z, err := zip.NewReader(bytes.NewReader(src), int64(len(src)))
	if err != nil {
		b.Fatal(err)
	}
	const dumps = 16
	b.SetBytes(dumps * int64(len(src)))
	for b.Loop() {
		var next atomic.Int64
		var wg sync.WaitGroup
		for range runtime.GOMAXPROCS(0) {
			wg.Go(func() {
				buf := make([]byte, 64<<10)
				for next.Add(1) <= dumps {
					for _, f := range z.File {
						r, err := f.Open()
						if err != nil {
							panic(err)
						}
						if _, err := io.CopyBuffer(io.Discard, r, buf); err != nil {
							panic(err)
						}
						r.Close()
					}
				}
			})
		}
		wg.Wait()
	}
}
