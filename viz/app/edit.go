package app

import (
	"math"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/scene"
	"github.com/cornerloss/cornerloss/loss/steppool"
	"github.com/cornerloss/cornerloss/loss/target"
	"github.com/cornerloss/cornerloss/viz/i18n"
)

// errNoScene is returned by scene edits while a dump is shown.
var errNoScene = i18n.Err("err.no-scene")

// editScene applies f to a copy of the scene and makes the copy the step on
// screen: patched in place where the edit allows (only the pixels it reaches
// are redrawn and re-evaluated), built afresh where it does not. An edit
// that changes nothing (a drag held where a clamp stops it) changes nothing
// on screen either. On error the scene stays as it was.
func (a *App) editScene(f func(s *scene.Scene) error) error {
	if a.Scene == nil {
		return errNoScene
	}
	s := a.Scene.Clone()
	if err := f(s); err != nil {
		return err
	}
	if s.Equal(a.Scene) {
		return nil
	}
	regions, full, err := a.Scene.Update(a.in, a.set, s)
	if err != nil {
		return err
	}
	if full {
		return a.setScene(s)
	}
	a.Scene = s
	rows := make([]steppool.Region, 0, len(regions))
	for _, r := range regions {
		y0, y1 := max(r.Rect.Min.Y, 0), min(r.Rect.Max.Y, a.in.Height)
		if y0 < y1 {
			rows = append(rows, steppool.Region{Corner: r.Corner, Image: r.Image, Class: r.Class, Y0: y0, Y1: y1})
		}
	}
	a.changed(rows)
	a.clampView()
	// Tags, offsets and edits elsewhere leave the viewed plane's pixels as
	// they were: keep its maps (the frame checks the positive count).
	same := true
	for _, r := range regions {
		same = same && !a.touches(r)
	}
	a.update(same)
	return nil
}

// object returns the selected object of the scene copy s, or an error.
func (a *App) sceneObject(s *scene.Scene, k int) (*scene.Object, error) {
	objs := s.Images[a.View.Image]
	if k < 0 || k >= len(objs) {
		return nil, i18n.Err("err.no-selection")
	}
	return &objs[k], nil
}

// minSide is the smallest box side, in input pixels, a drag may make.
const minSide = 2

// MoveCorner puts corner c of object k at (x, y) in output-map pixels (as
// the maps show them: pixel (i, j) covers [i, i+1) × [j, j+1)).
func (a *App) MoveCorner(k int, c loss.Corner, x, y float64) error {
	return a.editScene(func(s *scene.Scene) error {
		o, err := a.sceneObject(s, k)
		if err != nil {
			return err
		}
		bx, by := a.toInput(s, x, y)
		b := &o.Box
		if c == loss.TopLeft {
			b.X0 = math.Min(bx, b.X1-minSide)
			b.Y0 = math.Min(by, b.Y1-minSide)
		} else {
			b.X1 = math.Max(bx, b.X0+minSide)
			b.Y1 = math.Max(by, b.Y0+minSide)
		}
		clampBox(b, s.Target)
		return nil
	})
}

// MoveBox shifts object k by (dx, dy) output pixels, keeping it on the map.
func (a *App) MoveBox(k int, dx, dy float64) error {
	return a.editScene(func(s *scene.Scene) error {
		o, err := a.sceneObject(s, k)
		if err != nil {
			return err
		}
		rw, rh := ratios(s)
		b := &o.Box
		w, h := b.X1-b.X0, b.Y1-b.Y0
		b.X0 = clamp(b.X0+dx/rw, 0, float64(s.Target.InputSize[1]-1)-w)
		b.Y0 = clamp(b.Y0+dy/rh, 0, float64(s.Target.InputSize[0]-1)-h)
		b.X1, b.Y1 = b.X0+w, b.Y0+h
		return nil
	})
}

// AddObject adds an object in the middle of the viewed image, of the viewed
// class, and selects it.
func (a *App) AddObject() error {
	err := a.editScene(func(s *scene.Scene) error {
		objs := s.Images[a.View.Image]
		if len(objs) >= s.Target.MaxTagLen {
			return i18n.Err("err.max-objects")
		}
		in := s.Target.InputSize
		cls := max(a.View.Class, 0)
		// A new embedding away from the others, so push starts quiet.
		tag := 0.0
		for _, o := range objs {
			tag = math.Max(tag, math.Max(o.Tag[0], o.Tag[1])+1.5)
		}
		w, h := float64(in[1])/4, float64(in[0])/4
		n := float64(len(objs) % 4)
		x0, y0 := float64(in[1])*0.3+n*w/4, float64(in[0])*0.3+n*h/4
		s.Images[a.View.Image] = append(objs, scene.Object{
			Box:    target.Box{X0: x0, Y0: y0, X1: x0 + w, Y1: y0 + h, Class: cls},
			Peak:   0.6,
			Tag:    [2]float64{tag, tag + 0.2},
			Offset: [2][2]float64{{0.5, 0.5}, {0.5, 0.5}},
		})
		return nil
	})
	if err == nil {
		a.Select(len(a.Scene.Images[a.View.Image]) - 1)
	}
	return err
}

// DeleteObject removes object k of the viewed image.
func (a *App) DeleteObject(k int) error {
	err := a.editScene(func(s *scene.Scene) error {
		objs := s.Images[a.View.Image]
		if k < 0 || k >= len(objs) {
			return i18n.Err("err.no-selection")
		}
		s.Images[a.View.Image] = append(objs[:k:k], objs[k+1:]...)
		return nil
	})
	if err == nil {
		a.Select(-1)
	}
	return err
}

// EditObject changes the selected object with f.
func (a *App) EditObject(f func(o *scene.Object) error) error {
	return a.editScene(func(s *scene.Scene) error {
		o, err := a.sceneObject(s, a.Selected)
		if err != nil {
			return err
		}
		return f(o)
	})
}

// EditScene changes the scene's global settings with f.
func (a *App) EditScene(f func(s *scene.Scene) error) error { return a.editScene(f) }

// toInput converts output-map pixels to input pixels.
func (a *App) toInput(s *scene.Scene, x, y float64) (float64, float64) {
	rw, rh := ratios(s)
	return x / rw, y / rh
}

func ratios(s *scene.Scene) (rw, rh float64) {
	p := s.Target
	return float64(p.OutputSize[1]) / float64(p.InputSize[1]), float64(p.OutputSize[0]) / float64(p.InputSize[0])
}

// clampBox keeps a box inside [0, size-1], as the reference's clip does.
func clampBox(b *target.Box, p target.Params) {
	maxX, maxY := float64(p.InputSize[1]-1), float64(p.InputSize[0]-1)
	b.X0, b.X1 = clamp(b.X0, 0, maxX), clamp(b.X1, 0, maxX)
	b.Y0, b.Y1 = clamp(b.Y0, 0, maxY), clamp(b.Y1, 0, maxY)
}

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }
