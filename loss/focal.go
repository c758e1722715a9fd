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
func (k *kernel) row(x, y []float32) rowSums {
	if !k.fast {
		return k.rowExact(x, y)
	}
	x = x[:len(y)]
	if repeatedLogits(x) {
		return k.rowSteps(x, y)
	}
	var r rowSums
	var neg, neg2 float64
	var nLo, nHi int
	pieces, off, xTab := k.bg.pieces, k.bg.off, k.xTab
	// The targets' bits, two pixels a word (see words): two 64-bit loads
	// test four targets (0.94× the time a pixel in WebAssembly, alternating
	// with four math.Float32bits in one process).
	y2 := words(y)
	for i := 0; i < len(x); {
		// Four pixels at a time where all four are plain background on the
		// table, the bulk of a heatmap: one test for the four, and two
		// sums, so that the table's lookups overlap (in WebAssembly 40 %
		// faster a pixel than one at a time: BenchmarkRow). bgTable.at,
		// inlined by hand: this is the engine's hot path. i stays a
		// multiple of 4.
		if i+4 <= len(x) {
			xs, ys := x[i:i+4:i+4], y2[i/2:i/2+2:i/2+2]
			a, b, c, d := xs[0], xs[1], xs[2], xs[3]
			if ys[0]|ys[1] == 0 && // +0 targets all (-0 takes the exact path)
				a > xTab && b > xTab && c > xTab && d > xTab && a < 0 && b < 0 && c < 0 && d < 0 {
				va, vb := float64(a)*bgSteps+off, float64(b)*bgSteps+off
				vc, vd := float64(c)*bgSteps+off, float64(d)*bgSteps+off
				ja, jb, jc, jd := int(va), int(vb), int(vc), int(vd)
				pa, pb, pc, pd := &pieces[ja], &pieces[jb], &pieces[jc], &pieces[jd]
				ta, tb, tc, td := va-float64(ja), vb-float64(jb), vc-float64(jc), vd-float64(jd)
				neg += pa.c0 + ta*(pa.c1+ta*(pa.c2+ta*pa.c3))
				neg2 += pb.c0 + tb*(pb.c1+tb*(pb.c2+tb*pb.c3))
				neg += pc.c0 + tc*(pc.c1+tc*(pc.c2+tc*pc.c3))
				neg2 += pd.c0 + td*(pd.c1+td*(pd.c2+td*pd.c3))
				i += 4
				continue
			}
		}
		// The others one by one, up to the next group of four.
		for end := min(i+4, len(x)); i < end; i++ {
			xi := x[i]
			// Not plain background (-0 included) or NaN (to a NaN loss):
			// the exact path.
			if math.Float32bits(y[i]) != 0 || xi != xi {
				r.others = true
				continue
			}
			t, lo, hi := k.loneTerm(xi)
			if lo+hi == 0 {
				neg += t
			}
			nLo, nHi = nLo+lo, nHi+hi
		}
	}
	return k.finishRow(r, neg+neg2, nLo, nHi, x, y)
}

// loneTerm is row's background term of a pixel outside a plain group
// (target +0, logit a number), or a count: lo or hi 1 for a logit at a
// clamp, whose constant term finishRow adds (term 0 then).
func (k *kernel) loneTerm(x float32) (term float64, lo, hi int) {
	switch {
	case x <= k.xTab && x <= k.xLo:
		return 0, 1, 0
	case x <= k.xTab:
		return k.lowTerm(x), 0, 0
	case x < 0:
		return k.bg.at(x), 0, 0
	case x < k.xHi:
		return k.stepsTerm(x), 0, 0
	case k.exactHi:
		return k.exactBG(x), 0, 0
	}
	return 0, 0, 1
}

// rowSteps is row with every background term by the reference's float32
// steps, for rows of repeated logits (see repeatedLogits).
func (k *kernel) rowSteps(x, y []float32) rowSums {
	var r rowSums
	var neg float64
	var nLo, nHi int
	for i, xi := range x {
		switch {
		case math.Float32bits(y[i]) != 0 || xi != xi:
			r.others = true
		case xi <= k.xLo:
			nLo++
		case xi >= k.xHi && !k.exactHi:
			nHi++
		case xi >= k.xHi || xi <= -fastLogitMax:
			neg += k.exactBG(xi)
		default:
			neg += k.stepsTerm(xi)
		}
	}
	return k.finishRow(r, neg, nLo, nHi, x, y)
}

// finishRow adds the clamped pixels' constant terms to a row's background
// sum and sums its other pixels.
func (k *kernel) finishRow(r rowSums, neg float64, nLo, nHi int, x, y []float32) rowSums {
	neg += float64(nLo)*k.termLo + float64(nHi)*k.termHi
	r.bg = focalSums{neg: neg}
	if k.clamps {
		r.bg.clamped = nLo + nHi
	}
	if r.others {
		r.other = k.others(x, y)
	}
	return r
}

// repeatedLogits reports whether a row repeats its logits: whether any of
// four neighbouring pairs spread over it are equal. A constant prediction,
// a plateau over a quarter of the row or more, a quantised dump with few
// distinct values do; rows of float32 logits from a network never do. The
// table's exact term differs from the reference's by its rounding of 1-p,
// up to 2^-25/p relative: over distinct logits that cancels out in a sum (a
// float16 dump of a calm background, ~50 distinct values: 1.5e-6), over a
// repeated one it adds up (3e-4 relative at a constant logit of -8.5), so
// such rows follow the reference's steps. Four fixed pairs keep the test
// off the hot loop, and inlined.
func repeatedLogits(x []float32) bool {
	n := len(x)
	if n < 8 {
		return repeatedShort(x)
	}
	q := n / 4
	return x[1] == x[0] || x[q+1] == x[q] || x[2*q+1] == x[2*q] || x[n-1] == x[n-2]
}

// repeatedShort is repeatedLogits for rows under 8 logits: any equal
// neighbours.
func repeatedShort(x []float32) bool {
	for i := 1; i < len(x); i++ {
		if x[i] == x[i-1] {
			return true
		}
	}
	return false
}

// stepsTerm is the background term at a logit in (xLo, xHi), where p is not
// clamped, following the reference's float32 steps.
func (k *kernel) stepsTerm(x float32) float64 {
	p, _, _, lq, softplus, expNeg := sigmoidLog(x, k.lo, k.hi)
	if k.alpha == 2 {
		pp := float64(p)
		return lq * (pp * pp)
	}
	return lq * k.powP(p, x, softplus, expNeg)
}

// backgroundPoint is everything the maps show of one background pixel, by
// the fast path: p, the term by the reference's steps (as a hover shows
// it), the weight p^α and the gradient of the term.
func (k *kernel) backgroundPoint(x float32) focalPoint {
	fp, _ := k.backgroundPointLogs(x)
	return fp
}

// bgLogs is what backgroundPoint computes of a pixel before α: it depends
// on the logit and the clamp (ε, the convention) alone, so that a new α
// or β finishes the pixel from it (bgFinish) without its sigmoid and
// logarithms.
type bgLogs struct {
	x                    float32 // the logit, clamped
	p, s, q              float32 // as sigmoidLog returns them
	lq, softplus, expNeg float64
	clamped              int8
	ok                   bool // false: the pixel took the exact path
}

// backgroundPointLogs is backgroundPoint, with the logs it went through.
func (k *kernel) backgroundPointLogs(x float32) (focalPoint, bgLogs) {
	if !k.clamps && (x <= -fastLogitMax || x >= k.xHi) {
		// MMDet past the fast functions' reach: the exact path, with the
		// term as row sums it.
		fp := k.point(x, 0)
		fp.term = k.exactBG(x)
		return fp, bgLogs{}
	}
	b := bgLogs{ok: true}
	if x <= k.xLo {
		x, b.clamped = k.xLo, -1
	} else if x >= k.xHi {
		x, b.clamped = k.xHi, 1
	}
	b.x = x
	b.p, b.s, b.q, b.lq, b.softplus, b.expNeg = sigmoidLog(x, k.lo, k.hi)
	if b.p != b.s {
		b.clamped = 1
		if b.s < k.lo {
			b.clamped = -1
		}
	}
	return k.bgFinish(&b), b
}

// bgFinish is backgroundPoint from the pixel's logs.
func (k *kernel) bgFinish(b *bgLogs) focalPoint {
	fp := focalPoint{clamped: b.clamped}
	p := b.p
	pp := float64(p)
	pa := pp * pp
	if k.alpha != 2 {
		pa = k.powP(p, b.x, b.softplus, b.expNeg)
	}
	fp.prob, fp.weight = p, pa
	switch {
	case fp.clamped < 0:
		fp.term = k.termLo
	case fp.clamped > 0:
		fp.term = k.termHi
	default:
		fp.term = b.lq * pa
	}
	if fp.clamped == 0 {
		// d/dp [log(1-p)·p^α] = α·p^(α-1)·log(1-p) - p^α/(1-p), times dσ/dx.
		s64 := float64(b.s)
		fp.dterm = (k.alpha*pa/pp*b.lq - pa/float64(b.q)) * s64 * (1 - s64)
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
func (k *kernel) rows(dst []rowSums, x, y []float32, width int) {
	if k.fast {
		if _, ok := k.rowsSIMD(dst, x, y, width); ok {
			return
		}
	}
	for r := range dst {
		o := r * width
		dst[r] = k.row(x[o:o+width], y[o:o+width])
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
	x = in.Heat[id.corner][in.HeatIndex(id.stack, id.image, id.class, 0, 0):][:in.Pixels()]
	return x, in.targetData(id)
}

// targetData returns the targets of plane id (an input a Scanner had the
// heats of holds its targets only).
func (in *Input) targetData(id planeID) []float32 {
	return in.GTHeat[id.corner][in.TargetIndex(id.image, id.class, 0, 0):][:in.Pixels()]
}

// focalPlanes computes the sums of every plane.
func focalPlanes(k *kernel, in *Input) []focalSums {
	ids := planeOrder(in.Shape)
	out := make([]focalSums, len(ids))
	parallel(len(ids), func(i int, sc *rowScratch) {
		rows := sc.rowBuffer(in.Height)
		x, y := in.planeData(ids[i])
		k.rows(rows, x, y, in.Width)
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
