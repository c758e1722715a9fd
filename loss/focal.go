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
// Background pixels take the fast path when the kernel allows it; clamped
// ones are counted and added as one product.
func (k *kernel) row(x, y []float32) focalSums {
	var f focalSums
	var nLo, nHi int
	x = x[:len(y)]
	for i, yi := range y {
		xi := x[i]
		if yi == 0 && k.fast {
			switch {
			case xi <= k.xLo:
				nLo++
			case xi >= k.xHi:
				nHi++
			default:
				f.neg += k.negBackground(xi)
			}
			continue
		}
		pt := k.point(xi, yi)
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
	f.neg += float64(nLo)*k.negLo + float64(nHi)*k.negHi
	f.clamped += nLo + nHi
	return f
}

// plane sums the focal terms of one H×W plane row by row, always in the same
// order, so that a plane recomputed from updated rows equals a fresh one.
func (k *kernel) plane(x, y []float32, width int) focalSums {
	var f focalSums
	for o := 0; o < len(y); o += width {
		f.add(k.row(x[o:o+width], y[o:o+width]))
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
	do := func(i int) {
		id := ids[i]
		x := in.Heat[id.corner][in.HeatIndex(id.stack, id.image, id.class, 0, 0):][:n]
		y := in.GTHeat[id.corner][in.TargetIndex(id.image, id.class, 0, 0):][:n]
		out[i] = k.plane(x, y, in.Width)
	}
	workers := min(runtime.GOMAXPROCS(0), len(ids))
	if workers <= 1 {
		for i := range ids {
			do(i)
		}
		return out
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(ids) {
					return
				}
				do(i)
			}
		})
	}
	wg.Wait()
	return out
}
