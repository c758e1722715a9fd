package timeline

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/cornerloss/cornerloss/loss"
)

// step returns a readable step with every term at v and the given clamped
// fraction and flags.
func step(n int64, v, clamped float64, flags ...string) Step {
	return Step{File: "f", Step: n, Summary: &loss.Summary{Loss: 6 * v, Focal: 2 * v, FocalTL: v, FocalBR: v, Pull: v, Push: v,
		Regr: 2 * v, RegrTL: v, RegrBR: v, ClampedFraction: clamped, Flags: flags}}
}

func kinds(ms []Marker) map[Kind][]int {
	out := map[Kind][]int{}
	for _, m := range ms {
		out[m.Kind] = append(out[m.Kind], m.Index)
	}
	return out
}

// TestMarkers: each kind of marker fires where it should and nowhere
// else: a jump only past 3× the running median and only with three steps
// behind it, clamp growth past twice its median and above the floor, the
// first NaN once and later unreadable files as gaps.
func TestMarkers(t *testing.T) {
	nan := Step{File: "n", Step: 5, Error: "tl_heats: NaN at [0 0 0 1 2]", NonFinite: true}
	bad := Step{File: "b", Step: 7, Error: "not a valid .npz"}
	steps := []Step{
		step(0, 100, 0.001), // falling: no jump
		step(1, 50, 0.001),
		step(2, 40, 0.001),
		step(3, 30, 0.001, loss.QuirkOneObject),
		step(4, 89, 0.001), // 89 < 3 × 45 (median of 100, 50, 40, 30)
		nan,
		step(6, 200, 0.003, loss.QuirkNoPositives), // > 3 × 45; clamp 3× its median
		bad,
		{File: "n2", Step: 8, Error: "br_heats: +Inf at [0]", NonFinite: true}, // not the first NaN
		step(9, 35, 0.0011),
	}
	got := kinds(Markers(steps))
	want := map[Kind][]int{
		KindOneObject:   {3},
		KindNonFinite:   {5},
		KindNoPositives: {6},
		KindJump:        {6},
		KindClamp:       {6},
		KindUnread:      {7, 8},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("markers %v\nwant    %v", got, want)
	}
	for _, m := range Markers(steps) {
		if m.Kind == KindJump && (!strings.Contains(m.Text, "loss 1200") || !strings.Contains(m.Text, "push 200")) {
			t.Errorf("jump text %q does not name the terms and values", m.Text)
		}
		if m.Kind == KindNonFinite && !strings.Contains(m.Text, "tl_heats: NaN at [0 0 0 1 2]") {
			t.Errorf("NaN text %q does not give the array and position", m.Text)
		}
	}
	// Below the floor, clamp growth is noise.
	quiet := []Step{step(0, 1, 1e-6), step(1, 1, 1e-6), step(2, 1, 1e-6), step(3, 1, 5e-5)}
	if got := kinds(Markers(quiet)); len(got) != 0 {
		t.Errorf("quiet run: markers %v", got)
	}
}

// TestMedianWindow: the running median looks back medianWindow steps, so
// a spike late in a falling run is still found.
func TestMedianWindow(t *testing.T) {
	var steps []Step
	for i := range 30 {
		steps = append(steps, step(int64(i), 1000*math.Pow(0.7, float64(i)), 0))
	}
	steps = append(steps, step(30, 1, 0)) // ~40× the last steps, far below the run's median
	got := kinds(Markers(steps))
	if len(got[KindJump]) != 1 || got[KindJump][0] != 30 {
		t.Errorf("jumps at %v, want [30]", got[KindJump])
	}
}
