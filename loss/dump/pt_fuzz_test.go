package dump

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// ptSeeds are small .pt files for the fuzzers: the corpus's tiny steps and
// non-steps, their zip copies with a zero CRC (which archive/zip does not
// check, so mutations of data.pkl reach the unpickler), and hostile files.
func ptSeeds(f *testing.F) [][]byte {
	var seeds [][]byte
	for _, name := range []string{"seed_tiny_zip.pt", "seed_tiny_legacy.pt", "other_tensor_legacy.pt", "other_state_dict.pt"} {
		data, err := os.ReadFile(filepath.Join(ptDir(), name))
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, data)
		if zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data))); err == nil {
			seeds = append(seeds, zeroCRC(f, zr))
		}
	}
	floats := make([]byte, 64)
	return append(seeds,
		ptZip(f, []byte("\x80\x02cos\nsystem\nX\x04\x00\x00\x00true\x85R."), nil),
		ptZip(f, named(func(p *pk) { p.tensor("0", 16, 2, []int64{2, 3}, []int64{1, 4}) }), map[string][]byte{"0": floats}),
		ptZip(f, named(func(p *pk) { p.tensor("0", 16, 0, []int64{1e6, 1e6}, []int64{0, 0}) }), map[string][]byte{"0": floats}),
		ptLegacyFile(legacyNamed(16), []string{"0"}, [][]byte{floats}, []int64{16}),
	)
}

// zeroCRC copies an archive, every entry stored with a zero CRC.
func zeroCRC(t testing.TB, zr *zip.Reader) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.CreateRaw(&zip.FileHeader{Name: f.Name, Method: zip.Store,
			CompressedSize64: uint64(len(data)), UncompressedSize64: uint64(len(data))})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// FuzzReadPT reads arbitrary bytes as an uploaded file, seeded with .pt
// files: never a panic, an *Error or a valid input, and memory bounded by
// the pickle limits and the small MaxBytes.
func FuzzReadPT(f *testing.F) {
	for _, s := range ptSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		const limit = 16 << 20
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		d, err := ReadNPZ("fuzz.pt", data, Options{MaxBytes: limit})
		runtime.ReadMemStats(&after)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Problem == "" {
				t.Fatalf("error %q (%T) is not an *Error with a problem", err, err)
			}
		} else if err := d.Input.Validate(); err != nil {
			t.Fatalf("read without error but Validate says %v", err)
		}
		if n := after.TotalAlloc - before.TotalAlloc; n > 2*limit+8<<20+160*uint64(len(data)) {
			t.Fatalf("allocated %d bytes for %d bytes of input", n, len(data))
		}
	})
}

// FuzzUnpickle runs the unpickler alone on arbitrary bytes, seeded with
// the corpus's pickles, and matches what it builds to the forms.
func FuzzUnpickle(f *testing.F) {
	for _, s := range ptSeeds(f) {
		if zr, err := zip.NewReader(bytes.NewReader(s), int64(len(s))); err == nil {
			if pkl, _, _ := ptPickle(zr); pkl != nil {
				data, err := readPickleEntry(pkl)
				if err == nil {
					f.Add(data)
				}
			}
			continue
		}
		f.Add(s) // a legacy file starts with its pickles
	}
	f.Add([]byte("\x80\x04\x8c\x08builtins\x8c\x04eval\x93\x8c\x031+1\x85R."))
	f.Add([]byte("]q\x00(K\x01h\x00e."))
	f.Fuzz(func(t *testing.T, data []byte) {
		storages := map[string]*ptStorage{}
		v, n, err := unpickle(data, func(pid any) (any, error) { return storageOf(pid, storages, 5) })
		if n < 0 || n > len(data) {
			t.Fatalf("read %d of %d bytes", n, len(data))
		}
		if err == nil {
			_, _, _ = ptEntries("fuzz.pt", v)
			_ = describe(v)
		}
	})
}
