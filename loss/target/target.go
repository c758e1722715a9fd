// Package target builds the CornerNet ground truth from boxes exactly as the
// reference sampler does (princeton-vl/CornerNet, sample/coco.py kp_detection
// with sample/utils.py gaussian_radius, gaussian2D and draw_gaussian): the
// Gaussian corner heatmaps, the corner offsets, the flat corner indices and
// the slot mask, in float64 arithmetic with float32 storage.
package target

import (
	"errors"
	"fmt"
	"image"
	"math"

	"github.com/cornerloss/cornerloss/loss"
)

// Params are the sampler's settings (the db.configs keys kp_detection reads).
type Params struct {
	InputSize      [2]int  // [h, w] of the network input, in which boxes are given
	OutputSize     [2]int  // [h, w] of the heatmaps
	Categories     int     // heatmap channels C
	GaussianIOU    float64 // gaussian_iou, the overlap the radius preserves
	GaussianRadius int     // fixed radius; negative: computed from each box
	Formula        Formula // which gaussian_radius computes it
	MaxTagLen      int     // slots K per image
}

// DefaultParams returns CornerNet's COCO configuration: 511×511 input,
// 128×128 output, 80 classes, gaussian_iou 0.3, computed radius with the
// fixed formula, 128 slots.
func DefaultParams() Params {
	return Params{
		InputSize:      [2]int{511, 511},
		OutputSize:     [2]int{128, 128},
		Categories:     80,
		GaussianIOU:    0.3,
		GaussianRadius: -1,
		Formula:        Fixed,
		MaxTagLen:      128,
	}
}

// Limits on the sizes a scene may ask for, checked before allocating.
const (
	maxSide   = 1 << 16 // input or output side, categories, max_tag_len
	maxRadius = 1 << 16 // fixed gaussian_radius
	maxValues = 1 << 28 // values in one [B,C,H,W] heatmap (1 GiB of float32)
)

// Validate checks that the parameters describe a drawable map.
func (p Params) Validate() error {
	for _, s := range [...]struct {
		name     string
		v, limit int
	}{
		{"input_size height", p.InputSize[0], maxSide},
		{"input_size width", p.InputSize[1], maxSide},
		{"output_size height", p.OutputSize[0], maxSide},
		{"output_size width", p.OutputSize[1], maxSide},
		{"categories", p.Categories, maxSide},
		{"max_tag_len", p.MaxTagLen, maxSide},
	} {
		if s.v < 1 || s.v > s.limit {
			return fmt.Errorf("%s: %d is outside [1, %d]", s.name, s.v, s.limit)
		}
	}
	if !(p.GaussianIOU > 0 && p.GaussianIOU <= 1) {
		return fmt.Errorf("gaussian_iou: %v is outside (0, 1]", p.GaussianIOU)
	}
	if p.GaussianRadius > maxRadius {
		return fmt.Errorf("gaussian_radius: %d is larger than %d", p.GaussianRadius, maxRadius)
	}
	if p.Formula != Fixed && p.Formula != Buggy {
		return fmt.Errorf("radius formula %d: want fixed or buggy", int(p.Formula))
	}
	return nil
}

// ratios returns kp_detection's width_ratio and height_ratio.
func (p Params) ratios() (rw, rh float64) {
	return float64(p.OutputSize[1]) / float64(p.InputSize[1]),
		float64(p.OutputSize[0]) / float64(p.InputSize[0])
}

// Box is one object in input pixels, as a row [x0, y0, x1, y1, class] of the
// reference's detections after clipping, with a 0-based class.
type Box struct {
	X0, Y0, X1, Y1 float64
	Class          int
}

// Object is a box as kp_detection places it on the output map.
type Object struct {
	Class  int
	Radius int            // radius of both bumps, in output pixels
	Scaled [2][2]float64  // (fx, fy) of each corner on the output map, by loss.Corner
	Corner [2]image.Point // int(fx), int(fy): the pixel of each corner
}

// Offset returns the corner's regression target (gt_tl_regr, gt_br_regr):
// fx - int(fx), fy - int(fy), computed in float64 and stored as float32 as
// the reference's arrays are.
func (o Object) Offset(c loss.Corner) [2]float32 {
	s, q := o.Scaled[c], o.Corner[c]
	return [2]float32{float32(s[0] - float64(q.X)), float32(s[1] - float64(q.Y))}
}

// Index returns the corner's flat index y·width + x (tl_inds, br_inds).
func (o Object) Index(c loss.Corner, width int) int64 {
	q := o.Corner[c]
	return int64(q.Y)*int64(width) + int64(q.X)
}

// Object places box b on the output map as kp_detection does. It refuses a
// box the reference could not have produced: the reference clips boxes to the
// input and drops empty ones before sampling, while we take boxes as given.
func (p Params) Object(b Box) (Object, error) {
	o := Object{Class: b.Class}
	if b.Class < 0 || b.Class >= p.Categories {
		return o, fmt.Errorf("class %d is outside [0, %d)", b.Class, p.Categories)
	}
	for _, v := range [...]float64{b.X0, b.Y0, b.X1, b.Y1} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return o, fmt.Errorf("coordinate %v is not finite", v)
		}
	}
	if b.X1 < b.X0 || b.Y1 < b.Y0 {
		return o, fmt.Errorf("box [%v %v %v %v] has x1 < x0 or y1 < y0", b.X0, b.Y0, b.X1, b.Y1)
	}
	rw, rh := p.ratios()
	h, w := p.OutputSize[0], p.OutputSize[1]
	for c, xy := range [2][2]float64{{b.X0, b.Y0}, {b.X1, b.Y1}} {
		fx, fy := xy[0]*rw, xy[1]*rh
		// Reference quirk: Python's int() truncates toward zero, which is
		// the floor only for fx ≥ 0; a negative fx is refused here, so the
		// two agree.
		if fx < 0 || fy < 0 || fx >= float64(w) || fy >= float64(h) {
			return o, fmt.Errorf("%v corner (%v, %v) falls outside the %dx%d output map at (%v, %v)",
				loss.Corner(c), xy[0], xy[1], h, w, fx, fy)
		}
		o.Scaled[c] = [2]float64{fx, fy}
		o.Corner[c] = image.Pt(int(fx), int(fy))
	}
	o.Radius = p.GaussianRadius
	if o.Radius < 0 {
		bw := int(math.Ceil((b.X1 - b.X0) * rw))
		bh := int(math.Ceil((b.Y1 - b.Y0) * rh))
		// int() truncates the real radius; it is never negative here, and
		// max(0, ...) is the reference's guard.
		o.Radius = max(0, int(Radius(bh, bw, p.GaussianIOU, p.Formula)))
	}
	return o, nil
}

// DrawPlane clears dst, one H×W plane of gt_tl_heat or gt_br_heat, and draws
// the bumps of corner c of those boxes of one image whose class is class, in
// box order: the plane Build makes for that image, class and corner.
func DrawPlane(dst []float32, p Params, boxes []Box, class int, c loss.Corner) error {
	if err := p.Validate(); err != nil {
		return err
	}
	h, w := p.OutputSize[0], p.OutputSize[1]
	if len(dst) != h*w {
		return fmt.Errorf("plane: %d values, want %dx%d", len(dst), h, w)
	}
	objs, err := p.objects(boxes)
	if err != nil {
		return err
	}
	clear(dst)
	for _, o := range objs {
		if o.Class == class {
			q := o.Corner[c]
			Draw(dst, h, w, q.X, q.Y, o.Radius)
		}
	}
	return nil
}

// objects places the boxes of one image, naming the box in an error.
func (p Params) objects(boxes []Box) ([]Object, error) {
	if len(boxes) > p.MaxTagLen {
		// The reference raises IndexError at slot max_tag_len.
		return nil, fmt.Errorf("%d objects, more than max_tag_len %d", len(boxes), p.MaxTagLen)
	}
	objs := make([]Object, len(boxes))
	for k, b := range boxes {
		o, err := p.Object(b)
		if err != nil {
			return nil, fmt.Errorf("box %d: %w", k, err)
		}
		objs[k] = o
	}
	return objs, nil
}

// Set is the ground truth of one batch, the targets kp_detection returns.
// Arrays are row-major and indexed by loss.Corner.
type Set struct {
	Batch, Classes, Height, Width, Slots int

	Heat [2][]float32 // Gaussian targets [B,C,H,W] (gt_tl_heat, gt_br_heat)
	Regr [2][]float32 // corner offsets [B,K,2] (gt_tl_regr, gt_br_regr)
	Inds [2][]int64   // flat corner index y·W+x [B,K] (tl_inds, br_inds)
	Mask []uint8      // 1 for the first N_b slots of image b [B,K] (gt_mask)

	Objects [][]Object // per image, in box order
}

// Build draws the targets of a batch, one box list per image, as
// kp_detection does after its crop, resize and clip. Every box is checked
// before anything is allocated; an error names the image and the box.
func Build(p Params, images [][]Box) (*Set, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if len(images) == 0 {
		return nil, errors.New("images: no images")
	}
	h, w := p.OutputSize[0], p.OutputSize[1]
	if len(images) > maxValues/(p.Categories*h*w) {
		return nil, fmt.Errorf("images: %d images of %d %dx%d heatmaps is too large", len(images), p.Categories, h, w)
	}
	s := &Set{
		Batch:   len(images),
		Classes: p.Categories,
		Height:  h,
		Width:   w,
		Slots:   p.MaxTagLen,
		Objects: make([][]Object, len(images)),
	}
	for i, boxes := range images {
		objs, err := p.objects(boxes)
		if err != nil {
			return nil, fmt.Errorf("image %d: %w", i, err)
		}
		s.Objects[i] = objs
	}

	n, plane := s.Batch*s.Slots, h*w
	s.Mask = make([]uint8, n)
	for _, c := range loss.Corners {
		s.Heat[c] = make([]float32, s.Batch*s.Classes*plane)
		s.Regr[c] = make([]float32, 2*n)
		s.Inds[c] = make([]int64, n)
	}
	for i, objs := range s.Objects {
		for _, o := range objs {
			for _, c := range loss.Corners {
				q := o.Corner[c]
				off := (i*s.Classes + o.Class) * plane
				Draw(s.Heat[c][off:off+plane], h, w, q.X, q.Y, o.Radius)
			}
		}
		s.writeSlots(i)
	}
	return s, nil
}

// SetImage replaces the boxes of image i: its objects and its slots (offsets,
// indices, mask) as Build makes them. The heatmaps are left alone: redraw the
// planes the change reaches with DrawPlane. On error nothing changes.
func (s *Set) SetImage(p Params, i int, boxes []Box) error {
	if i < 0 || i >= s.Batch {
		return fmt.Errorf("image %d is outside [0, %d)", i, s.Batch)
	}
	objs, err := p.objects(boxes)
	if err != nil {
		return fmt.Errorf("image %d: %w", i, err)
	}
	s.Objects[i] = objs
	s.writeSlots(i)
	return nil
}

// writeSlots writes the offsets, indices and mask of image i's objects and
// clears its other slots.
func (s *Set) writeSlots(i int) {
	for k := range s.Slots {
		slot := i*s.Slots + k
		mask := uint8(0)
		var r [2][2]float32
		var ind [2]int64
		if k < len(s.Objects[i]) {
			o := s.Objects[i][k]
			mask = 1
			for _, c := range loss.Corners {
				r[c], ind[c] = o.Offset(c), o.Index(c, s.Width)
			}
		}
		s.Mask[slot] = mask
		for _, c := range loss.Corners {
			s.Regr[c][2*slot], s.Regr[c][2*slot+1] = r[c][0], r[c][1]
			s.Inds[c][slot] = ind[c]
		}
	}
}

// Apply makes in use the set as its targets: GTHeat, GTRegr, Inds and Mask
// then share the set's arrays (the engine never writes to them, and a plane
// redrawn with DrawPlane is seen by the next computation). The input's shape
// must match the set's.
func (s *Set) Apply(in *loss.Input) error {
	sh := in.Shape
	if sh.Batch != s.Batch || sh.Classes != s.Classes || sh.Height != s.Height || sh.Width != s.Width || sh.Slots != s.Slots {
		return fmt.Errorf("targets: B=%d C=%d %dx%d K=%d do not match input %v",
			s.Batch, s.Classes, s.Height, s.Width, s.Slots, sh)
	}
	in.GTHeat = s.Heat
	in.GTRegr = s.Regr
	in.Inds = s.Inds
	in.Mask = s.Mask
	return nil
}
