package viz

import (
	"math"
	"reflect"
	"testing"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/scene"
)

// TestPrepareSameFrame checks that a Reset after Prepare (the maps computed
// while the workers evaluate, then scaled) shows what a Reset alone shows,
// to the bit, under both conventions and several α, β, ε, and after edits
// (a new α and β, rows of the viewed plane changed) that Prepare finishes
// from the maps it kept; and that a Prepare of another view, or of other
// options, is not used.
func TestPrepareSameFrame(t *testing.T) {
	in, set, err := scene.Default().Build()
	if err != nil {
		t.Fatal(err)
	}
	cls := scene.Default().Images[0][0].Box.Class
	mmdet := loss.DefaultOptions()
	mmdet.Convention = loss.MMDet
	odd := loss.DefaultOptions()
	odd.Alpha, odd.Beta, odd.Eps = 2.5, 3, 1e-3
	for _, opt := range []loss.Options{loss.DefaultOptions(), mmdet, odd} {
		r, err := loss.Evaluate(in, opt)
		if err != nil {
			t.Fatal(err)
		}
		objects := ObjectsFromTargets(set, 0)
		for _, c := range loss.Corners {
			want := NewFrame(r, 1, 0, cls, c, objects)
			got := NewFrame(r, 0, 0, cls, c, objects) // another view first: its buffers are reused
			got.Prepare(in, opt, 1, 0, cls, c)
			got.Reset(r, 1, 0, cls, c, objects)
			if !got.d.done || got.pre != nil {
				t.Fatalf("%+v %v: the prepared maps were not used once", opt, c)
			}
			sameFrame(t, want, got)
			if got.Maps.PosSum == 0 && got.Maps.NegSum == 0 {
				t.Fatalf("%+v %v: empty maps", opt, c)
			}

			// Prepared for another class, or other options: Reset computes afresh.
			other := opt
			other.Alpha++
			got.Prepare(in, other, 1, 0, cls, c)
			got.Reset(r, 1, 0, cls, c, objects)
			sameFrame(t, want, got)
			got.Prepare(in, opt, 1, 0, (cls+1)%in.Classes, c)
			got.Reset(r, 1, 0, cls, c, objects)
			sameFrame(t, want, got)

			// Edits, as the page sends them to its workers: a new α and
			// β (Prepare finishes the kept maps from their logs), then a
			// few rows of the viewed plane changed (it recomputes those).
			edited := opt
			edited.Alpha, edited.Beta = opt.Alpha+0.5, opt.Beta-1
			r2, err := loss.Evaluate(in, edited)
			if err != nil {
				t.Fatal(err)
			}
			got.Prepare(in, edited, 1, 0, cls, c)
			got.Reset(r2, 1, 0, cls, c, objects)
			sameFrame(t, NewFrame(r2, 1, 0, cls, c, objects), got)
			in2 := *in
			in2.Heat[c] = append([]float32(nil), in.Heat[c]...)
			plane := in2.Heat[c][in.HeatIndex(1, 0, cls, 0, 0):][:in.Pixels()]
			for i := 3 * in.Width; i < 5*in.Width; i++ {
				plane[i] += 0.75
			}
			r3, err := loss.Evaluate(&in2, edited)
			if err != nil {
				t.Fatal(err)
			}
			got.Prepare(&in2, edited, 1, 0, cls, c)
			got.Reset(r3, 1, 0, cls, c, objects)
			if got.pre != nil || !got.d.done {
				t.Fatalf("%+v %v: the prepared maps of the edit were not used", opt, c)
			}
			sameFrame(t, NewFrame(r3, 1, 0, cls, c, objects), got)
		}
	}
}

// sameFrame compares the maps and what the panels derive from them, bit
// for bit (NaN equal to NaN).
func sameFrame(t *testing.T, want, got *Frame) {
	t.Helper()
	w, g := *want.Maps, *got.Maps
	for name, pair := range map[string][2][]float64{"pos": {w.Pos, g.Pos}, "neg": {w.Neg, g.Neg}, "grad": {w.Grad, g.Grad}, "weight": {w.Weight, g.Weight}} {
		for i := range pair[0] {
			if math.Float64bits(pair[0][i]) != math.Float64bits(pair[1][i]) {
				t.Fatalf("%s[%d] = %v, want %v", name, i, pair[1][i], pair[0][i])
			}
		}
	}
	if math.Float64bits(w.PosSum) != math.Float64bits(g.PosSum) || math.Float64bits(w.NegSum) != math.Float64bits(g.NegSum) {
		t.Fatalf("sums %v %v, want %v %v", g.PosSum, g.NegSum, w.PosSum, w.NegSum)
	}
	if !reflect.DeepEqual(w.Prob, g.Prob) || !reflect.DeepEqual(w.Clamped, g.Clamped) || !reflect.DeepEqual(w.Logit, g.Logit) || !reflect.DeepEqual(w.Target, g.Target) {
		t.Fatal("probabilities, clamps, logits or targets differ")
	}
	wd, gd := want.d, got.d
	wd.maps, gd.maps, wd.of, gd.of, wd.scratch, gd.scratch = nil, nil, nil, nil, nil, nil
	if !reflect.DeepEqual(wd, gd) {
		t.Fatalf("derived planes differ:\n got %+v\nwant %+v", gd.peaks, wd.peaks)
	}
}
