package scene

import (
	"image"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/target"
)

// Region is part of a step an edit changed: the rows Rect covers of plane
// (Image, Class, Corner), in the targets and in every stack's logits.
type Region struct {
	Image  int
	Class  int
	Corner loss.Corner
	Rect   image.Rectangle
}

// Update turns in and set, built from s, into what next builds, redrawing only
// the pixels that differ, and returns where they are. When next changes a
// setting that reaches every pixel (sizes, classes, stacks, the number of
// images, the background, noise, blur or seed, the Gaussian settings), it
// changes nothing and returns full = true: build next from scratch. On error
// nothing changes either.
func (s *Scene) Update(in *loss.Input, set *target.Set, next *Scene) (regions []Region, full bool, err error) {
	if err := next.Validate(); err != nil {
		return nil, false, err
	}
	if next.Target != s.Target || next.Stacks != s.Stacks || len(next.Images) != len(s.Images) ||
		next.Background != s.Background || next.Noise != s.Noise || next.Blur != s.Blur || next.Seed != s.Seed {
		return nil, true, nil
	}
	// Place every box of the images that changed before touching anything.
	placed := make([][]target.Object, len(next.Images))
	for b := range next.Images {
		if !sameBoxes(s.Images[b], next.Images[b]) {
			if placed[b], err = next.objects(b); err != nil {
				return nil, false, err
			}
		}
	}

	dirty := map[planeKey]image.Rectangle{}
	mark := func(b, cls int, c loss.Corner, r image.Rectangle) {
		k := planeKey{b, cls, c}
		dirty[k] = dirty[k].Union(r)
	}
	sigma := next.stackSigma(0) // the widest stack's spread
	for b := range next.Images {
		old, cur := s.Images[b], next.Images[b]
		now := placed[b]
		if now == nil { // same boxes: same places
			now = set.Objects[b]
		}
		for k := range max(len(old), len(cur)) {
			if k < len(old) && k < len(cur) && samePixels(old[k], cur[k]) {
				continue
			}
			if k < len(old) {
				s.markObject(mark, b, set.Objects[b][k], old[k], sigma)
			}
			if k < len(cur) {
				s.markObject(mark, b, now[k], cur[k], sigma)
			}
		}
		var oldBlobs, curBlobs []Blob
		if b < len(s.Blobs) {
			oldBlobs = s.Blobs[b]
		}
		if b < len(next.Blobs) {
			curBlobs = next.Blobs[b]
		}
		for k := range max(len(oldBlobs), len(curBlobs)) {
			if k < len(oldBlobs) && k < len(curBlobs) && oldBlobs[k] == curBlobs[k] {
				continue
			}
			for _, bl := range [][]Blob{oldBlobs, curBlobs} {
				if k < len(bl) {
					mark(b, bl[k].Class, bl[k].Corner, PeakBounds(bl[k].X, bl[k].Y, sigma))
				}
			}
		}
	}

	// Everything checked: change the step.
	boxes := next.Boxes()
	for b := range next.Images {
		if placed[b] != nil {
			if err := set.SetImage(next.Target, b, boxes[b]); err != nil {
				return nil, false, err // placed above, so this cannot happen
			}
		}
		for st := range next.Stacks {
			next.WriteSlots(in, st, b)
		}
	}
	sh := in.Shape
	bounds := fullRect(sh)
	for k, r := range dirty {
		r = r.Intersect(bounds)
		if r.Empty() {
			continue
		}
		plane := in.GTHeat[k.corner][in.TargetIndex(k.image, k.class, 0, 0):][:sh.Pixels()]
		if err := target.DrawPlane(plane, next.Target, boxes[k.image], k.class, k.corner); err != nil {
			return nil, false, err
		}
		for st := range next.Stacks {
			next.DrawPrediction(in, set, st, k.image, k.class, k.corner, r)
		}
		regions = append(regions, Region{Image: k.image, Class: k.class, Corner: k.corner, Rect: r})
	}
	return regions, false, nil
}

type planeKey struct {
	image, class int
	corner       loss.Corner
}

// markObject marks the pixels object o (placed as p) reaches: its target
// bumps and its predicted peaks, at both corners, in its class.
func (s *Scene) markObject(mark func(int, int, loss.Corner, image.Rectangle), b int, p target.Object, o Object, sigma float64) {
	h, w := s.Target.OutputSize[0], s.Target.OutputSize[1]
	for _, c := range loss.Corners {
		q := p.Corner[c]
		mark(b, p.Class, c, target.Bounds(h, w, q.X, q.Y, p.Radius))
		mark(b, p.Class, c, PeakBounds(float64(q.X)+o.Shift[0], float64(q.Y)+o.Shift[1], sigma))
	}
}

// objects places the boxes of image b.
func (s *Scene) objects(b int) ([]target.Object, error) {
	objs := make([]target.Object, len(s.Images[b]))
	for k, o := range s.Images[b] {
		p, err := s.Target.Object(o.Box)
		if err != nil {
			return nil, err
		}
		objs[k] = p
	}
	return objs, nil
}

// sameBoxes reports whether two object lists have the same boxes in order.
func sameBoxes(a, b []Object) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if a[k].Box != b[k].Box {
			return false
		}
	}
	return true
}

// samePixels reports whether two objects draw the same pixels: same box and
// the same predicted peak (tags and offsets live in the slots).
func samePixels(a, b Object) bool {
	return a.Box == b.Box && a.Peak == b.Peak && a.Shift == b.Shift
}
