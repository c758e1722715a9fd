package loss

import (
	"fmt"
	"unsafe"
)

// Corner selects one of the two corner branches of the network.
type Corner int

const (
	TopLeft     Corner = iota // the tl_* tensors
	BottomRight               // the br_* tensors
)

// Corners lists both branches in the order the reference sums them.
var Corners = [2]Corner{TopLeft, BottomRight}

// String returns the reference's prefix for the corner: "tl" or "br".
func (c Corner) String() string {
	if c == BottomRight {
		return "br"
	}
	return "tl"
}

// Shape holds the dimensions of one training step.
type Shape struct {
	Stacks  int // S, hourglass stacks
	Batch   int // B, images
	Classes int // C, heatmap channels
	Height  int // H, output map rows
	Width   int // W, output map columns
	Slots   int // K, max_tag_len
}

// Pixels returns H·W, the size of one heatmap plane.
func (s Shape) Pixels() int { return s.Height * s.Width }

// String formats the shape as the CLI prints it.
func (s Shape) String() string {
	return fmt.Sprintf("S=%d B=%d C=%d %dx%d K=%d", s.Stacks, s.Batch, s.Classes, s.Height, s.Width, s.Slots)
}

// Input is one training step in the named schema, already gathered: what the
// reference's AELoss receives as outs and targets. Arrays are row-major and
// indexed by corner (TopLeft, BottomRight). The engine never writes to them.
type Input struct {
	Shape

	Heat [2][]float32 // logits [S,B,C,H,W] (tl_heats, br_heats)
	Tag  [2][]float32 // embeddings gathered at Inds [S,B,K] (tl_tags, br_tags)
	Regr [2][]float32 // offsets gathered at Inds [S,B,K,2] (tl_regrs, br_regrs)

	GTHeat [2][]float32 // Gaussian targets [B,C,H,W] (gt_tl_heat, gt_br_heat)
	GTRegr [2][]float32 // target offsets [B,K,2] (gt_tl_regr, gt_br_regr)
	Inds   [2][]int64   // flat corner index y·W+x [B,K] (tl_inds, br_inds)
	Mask   []uint8      // valid slots [B,K] (gt_mask), with the uint8 meaning

	// TagMap and RegrMap keep the full maps when the dump held them
	// ([S,B,1,H,W] and [S,B,2,H,W]); nil when the dump was already gathered.
	TagMap  [2][]float32
	RegrMap [2][]float32
}

// Offsets into the flat arrays.

// HeatIndex returns the offset of pixel (y, x) of plane (s, b, c) in Heat.
func (s Shape) HeatIndex(stack, image, class, y, x int) int {
	return (((stack*s.Batch+image)*s.Classes+class)*s.Height+y)*s.Width + x
}

// TargetIndex returns the offset of pixel (y, x) of plane (b, c) in GTHeat.
func (s Shape) TargetIndex(image, class, y, x int) int {
	return ((image*s.Classes+class)*s.Height+y)*s.Width + x
}

// SlotIndex returns the offset of slot k of image b in Mask, Inds and,
// times two, in GTRegr.
func (s Shape) SlotIndex(image, slot int) int { return image*s.Slots + slot }

// StackSlotIndex returns the offset of slot k of image b of stack s in Tag
// and, times two, in Regr.
func (s Shape) StackSlotIndex(stack, image, slot int) int {
	return (stack*s.Batch+image)*s.Slots + slot
}

// Validate checks that every array has the length its shape implies, that
// indices point inside the map, that no value is NaN or infinite and that
// the targets are in [0, 1]. The error names the array the way the dump
// does.
func (in *Input) Validate() error {
	if err := in.checkLengths(); err != nil {
		return err
	}
	if err := in.checkFinite(); err != nil {
		return err
	}
	return in.checkTargets()
}

// ValidateScanned is Validate for arrays already scanned for NaN and
// infinities: the dump reader scans each array as it decodes it (naming
// the position as stored), and a second pass over a COCO dump's 30 MB of
// values would find nothing new.
func (in *Input) ValidateScanned() error {
	if err := in.checkLengths(); err != nil {
		return err
	}
	return in.checkTargets()
}

// ValidateStreamed is ValidateScanned for an input whose heats went to a
// Scanner plane by plane instead of being held (in.Heat may be nil).
func (in *Input) ValidateStreamed() error {
	if err := in.checkArrays(false); err != nil {
		return err
	}
	return in.checkTargets()
}

// checkFinite finds the first NaN or infinity of the value arrays.
func (in *Input) checkFinite() error {
	sh := in.Shape
	for _, c := range Corners {
		p := c.String()
		for _, a := range []struct {
			name string
			v    []float32
			dims []int
		}{
			{p + "_heats", in.Heat[c], []int{sh.Stacks, sh.Batch, sh.Classes, sh.Height, sh.Width}},
			{p + "_tags", in.Tag[c], []int{sh.Stacks, sh.Batch, sh.Slots}},
			{p + "_regrs", in.Regr[c], []int{sh.Stacks, sh.Batch, sh.Slots, 2}},
			{"gt_" + p + "_heat", in.GTHeat[c], []int{sh.Batch, sh.Classes, sh.Height, sh.Width}},
			{"gt_" + p + "_regr", in.GTRegr[c], []int{sh.Batch, sh.Slots, 2}},
		} {
			if i, ok := FirstNonFinite(a.v); ok {
				return fmt.Errorf("%s: %v at %v", a.name, a.v[i], Unravel(i, a.dims...))
			}
		}
	}
	return nil
}

// checkTargets makes sure the Gaussian targets are in [0, 1].
func (in *Input) checkTargets() error {
	sh := in.Shape
	for _, c := range Corners {
		if i := firstOutsideUnit(in.GTHeat[c]); i >= 0 {
			return fmt.Errorf("gt_%s_heat: %v at %v is outside [0, 1]", c, in.GTHeat[c][i], Unravel(i, sh.Batch, sh.Classes, sh.Height, sh.Width))
		}
	}
	return nil
}

// firstOutsideUnit returns the index of the first y of v with y < 0 or
// y > 1 (NaN is neither), or -1. Four values at a time, their bits ORed
// (a float32 from +0 to 1 has bits up to 0x3f800000, and an OR over that
// bound, a value over 1, a negative one, a NaN, or only bits that add up,
// has the four tested one by one), two values to a 64-bit word: Go's
// WebAssembly has no reinterpreting instruction, so math.Float32bits is a
// store and a load. Targets are mostly zeros: as WebAssembly under Node,
// 0.46 ns a value against 0.68 with Float32bits (2026-12-02); an upload
// checks its targets in one frame.
func firstOutsideUnit(v []float32) int {
	w := words(v)
	// A lane over 0x3f800000 sets its top bit once 0x407fffff is added;
	// a carry out of the low lane only adds 1 to the high one, and comes
	// from a low lane whose top bit is set already.
	const over, top = 0x407fffff_407fffff, 0x80000000_80000000
	i := 0
	for ; i+2 <= len(w); i += 2 {
		o := w[i] | w[i+1]
		if (o|(o+over))&top == 0 {
			continue
		}
		for j, y := range v[2*i : 2*i+4] {
			if y < 0 || y > 1 {
				return 2*i + j
			}
		}
	}
	for j := 2 * i; j < len(v); j++ {
		if y := v[j]; y < 0 || y > 1 {
			return j
		}
	}
	return -1
}

// FirstNonFinite finds the first NaN or infinity of v and its position:
// the values whose float32 exponent bits are all ones, two to a 64-bit
// word (an exponent of all ones is the one that sets its lane's top bit
// once 0x00800000 is added; no lane carries into the next). As
// WebAssembly under Node, 0.53 ns a value against 1.48 with
// math.Float32bits a value, both tiered up (2026-12-02): every dump's
// arrays are scanned as they are read.
func FirstNonFinite(v []float32) (int, bool) {
	w := words(v)
	const exp, low, top = 0x7f800000_7f800000, 0x00800000_00800000, 0x80000000_80000000
	i := 0
	for ; i+2 <= len(w); i += 2 {
		a, b := w[i]&exp+low, w[i+1]&exp+low
		if (a|b)&top != 0 {
			break
		}
	}
	for j := 2 * i; j < len(v); j++ {
		if x := v[j]; x-x != 0 { // NaN - NaN and Inf - Inf are NaN
			return j, true
		}
	}
	return 0, false
}

// words views v's bits as 64-bit words, two values each (the last value
// of an odd length left out), in the host's order: the lanes are tested
// alike, so which value is the low one does not matter.
func words(v []float32) []uint64 {
	return unsafe.Slice((*uint64)(unsafe.Pointer(unsafe.SliceData(v))), len(v)/2)
}

// Unravel turns a flat row-major offset into its index along each of dims.
func Unravel(flat int, dims ...int) []int {
	idx := make([]int, len(dims))
	for i := len(dims) - 1; i >= 0; i-- {
		if dims[i] > 0 {
			idx[i] = flat % dims[i]
			flat /= dims[i]
		}
	}
	return idx
}
