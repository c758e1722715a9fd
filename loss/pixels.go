package loss

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
	n := sh.Pixels()
	dst.resize(sh.Height, sh.Width)
	// Copies, not views: dst is the caller's to keep and reuse.
	copy(dst.Logit, in.Heat[c][sh.HeatIndex(stack, image, class, 0, 0):][:n])
	copy(dst.Target, in.GTHeat[c][sh.TargetIndex(image, class, 0, 0):][:n])
	for i := range n {
		var pt focalPoint
		if x, y := dst.Logit[i], dst.Target[i]; k.fast && plainPixel(x, y) {
			pt = k.backgroundPoint(x)
		} else {
			pt = k.point(x, y)
		}
		dst.Prob[i] = pt.prob
		dst.Weight[i] = pt.weight
		dst.Clamped[i] = pt.clamped
		dst.Grad[i] = -pt.dterm
		dst.Pos[i], dst.Neg[i] = 0, 0
		if pt.pos {
			dst.Pos[i] = -pt.term
		} else {
			dst.Neg[i] = -pt.term
		}
	}
	return dst
}

// ScalePixels normalises maps that PixelTerms filled for the input and
// options of r, at corner c: Pos, Neg and Grad divided by the focal
// normaliser and the stack divisor, and PosSum, NegSum summed.
func (r *Result) ScalePixels(m *PixelMaps, c Corner) {
	scale := 1 / (r.focalNorm(c) * r.div)
	m.PosSum, m.NegSum = 0, 0
	for i := range m.Height * m.Width {
		m.Grad[i] *= scale
		m.Pos[i] *= scale
		m.Neg[i] *= scale
		m.PosSum += m.Pos[i]
		m.NegSum += m.Neg[i]
	}
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
