package viz

import "math"

// Scale maps data values to t in [0, 1] for a Colormap. It is a small value
// type, not an interface, so that colouring a plane costs no call per pixel.
// The zero Scale acts as Linear(0, 1).
type Scale struct {
	kind   scaleKind
	lo, hi float64 // the domain after sanitising; lo ≤ hi
	// Norm computes t = (f(v) - off) * mul, where f is the identity, log10
	// or the symmetric log, then clamps it to [0, 1].
	off, mul float64
	thresh   float64 // SymLog's linear threshold
	edges    *edges  // Log's and SymLog's entry boundaries, for Colormap.Fill
}

type scaleKind uint8

const (
	unset scaleKind = iota // the zero Scale
	linear
	logarithmic
	symmetric
	symlog
)

// Linear returns the scale mapping [lo, hi] onto [0, 1]. Swapped bounds are
// put in order; a non-finite bound gives [0, 1]. When lo == hi every value maps
// to 0, as matplotlib's Normalize does.
func Linear(lo, hi float64) Scale {
	if !finite(lo) || !finite(hi) {
		lo, hi = 0, 1
	}
	if lo > hi {
		lo, hi = hi, lo
	}
	s := Scale{kind: linear, lo: lo, hi: hi, off: lo}
	if hi > lo {
		s.mul = 1 / (hi - lo)
	}
	return s
}

// Log returns the scale mapping [lo, hi] onto [0, 1] by log10, for values that
// span decades such as per-pixel focal terms. The floor lo maps to 0, and so
// does every value at or below it, zero and negatives included. A floor that
// is not positive becomes hi·1e-12; a non-positive or non-finite hi gives
// [1e-12, 1].
//
// Log and SymLog precompute a 1 kB table of colormap entry boundaries (35 µs
// natively, 0.2 ms in wasm) that makes Colormap.Fill by them take eight
// comparisons a pixel instead of a logarithm: make a new scale when the range
// changes, not every frame.
func Log(lo, hi float64) Scale {
	if !finite(hi) || hi <= 0 {
		lo, hi = 1e-12, 1
	}
	if !finite(lo) || lo <= 0 {
		lo = hi * 1e-12
	}
	if lo > hi {
		lo, hi = hi, lo
	}
	s := Scale{kind: logarithmic, lo: lo, hi: hi, off: math.Log10(lo)}
	if hi > lo {
		s.mul = 1 / (math.Log10(hi) - s.off)
	}
	return s.withEdges()
}

// Symmetric returns the diverging scale mapping [-max, max] linearly onto
// [0, 1], with 0 at the centre 0.5, for signed values such as gradients. The
// sign of max is ignored; max == 0 maps everything to 0.5.
func Symmetric(max float64) Scale {
	max = math.Abs(max)
	if !finite(max) {
		max = 1
	}
	s := Scale{kind: symmetric, hi: max, off: -0.5}
	if max > 0 {
		s.lo = -max
		s.mul = 0.5 / max
	}
	return s
}

// SymLog returns the diverging scale for signed values spanning decades:
// y = sign(v)·log10(1 + |v|/thresh), nearly linear within ±thresh and
// logarithmic beyond (Webber's bi-symmetric log transform, as in d3's
// scaleSymlog), mapping [-max, max] onto [0, 1] with 0 at 0.5. A thresh that
// is not positive becomes max·1e-3; max == 0 maps everything to 0.5.
func SymLog(max, thresh float64) Scale {
	max = math.Abs(max)
	if !finite(max) {
		max = 1
	}
	if !finite(thresh) || thresh <= 0 {
		thresh = max * 1e-3
	}
	if thresh <= 0 {
		// max is 0 (a plane of zero gradients) or below 1e-321: any
		// positive thresh keeps 0/thresh a number, where 0/0 would colour
		// the whole plane as NaN.
		thresh = 1
	}
	s := Scale{kind: symlog, hi: max, off: -0.5, thresh: thresh}
	if max > 0 {
		s.lo = -max
		s.mul = 0.5 / math.Log10(1+max/thresh)
	}
	return s.withEdges()
}

// Domain returns the values that map to 0 and 1.
func (s Scale) Domain() (lo, hi float64) {
	s = s.resolved()
	return s.lo, s.hi
}

// Norm returns t in [0, 1] for v; NaN stays NaN so that the colormap can show
// it as bad.
func (s Scale) Norm(v float64) float64 { return s.norm(v) }

// norm is Norm without copying s (the edges' search calls it for each of
// a scale's 255 edges a few times).
func (s *Scale) norm(v float64) float64 {
	if s.kind == unset {
		r := s.resolved()
		s = &r
	}
	var t float64
	switch s.kind {
	case linear:
		t = (v - s.off) * s.mul
	case logarithmic:
		if v <= s.lo {
			return 0
		}
		t = (math.Log10(v) - s.off) * s.mul
	case symmetric:
		t = v*s.mul + 0.5
	case symlog:
		t = symlogY(v, s.thresh)*s.mul + 0.5
	}
	if t != t {
		return t
	}
	return min(max(t, 0), 1)
}

// resolved returns s, or Linear(0, 1) for the zero Scale.
func (s Scale) resolved() Scale {
	if s.kind == unset {
		return Linear(0, 1)
	}
	return s
}

// symlogY is the symmetric log transform sign(v)·log10(1 + |v|/thresh).
func symlogY(v, thresh float64) float64 {
	if v < 0 {
		return -math.Log10(1 - v/thresh)
	}
	return math.Log10(1 + v/thresh)
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
