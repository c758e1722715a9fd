package dump

import (
	"math"
	"reflect"
	"testing"

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
