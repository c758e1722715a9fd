package dump

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/golden"
)

// FuzzRead feeds arbitrary bytes to the reader twice: as an .npz, and as
// one .npy array of an otherwise valid dump. It must never panic, must
// return an *Error or a valid input, and the small MaxBytes keeps every
// allocation under 64 MiB.
func FuzzRead(f *testing.F) {
	paths, err := filepath.Glob(filepath.Join(golden.Dir(), "*.npz"))
	if err != nil || len(paths) == 0 {
		f.Fatal("no golden npz", err)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, seed := range [][]byte{
		npyOf(f, []float64{1, 2, 3, 4, 5, 6}, []int{2, 3}, "<f4", false),
		npyOf(f, []float64{1, 2, 3, 4, 5, 6}, []int{3, 2}, ">f8", true),
		npyOf(f, []float64{1, 0, 1}, []int{3}, "|b1", false),
		npyOf(f, []float64{7, 8}, []int{2}, "<i4", false),
		npyOf(f, []float64{0.5}, []int{1, 1}, "<f2", false),
		npyRaw(npyDict("|O", false, []int{1}), []byte("\x80\x04\x95\x05\x00\x00\x00\x00\x00\x00\x00K\x01.")),
		npyRaw("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", make([]byte, 4)),
		npyRaw("{'shape': (2,), 'fortran_order': False, 'descr': '<f4', }", make([]byte, 8)),
		npyHeaderOnly(2, 0xfffffff0, "{}\n", nil),
		npyHeaderOnly(1, 8, "{'descr'", nil),
	} {
		f.Add(seed)
	}
	f.Add(uncheckedNPZ(f, synthetic(loss.Shape{Stacks: 1, Batch: 2, Classes: 1, Height: 2, Width: 3, Slots: 2}, 1)))
	base := goldenFiles(f, "small_two_images")

	f.Fuzz(func(t *testing.T, data []byte) {
		const limit = 64 << 20
		opt := Options{MaxBytes: limit}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		d, err := ReadNPZ("fuzz.npz", data, opt)
		checkFuzz(t, d, err)
		name := schema[len(data)%len(schema)]
		d, err = ReadNPYFiles(with(base, name, data), opt)
		checkFuzz(t, d, err)
		runtime.ReadMemStats(&after)
		// Twice the cap for the two reads, plus the zip directory and
		// buffers, which grow with the input only.
		if n := after.TotalAlloc - before.TotalAlloc; n > 2*limit+8*uint64(len(data))+4<<20 {
			t.Fatalf("allocated %d bytes for %d bytes of input", n, len(data))
		}
	})
}

func checkFuzz(t *testing.T, d *Dump, err error) {
	if err != nil {
		var e *Error
		if !errors.As(err, &e) || e.Problem == "" {
			t.Fatalf("error %q (%T) is not an *Error with a problem", err, err)
		}
		return
	}
	if err := d.Input.Validate(); err != nil {
		t.Fatalf("read without error but Validate says %v", err)
	}
	_ = d.Summary()
}

// uncheckedNPZ stores arrays uncompressed with a zero CRC, which
// archive/zip does not check: mutations of the payload then reach the
// decoders instead of failing the checksum.
func uncheckedNPZ(t testing.TB, arrays []Array) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, a := range arrays {
		var npy bytes.Buffer
		descr := map[string]string{"[]float32": "<f4", "[]uint8": "|u1", "[]int64": "<i8"}[fmt.Sprintf("%T", a.Data)]
		npy.Write(npyHeader(descr, a.Shape))
		if err := writeData(&npy, a.Data); err != nil {
			t.Fatal(err)
		}
		w, err := zw.CreateRaw(&zip.FileHeader{Name: a.Name + ".npy", Method: zip.Store,
			CompressedSize64: uint64(npy.Len()), UncompressedSize64: uint64(npy.Len())})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(npy.Bytes())
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
