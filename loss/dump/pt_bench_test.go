package dump

import (
	"archive/zip"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cornerloss/cornerloss/loss"
)

// bench40MBpt is bench40MB with 51 classes: its tensors take 40 MB as they
// are stored in a .pt.
var bench40MBpt = loss.Shape{Stacks: 2, Batch: 2, Classes: 51, Height: 128, Width: 128, Slots: 128}

// ptBenchFiles returns the same tensors (bench40MBpt) as a .pt (zip and
// legacy) and as an .npz (stored, as np.savez writes it, and deflated, as
// np.savez_compressed and the README's snippet write it), by name.
func ptBenchFiles(t testing.TB) map[string][]byte {
	arrays := synthetic(bench40MBpt, 12)
	var npy []File
	for _, a := range arrays {
		var buf bytes.Buffer
		descr := map[string]string{"[]float32": "<f4", "[]uint8": "|u1", "[]int64": "<i8"}[fmt.Sprintf("%T", a.Data)]
		buf.Write(npyHeader(descr, a.Shape))
		if err := writeData(&buf, a.Data); err != nil {
			t.Fatal(err)
		}
		npy = append(npy, File{Name: a.Name + ".npy", Data: buf.Bytes()})
	}
	return map[string][]byte{
		"pt-zip":       ptOf(t, arrays, false),
		"pt-legacy":    ptOf(t, arrays, true),
		"npz-stored":   zipOf(t, npy, zip.Store),
		"npz-deflated": npzOf(t, arrays),
	}
}

// BenchmarkReadPT reads the files of ptBenchFiles, alternating.
func BenchmarkReadPT(b *testing.B) {
	files := ptBenchFiles(b)
	order := []string{"pt-zip", "npz-stored", "pt-legacy", "npz-deflated"}
	// One read of each first, untimed: under WebAssembly the heap's growth
	// would otherwise be charged to whichever runs first.
	for _, name := range order {
		if _, err := ReadNPZ(name, files[name], Options{}); err != nil {
			b.Fatal(err)
		}
	}
	for _, name := range order {
		buf := files[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(buf)))
			for b.Loop() {
				if _, err := ReadNPZ(name, buf, Options{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(buf))/1e6, "file-MB")
		})
	}
}

// ptOf writes arrays as torch.save writes a dict of contiguous tensors.
func ptOf(t testing.TB, arrays []Array, legacy bool) []byte {
	var p pk
	p.op(0x80, 2, '}', '(')
	storages := map[string][]byte{}
	var keys []string
	var data [][]byte
	var counts []int64
	for i, a := range arrays {
		var buf bytes.Buffer
		if err := writeData(&buf, a.Data); err != nil {
			t.Fatal(err)
		}
		class := map[string]string{"[]float32": "FloatStorage", "[]uint8": "ByteStorage", "[]int64": "LongStorage"}[fmt.Sprintf("%T", a.Data)]
		n, _ := elements(a.Shape)
		size := make([]int64, len(a.Shape))
		stride := make([]int64, len(a.Shape))
		s := int64(1)
		for d := len(a.Shape) - 1; d >= 0; d-- {
			size[d], stride[d] = int64(a.Shape[d]), s
			s *= int64(a.Shape[d])
		}
		key := fmt.Sprint(i)
		p.str(a.Name)
		if legacy {
			p.typedTensorLegacy(class, key, n, size, stride)
		} else {
			p.typedTensor(class, key, n, 0, size, stride)
		}
		storages[key] = buf.Bytes()
		keys, data, counts = append(keys, key), append(data, buf.Bytes()), append(counts, n)
	}
	p.op('u', '.')
	if legacy {
		return ptLegacyFile(p.Bytes(), keys, data, counts)
	}
	return ptZip(t, p.Bytes(), storages)
}

// typedTensorLegacy is typedTensor with the legacy format's six-item
// persistent id.
func (p *pk) typedTensorLegacy(class, key string, numel int64, size, stride []int64) *pk {
	var z pk
	z.typedTensor(class, key, numel, 0, size, stride)
	// Insert None (no view) before the TUPLE that closes the persistent id.
	b := z.Bytes()
	i := bytes.Index(b, []byte("t"+"Q"))
	p.Write(slices.Concat(b[:i], []byte("N"), b[i:]))
	return p
}

// TestPTWriter checks ptOf, the .pt writer of these tests, against the
// corpus PyTorch wrote (testdata/pt): a golden case written by it, in both
// formats, reads as the same tensors as torch.save's file of that case.
// With CORNERLOSS_PT_BENCH_DIR set it also writes ptBenchFiles there, as
// NAME.pt and NAME.npz: the page's BenchmarkPagePT (wasm/e2e) runs it so.
func TestPTWriter(t *testing.T) {
	for _, f := range []struct {
		golden, file string
		legacy       bool
	}{{"single_object_push_quirk", "single_object_push_quirk_named_zip.pt", false}, {"small_two_images", "small_two_images_named_legacy.pt", true}} {
		want := readGolden(t, f.golden)
		torch, err := ReadFile(filepath.Join(ptDir(), f.file), Options{})
		if err != nil {
			t.Fatal(err)
		}
		sameInput(t, torch.Input, want.Input)
		got, err := ReadNPZ("written.pt", ptOf(t, Arrays(want.Input), f.legacy), Options{})
		if err != nil {
			t.Fatalf("%s: %v", f.file, err)
		}
		sameInput(t, got.Input, torch.Input)
	}
	dir := os.Getenv("CORNERLOSS_PT_BENCH_DIR")
	if dir == "" {
		return
	}
	for name, data := range ptBenchFiles(t) {
		ext := map[bool]string{true: ".pt", false: ".npz"}[strings.HasPrefix(name, "pt-")]
		if err := os.WriteFile(filepath.Join(dir, name+ext), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
