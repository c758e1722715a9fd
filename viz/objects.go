package viz

import (
	"image"
	"math"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/target"
)

// ObjectsFromInput recovers the objects of one image from a dump's targets,
// in slot order (the order of loss.Embedding.Slots and loss.Offsets.Slots):
// the corner pixels from tl_inds and br_inds, the exact corners as pixel +
// gt_regr offset, the class as the first whose tl target plane is exactly 1
// at the tl corner (-1 if none), and the radius as the extent of that bump
// along the corner's row (-1 when the class is unknown). A dump says nothing
// else about its boxes, so the radius is an estimate: a neighbouring bump
// that overlaps can shorten it by a pixel or two.
func ObjectsFromInput(in *loss.Input, image int) []Object {
	sh := in.Shape
	if image < 0 || image >= sh.Batch {
		return nil
	}
	var objs []Object
	for k := range sh.Slots {
		i := sh.SlotIndex(image, k)
		if in.Mask[i] == 0 {
			continue
		}
		o := Object{Slot: k, Class: -1, Radius: -1}
		for _, c := range loss.Corners {
			ind := int(in.Inds[c][i])
			q := pointOf(ind, sh.Width)
			o.Corner[c] = q
			o.Exact[c] = [2]float64{
				float64(q.X) + float64(in.GTRegr[c][2*i]),
				float64(q.Y) + float64(in.GTRegr[c][2*i+1]),
			}
		}
		q := o.Corner[loss.TopLeft]
		for cls := range sh.Classes {
			plane := in.GTHeat[loss.TopLeft][sh.TargetIndex(image, cls, 0, 0):][:sh.Pixels()]
			if plane[q.Y*sh.Width+q.X] == 1 {
				o.Class = cls
				o.Radius = bumpRadius(plane[q.Y*sh.Width:][:sh.Width], q.X)
				break
			}
		}
		objs = append(objs, o)
	}
	return objs
}

// pointOf turns a flat index y·w + x into (x, y).
func pointOf(ind, w int) image.Point { return image.Pt(ind%w, ind/w) }

// bumpRadius estimates the radius of the Gaussian bump peaking at x in row.
// The reference kernel of radius r has σ = (2r+1)/6, so the value one pixel
// along the row from the peak, exp(-1/(2σ²)), pins r. Overlapping bumps are
// drawn with an element-wise max, which can only raise a value: of the two
// neighbours the lower is the truer. A bump whose neighbours are 0 has
// radius 0.
func bumpRadius(row []float32, x int) int {
	v := float32(math.Inf(1))
	if x > 0 {
		v = row[x-1]
	}
	if x+1 < len(row) {
		v = min(v, row[x+1])
	}
	if !(v > 0 && v < 1) {
		return 0
	}
	sigma := math.Sqrt(-1 / (2 * math.Log(float64(v))))
	guess := int(math.Round((6*sigma - 1) / 2))
	best, miss := 0, math.Inf(1)
	for r := max(1, guess-1); r <= guess+1; r++ {
		s := float64(2*r+1) / 6
		if d := math.Abs(float64(float32(math.Exp(-1/(2*s*s)))) - float64(v)); d < miss {
			best, miss = r, d
		}
	}
	return best
}

// ObjectsFromTargets returns the objects of one image of a target set built
// from boxes (a synthetic scene), where class, exact corners and radius are
// known; object k sits in slot k, as target.Build fills the mask.
func ObjectsFromTargets(set *target.Set, image int) []Object {
	if set == nil || image < 0 || image >= len(set.Objects) {
		return nil
	}
	objs := make([]Object, len(set.Objects[image]))
	for k, t := range set.Objects[image] {
		objs[k] = Object{Slot: k, Class: t.Class, Corner: t.Corner, Exact: t.Scaled, Radius: t.Radius}
	}
	return objs
}
