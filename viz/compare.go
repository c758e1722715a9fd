package viz

import (
	"math"

	"github.com/cornerloss/cornerloss/loss"
)

// A comparison of two steps: with Frame.Base set to step A's maps of the
// same plane, every map panel shows B − A (B the frame's own maps) on a
// diverging scale centred at 0, and its title says so.

// diffPlanes holds B − A of each map panel, and the scale they share per
// panel.
type diffPlanes struct {
	of     *loss.PixelMaps // the Base they were computed from
	planes [len(MapPanels)][]float32
	scales [len(MapPanels)]Scale
}

// SetBase makes the frame compare its step (B) with base, step A's maps
// of the same plane; nil ends the comparison. Call it again after
// changing base's values in place.
func (f *Frame) SetBase(base *loss.PixelMaps) {
	f.Base = base
	f.d.diff.of = nil
}

// compared reports whether the frame shows a comparison.
func (f *Frame) compared() bool {
	b, m := f.Base, f.Maps
	return b != nil && m != nil && b.Height == m.Height && b.Width == m.Width
}

// diffs computes B − A for each map panel.
func (d *derived) diffs(b, a *loss.PixelMaps) {
	n := b.Height * b.Width
	get := [len(MapPanels)]func(m *loss.PixelMaps, i int) float64{
		func(m *loss.PixelMaps, i int) float64 { return float64(m.Target[i]) },
		func(m *loss.PixelMaps, i int) float64 { return float64(m.Prob[i]) },
		func(m *loss.PixelMaps, i int) float64 { return m.Pos[i] + m.Neg[i] },
		func(m *loss.PixelMaps, i int) float64 { return m.Weight[i] },
		func(m *loss.PixelMaps, i int) float64 { return float64(m.Clamped[i]) },
		func(m *loss.PixelMaps, i int) float64 { return m.Grad[i] },
	}
	for k := range MapPanels {
		p := grow(d.diff.planes[k], n)
		top := 0.0
		for i := range n {
			v := get[k](b, i) - get[k](a, i)
			p[i] = float32(v)
			top = math.Max(top, math.Abs(v))
		}
		d.diff.planes[k] = p
		d.diff.scales[k] = Symmetric(top)
	}
	d.diff.of = a
}

// diffPlane returns B − A of map panel p and its scale.
func (f *Frame) diffPlane(p Panel) ([]float32, Scale) {
	d := &f.d
	if d.diff.of != f.Base {
		d.diffs(f.Maps, f.Base)
	}
	for k, m := range MapPanels {
		if m == p {
			return d.diff.planes[k], d.diff.scales[k]
		}
	}
	return nil, Scale{}
}
