package viz

import "math"

// edges holds, for a logarithmic or symlog Scale, the smallest float32 that
// falls in each colormap entry: entry k is the number of at[1:] at or below
// v. Colouring a pixel then takes a table look-up and a comparison or two
// instead of a logarithm, which in wasm is several times faster, and gives
// exactly the entry that At(s.Norm(v)) picks, since Norm is monotonic.
type edges struct {
	at [256]float32
	// start holds, for each of 4096 buckets of the float32s in order (sign,
	// exponent and three bits of mantissa: eight buckets an octave), the
	// entry of the bucket's smallest value: find steps up from there.
	start [1 << bucketBits]uint8
}

const bucketBits = 12

// bucket returns the bucket of v, by its place on the float32 line.
func bucket(v float32) int { return int((ordered(v) + 1<<31) >> (32 - bucketBits)) }

// entry returns the colormap entry that Colormap.rgba picks for Norm(v), or -1
// for NaN.
func (s *Scale) entry(v float32) int {
	t := s.norm(float64(v))
	switch {
	case t != t:
		return -1
	case t <= 0:
		return 0
	case t >= 1:
		return 255
	}
	return int(t * 256)
}

// withEdges returns s with its edges computed, when its kind uses them and
// its domain is not degenerate.
func (s Scale) withEdges() Scale {
	if s.mul == 0 || (s.kind != logarithmic && s.kind != symlog) {
		return s
	}
	e := new(edges)
	e.at[0] = float32(math.Inf(-1))
	for k := 1; k < 256; k++ {
		e.at[k] = max(s.edge(k), e.at[k-1])
	}
	// The edges on the float32 line in order, compared as integers: the
	// same order as the float32s, none being NaN (ordered gives both zeros
	// 0), without a conversion a bucket.
	var at [256]int64
	for k := 1; k < 256; k++ {
		at[k] = ordered(e.at[k])
	}
	k := 0
	for b := range e.start {
		// ordered never gives -1<<31 (both zeros are 0): start above it.
		lowest := max(int64(b)<<(32-bucketBits)-1<<31, math.MinInt32+1)
		for k < 255 && at[k+1] <= lowest {
			k++
		}
		e.start[b] = uint8(k)
	}
	s.edges = e
	return s
}

// edge returns the smallest float32 whose entry is at least k: it starts from
// the inverse transform of k/256 and steps by ulps, or bisects the float32
// line when the start is far off (a domain beyond float32's range).
func (s *Scale) edge(k int) float32 {
	v := float32(s.inverse(float64(k) / 256))
	for range 8 {
		if s.entry(v) < k {
			v = math.Nextafter32(v, float32(math.Inf(1)))
			continue
		}
		p := math.Nextafter32(v, float32(math.Inf(-1)))
		if s.entry(p) < k {
			return v
		}
		v = p
	}
	// Bisect on the float32s in order: lo's entry is below k, hi's is not.
	lo, hi := ordered(float32(math.Inf(-1))), ordered(float32(math.Inf(1)))
	if s.entry(unordered(lo)) >= k {
		return float32(math.Inf(-1))
	}
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if s.entry(unordered(mid)) >= k {
			hi = mid
		} else {
			lo = mid
		}
	}
	return unordered(hi)
}

// inverse returns the value that Norm maps to t, before clamping, or one
// within a few float32 ulps of it: edge only starts from it, and 10^y as
// e^(y·ln 10) costs a fraction of math.Pow in wasm.
func (s Scale) inverse(t float64) float64 {
	switch s.kind {
	case logarithmic:
		return math.Exp((s.off + t/s.mul) * math.Ln10)
	case symlog:
		y := (t - 0.5) / s.mul
		return math.Copysign(s.thresh*(math.Exp(math.Abs(y)*math.Ln10)-1), y)
	}
	return s.off + t/s.mul
}

// ordered maps a float32 to an integer of the same order; unordered undoes
// it.
func ordered(f float32) int64 {
	b := int64(int32(math.Float32bits(f)))
	if b < 0 {
		return math.MinInt32 - b
	}
	return b
}

func unordered(i int64) float32 {
	if i < 0 {
		i = math.MinInt32 - i
	}
	return math.Float32frombits(uint32(int32(i)))
}

// find returns the colormap entry of v (not NaN): the entry its bucket
// starts at, stepped up past the edges inside the bucket (one or two for
// the scales the panels use, since a bucket is about a 26th of a decade).
func (e *edges) find(v float32) int {
	k := int(e.start[bucket(v)])
	for k < 255 && e.at[k+1] <= v {
		k++
	}
	return k
}
