package viz

import (
	"math"
	"testing"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/dump"
	"github.com/cornerloss/cornerloss/loss/golden"
	"github.com/cornerloss/cornerloss/loss/scene"
	"github.com/cornerloss/cornerloss/loss/target"
)

// goldenTargets builds the targets of a reference case from its JSON boxes,
// as the reference sampler drew the dump's.
func goldenTargets(t *testing.T, c golden.Case) *target.Set {
	t.Helper()
	tp := c.TargetParams
	p := target.Params{
		InputSize: tp.InputSize, OutputSize: tp.OutputSize, Categories: tp.Categories,
		GaussianIOU: tp.GaussianIOU, GaussianRadius: int(tp.GaussianRadius),
		Formula: target.Fixed, MaxTagLen: tp.MaxTagLen,
	}
	images := make([][]target.Box, len(c.Boxes))
	for i, rows := range c.Boxes {
		for _, b := range rows {
			images[i] = append(images[i], target.Box{X0: b[0], Y0: b[1], X1: b[2], Y1: b[3], Class: int(b[4])})
		}
	}
	set, err := target.Build(p, images)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// TestObjectsFromInput recovers every golden dump's objects from its
// targets alone and compares them with the objects target.Build places from
// the case's boxes: the same slots, corners and classes, exact corners to
// float32 precision, and radii (estimated from the bumps) within a pixel.
func TestObjectsFromInput(t *testing.T) {
	cases, err := golden.Cases()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		d, err := dump.ReadFile(c.NPZ(), dump.Options{})
		if err != nil {
			t.Fatal(err)
		}
		set := goldenTargets(t, c)
		for b := range d.Input.Batch {
			got := ObjectsFromInput(d.Input, b)
			want := ObjectsFromTargets(set, b)
			if len(got) != len(want) {
				t.Fatalf("%s image %d: %d objects, want %d", c.Name, b, len(got), len(want))
			}
			for k, g := range got {
				w := want[k]
				if g.Slot != w.Slot || g.Corner != w.Corner || g.Class != w.Class {
					t.Errorf("%s image %d object %d: slot %d corners %v class %d, want slot %d corners %v class %d",
						c.Name, b, k, g.Slot, g.Corner, g.Class, w.Slot, w.Corner, w.Class)
				}
				for _, cr := range loss.Corners {
					for i := range 2 {
						if d := math.Abs(g.Exact[cr][i] - w.Exact[cr][i]); d > 1e-6 {
							t.Errorf("%s image %d object %d: exact %v %v, want %v", c.Name, b, k, cr, g.Exact[cr], w.Exact[cr])
						}
					}
				}
				if g.Radius != w.Radius {
					t.Errorf("%s image %d object %d: radius %d, want %d", c.Name, b, k, g.Radius, w.Radius)
				}
			}
		}
	}
}

// TestObjectsFromInputNoClass: a slot whose tl corner has no target of 1 in
// any class gets class -1 and an unknown radius; images out of range give
// no objects.
func TestObjectsFromInputNoClass(t *testing.T) {
	in, _, err := scene.Default().Build()
	if err != nil {
		t.Fatal(err)
	}
	gt := in.GTHeat[loss.TopLeft]
	in.GTHeat[loss.TopLeft] = make([]float32, len(gt)) // all zero
	objs := ObjectsFromInput(in, 0)
	if len(objs) != 4 {
		t.Fatalf("%d objects, want 4", len(objs))
	}
	for _, o := range objs {
		if o.Class != -1 || o.Radius != -1 {
			t.Errorf("slot %d: class %d radius %d, want -1 -1", o.Slot, o.Class, o.Radius)
		}
	}
	if objs := ObjectsFromInput(in, 2); objs != nil {
		t.Errorf("image 2 of 2: %d objects", len(objs))
	}
}

// TestBumpRadius checks the radius estimate on rows drawn by the reference
// kernel: alone, at the map's edges, beside a larger bump, and wide.
func TestBumpRadius(t *testing.T) {
	for _, tc := range []struct {
		name   string
		w, x   int
		r      int
		others [][2]int // (x, radius) of other bumps on the row
	}{
		{"alone", 40, 20, 5, nil},
		{"radius 0", 10, 4, 0, nil},
		{"radius 1", 10, 4, 1, nil},
		{"radius 2", 10, 4, 2, nil},
		{"left edge", 40, 0, 6, nil},
		{"right edge", 40, 39, 4, nil},
		{"neighbour", 60, 20, 5, [][2]int{{30, 8}}},
		{"wide", 400, 200, 150, nil},
	} {
		plane := make([]float32, tc.w)
		target.Draw(plane, 1, tc.w, tc.x, 0, tc.r)
		for _, o := range tc.others {
			target.Draw(plane, 1, tc.w, o[0], 0, o[1])
		}
		if got := bumpRadius(plane, tc.x); got != tc.r {
			t.Errorf("%s: radius %d, want %d", tc.name, got, tc.r)
		}
	}
}
