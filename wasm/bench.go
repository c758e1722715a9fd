//go:build js && wasm

package main

import (
	"slices"
	"strconv"
	"syscall/js"

	"github.com/cornerloss/cornerloss/viz/app"
	"github.com/cornerloss/cornerloss/viz/i18n"
)

// benchRun is the page's bench mode (?bench=coco): the COCO-shaped scene of
// app.BenchScene, timed in the page itself. The medians land on <body
// data-bench-*> for the browser benchmark to read:
//
//	data-bench-ms, data-bench-ns-per-px   full recompute
//	data-bench-edit-NAME-ms                each edit of app.BenchEdits
//	data-bench-draw-ms                     render every panel and upload it
//	data-bench-workers                     the step's workers (0: the page alone)
//
// On the page alone each run is timed in one go. With the step's workers
// (?step-workers=N, N ≥ 2) a change is sent in one frame and answered in a later
// one: a run is timed from the change to the last worker's answer arriving,
// plus the page's assembly of the result; one run per frame.
type benchRun struct {
	frames int
	phase  int
	runs   []float64
	inside []float64    // pooled: the slowest worker's own time of each run
	hops   [5][]float64 // pooled: each run's hops (stepPool.hops)
	warm   bool         // the phase's warm-up run is done
	t0     float64      // now() when the pooled run in flight was sent
	inRun  bool
	err    error
	// workerMs is the last phase's median of the slowest worker's own
	// time: the rest of a pooled run is messages and the page's assembly.
	workerMs float64
	hopMs    [5]float64 // the last phase's median of each hop
}

// hopNames name stepPool.hops on <body data-bench-hop-NAME-ms>.
var hopNames = [5]string{"to-worker", "apply", "eval", "to-page", "to-update"}

// benchRuns is how many runs each median is taken over.
const benchRuns = 25

func newBench(g *game) *benchRun {
	if err := g.app.BenchScene(); err != nil {
		g.page.setStatus(err.Error(), true)
		return nil
	}
	g.page.setStatus(i18n.M("bench.mode"), false)
	return &benchRun{}
}

// median times f over benchRuns runs, after one to warm up.
func median(f func(i int)) float64 {
	perf := js.Global().Get("performance")
	f(-1)
	times := make([]float64, benchRuns)
	for i := range times {
		t0 := perf.Call("now").Float()
		f(i)
		times[i] = perf.Call("now").Float() - t0
	}
	return middle(times)
}

func middle(times []float64) float64 {
	slices.Sort(times)
	return times[len(times)/2]
}

func (g *game) benchAttr(name string, ms float64) {
	g.page.body.attr("data-bench-"+name, strconv.FormatFloat(ms, 'f', 3, 64))
}

// pooled times one run of f per frame or two on the step's workers, after
// one to warm up; it reports the median once it has them all.
func (b *benchRun) pooled(g *game, f func(i int)) (float64, bool) {
	if b.inRun {
		if g.app.Pending() {
			return 0, false
		}
		b.inRun = false
		if b.warm {
			b.inside = append(b.inside, g.steps.slowest)
			for k, h := range g.steps.hops {
				b.hops[k] = append(b.hops[k], h)
			}
		}
		b.record(g.steps.arrived - b.t0 + g.steps.took)
	}
	if len(b.runs) < benchRuns {
		i := len(b.runs)
		if !b.warm {
			i = -1
		}
		t0 := now()
		f(i)
		if g.app.Pending() {
			b.t0, b.inRun = t0, true
			return 0, false
		}
		b.record(now() - t0) // nothing went to the workers (tags, weights)
	}
	if len(b.runs) < benchRuns {
		return 0, false
	}
	ms := middle(b.runs)
	if len(b.inside) > 0 {
		b.workerMs = middle(b.inside)
		for k := range b.hops {
			b.hopMs[k] = middle(b.hops[k])
			b.hops[k] = b.hops[k][:0]
		}
	}
	b.runs, b.inside, b.warm = b.runs[:0], b.inside[:0], false
	return ms, true
}

// record keeps one run's time, the first of a phase (the warm-up) aside.
func (b *benchRun) record(ms float64) {
	if !b.warm {
		b.warm = true
		return
	}
	b.runs = append(b.runs, ms)
}

// step runs one phase of the bench once the page has drawn a few frames
// (and, with workers, once they hold the scene).
func (b *benchRun) step(g *game) {
	if b.frames++; b.frames < 3 {
		return
	}
	if g.steps.state == "starting" || g.steps.state == "on" && g.app.Pending() && !b.inRun {
		return
	}
	pool := g.app.Pooled()
	g.page.body.attr("data-bench-workers", strconv.Itoa(map[bool]int{true: len(g.steps.workers)}[pool]))
	time := func(f func(i int)) (float64, bool) {
		if pool {
			return b.pooled(g, f)
		}
		return median(f), true
	}
	edits := app.BenchEdits()
	switch {
	case b.phase == 0:
		ms, ok := time(func(int) { g.app.Recompute() })
		if !ok {
			return
		}
		in := g.app.Input()
		px := float64(2 * in.Stacks * in.Batch * in.Classes * in.Pixels())
		g.benchAttr("ms", ms)
		if pool {
			g.benchAttr("worker-ms", b.workerMs)
			for k, name := range hopNames {
				g.benchAttr("hop-"+name+"-ms", b.hopMs[k])
			}
		}
		g.benchAttr("ns-per-px", ms*1e6/px)
		g.page.setStatus(i18n.M("bench.full", ms, ms*1e6/px), false)
	case b.phase <= len(edits):
		e := edits[b.phase-1]
		ms, ok := time(func(i int) {
			if e2 := e.Do(g.app, i+1); e2 != nil {
				b.err = e2
			}
		})
		if !ok {
			return
		}
		if b.err != nil {
			g.page.setStatus(&i18n.Wrapped{Lead: i18n.M("bench.edit-failed"), Detail: e.Name + ": " + b.err.Error()}, true)
			b.err = nil
		}
		g.benchAttr("edit-"+e.Name+"-ms", ms)
		if pool && b.workerMs > 0 {
			g.benchAttr("edit-"+e.Name+"-worker-ms", b.workerMs)
			b.workerMs = 0
		}
	case b.phase == len(edits)+1:
		g.benchAttr("draw-ms", median(func(int) { g.render() }))
	case b.phase == len(edits)+2:
		g.page.body.attr("data-bench-done", "1")
		return
	default:
		return
	}
	b.phase++
}
