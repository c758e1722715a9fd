package timeline

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/cornerloss/cornerloss/loss"
)

// TestJobRoundTrip: a job decodes to what was encoded, options included;
// a job with options the loss is not defined for, or not JSON, is refused
// with its reason.
func TestJobRoundTrip(t *testing.T) {
	o := loss.DefaultOptions()
	o.Convention, o.Alpha = loss.MMDet, 3
	j := Job{ID: 7, Name: "step_000500.npz", URL: "dumps/step_000500.npz", Options: o, Sample: &[2]int{3, 40}}
	got, err := DecodeJob(j.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, j) {
		t.Errorf("decoded %+v, want %+v", got, j)
	}
	bad := j
	bad.Options.Beta = -1
	if _, err := DecodeJob(bad.Encode()); err == nil || !strings.Contains(err.Error(), "job 7") {
		t.Errorf("negative β: %v", err)
	}
	if _, err := DecodeJob(`{"id": "seven"}`); err == nil {
		t.Error("a malformed job decoded")
	}
}

// TestReplyRoundTrip: a reply with a summary, and one with an error,
// decode to what was encoded.
func TestReplyRoundTrip(t *testing.T) {
	s := loss.Summary{Loss: 1.5, Focal: 1, Pull: 0.25, Push: 0.25, ClassFocal: []float64{0.5, 0.5}, Flags: []string{"no-objects"}}
	for _, r := range []Reply{
		{ID: 3, Step: Step{File: "a.npz", Step: 500, StepFromDump: true, Summary: &s}, Ms: 12.5, Mem: 3e7},
		{ID: 4, Step: Step{File: "b.npz", Step: -1, Error: "tl_heats: NaN at [0]", ErrorArray: "tl_heats", NonFinite: true}, Retry: true},
	} {
		got, err := DecodeReply(r.Encode())
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, r) {
			t.Errorf("decoded %+v\nwant    %+v", got, r)
		}
	}
	// JSON has no NaN: such a reply says why instead of vanishing.
	r := Reply{ID: 5, Step: Step{File: "c.npz", Summary: &loss.Summary{Loss: math.NaN()}}}
	got, err := DecodeReply(r.Encode())
	if err != nil || got.ID != 5 || got.Step.File != "c.npz" || got.Step.OK() || !strings.Contains(got.Step.Error, "NaN") {
		t.Errorf("a NaN reply came back as %+v, %v", got, err)
	}
}
