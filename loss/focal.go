package loss

import (
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

// row sums the focal terms of one row of logits x against targets y.
//
// Background pixels (y = 0) take the fast path in two passes over the row:
// the first computes p and 1-p with their float32 roundings, the second the
// logs and the sum. Splitting keeps each loop's dependency chains short, which
// measured 1.6× faster natively and 2× under WebAssembly than one fused loop.
// Other pixels (the Gaussian bumps and the positives) and NaN logits go
// through the exact per-pixel path.
func (k *kernel) row(x, y []float32, sc *rowScratch) focalSums {
	if !k.fast {
		return k.rowExact(x, y)
	}
	var f focalSums
	x = x[:len(y)]
	p, q := sc.buffers(len(y))
	var nOther int
	for i, xi := range x {
		if y[i] != 0 || xi != xi {
			nOther++
			p[i], q[i] = 0, 1 // contributes log(1)·0 = 0 in the second pass
			continue
		}
		// Every logit at or below xLo clamps to lo, and xLo itself does:
		// moving it there keeps fastExp in its range and changes nothing.
		if xi <= k.xLo {
			xi = k.xLo
			f.clamped++
		} else if xi >= k.xHi {
			xi = k.xHi
			f.clamped++
		}
		e := float32(fastExp(-float64(xi)))
		d := float32(1 + e)
		pi := float32(1 / d)
		if pi < k.lo {
			pi = k.lo
		} else if pi > k.hi {
			pi = k.hi
		}
		p[i], q[i] = pi, float32(1-pi)
	}
	for i, qi := range q {
		pp := float64(p[i])
		if qi >= 0.5 {
			f.neg += logUpperHalf(qi) * pp * pp
		} else {
			f.neg += logFloat32(qi) * pp * pp
		}
	}
	if nOther > 0 {
		for i, yi := range y {
			if yi != 0 || x[i] != x[i] {
				f.addPoint(k.point(x[i], yi))
			}
		}
	}
	return f
}

// rowExact sums a row through the exact per-pixel path only.
func (k *kernel) rowExact(x, y []float32) focalSums {
	var f focalSums
	x = x[:len(y)]
	for i, yi := range y {
		f.addPoint(k.point(x[i], yi))
	}
	return f
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

// rowScratch holds the per-row buffers of one worker.
type rowScratch struct{ p, q []float32 }

func (sc *rowScratch) buffers(n int) (p, q []float32) {
	if cap(sc.p) < n {
		sc.p, sc.q = make([]float32, n), make([]float32, n)
	}
	return sc.p[:n], sc.q[:n]
}

// plane sums the focal terms of one H×W plane row by row, always in the same
// order, so that a plane recomputed from updated rows equals a fresh one.
func (k *kernel) plane(x, y []float32, width int, sc *rowScratch) focalSums {
	var f focalSums
	for o := 0; o < len(y); o += width {
		f.add(k.row(x[o:o+width], y[o:o+width], sc))
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

// focalPlanes computes the sums of every plane, spread over the available
// cores: planes are independent and each is 16k pixels at COCO size, so a
// shared counter hands them out with little contention.
func focalPlanes(k *kernel, in *Input) []focalSums {
	ids := planeOrder(in.Shape)
	out := make([]focalSums, len(ids))
	n := in.Pixels()
	do := func(i int, sc *rowScratch) {
		id := ids[i]
		x := in.Heat[id.corner][in.HeatIndex(id.stack, id.image, id.class, 0, 0):][:n]
		y := in.GTHeat[id.corner][in.TargetIndex(id.image, id.class, 0, 0):][:n]
		out[i] = k.plane(x, y, in.Width, sc)
	}
	workers := min(runtime.GOMAXPROCS(0), len(ids))
	if workers <= 1 {
		var sc rowScratch
		for i := range ids {
			do(i, &sc)
		}
		return out
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			var sc rowScratch
			for {
				i := int(next.Add(1) - 1)
				if i >= len(ids) {
					return
				}
				do(i, &sc)
			}
		})
	}
	wg.Wait()
	return out
}
