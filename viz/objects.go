package viz

import (
	"image"

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
				o.Radius = rowExtent(plane[q.Y*sh.Width:][:sh.Width], q.X)
				break
			}
		}
		objs = append(objs, o)
	}
	return objs
}

// pointOf turns a flat index y·w + x into (x, y).
func pointOf(ind, w int) image.Point { return image.Pt(ind%w, ind/w) }

// rowExtent estimates the radius of the Gaussian bump peaking at x in row: a
// bump of radius r is non-zero exactly r pixels to each side (its edge value
// is about e^-4.5), falling all the way. Each side counts the pixels that
// stay positive and keep falling; a side cut by the map's edge says nothing,
// and of two sides the shorter wins, since an overlapping bump can only
// lengthen a side (drawing takes the element-wise max).
func rowExtent(row []float32, x int) int {
	side := func(step int) (n int, cut bool) {
		prev := row[x]
		for j := x + step; ; j += step {
			if j < 0 || j >= len(row) {
				return n, true
			}
			v := row[j]
			if v <= 0 || v >= prev {
				return n, false
			}
			prev = v
			n++
		}
	}
	l, lcut := side(-1)
	r, rcut := side(1)
	switch {
	case lcut && rcut:
		return max(l, r)
	case lcut:
		return r
	case rcut:
		return l
	}
	return min(l, r)
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
