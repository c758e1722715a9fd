package dump

import (
	"slices"
	"strings"
	"testing"

	"github.com/cornerloss/cornerloss/loss"
)

func TestStepAndChunk(t *testing.T) {
	sh := loss.Shape{Stacks: 1, Batch: 2, Classes: 2, Height: 8, Width: 8, Slots: 4}
	base := synthetic(sh, 2)
	read := func(extra ...Array) (*Dump, error) {
		return ReadNPZ("d.npz", npzOf(t, slices.Concat(base, extra)), Options{})
	}
	d, err := read()
	if err != nil {
		t.Fatal(err)
	}
	if d.Step != nil || d.Chunk != nil || d.Scalars() != "" {
		t.Errorf("no step or chunk stored, read %v %v %q", d.Step, d.Chunk, d.Scalars())
	}
	d, err = read(Scalar("step", 4500), Scalar("chunk", 1))
	if err != nil {
		t.Fatal(err)
	}
	if d.Step == nil || *d.Step != 4500 || d.Chunk == nil || *d.Chunk != 1 {
		t.Fatalf("read step %v chunk %v, want 4500 and 1", d.Step, d.Chunk)
	}
	if len(d.Warnings) != 0 {
		t.Errorf("step and chunk are part of the schema, warned %q", d.Warnings)
	}
	if !strings.Contains(d.Summary(), "step 4500, chunk 1") {
		t.Errorf("summary does not show them:\n%s", d.Summary())
	}
	// [1] is accepted as a scalar too (np.array([step])).
	if d, err = read(Array{"step", []int{1}, []int64{7}}); err != nil || *d.Step != 7 {
		t.Errorf("step of shape [1]: %v, %v", d, err)
	}

	for _, c := range []struct {
		a    Array
		want string
	}{
		{Array{"step", []int{2}, []int64{1, 2}}, "step: shape [2], want a scalar"},
		{Array{"chunk", []int{}, []float32{1}}, "chunk: dtype float32, want an integer scalar"},
		{Array{"step", []int{1, 1}, []int64{3}}, "step: shape [1 1], want a scalar"},
	} {
		_, err := read(c.a)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %v: error %v, want %q", c.a.Name, c.a.Shape, err, c.want)
		}
	}
}

// TestProgressCountsScalars: the last progress call still reaches the
// total when the optional arrays are there.
func TestProgressCountsScalars(t *testing.T) {
	sh := loss.Shape{Stacks: 1, Batch: 2, Classes: 2, Height: 8, Width: 8, Slots: 4}
	data := npzOf(t, append(synthetic(sh, 2), Scalar("step", 3)))
	var done, total int64
	if _, err := ReadNPZ("d.npz", data, Options{Progress: func(d, t int64) { done, total = d, t }}); err != nil {
		t.Fatal(err)
	}
	if done != total || total == 0 {
		t.Errorf("progress ended at %d of %d", done, total)
	}
}

// TestArraysRoundTrip writes an input with Arrays and reads it back.
func TestArraysRoundTrip(t *testing.T) {
	sh := loss.Shape{Stacks: 2, Batch: 2, Classes: 3, Height: 8, Width: 10, Slots: 4}
	d, err := ReadNPZ("a.npz", npzOf(t, synthetic(sh, 3)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	back, err := ReadNPZ("b.npz", npzOf(t, Arrays(d.Input)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	a, b := d.Input, back.Input
	for _, c := range loss.Corners {
		if !slices.Equal(a.Heat[c], b.Heat[c]) || !slices.Equal(a.Tag[c], b.Tag[c]) || !slices.Equal(a.Regr[c], b.Regr[c]) ||
			!slices.Equal(a.GTHeat[c], b.GTHeat[c]) || !slices.Equal(a.GTRegr[c], b.GTRegr[c]) || !slices.Equal(a.Inds[c], b.Inds[c]) {
			t.Errorf("%s arrays differ after the round trip", c)
		}
	}
	if a.Shape != b.Shape || !slices.Equal(a.Mask, b.Mask) {
		t.Errorf("shape or mask differ: %v %v", a.Shape, b.Shape)
	}
}
