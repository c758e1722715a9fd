package loss

import (
	"math"
	"runtime"
	"sync"
	"sync/atomic"
)

// focalSums is the focal loss summed over some pixels of one plane, before
// normalisation: the sums _neg_loss builds from pos_loss and neg_loss.
type focalSums struct {
	pos     float64 // Σ log(p)(1-p)^α over positives
	neg     float64 // Σ log(1-p)p^α(1-y)^β over negatives
	npos    int     // positive pixels (target exactly 1)
	clamped int     // pixels whose probability hit the clamp
}

func (a *focalSums) add(b focalSums) {
	a.pos += b.pos
	a.neg += b.neg
	a.npos += b.npos
	a.clamped += b.clamped
}

// rowSums is one row's focal sums, the background pixels (target 0, which β
// does not reach) apart from the others (the bumps and the positives), so
// that a change of β recomputes only the latter.
type rowSums struct {
	bg, other focalSums
	others    bool // the row has pixels outside the background path
}

// plainPixel reports whether a pixel takes the fast path: target +0 and a
// logit that is a number. The others, the bumps, the positives and NaN (to a
// NaN loss, as in the reference), go the exact way.
func plainPixel(x, y float32) bool { return math.Float32bits(y) == 0 && x == x }

// row sums the focal terms of one row of logits x against targets y.
// Background pixels take the fast path; the others (the bumps and the
// positives, and NaN logits) go through the exact per-pixel path.
func (k *kernel) row(x, y []float32, sc *rowScratch) rowSums {
	if !k.fast {
		return k.rowExact(x, y)
	}
	x = x[:len(y)]
	// A row of plain background for α = 2, the bulk of a heatmap, goes to
	// the vector loop where there is one (GOEXPERIMENT=simd, AVX-512); it
	// declines rows with a NaN logit.
	if k.alpha == 2 && backgroundSIMD && zeroTargets(y) {
		if neg, clamped, ok := backgroundRowSIMD(k, x); ok {
			return rowSums{bg: focalSums{neg: neg, clamped: clamped}}
		}
	}
	return k.rowScalar(x, y)
}

// rowScalar is row's scalar loop, for any α, over rows of equal length.
func (k *kernel) rowScalar(x, y []float32) rowSums {
	var r rowSums
	var neg float64
	var clamped int
	lo, hi, table, alpha2 := k.lo, k.hi, sigTable, k.alpha == 2
	for i, xi := range x {
		if math.Float32bits(y[i]) != 0 { // not plain background (-0 included: exact path)
			r.others = true
			continue
		}
		// Every logit up to xLo clamps to lo, and xLo itself does: moving
		// it there keeps log(1-p) within its series and changes nothing.
		if xi <= k.xLo {
			xi = k.xLo
		} else if xi >= k.xHi {
			xi = k.xHi
		}
		// sigmoidLog, inlined by hand: this loop is the engine's hot path and
		// the compiler does not inline a function this size.
		u := float64(xi) + sigHalf
		j := int(u*sigSteps + 0.5)
		if uint(j) >= sigLen { // NaN: the exact path, to a NaN loss
			r.others = true
			continue
		}
		t := &table[j]
		r := u - float64(j)*(1.0/sigSteps)
		r2 := r * r
		expNeg := t.expNeg * ((1 - r) + r2*((0.5-r*(1.0/6))+r2*(1.0/24)))
		expPos := t.expPos * ((1 + r) + r2*(0.5+r*(1.0/6)))
		softplus := t.s0 + r*(t.s1+r*(t.s2+r*t.s3))
		e := float32(expNeg)
		d := float32(1 + e)
		p := float32(1 / d)
		if p < lo {
			p = lo
			clamped++
		} else if p > hi {
			p = hi
			clamped++
		}
		c := float64(float32(1-p))*(1+expPos) - 1
		pp := float64(p)
		pa := pp * pp
		if !alpha2 {
			pa = k.powP(p, xi, softplus, expNeg)
		}
		lc := c * (1 - 0.5*c)
		if c > 1e-4 || c < -1e-4 { // near the upper clamp: see log1pSmall
			lc = math.Log1p(c)
		}
		neg += (lc - softplus) * pa
	}
	r.bg = focalSums{neg: neg, clamped: clamped}
	if r.others {
		r.other = k.others(x, y)
	}
	return r
}

// backgroundPoint is everything the maps show of one background pixel, by
// the fast path: the same p and term as row, the weight p² and the
// gradient of the term.
func (k *kernel) backgroundPoint(x float32) focalPoint {
	var fp focalPoint
	if x <= k.xLo {
		x, fp.clamped = k.xLo, -1
	} else if x >= k.xHi {
		x, fp.clamped = k.xHi, 1
	}
	p, s, q, lq, softplus, expNeg := sigmoidLog(x, k.lo, k.hi)
	if p != s {
		fp.clamped = 1
		if s < k.lo {
			fp.clamped = -1
		}
	}
	pp := float64(p)
	pa := pp * pp
	if k.alpha != 2 {
		pa = k.powP(p, x, softplus, expNeg)
	}
	fp.prob, fp.term, fp.weight = p, lq*pa, pa
	if fp.clamped == 0 {
		// d/dp [log(1-p)·p^α] = α·p^(α-1)·log(1-p) - p^α/(1-p), times dσ/dx.
		s64 := float64(s)
		fp.dterm = (k.alpha*pa/pp*lq - pa/float64(q)) * s64 * (1 - s64)
	}
	return fp
}

// others sums the pixels of a row that are not plain background, exactly.
func (k *kernel) others(x, y []float32) focalSums {
	var f focalSums
	for i, yi := range y {
		if !plainPixel(x[i], yi) {
			f.addPoint(k.point(x[i], yi))
		}
	}
	return f
}

// rowExact sums a row through the exact per-pixel path only.
func (k *kernel) rowExact(x, y []float32) rowSums {
	var r rowSums
	x = x[:len(y)]
	for i, yi := range y {
		pt := k.point(x[i], yi)
		if plainPixel(x[i], yi) {
			r.bg.addPoint(pt)
		} else {
			r.others = true
			r.other.addPoint(pt)
		}
	}
	return r
}

func (f *focalSums) addPoint(pt focalPoint) {
	if pt.pos {
		f.pos += pt.term
		f.npos++
	} else {
		f.neg += pt.term
	}
	if pt.clamped != 0 {
		f.clamped++
	}
}

// rowScratch holds the per-plane buffer of one worker.
type rowScratch struct{ rows []rowSums }

// rowBuffer returns room for one plane's row sums.
func (sc *rowScratch) rowBuffer(h int) []rowSums {
	if cap(sc.rows) < h {
		sc.rows = make([]rowSums, h)
	}
	return sc.rows[:h]
}

// rows computes the row sums of one H×W plane into dst.
func (k *kernel) rows(dst []rowSums, x, y []float32, width int, sc *rowScratch) {
	for r := range dst {
		o := r * width
		dst[r] = k.row(x[o:o+width], y[o:o+width], sc)
	}
}

// planeSums adds a plane's rows in a fixed order, so a plane summed from
// cached rows equals one summed from fresh rows, to the last bit.
func planeSums(rows []rowSums) focalSums {
	var f focalSums
	for _, r := range rows {
		f.add(r.bg)
		f.add(r.other)
	}
	return f
}

// planeID names one heatmap plane.
type planeID struct {
	stack  int
	corner Corner
	image  int
	class  int
}

// planeOrder lists every plane in the order results are stored:
// stack, corner, image, class.
func planeOrder(sh Shape) []planeID {
	ids := make([]planeID, 0, sh.Stacks*2*sh.Batch*sh.Classes)
	for s := range sh.Stacks {
		for _, c := range Corners {
			for b := range sh.Batch {
				for cls := range sh.Classes {
					ids = append(ids, planeID{s, c, b, cls})
				}
			}
		}
	}
	return ids
}

// planeData returns the logits and targets of plane id.
func (in *Input) planeData(id planeID) (x, y []float32) {
	n := in.Pixels()
	x = in.Heat[id.corner][in.HeatIndex(id.stack, id.image, id.class, 0, 0):][:n]
	y = in.GTHeat[id.corner][in.TargetIndex(id.image, id.class, 0, 0):][:n]
	return x, y
}

// focalPlanes computes the sums of every plane.
func focalPlanes(k *kernel, in *Input) []focalSums {
	ids := planeOrder(in.Shape)
	out := make([]focalSums, len(ids))
	parallel(len(ids), func(i int, sc *rowScratch) {
		rows := sc.rowBuffer(in.Height)
		x, y := in.planeData(ids[i])
		k.rows(rows, x, y, in.Width, sc)
		out[i] = planeSums(rows)
	})
	return out
}

// parallel runs do(i) for i in [0, n) on the available cores: planes are
// independent and each is 16k pixels at COCO size, so a shared counter hands
// them out with little contention. Each worker has its own scratch.
func parallel(n int, do func(i int, sc *rowScratch)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		var sc rowScratch
		for i := range n {
			do(i, &sc)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			var sc rowScratch
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				do(i, &sc)
			}
		})
	}
	wg.Wait()
}
