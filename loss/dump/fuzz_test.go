package dump

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

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
	base := goldenFiles(f, "small_two_images")

	f.Fuzz(func(t *testing.T, data []byte) {
		opt := Options{MaxBytes: 64 << 20}
		d, err := ReadNPZ("fuzz.npz", data, opt)
		checkFuzz(t, d, err)
		name := schema[len(data)%len(schema)]
		d, err = ReadNPYFiles(with(base, name, data), opt)
		checkFuzz(t, d, err)
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
