package viz

import (
	"fmt"
	"math"

	"github.com/cornerloss/cornerloss/loss"
)

// NewFrame computes what the panels show of one view of r: the pixel maps
// of plane (stack, image, class, c), with class -1 for the summary of every
// class (loss.Result.PixelsAllClasses), the embedding and offset terms of
// (stack, image), and what the panels derive from them (see Refresh).
// objects are the image's objects in slot order, as ObjectsFromInput or
// ObjectsFromTargets give them; nothing is selected.
//
// A view outside r's shape makes a frame without maps whose panels say
// which index is out of range, rather than a panic.
func NewFrame(r *loss.Result, stack, image, class int, c loss.Corner, objects []Object) *Frame {
	f := &Frame{Selected: -1}
	f.Reset(r, stack, image, class, c, objects)
	return f
}

// Reset makes f show another view or another result, as NewFrame does, but
// reusing f's buffers: the page calls it after each recomputation. Selected
// is kept while it still names one of objects.
func (f *Frame) Reset(r *loss.Result, stack, image, class int, c loss.Corner, objects []Object) {
	f.Result, f.Stack, f.Image, f.Class, f.Corner, f.Objects = r, stack, image, class, c, objects
	if f.Selected >= len(objects) || f.Selected < -1 {
		f.Selected = -1
	}
	f.Maps, f.Embedding, f.Offsets = nil, loss.Embedding{}, [2]loss.Offsets{}
	pre := f.pre
	f.pre = nil // used once, or never: the input may change after
	fixed := false
	if f.check() == "" {
		switch {
		case pre != nil && pre.in == r.Input() && pre.opt.SamePixels(r.Options) && pre.view == [3]int{stack, image, class} && pre.c == c:
			// Swap buffers: the frame's become the next Prepare's.
			f.d, pre.d = pre.d, f.d
			r.ScalePixels(f.d.maps, c)
			f.spare, fixed = pre, true
		case class < 0:
			if f.d.scratch == nil {
				f.d.scratch = new(loss.PixelMaps)
			}
			f.d.maps = r.PixelsAllClasses(f.d.maps, f.d.scratch, stack, image, c)
		default:
			f.d.maps = r.PixelsFrom(f.d.maps, &f.plane, stack, image, class, c)
		}
		f.Maps = f.d.maps
		f.terms()
	}
	if pre != nil && !fixed {
		f.spare = pre
	}
	f.refresh(fixed)
}

// Forget makes the next Reset compute the viewed plane's maps from
// scratch, as for a new step, where it would recompute only the rows
// whose logits or targets changed: what the page's bench times as a full
// recompute of the same step.
func (f *Frame) Forget() { f.plane.Forget() }

// prepared is what Prepare computed of a view ahead of its loss.
type prepared struct {
	d    derived // its maps before normalisation, and fixedPlanes of them
	in   *loss.Input
	opt  loss.Options
	view [3]int // stack, image, class
	c    loss.Corner
}

// Prepare computes ahead what the next Reset of this view of in under opt
// needs that does not depend on the loss's sums: the pixel maps before
// normalisation (loss.PixelTermsFrom) and what the panels derive from them
// alone. The page calls it while its workers evaluate the step, then Reset
// with their result only scales the maps (the same maps, to the bit, as
// without Prepare). The next Reset uses it if its result is of the same in,
// options (weights aside) and view, and drops it otherwise; in must not
// change in between. Not for the summary of every class (class < 0).
func (f *Frame) Prepare(in *loss.Input, opt loss.Options, stack, image, class int, c loss.Corner) {
	sh := in.Shape
	if class < 0 || stack < 0 || stack >= sh.Stacks || image < 0 || image >= sh.Batch || class >= sh.Classes || c != loss.TopLeft && c != loss.BottomRight {
		f.pre = nil
		return
	}
	p := f.pre // a burst of changes: the last one's replaces it
	if p == nil {
		p, f.spare = f.spare, nil
	}
	if p == nil {
		p = new(prepared)
	}
	// From the frame's own kept maps: an edit recomputes the rows it
	// changed, a new α or β finishes the rest from their logs, as Reset
	// does on the page alone (Forget makes it all afresh).
	p.d.maps = loss.PixelTermsFrom(p.d.maps, &f.plane, in, opt, stack, image, class, c)
	p.d.fixedPlanes(p.d.maps)
	p.in, p.opt, p.view, p.c = in, opt, [3]int{stack, image, class}, c
	f.pre = p
}

// ResetTerms makes f show r in the same view, recomputing the embedding and
// offset terms and what the panels derive from them but keeping the pixel
// maps and what is derived from those: for a change that cannot alter the
// maps, such as new pull, push or offset weights, or new tags or offsets.
// Selected is kept while it still names one of objects.
//
// The caller promises that the logits and targets of the viewed plane are
// those f's maps were computed from. The rest the maps depend on is checked
// here: when r differs from f.Result in shape, in the options other than the
// three weights, or in the positive count of the viewed corner, or when f
// has no maps, ResetTerms does what Reset does.
func (f *Frame) ResetTerms(r *loss.Result, objects []Object) {
	if !f.sameMaps(r) {
		f.Reset(r, f.Stack, f.Image, f.Class, f.Corner, objects)
		return
	}
	f.Result, f.Objects = r, objects
	if f.pre != nil { // the maps stay: what Prepare made is of no use now
		f.spare, f.pre = f.pre, nil
	}
	if f.Selected >= len(objects) || f.Selected < -1 {
		f.Selected = -1
	}
	f.terms()
	f.d.refreshTerms(&f.Embedding)
}

// sameMaps reports whether r gives the maps f shows, given the same logits
// and targets: loss.Result.Pixels reads the kernel (α, β, ε, convention),
// the stack divisor (convention, stacks) and the focal normaliser (the
// positive count of the corner, the batch, the convention).
func (f *Frame) sameMaps(r *loss.Result) bool {
	old := f.Result
	if r == nil || old == nil || f.Maps == nil || f.d.of != f.Maps || !f.d.done || f.check() != "" {
		return false
	}
	return old.Options.SamePixels(r.Options) && old.Shape == r.Shape && old.NumPos[f.Corner] == r.NumPos[f.Corner]
}

// terms takes the embedding and offset terms of the view from f.Result.
func (f *Frame) terms() {
	r := f.Result
	f.Embedding = r.Embedding(f.Stack, f.Image)
	for _, k := range loss.Corners {
		f.Offsets[k] = r.Offsets(f.Stack, f.Image, k)
	}
}

// check returns why the view cannot be shown, or "".
func (f *Frame) check() string {
	r := f.Result
	if r == nil {
		return "no result"
	}
	sh := r.Shape
	for _, v := range []struct {
		name     string
		v, lo, n int
	}{
		{"stack", f.Stack, 0, sh.Stacks},
		{"image", f.Image, 0, sh.Batch},
		{"class", f.Class, -1, sh.Classes},
	} {
		if v.v < v.lo || v.v >= v.n {
			return fmt.Sprintf("%s %d is outside [%d, %d]", v.name, v.v, v.lo, v.n-1)
		}
	}
	if f.Corner != loss.TopLeft && f.Corner != loss.BottomRight {
		return fmt.Sprintf("corner %d is neither tl nor br", int(f.Corner))
	}
	return ""
}

// derived is what the panels compute once per frame rather than once per
// drawing: planes in float32 for Heatmap, the scales with their tables, the
// positive pixels, the predicted corners and a few counts.
type derived struct {
	maps, scratch *loss.PixelMaps // buffers Reset reuses
	of            *loss.PixelMaps // the Maps the rest was derived from
	done          bool
	problem       string // why there are no maps, for the panels to say

	focal, weight, grad, clamped []float32
	focalScale, weightScale      Scale
	gradScale, pushScale         Scale

	positives  []int  // pixels with y exactly 1
	peaks      []peak // predicted corners, most probable first
	low, high  int    // clamped pixels
	maxProb    float32
	gradLo     float64 // most negative and most positive gradient
	gradHi     float64
	gradThresh float64 // where gradScale turns from linear to logarithmic
	weightLo   float64 // smallest positive weight
	weightHi   float64

	diff diffPlanes // B − A when the frame compares two steps
}

// peak is a predicted corner: a local maximum of the probability.
type peak struct {
	x, y int
	p    float32
}

// A pixel is drawn as a predicted corner when it equals the maximum of its
// 3×3 neighbourhood, the max-pool NMS of CornerNet's _decode (nms_kernel 3
// at test time), and its probability exceeds peakThreshold; at most
// maxPeaks are kept, most probable first. The threshold and the cap are
// this page's, to keep the panel readable: _decode has no threshold and
// keeps the top_k = 100 of all classes.
const (
	peakThreshold = 0.1
	maxPeaks      = 20
)

// Refresh recomputes what the panels derive from Maps, Embedding and
// Offsets. NewFrame and Reset call it; call it yourself after changing those
// fields in place (DrawPanel notices a new Maps pointer, not new values
// behind the same pointer). Objects and Selected are read at drawing time
// and need no refresh.
func (f *Frame) Refresh() { f.refresh(false) }

// refresh is Refresh; fixed says fixedPlanes is already done for f.Maps
// (they came from Prepare).
func (f *Frame) refresh(fixed bool) {
	d := &f.d
	d.of, d.done = f.Maps, true
	d.problem = f.check()
	switch {
	case d.problem != "":
	case f.Maps == nil:
		d.problem = "no maps"
	case fixed:
		d.scaledPlanes(f.Maps)
	default:
		d.mapPlanes(f.Maps)
	}
	d.refreshTerms(&f.Embedding)
}

// refreshTerms recomputes what the panels derive from the embedding terms.
func (d *derived) refreshTerms(e *loss.Embedding) {
	top := 0.0
	for _, v := range e.Push {
		top = max(top, math.Abs(v))
	}
	d.pushScale = Symmetric(top)
}

// ready refreshes f when it was built by hand or given new Maps.
func (f *Frame) ready() {
	if !f.d.done || f.d.of != f.Maps {
		f.Refresh()
	}
}

func (d *derived) mapPlanes(m *loss.PixelMaps) {
	d.fixedPlanes(m)
	d.scaledPlanes(m)
}

// fixedPlanes derives what does not depend on the loss's normalisation:
// weights, clamps, positives, probabilities and peaks (Prepare computes
// them while the page's workers evaluate the step).
func (d *derived) fixedPlanes(m *loss.PixelMaps) {
	// The loop works on locals: through d and m, every field would be
	// loaded and stored again for each pixel (a store to a plane may, for
	// all the compiler knows, change them); BenchmarkCOCOPlane's fixed
	// took 1.2× the time so in WebAssembly.
	n := m.Height * m.Width
	d.weight, d.clamped = grow(d.weight, n), grow(d.clamped, n)
	weight, clamped := d.weight[:n], d.clamped[:n]
	side, target, prob := m.Clamped[:n], m.Target[:n], m.Prob[:n]
	positives := d.positives[:0]
	lo, hi := math.Inf(1), 0.0
	low, high := 0, 0
	var maxProb float32
	for i, w := range m.Weight[:n] {
		weight[i] = float32(w)
		if w > 0 { // neither NaN nor a zero: plain comparisons do
			if w < lo {
				lo = w
			}
			if w > hi {
				hi = w
			}
		}
		c := side[i]
		clamped[i] = float32(c)
		switch c {
		case -1:
			low++
		case 1:
			high++
		}
		if target[i] == 1 {
			positives = append(positives, i)
		}
		maxProb = maxf(maxProb, prob[i])
	}
	if hi == 0 {
		lo = 0
	}
	d.positives, d.low, d.high, d.maxProb = positives, low, high, maxProb
	d.weightLo, d.weightHi = lo, hi
	d.weightScale = Log(d.weightHi*1e-6, d.weightHi)
	d.peaks = findPeaks(d.peaks[:0], m.Prob, m.Height, m.Width)
}

// scaledPlanes derives what the normalised terms and gradients give.
func (d *derived) scaledPlanes(m *loss.PixelMaps) {
	n := m.Height * m.Width
	d.focal, d.grad = grow(d.focal, n), grow(d.grad, n)
	focal, grad := d.focal[:n], d.grad[:n] // locals, as in fixedPlanes
	neg, mgrad := m.Neg[:n], m.Grad[:n]
	var focalHi, gradLo, gradHi float64
	for i, pos := range m.Pos[:n] {
		v := pos + neg[i]
		focal[i] = float32(v)
		focalHi = maxf(focalHi, v)
		g := mgrad[i]
		grad[i] = float32(g)
		gradLo, gradHi = minf(gradLo, g), maxf(gradHi, g)
	}
	d.gradLo, d.gradHi = gradLo, gradHi
	d.focalScale = Log(focalHi*1e-6, focalHi)
	// Gradients span decades on both sides of 0: the positives pull hard,
	// the background pushes gently. Linear within a ten-thousandth of the
	// largest, logarithmic beyond.
	g := max(-d.gradLo, d.gradHi)
	d.gradThresh = g * 1e-4
	d.gradScale = SymLog(g, d.gradThresh)
	d.diff.of = nil // B changed: B − A is recomputed when drawn
}

// findPeaks appends the predicted corners of a probability plane to dst:
// the maxPeaks most probable, the first found first among equals (a stable
// sort of them all, cut, would give the same; a plane can have hundreds).
func findPeaks(dst []peak, prob []float32, h, w int) []peak {
	base := len(dst)
	for i, v := range prob[:h*w] { // row by row
		if !(v > peakThreshold) { // NaN is no corner
			continue
		}
		x, y := i%w, i/w
		if !isLocalMax(prob, h, w, x, y) {
			continue
		}
		top := dst[base:]
		if len(top) == maxPeaks && !(v > top[maxPeaks-1].p) {
			continue
		}
		// After every peak at least as probable.
		k := len(top)
		for k > 0 && top[k-1].p < v {
			k--
		}
		if len(top) < maxPeaks {
			dst = append(dst, peak{})
			top = dst[base:]
		}
		copy(top[k+1:], top[k:])
		top[k] = peak{x, y, v}
	}
	return dst
}

// isLocalMax reports whether no 3×3 neighbour of (x, y) is larger: the
// pixels max_pool2d(kernel 3, padding 1) leaves unchanged.
func isLocalMax(prob []float32, h, w, x, y int) bool {
	v := prob[y*w+x]
	for j := max(0, y-1); j <= min(h-1, y+1); j++ {
		for i := max(0, x-1); i <= min(w-1, x+1); i++ {
			if prob[j*w+i] > v {
				return false
			}
		}
	}
	return true
}

func grow[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]T, n)
}
