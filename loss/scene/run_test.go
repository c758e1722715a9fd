package scene

import (
	"bytes"
	"testing"

	"github.com/cornerloss/cornerloss/loss/dump"
)

// TestSampleRunStep: a step is the same bytes every time, holds its step
// array, and the broken steps are the ones SampleRunBroken names; steps
// outside the run are refused.
func TestSampleRunStep(t *testing.T) {
	const n = 8
	nan, noPos := SampleRunBroken(n)
	for i := range n {
		a, err := SampleRunStep(i, n)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := SampleRunStep(i, n)
		if !bytes.Equal(a.Data, b.Data) {
			t.Errorf("step %d: two calls, two dumps", i)
		}
		d, err := dump.ReadNPZ(a.Name, a.Data, dump.Options{})
		if i == nan {
			if err == nil {
				t.Errorf("step %d: the NaN step reads", i)
			}
			continue
		}
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if d.Step == nil || *d.Step != a.Step {
			t.Errorf("step %d: step array %v, want %d", i, d.Step, a.Step)
		}
		objects := 0
		for _, m := range d.Input.Mask {
			objects += int(m)
		}
		if (objects == 0) != (i == noPos) {
			t.Errorf("step %d: %d objects", i, objects)
		}
	}
	for _, bad := range [][2]int{{-1, n}, {n, n}, {0, 0}} {
		if _, err := SampleRunStep(bad[0], bad[1]); err == nil {
			t.Errorf("step %d of %d made", bad[0], bad[1])
		}
	}
}
