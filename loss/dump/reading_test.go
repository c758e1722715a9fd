package dump

import (
	"bytes"
	"io"
	"math"
	"runtime"
	"testing"

	"github.com/cornerloss/cornerloss/loss"
)

// TestProgress: calls are monotonic, often enough, and end at the total.
func TestProgress(t *testing.T) {
	arrays := synthetic(loss.Shape{Stacks: 2, Batch: 1, Classes: 20, Height: 64, Width: 64, Slots: 16}, 4)
	buf := npzOf(t, arrays)
	var calls [][2]int64
	_, err := ReadNPZ("x.npz", buf, Options{Progress: func(done, total int64) {
		calls = append(calls, [2]int64{done, total})
	}})
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	for _, a := range arrays {
		sum += int64(len(npyHeader("<f4", a.Shape))) + decodedBytes([]Array{a})
	}
	last := calls[len(calls)-1]
	if last[0] != sum || last[1] != sum {
		t.Errorf("last call %v, want done = total = %d", last, sum)
	}
	for i := 1; i < len(calls); i++ {
		if step := calls[i][0] - calls[i-1][0]; step <= 0 || step > chunkBytes || calls[i][1] != sum {
			t.Fatalf("call %d: %v after %v", i, calls[i], calls[i-1])
		}
	}
}

// counter counts the bytes read through it.
type counter struct {
	r io.Reader
	n *int
}

func (c counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	*c.n += n
	return n, err
}

func (c counter) Close() error { return nil }

// TestPickleUnread: an object array is refused on its header; not one byte
// of the pickle behind it is read.
func TestPickleUnread(t *testing.T) {
	hdr := npyRaw(npyDict("|O", false, []int{2, 3, 32, 32}), nil)
	pickle := append([]byte("\x80\x04\x95"), bytes.Repeat([]byte{'.'}, 1000)...)
	data := append(bytes.Clone(hdr), pickle...)
	var entries []entry
	read := 0
	for _, f := range goldenFiles(t, "small_two_images") {
		e := entry{file: f.Name, name: f.Name[:len(f.Name)-4], size: int64(len(f.Data))}
		d := f.Data
		if e.name == "gt_tl_heat" {
			d, e.size = data, int64(len(data))
		}
		e.open = func() (io.ReadCloser, error) {
			if e.name == "gt_tl_heat" {
				return counter{bytes.NewReader(d), &read}, nil
			}
			return io.NopCloser(bytes.NewReader(d)), nil
		}
		entries = append(entries, e)
	}
	_, err := readEntries("x", entries, nil, Options{})
	checkError(t, err, "gt_tl_heat", "dtype '|O' is an object array of pickled Python objects: refused")
	if read > len(hdr) {
		t.Errorf("read %d bytes, the header has %d", read, len(hdr))
	}
}

// TestAllocations: reading allocates the decoded arrays and little else,
// so the page's peak stays near upload + decoded.
func TestAllocations(t *testing.T) {
	arrays := synthetic(loss.Shape{Stacks: 2, Batch: 1, Classes: 20, Height: 128, Width: 128, Slots: 128}, 10)
	buf := npzOf(t, arrays)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if _, err := ReadNPZ("x.npz", buf, Options{}); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	decoded := decodedBytes(arrays)
	if got := int64(after.TotalAlloc - before.TotalAlloc); got > decoded+decoded/20+1<<20 {
		t.Errorf("allocated %d bytes for %d decoded", got, decoded)
	}
}

// TestNonFinitePastFirstPiece: value arrays are scanned for NaN a piece
// (chunkBytes) at a time as they decode; the first one is named at its
// place in the whole array, not in its piece.
func TestNonFinitePastFirstPiece(t *testing.T) {
	sh := loss.Shape{Stacks: 2, Batch: 1, Classes: 20, Height: 64, Width: 64, Slots: 16}
	if n := sh.Stacks * sh.Batch * sh.Classes * sh.Pixels() * 4; n < 2*chunkBytes {
		t.Fatalf("tl_heats is %d bytes: want several pieces of %d", n, chunkBytes)
	}
	for _, tc := range []struct {
		name string
		bad  map[int]float32
		want string
	}{
		// [1 0 4 26 32] = 1·81920 + 4·4096 + 26·64 + 32, in the second
		// piece; [1 0 16 39 48] = 150000, in the third.
		{"NaN then Inf", map[int]float32{100000: float32(math.NaN()), 150000: float32(math.Inf(1))}, "NaN at [1 0 4 26 32]"},
		{"Inf", map[int]float32{150000: float32(math.Inf(1))}, "+Inf at [1 0 16 39 48]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			arrays := synthetic(sh, 4)
			for _, a := range arrays {
				if a.Name == "tl_heats" {
					for i, v := range tc.bad {
						a.Data.([]float32)[i] = v
					}
				}
			}
			_, err := ReadNPZ("x.npz", npzOf(t, arrays), Options{})
			checkError(t, err, "tl_heats", tc.want)
		})
	}
}
