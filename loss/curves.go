package loss

import "math"

// The per-element functions of the loss, for plotting them as curves of one
// variable (the page's curves panel): the same code the engine sums, so a
// curve and a map never disagree.

// FocalPoint is the focal term at one pixel before normalisation.
type FocalPoint struct {
	P       float64 // the probability after the convention's clamp
	Term    float64 // log(p)(1-p)^α on a positive, log(1-p)p^α(1-y)^β on a negative; ≤ 0
	Weight  float64 // (1-p)^α on a positive, p^α(1-y)^β on a negative
	Clamped bool    // p hit the clamp (reference only): the gradient is zero
}

// FocalAt returns the focal term of a pixel with logit x and target y under
// o, as _neg_loss (or mmdetection's gaussian_focal_loss) computes it at that
// pixel: the convention's clamp or 1e-12, o's α and β, float32 rounding. The
// function keeps the kernel it builds, so call FocalAt once per curve.
func (o Options) FocalAt() func(x, y float32) FocalPoint {
	k := newKernel(o)
	return func(x, y float32) FocalPoint {
		pt := k.point(x, y)
		return FocalPoint{P: float64(pt.prob), Term: pt.term, Weight: pt.weight, Clamped: pt.clamped != 0}
	}
}

// Logit returns the float32 logit whose sigmoid is nearest p in (0, 1), for
// sampling FocalAt along p.
func Logit(p float64) float32 { return float32(math.Log(p / (1 - p))) }

// SmoothL1 returns _regr_loss's smooth-L1 (beta 1) of one element whose
// prediction misses its target by d, as the engine computes it.
func SmoothL1(d float32) float64 {
	l, _ := smoothL132(d, 0)
	return float64(l)
}

// PushHinge returns the margin term relu(1 − |ē_j − ē_k|) of a pair of
// objects whose mean embeddings are d apart, rounded as the convention
// rounds it (float32 in _ae_loss, float64 in mmdetection), before the
// reference's −1/(N+1e-4) and its division by N(N−1)+1e-4.
func (c Convention) PushHinge(d float32) float64 {
	if c == Reference {
		a := float32(1 - float32(math.Abs(float64(d))))
		return float64(max(a, 0))
	}
	return max(1-math.Abs(float64(d)), 0)
}
