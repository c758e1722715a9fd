// Package scene makes synthetic training steps: boxes and a shaped
// prediction (peak confidence, shifted and blurred peaks, background level
// and noise, false positives, embeddings, offsets) turned into a loss.Input
// whose targets the reference sampler draws. The page opens on one, and the
// benchmarks run on the COCO-sized one.
package scene

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"unsafe"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/target"
)

// Object is one box and what the network predicts for it.
type Object struct {
	Box    target.Box    // in input pixels, class 0-based
	Peak   float64       // predicted probability at the predicted corners, in (0, 1)
	Shift  [2]float64    // predicted peaks' displacement from the true corners (x, y), output pixels
	Tag    [2]float64    // embedding of each corner, by loss.Corner
	Offset [2][2]float64 // predicted sub-pixel offset (x, y) of each corner
}

// Blob is a false positive: a predicted peak where no corner is.
type Blob struct {
	Corner loss.Corner
	Class  int
	X, Y   float64 // centre, output pixels
	Peak   float64 // probability at the centre
}

// Scene is a synthetic training step.
type Scene struct {
	Target     target.Params
	Stacks     int
	Images     [][]Object // per image
	Blobs      [][]Blob   // per image; may be shorter than Images
	Background float64    // background logit (CornerNet's initial bias is -2.19)
	Noise      float64    // standard deviation of the background noise, logits
	Blur       float64    // σ of a predicted peak, output pixels
	Seed       uint64     // the noise pattern
}

// Limits the page and the URL decoder rely on. A scene is untrusted input
// (a link carries one), so these are checked before anything is allocated.
const (
	MaxStacks = 8
	MaxImages = 16
	MaxBlobs  = 64 // false positives per image
	MaxBlur   = 16 // σ of a predicted peak, output pixels: each peak draws ~(10σ)² pixels a stack
	maxCoord  = 1 << 20

	// MaxBytes is the budget of everything a scene allocates (Bytes). The
	// page's wasm memory ends at 4 GiB, it holds the old step while it
	// builds the new one, and Go's collector lets the heap reach twice
	// what is live: 512 MiB leaves room for all of that.
	MaxBytes = 512 << 20
)

// Bytes returns what building the scene and evaluating it allocate, at
// most: the targets, the logits, the slots and the evaluator's sums.
// Sizes outside target.Params' and Validate's limits give math.MaxInt64.
func (s *Scene) Bytes() int64 {
	sh := s.Shape()
	for _, v := range []int{sh.Stacks, sh.Batch, sh.Classes, sh.Height, sh.Width, sh.Slots} {
		if v < 0 || v > 1<<16 { // so that the products below stay far from overflow
			return math.MaxInt64
		}
	}
	if sh.Stacks > MaxStacks || sh.Batch > MaxImages {
		return math.MaxInt64
	}
	corners := int64(len(loss.Corners))
	pixels := int64(sh.Batch) * int64(sh.Classes) * int64(sh.Height) * int64(sh.Width)
	slots := int64(sh.Batch) * int64(sh.Slots)
	stacks := int64(sh.Stacks)
	set := corners*(pixels*4+slots*(2*4+8)) + slots*(1+int64(unsafe.Sizeof(target.Object{})))
	input := corners * stacks * (pixels*4 + slots*(4+2*4))
	return set + input + loss.EvaluatorBytes(sh)
}

// Validate checks the scene before anything is drawn.
func (s *Scene) Validate() error {
	if err := s.Target.Validate(); err != nil {
		return err
	}
	if s.Stacks < 1 || s.Stacks > MaxStacks {
		return fmt.Errorf("stacks: %d is outside [1, %d]", s.Stacks, MaxStacks)
	}
	if len(s.Images) < 1 || len(s.Images) > MaxImages {
		return fmt.Errorf("images: %d is outside [1, %d]", len(s.Images), MaxImages)
	}
	if len(s.Blobs) > len(s.Images) {
		return fmt.Errorf("blobs: %d images of blobs for %d images", len(s.Blobs), len(s.Images))
	}
	for _, v := range []struct {
		name string
		v    float64
	}{{"background", s.Background}, {"noise", s.Noise}, {"blur", s.Blur}} {
		if math.IsNaN(v.v) || math.IsInf(v.v, 0) {
			return fmt.Errorf("%s: %v is not a finite number", v.name, v.v)
		}
	}
	if s.Noise < 0 || s.Blur < 0 {
		return errors.New("noise and blur must be non-negative")
	}
	if s.Blur > MaxBlur {
		return fmt.Errorf("blur: %v is more than %d pixels", s.Blur, MaxBlur)
	}
	for b, objs := range s.Images {
		for k, o := range objs {
			if !(o.Peak > 0 && o.Peak < 1) {
				return fmt.Errorf("image %d object %d: peak %v is outside (0, 1)", b, k, o.Peak)
			}
			if !bounded(o.Shift[0], o.Shift[1], o.Tag[0], o.Tag[1], o.Offset[0][0], o.Offset[0][1], o.Offset[1][0], o.Offset[1][1]) {
				return fmt.Errorf("image %d object %d: a shift, tag or offset is not a number within ±%d", b, k, maxCoord)
			}
		}
	}
	for b, blobs := range s.Blobs {
		if len(blobs) > MaxBlobs {
			return fmt.Errorf("image %d: %d false positives, more than %d", b, len(blobs), MaxBlobs)
		}
		for k, bl := range blobs {
			if !(bl.Peak > 0 && bl.Peak < 1) || bl.Class < 0 || bl.Class >= s.Target.Categories ||
				(bl.Corner != loss.TopLeft && bl.Corner != loss.BottomRight) || !bounded(bl.X, bl.Y) {
				return fmt.Errorf("image %d blob %d: peak %v, class %d, corner %d or centre (%v, %v) out of range",
					b, k, bl.Peak, bl.Class, bl.Corner, bl.X, bl.Y)
			}
		}
	}
	// As target.Build says it, so that Update fails before changing anything.
	for b, objs := range s.Images {
		if len(objs) > s.Target.MaxTagLen {
			return fmt.Errorf("image %d: %d objects, more than max_tag_len %d", b, len(objs), s.Target.MaxTagLen)
		}
	}
	if n := s.Bytes(); n > MaxBytes {
		sh := s.Shape()
		return fmt.Errorf("%d stacks × %d images × %d classes of %d×%d maps need %s, more than the %s a scene may use",
			sh.Stacks, sh.Batch, sh.Classes, sh.Height, sh.Width, mib(n), mib(MaxBytes))
	}
	return nil
}

// bounded reports whether every v is a number within ±maxCoord, so that
// pixel arithmetic on it stays exact.
func bounded(v ...float64) bool {
	for _, x := range v {
		if !(math.Abs(x) <= maxCoord) {
			return false
		}
	}
	return true
}

// mib formats a byte count for a message.
func mib(n int64) string {
	if n >= 1<<30 {
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	}
	return fmt.Sprintf("%d MiB", (n+1<<20-1)>>20)
}

// Shape returns the shape of the step the scene makes.
func (s *Scene) Shape() loss.Shape {
	return loss.Shape{
		Stacks:  s.Stacks,
		Batch:   len(s.Images),
		Classes: s.Target.Categories,
		Height:  s.Target.OutputSize[0],
		Width:   s.Target.OutputSize[1],
		Slots:   s.Target.MaxTagLen,
	}
}

// Boxes returns the boxes of every image, as target.Build takes them.
func (s *Scene) Boxes() [][]target.Box {
	boxes := make([][]target.Box, len(s.Images))
	for b, objs := range s.Images {
		for _, o := range objs {
			boxes[b] = append(boxes[b], o.Box)
		}
	}
	return boxes
}

// Build draws the targets and the prediction into a new input.
func (s *Scene) Build() (*loss.Input, *target.Set, error) {
	if err := s.Validate(); err != nil {
		return nil, nil, err
	}
	gt, err := target.Build(s.Target, s.Boxes())
	if err != nil {
		return nil, nil, err
	}
	sh := s.Shape()
	in := &loss.Input{Shape: sh}
	if err := gt.Apply(in); err != nil {
		return nil, nil, err
	}
	n := sh.Stacks * sh.Batch * sh.Slots
	for _, c := range loss.Corners {
		in.Heat[c] = make([]float32, sh.Stacks*sh.Batch*sh.Classes*sh.Pixels())
		in.Tag[c] = make([]float32, n)
		in.Regr[c] = make([]float32, 2*n)
	}
	for st := range sh.Stacks {
		for b := range sh.Batch {
			s.WriteSlots(in, st, b)
			for cls := range sh.Classes {
				for _, c := range loss.Corners {
					s.DrawPrediction(in, gt, st, b, cls, c, fullRect(sh))
				}
			}
		}
	}
	return in, gt, nil
}

// WriteSlots writes the predicted tags and offsets of image b, stack st into
// the input's gathered arrays (unused slots are 0).
func (s *Scene) WriteSlots(in *loss.Input, st, b int) {
	sh := in.Shape
	for k := range sh.Slots {
		i := sh.StackSlotIndex(st, b, k)
		for _, c := range loss.Corners {
			in.Tag[c][i], in.Regr[c][2*i], in.Regr[c][2*i+1] = 0, 0, 0
			if k < len(s.Images[b]) {
				o := s.Images[b][k]
				in.Tag[c][i] = float32(o.Tag[c])
				in.Regr[c][2*i] = float32(o.Offset[c][0])
				in.Regr[c][2*i+1] = float32(o.Offset[c][1])
			}
		}
	}
}

// Clone returns a deep copy of the scene.
func (s *Scene) Clone() *Scene {
	c := *s
	c.Images = make([][]Object, len(s.Images))
	for b, objs := range s.Images {
		c.Images[b] = append([]Object(nil), objs...)
	}
	c.Blobs = make([][]Blob, len(s.Blobs))
	for b, blobs := range s.Blobs {
		c.Blobs[b] = append([]Blob(nil), blobs...)
	}
	return &c
}

// Equal reports whether s and t describe the same step.
func (s *Scene) Equal(t *Scene) bool {
	return s.Target == t.Target && s.Stacks == t.Stacks && s.Background == t.Background &&
		s.Noise == t.Noise && s.Blur == t.Blur && s.Seed == t.Seed &&
		slices.EqualFunc(s.Images, t.Images, slices.Equal[[]Object]) &&
		slices.EqualFunc(s.Blobs, t.Blobs, slices.Equal[[]Blob])
}

// SetBlobs gives image b n false positives: it keeps the first n it has and
// places any new ones from the seed, so the same n always gives the same
// blobs.
func (s *Scene) SetBlobs(b, n int) {
	for len(s.Blobs) <= b {
		s.Blobs = append(s.Blobs, nil)
	}
	h, w := float64(s.Target.OutputSize[0]), float64(s.Target.OutputSize[1])
	blobs := s.Blobs[b][:min(n, len(s.Blobs[b])):min(n, len(s.Blobs[b]))]
	for i := len(blobs); i < n; i++ {
		r := mix(s.Seed ^ uint64(b)<<32 ^ uint64(i)*0x9e3779b97f4a7c15)
		blobs = append(blobs, Blob{
			Corner: loss.Corner(r & 1),
			Class:  int(r>>1) % s.Target.Categories,
			X:      float64(r>>8&0xffff) / 0xffff * (w - 1),
			Y:      float64(r>>24&0xffff) / 0xffff * (h - 1),
			Peak:   0.2 + 0.4*float64(r>>40&0xff)/0xff,
		})
	}
	s.Blobs[b] = blobs
}
