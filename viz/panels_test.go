package viz

import (
	"image"
	"testing"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/dump"
	"github.com/cornerloss/cornerloss/loss/golden"
	"github.com/cornerloss/cornerloss/loss/scene"
	"github.com/cornerloss/cornerloss/viz/viztest"
)

// sceneFrame returns a frame of a synthetic scene.
func sceneFrame(t testing.TB, s *scene.Scene, stack, img, class int, c loss.Corner) *Frame {
	t.Helper()
	in, set, err := s.Build()
	if err != nil {
		t.Fatal(err)
	}
	r, err := loss.Evaluate(in, loss.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	return NewFrame(r, stack, img, class, c, ObjectsFromTargets(set, img))
}

// goldenFrame returns a frame of a reference case, evaluated with its
// weights.
func goldenFrame(t testing.TB, name string, stack, img, class int, c loss.Corner) *Frame {
	t.Helper()
	gc, err := golden.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	d, err := dump.ReadFile(gc.NPZ(), dump.Options{})
	if err != nil {
		t.Fatal(err)
	}
	o := loss.DefaultOptions()
	o.PullWeight, o.PushWeight, o.RegrWeight = gc.Weights.Pull, gc.Weights.Push, gc.Weights.Regr
	r, err := loss.Evaluate(d.Input, o)
	if err != nil {
		t.Fatal(err)
	}
	return NewFrame(r, stack, img, class, c, ObjectsFromInput(d.Input, img))
}

// TestSnapshotRender renders every panel of the default scene and of two
// reference cases; -update rewrites the snapshots.
func TestSnapshotRender(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    func(t *testing.T) *Frame
		size image.Point
	}{
		{"render_scene_default", func(t *testing.T) *Frame {
			f := sceneFrame(t, scene.Default(), 1, 0, 1, loss.TopLeft)
			f.Selected = 1
			return f
		}, image.Pt(1600, 900)},
		{"render_small_two_images", func(t *testing.T) *Frame {
			return goldenFrame(t, "small_two_images", 0, 0, 1, loss.BottomRight)
		}, image.Pt(1280, 800)},
		{"render_single_object_push_quirk", func(t *testing.T) *Frame {
			f := goldenFrame(t, "single_object_push_quirk", 0, 0, -1, loss.TopLeft)
			f.Selected = 0
			return f
		}, image.Pt(1024, 768)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			viztest.CheckGolden(t, tc.name, Render(tc.f(t), tc.size))
		})
	}
}
