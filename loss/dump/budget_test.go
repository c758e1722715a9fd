package dump

import (
	"archive/zip"
	"bytes"
	"fmt"
	"hash/crc32"
	"runtime"
	"strings"
	"testing"

	"github.com/cornerloss/cornerloss/loss"
)

// TestTinyDumps: the fuzz seeds are valid dumps of a few KB, so that
// mutations start from inputs the reader accepts.
func TestTinyDumps(t *testing.T) {
	for i, files := range tinyDumps(t) {
		d, err := ReadNPYFiles(files, Options{MaxBytes: fuzzMaxBytes})
		if err != nil {
			t.Fatalf("tiny dump %d: %v", i, err)
		}
		if in := d.Input; in.Height != 3 || in.Width != 4 || in.Classes != 1 {
			t.Errorf("tiny dump %d has shape %v", i, in.Shape)
		}
		if n := len(uncheckedZip(t, files)); n > 8<<10 {
			t.Errorf("tiny dump %d takes %d bytes as an npz", i, n)
		}
		if d2, err := ReadNPYFiles(splitFiles(joinFiles(files)), Options{}); err != nil || inputBytes(d2.Input) != inputBytes(d.Input) {
			t.Errorf("tiny dump %d framed and split: %v", i, err)
		}
	}
}

// TestBudget: Options.MaxBytes bounds what reading allocates, whatever the
// input claims, which is what lets the fuzz targets leave memory
// unmeasured. The budget is exact: a dump is read with MaxBytes equal to
// its arrays' bytes (gathered tags and offsets included) and refused one
// byte below; and reads that pass the budget and then fail, or fail on
// claims far past it, allocate at most the budget beyond a fixed overhead
// and the size of the input.
func TestBudget(t *testing.T) {
	t.Run("exact", func(t *testing.T) {
		for i, files := range tinyDumps(t) {
			d, err := ReadNPYFiles(files, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if fortran := strings.Contains(d.Summary(), "Fortran"); fortran {
				continue // the transposing copy counts in the budget too
			}
			need := inputBytes(d.Input)
			if _, err := ReadNPYFiles(files, Options{MaxBytes: need}); err != nil {
				t.Errorf("tiny dump %d with MaxBytes %d: %v", i, need, err)
			}
			_, err = ReadNPYFiles(files, Options{MaxBytes: need - 1})
			if err == nil || !strings.Contains(err.Error(), "over the") {
				t.Errorf("tiny dump %d with MaxBytes %d: %v, want refused over the limit", i, need-1, err)
			}
		}
	})

	// A dump of 1.3 MiB decoded whose tl_heats stops halfway: it passes
	// the budget, so its arrays are allocated before the end shows.
	arrays := synthetic(loss.Shape{Stacks: 1, Batch: 1, Classes: 20, Height: 64, Width: 64, Slots: 8}, 3)
	need := decodedBytes(arrays)
	var files []File
	for _, a := range arrays {
		var b bytes.Buffer
		b.Write(npyHeader(map[string]string{"[]float32": "<f4", "[]uint8": "|u1", "[]int64": "<i8"}[fmt.Sprintf("%T", a.Data)], a.Shape))
		if err := writeData(&b, a.Data); err != nil {
			t.Fatal(err)
		}
		files = append(files, File{Name: a.Name + ".npy", Data: b.Bytes()})
	}
	heats := files[0].Data
	cut := rawZip(t, files[1:], "tl_heats.npy", zip.Store, crc32.ChecksumIEEE(heats), uint64(len(heats)), heats[:len(heats)/2])
	claim := npyRaw(npyDict("<f4", false, []int{1 << 20, 1 << 20, 1 << 10}), nil)
	huge := rawZip(t, files[1:], "tl_heats.npy", zip.Store, 0, uint64(len(claim))+4<<50, claim)

	cases := []struct {
		name  string
		data  []byte
		limit int64
		err   string
	}{
		{"truncated within the budget", cut, need, "tl_heats: truncated data"},
		{"over the budget", cut, need - 1, "over the"},
		{"petabytes claimed", huge, need, "tl_heats: shape [1048576 1048576 1024] needs 4.0 PiB decoded, over the 1.3 MiB limit"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := ReadNPZ("x.npz", tc.data, Options{MaxBytes: tc.limit})
			runtime.ReadMemStats(&after)
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("error %v, want %q", err, tc.err)
			}
			// The payload buffer (up to chunkBytes), the zip reader, the
			// error: a fixed overhead besides the budget and the input.
			allowed := uint64(tc.limit) + uint64(len(tc.data)) + chunkBytes + 256<<10
			if n := after.TotalAlloc - before.TotalAlloc; n > allowed {
				t.Errorf("allocated %d bytes, allowed %d (budget %d)", n, allowed, tc.limit)
			}
		})
	}
}
