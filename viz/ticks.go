package viz

import "math"

// Tick is one labelled value on a scale's axis.
type Tick struct {
	Value float64
	Label string
}

// Ticks returns at most n round values inside the scale's domain, in
// increasing order, with compact labels. Linear scales step by 1, 2, 2.5 or 5
// times a power of ten and take the most ticks that fit; Symmetric ticks are
// mirrored about 0; Log ticks are whole decades (every k-th decade when there
// are too many, or 1-2-5 within a span under two decades); SymLog ticks are 0
// and mirrored decades. A degenerate domain gives the one value. Ticks returns
// nil for n < 1.
func (s Scale) Ticks(n int) []Tick {
	if n < 1 {
		return nil
	}
	s = s.resolved()
	switch s.kind {
	case logarithmic:
		return logTicks(s.lo, s.hi, n)
	case symlog:
		return symlogTicks(s.hi, s.thresh, n)
	}
	return linearTicks(s.lo, s.hi, n)
}

// steps are the mantissas of linear tick steps, as in matplotlib's
// MaxNLocator.
var steps = [...]float64{1, 2, 2.5, 5}

// linearTicks returns the most multiples of a nice step in [lo, hi], at most n.
func linearTicks(lo, hi float64, n int) []Tick {
	if lo == hi || n == 1 {
		v := lo
		if lo != hi {
			v = oneRound(lo, hi)
		}
		return []Tick{{v, Format(v)}}
	}
	// Start a decade below the average spacing and walk up the 1-2-2.5-5
	// ladder until the count fits; the first step that fits gives the most
	// ticks.
	e := int(math.Floor(math.Log10((hi-lo)/float64(n)))) - 1
	for ; ; e++ {
		for _, m := range steps {
			first, last := multiples(lo, hi, m, e)
			if last-first+1 > n {
				continue
			}
			ticks := make([]Tick, 0, last-first+1)
			for i := first; i <= last; i++ {
				ticks = append(ticks, Tick{Value: decimal(float64(i)*m, e)})
			}
			label(ticks, m, e)
			return ticks
		}
	}
}

// multiples returns the range of i with i·m·10^e inside [lo, hi], allowing a
// relative slack for rounding.
func multiples(lo, hi, m float64, e int) (first, last int) {
	step := decimal(m, e)
	const slack = 1e-9
	return int(math.Ceil(lo/step - slack)), int(math.Floor(hi/step + slack))
}

// oneRound returns the roundest value in [lo, hi]: the multiple of the largest
// power of ten that has one there, nearest to the middle.
func oneRound(lo, hi float64) float64 {
	if lo <= 0 && hi >= 0 {
		return 0
	}
	mid := (lo + hi) / 2
	for e := int(math.Floor(math.Log10(math.Max(math.Abs(lo), math.Abs(hi))))); e > -330; e-- {
		step := decimal(1, e)
		if v := decimal(math.Round(mid/step), e); v >= lo && v <= hi {
			return v
		}
	}
	return mid
}

// decimal returns m·10^e, rounded once: for e < 0 it divides by the exact
// power of ten, so that 3·10^-1 is 0.3 and not 0.30000000000000004.
func decimal(m float64, e int) float64 {
	if e < 0 {
		return m / math.Pow(10, float64(-e))
	}
	return m * math.Pow(10, float64(e))
}

// logTicks returns decades, or 1-2-5 values, or linear ticks in [lo, hi].
func logTicks(lo, hi float64, n int) []Tick {
	if lo == hi || n == 1 {
		return []Tick{{lo, Format(lo)}}
	}
	const slack = 1e-9
	d0 := int(math.Ceil(math.Log10(lo) - slack))
	d1 := int(math.Floor(math.Log10(hi) + slack))
	if d1-d0+1 >= 2 {
		// Every k-th decade, with k the smallest stride that fits and the
		// decades anchored on 10^0 so that 1 is a tick when it is in range.
		for k := 1; ; k++ {
			first, last := ceilDiv(d0, k), floorDiv(d1, k)
			if last-first+1 > n {
				continue
			}
			ticks := make([]Tick, 0, last-first+1)
			for i := first; i <= last; i++ {
				ticks = append(ticks, Tick{Value: decimal(1, i*k)})
			}
			labelDecades(ticks, d0, d1)
			return ticks
		}
	}
	var ticks []Tick
	for d := d0 - 1; d <= d1; d++ {
		for _, m := range [...]float64{1, 2, 5} {
			if v := decimal(m, d); v >= lo*(1-slack) && v <= hi*(1+slack) {
				ticks = append(ticks, Tick{Value: v})
			}
		}
	}
	if len(ticks) >= 2 && len(ticks) <= n {
		label(ticks, 0, 0)
		return ticks
	}
	return linearTicks(lo, hi, n)
}

// symlogTicks returns 0 and ±decades from ten times the threshold up to max,
// thinned like logTicks.
func symlogTicks(max, thresh float64, n int) []Tick {
	if max == 0 || n < 3 {
		return []Tick{{0, "0"}}
	}
	const slack = 1e-9
	// Start a decade above the threshold: within it the transform is nearly
	// linear and ±thresh would sit on top of the 0 tick.
	d0 := int(math.Ceil(math.Log10(thresh)-slack)) + 1
	d1 := int(math.Floor(math.Log10(max) + slack))
	if d1 < d0 {
		return linearTicks(-max, max, n)
	}
	for k := 1; ; k++ {
		// Take every k-th decade counting down from the largest, so that
		// the outermost ticks sit near ±max.
		count := (d1-d0)/k + 1
		if 2*count+1 > n {
			continue
		}
		ticks := make([]Tick, 2*count+1)
		ticks[count] = Tick{0, "0"}
		for i := range count {
			v := decimal(1, d1-i*k)
			ticks[i].Value = -v
			ticks[2*count-i].Value = v
		}
		labelDecades(ticks, d1-(count-1)*k, d1)
		return ticks
	}
}

func ceilDiv(a, b int) int  { return -floorDiv(-a, b) }
func floorDiv(a, b int) int { return int(math.Floor(float64(a) / float64(b))) }
