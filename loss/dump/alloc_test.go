package dump

import (
	"math"
	"reflect"
	"testing"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/golden"
)

// TestAllocUncleared: the reader's arrays come from uncleared unless
// Options.Cleared, and uncleared hands over memory as it found it (here
// poisoned, as a test asks).
func TestAllocUncleared(t *testing.T) {
	poisoned(t)
	for _, v := range alloc[float32](&payload{}, 1000) {
		if math.Float32bits(v) != math.MaxUint32 {
			t.Fatalf("uncleared float32 %v, want the poison's NaN", v)
		}
	}
	for _, v := range alloc[int64](&payload{}, 3) {
		if v != -1 {
			t.Fatalf("uncleared int64 %v, want the poison's -1", v)
		}
	}
	for _, v := range alloc[float32](&payload{cleared: true}, 1000) {
		if v != 0 {
			t.Fatalf("Options.Cleared gave %v, want 0", v)
		}
	}
	if got := alloc[uint8](&payload{}, 0); got == nil || len(got) != 0 {
		t.Errorf("no elements: %#v", got)
	}
}

// TestDecodeWritesEveryElement reads every golden and every variant (other
// dtypes, byte orders, Fortran order, maps) into poisoned memory: any
// element the reader left unwritten would differ from the read into
// cleared memory.
func TestDecodeWritesEveryElement(t *testing.T) {
	cases, err := golden.Cases()
	if err != nil {
		t.Fatal(err)
	}
	sets := map[string][]File{}
	for _, c := range cases {
		sets["golden "+c.Name] = goldenFiles(t, c.Name)
	}
	for _, v := range variants() {
		sets["variant "+v.name], _ = v.files(t)
	}
	for name, files := range sets {
		want, err := ReadNPYFiles(files, Options{Cleared: true})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		poison = true
		got, err := ReadNPYFiles(files, Options{})
		poison = false
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(got.Input, want.Input) {
			t.Errorf("%s: read into poisoned memory differs from cleared", name)
		}
	}
}

// poisoned sets poison for the rest of the test.
func poisoned(t *testing.T) {
	poison = true
	t.Cleanup(func() { poison = false })
}

// TestBuffersReuse reads every golden and variant one after another with
// one Buffers, its memory poisoned as a test asks: each read equals a read
// into cleared memory, whatever the read before it left there (other
// shapes, other dtypes, Fortran order); a second read of the same dump
// takes the first one's memory; and the step a read returned survives
// the next read, which reuses the memory it was decoded into.
func TestBuffersReuse(t *testing.T) {
	poisoned(t)
	cases, err := golden.Cases()
	if err != nil {
		t.Fatal(err)
	}
	type set struct {
		name  string
		files []File
	}
	var sets []set
	for _, c := range cases {
		sets = append(sets, set{"golden " + c.Name, goldenFiles(t, c.Name)})
	}
	for _, v := range variants() {
		files, _ := v.files(t)
		sets = append(sets, set{"variant " + v.name, files})
	}
	var bufs Buffers
	for i, s := range append(sets, sets[0]) {
		want, err := ReadNPYFiles(s.files, Options{Cleared: true})
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		got, err := ReadNPYFiles(s.files, Options{Buffers: &bufs})
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if !reflect.DeepEqual(got.Input, want.Input) {
			t.Errorf("%s (read %d): read into reused memory differs from cleared", s.name, i)
		}
		first := &got.Input.Heat[0][0]
		again, err := ReadNPYFiles(s.files, Options{Buffers: &bufs})
		if err != nil {
			t.Fatalf("%s again: %v", s.name, err)
		}
		if &again.Input.Heat[0][0] != first {
			t.Errorf("%s: the second read did not reuse the first one's logits", s.name)
		}
	}

	sh := loss.Shape{Stacks: 1, Batch: 1, Classes: 2, Height: 8, Width: 8, Slots: 4}
	read := func(step int64) *Dump {
		d, err := ReadNPZ("d.npz", npzOf(t, append(synthetic(sh, 2), Scalar("step", step))), Options{Buffers: &bufs})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	d := read(500)
	read(1000)
	if *d.Step != 500 {
		t.Errorf("a read's step became %d after the next read", *d.Step)
	}
}
