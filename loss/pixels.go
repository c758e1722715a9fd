package loss

import "math"

// PixelMaps is the focal loss of one heatmap plane, pixel by pixel. Pos and
// Neg are each pixel's contribution to the total loss (normalised, divided by
// the stacks, sign flipped so they are ≥ 0): summed over every plane of every
// stack, image, class and corner they give Result.Weighted.Focal().
type PixelMaps struct {
	Height, Width int
	Logit         []float32 // the prediction
	Target        []float32 // y
	Prob          []float32 // p after the clamp
	Pos           []float64 // contribution of positives (y = 1), 0 elsewhere
	Neg           []float64 // contribution of negatives (y < 1), 0 elsewhere
	Weight        []float64 // focal weight: (1-p)^α on positives, p^α(1-y)^β on negatives
	Clamped       []int8    // -1 where p was clamped to ε, +1 to 1-ε
	Grad          []float64 // d Loss / d logit
	PosSum        float64   // Σ Pos
	NegSum        float64   // Σ Neg
}

// resize makes every slice hold n pixels, reusing the storage it has.
func (m *PixelMaps) resize(h, w int) {
	n := h * w
	m.Height, m.Width = h, w
	m.Logit, m.Target, m.Prob = grow(m.Logit, n), grow(m.Target, n), grow(m.Prob, n)
	m.Pos, m.Neg, m.Weight, m.Grad = grow(m.Pos, n), grow(m.Neg, n), grow(m.Weight, n), grow(m.Grad, n)
	m.Clamped = grow(m.Clamped, n)
	m.PosSum, m.NegSum = 0, 0
}

func grow[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]T, n)
}

// Pixels fills dst with the per-pixel focal maps of one plane and returns it;
// dst may be nil, and is reused when it is not (no allocation per call).
func (r *Result) Pixels(dst *PixelMaps, stack, image, class int, c Corner) *PixelMaps {
	dst = pixelTerms(dst, r.in, r.kernel, stack, image, class, c)
	r.ScalePixels(dst, c)
	return dst
}

// PixelTerms is the part of Result.Pixels that needs no sums of the step:
// dst holds the maps of plane (stack, image, class, c) of in under opt,
// with Pos, Neg and Grad not yet normalised (ScalePixels does that, with
// the Result of the same in and opt), so that the page computes them while
// its workers evaluate the step.
func PixelTerms(dst *PixelMaps, in *Input, opt Options, stack, image, class int, c Corner) *PixelMaps {
	return pixelTerms(dst, in, newKernel(opt), stack, image, class, c)
}

func pixelTerms(dst *PixelMaps, in *Input, k *kernel, stack, image, class int, c Corner) *PixelMaps {
	if dst == nil {
		dst = new(PixelMaps)
	}
	sh := in.Shape
	dst.resize(sh.Height, sh.Width)
	// Copies, not views: dst is the caller's to keep and reuse.
	x, y := planeOf(in, stack, image, class, c)
	copy(dst.Logit, x)
	copy(dst.Target, y)
	dst.terms(k, 0, len(x), nil, false)
	return dst
}

// planeOf returns the logits and targets of plane (stack, image, class, c).
func planeOf(in *Input, stack, image, class int, c Corner) (x, y []float32) {
	sh := in.Shape
	n := sh.Pixels()
	return in.Heat[c][sh.HeatIndex(stack, image, class, 0, 0):][:n], in.GTHeat[c][sh.TargetIndex(image, class, 0, 0):][:n]
}

// terms fills pixels [lo, hi) of m from their logits and targets, before
// normalisation. With logs, it keeps there the logs of each plain
// background pixel, and with reuse it finishes from them the pixels whose
// logs it kept (the logits, ε and the convention being those they were
// computed under).
//
// A plain background pixel on the fast functions' reach, the bulk of a
// plane, is backgroundPointLogs (sigmoidLog, then bgFinish) inlined by
// hand, the same operations in the same order: Go inlines none of the
// three, and under WebAssembly the calls, their results passed through
// memory, were most of a pixel's time (TestTermsAsPoints compares the two
// bit for bit).
func (m *PixelMaps) terms(k *kernel, lo, hi int, logs []bgLogs, reuse bool) {
	for i := lo; i < hi; i++ {
		x, y := m.Logit[i], m.Target[i]
		if !k.fast || !plainPixel(x, y) || !k.clamps && (x <= -fastLogitMax || x >= k.xHi) {
			pt := k.point(x, y)
			if k.fast && plainPixel(x, y) {
				// MMDet past the fast functions' reach: backgroundPointLogs'
				// exact path, with the term as row sums it.
				pt.term = k.exactBG(x)
			}
			if logs != nil {
				logs[i].ok = false
			}
			m.Prob[i], m.Weight[i], m.Clamped[i], m.Grad[i] = pt.prob, pt.weight, pt.clamped, -pt.dterm
			m.Pos[i], m.Neg[i] = 0, 0
			if pt.pos {
				m.Pos[i] = -pt.term
			} else {
				m.Neg[i] = -pt.term
			}
			continue
		}
		var b bgLogs
		if reuse && logs != nil && logs[i].ok {
			b = logs[i]
		} else {
			// backgroundPointLogs, and in it sigmoidLog(x, k.lo, k.hi).
			b.ok = true
			if x <= k.xLo {
				x, b.clamped = k.xLo, -1
			} else if x >= k.xHi {
				x, b.clamped = k.xHi, 1
			}
			b.x = x
			u := float64(x) + sigHalf
			j := int(u*sigSteps + 0.5)
			r := u - float64(j)*(1.0/sigSteps)
			t := &sigTable[j]
			r2 := r * r
			expNeg := t.expNeg * ((1 - r) + r2*((0.5-r*(1.0/6))+r2*(1.0/24)))
			expPos := t.expPos * ((1 + r) + r2*(0.5+r*(1.0/6)))
			softplus := t.s0 + r*(t.s1+r*(t.s2+r*t.s3))
			e := float32(expNeg)
			d := float32(1 + e)
			sg := float32(1 / d)
			p := sg
			if p < k.lo {
				p = k.lo
			} else if p > k.hi {
				p = k.hi
			}
			q := float32(1 - p)
			c := float64(q)*(1+expPos) - 1
			var l1p float64
			if c > 1e-4 || c < -1e-4 { // log1pSmall
				l1p = math.Log1p(c)
			} else {
				l1p = c * (1 - 0.5*c)
			}
			b.p, b.s, b.q, b.lq, b.softplus, b.expNeg = p, sg, q, l1p-softplus, softplus, expNeg
			if b.p != b.s {
				b.clamped = 1
				if b.s < k.lo {
					b.clamped = -1
				}
			}
			if logs != nil {
				logs[i] = b
			}
		}
		// bgFinish(&b).
		pp := float64(b.p)
		pa := pp * pp
		if k.alpha != 2 {
			pa = k.powP(b.p, b.x, b.softplus, b.expNeg)
		}
		var term, dterm float64
		switch {
		case b.clamped < 0:
			term = k.termLo
		case b.clamped > 0:
			term = k.termHi
		default:
			term = b.lq * pa
			s64 := float64(b.s)
			dterm = (k.alpha*pa/pp*b.lq - pa/float64(b.q)) * s64 * (1 - s64)
		}
		m.Prob[i], m.Weight[i], m.Clamped[i], m.Grad[i] = b.p, pa, b.clamped, -dterm
		m.Pos[i], m.Neg[i] = 0, -term
	}
}

// PlaneTerms keeps one plane's maps before normalisation between two
// Result.PixelsFrom of it, so that the second recomputes only what
// changed: the rows whose logits or targets changed (a box dragged on the
// page changes a few rows of the plane on view), and after a new α or β
// the rest of each background pixel from its logs. The zero PlaneTerms is
// empty.
type PlaneTerms struct {
	m    PixelMaps
	logs []bgLogs
	opt  Options // m's options; only those SamePixels compares count
	ok   bool
}

// Forget makes the next PixelsFrom with t compute every row afresh, as
// for a new step, keeping t's buffers.
func (t *PlaneTerms) Forget() { t.ok = false }

// update makes t hold plane (stack, image, class, c) of in under opt, k
// being opt's kernel. A pixel's terms depend on its logit, its target and
// the options alone, and its logs on its logit, ε and the convention, so
// the rows whose logits and targets are those t holds keep them, whatever
// step or plane they came from.
func (t *PlaneTerms) update(in *Input, opt Options, k *kernel, stack, image, class int, c Corner) {
	sh := in.Shape
	n := sh.Pixels()
	fresh := !t.ok || t.m.Height != sh.Height || t.m.Width != sh.Width
	if fresh {
		t.m.resize(sh.Height, sh.Width)
		t.logs = grow(t.logs, n)
	}
	same := !fresh && t.opt.SamePixels(opt)
	logsHold := !fresh && t.opt.Eps == opt.Eps && t.opt.Convention == opt.Convention
	t.opt, t.ok = opt, true
	x, y := planeOf(in, stack, image, class, c)
	for lo := 0; lo < n; lo += sh.Width {
		hi := lo + sh.Width
		changed := fresh || !sameBits(t.m.Logit[lo:hi], x[lo:hi]) || !sameBits(t.m.Target[lo:hi], y[lo:hi])
		if !changed && same {
			continue
		}
		if changed {
			copy(t.m.Logit[lo:hi], x[lo:hi])
			copy(t.m.Target[lo:hi], y[lo:hi])
		}
		t.m.terms(k, lo, hi, t.logs, !changed && logsHold)
	}
}

// sameBits reports whether a and b hold the same float32s, bit for bit
// (NaN and −0 included).
func sameBits(a, b []float32) bool {
	b = b[:len(a)]
	for i, v := range a {
		if math.Float32bits(v) != math.Float32bits(b[i]) {
			return false
		}
	}
	return true
}

// PixelsFrom is Pixels, keeping the plane's maps before normalisation in
// t: when t last held the same plane's rows under the same options
// (weights aside), only the rows whose logits or targets changed since are
// recomputed. The maps are Pixels', to the bit.
func (r *Result) PixelsFrom(dst *PixelMaps, t *PlaneTerms, stack, image, class int, c Corner) *PixelMaps {
	t.update(r.in, r.Options, r.kernel, stack, image, class, c)
	dst = t.copyTo(dst)
	r.ScalePixels(dst, c)
	return dst
}

// PixelTermsFrom is PixelTerms keeping the plane's maps in t, as
// PixelsFrom does: only the rows whose logits or targets changed since t
// last held them are recomputed, and after a new α or β the rest from
// their logs. The page prepares the viewed maps so while its workers
// evaluate an edit. The maps are PixelTerms', to the bit.
func PixelTermsFrom(dst *PixelMaps, t *PlaneTerms, in *Input, opt Options, stack, image, class int, c Corner) *PixelMaps {
	t.update(in, opt, newKernel(opt), stack, image, class, c)
	return t.copyTo(dst)
}

// copyTo copies t's maps into dst (new when nil), reusing its storage.
func (t *PlaneTerms) copyTo(dst *PixelMaps) *PixelMaps {
	if dst == nil {
		dst = new(PixelMaps)
	}
	m := &t.m
	dst.resize(m.Height, m.Width)
	copy(dst.Logit, m.Logit)
	copy(dst.Target, m.Target)
	copy(dst.Prob, m.Prob)
	copy(dst.Weight, m.Weight)
	copy(dst.Clamped, m.Clamped)
	copy(dst.Grad, m.Grad)
	copy(dst.Pos, m.Pos)
	copy(dst.Neg, m.Neg)
	return dst
}

// ScalePixels normalises maps that PixelTerms filled for the input and
// options of r, at corner c: Pos, Neg and Grad divided by the focal
// normaliser and the stack divisor, and PosSum, NegSum summed.
func (r *Result) ScalePixels(m *PixelMaps, c Corner) {
	scale := 1 / (r.focalNorm(c) * r.div)
	// Over locals: through m the compiler would load the slices and store
	// the sums again for every pixel.
	n := m.Height * m.Width
	grad, pos, neg := m.Grad[:n], m.Pos[:n], m.Neg[:n]
	var posSum, negSum float64
	for i := range grad {
		grad[i] *= scale
		p := pos[i] * scale
		q := neg[i] * scale
		pos[i], neg[i] = p, q
		posSum += p
		negSum += q
	}
	m.PosSum, m.NegSum = posSum, negSum
}

// TagGrad returns d Loss / d tag for one corner, laid out like Input.Tag
// ([S,B,K]); slots the mask leaves out have gradient 0.
func (r *Result) TagGrad(c Corner) []float64 {
	sh := r.Shape
	g := make([]float64, sh.Stacks*sh.Batch*sh.Slots)
	for s := range sh.Stacks {
		for b := range sh.Batch {
			e := r.Embedding(s, b)
			grad := e.GradTL
			if c == BottomRight {
				grad = e.GradBR
			}
			for i, k := range e.Slots {
				g[sh.StackSlotIndex(s, b, k)] = grad[i]
			}
		}
	}
	return g
}

// RegrGrad returns d Loss / d offset for one corner, laid out like Input.Regr
// ([S,B,K,2]).
func (r *Result) RegrGrad(c Corner) []float64 {
	sh := r.Shape
	g := make([]float64, 2*sh.Stacks*sh.Batch*sh.Slots)
	for s := range sh.Stacks {
		for b := range sh.Batch {
			o := r.Offsets(s, b, c)
			for i, k := range o.Slots {
				j := 2 * sh.StackSlotIndex(s, b, k)
				g[j], g[j+1] = o.Grad[i][0], o.Grad[i][1]
			}
		}
	}
	return g
}

// PixelsAllClasses fills dst with one plane summarising every class of
// (stack, image, corner): target, probability and weight are the maximum over
// classes, Pos and Neg the sum (so the plane still sums to the image's focal
// share for that corner), Clamped and Grad those of the class with the
// largest probability. scratch, if not nil, is reused for the per-class maps.
func (r *Result) PixelsAllClasses(dst, scratch *PixelMaps, stack, image int, c Corner) *PixelMaps {
	if dst == nil {
		dst = new(PixelMaps)
	}
	sh := r.Shape
	n := sh.Pixels()
	dst.resize(sh.Height, sh.Width)
	clear(dst.Pos)
	clear(dst.Neg)
	for cls := range sh.Classes {
		m := r.Pixels(scratch, stack, image, cls, c)
		scratch = m
		for i := range n {
			if cls == 0 || m.Prob[i] > dst.Prob[i] {
				dst.Prob[i], dst.Logit[i] = m.Prob[i], m.Logit[i]
				dst.Clamped[i], dst.Grad[i] = m.Clamped[i], m.Grad[i]
			}
			if cls == 0 || m.Target[i] > dst.Target[i] {
				dst.Target[i] = m.Target[i]
			}
			if cls == 0 || m.Weight[i] > dst.Weight[i] {
				dst.Weight[i] = m.Weight[i]
			}
			dst.Pos[i] += m.Pos[i]
			dst.Neg[i] += m.Neg[i]
		}
		dst.PosSum += m.PosSum
		dst.NegSum += m.NegSum
	}
	return dst
}
