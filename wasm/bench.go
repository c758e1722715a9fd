//go:build js && wasm

package main

import (
	"slices"
	"strconv"
	"syscall/js"
	"time"

	"github.com/cornerloss/cornerloss/viz"
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
//	data-bench-draw-warm-ms                the same after drawWarmup redraws
//	data-bench-draw-pixels-ms              of which drawing the panels' pixels
//	data-bench-draw-upload-ms              and handing them to Ebitengine
//	data-bench-workers                     the step's workers (0: the page alone)
//	data-bench-send-ms, -worker-ms, -hop-*  with workers: the page's own work
//	                                       before it waits, the slowest
//	                                       worker's time, each hop
//	data-bench-worker-N-ms                 worker N's own time (full recompute)
//	data-bench-page-share-ms               with ?step-page, the page's own share's
//
// Both ways time the same thing: a change (a recompute or an edit) from the
// call that makes it to the result assembled and its viewed maps rebuilt,
// benchRuns runs back to back inside one Update, so no frame is drawn
// between them (drawing has its own figure). On the page alone a run is one
// call. With the step's workers (?step-workers=N, N ≥ 2) a run sends the
// change and then blocks the Update until every worker has answered and the
// page has assembled their sums: Ebitengine runs Update on a goroutine, so
// the browser's event loop delivers the workers' messages meanwhile, and no
// frame is requested until Update returns.
type benchRun struct {
	frames int
	phase  int
	err    error
	// workerMs is the last pooled phase's median of the slowest worker's
	// own time: the rest of a pooled run is messages and the page's work.
	workerMs float64
	hopMs    [6]float64 // the last pooled phase's median of each hop
	eachMs   []float64  // the last pooled phase's median of each worker's own time
	// sendMs is the last pooled phase's median of the page's own work
	// before it waits: the change, its messages and the viewed maps.
	sendMs float64
}

// hopNames name stepPool.hops on <body data-bench-hop-NAME-ms>.
var hopNames = [6]string{"to-worker", "apply", "eval", "to-page", "to-update", "assemble"}

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

// pooledWarmup is how many runs of a pooled phase are not timed. V8
// compiles a worker's hot functions with its optimising tier in the
// background, after they have run a while, and a function already running
// keeps its first code until its next call (no on-stack replacement for
// WebAssembly): a worker's own time for its half of a recompute fell from
// 30–50 ms over the first 14 runs to 11–17 ms from then on (one bench on
// this 2-core machine, 2026-12-02), where the page's thread, tiered up by
// its start-up, is at its speed from its first run.
const pooledWarmup = 20

// drawWarmup is how many redraws precede data-bench-draw-warm-ms: as
// many as a pooled phase's warm-up, for the same reason.
const drawWarmup = pooledWarmup

// pooledTimeout bounds the wait for the workers' answer to one run: a
// worker that never answers fails the bench instead of freezing the page.
const pooledTimeout = 30 * time.Second

// pooled times f on the step's workers: pooledWarmup runs, then benchRuns
// timed ones, each from the change to the page's assembly of every
// worker's answer (maps included), back to back in this Update.
func (b *benchRun) pooled(g *game, f func(i int)) float64 {
	var runs, inside, sends []float64
	var hops [6][]float64
	each := make([][]float64, len(g.steps.ms))
	for i := -pooledWarmup; i < benchRuns; i++ {
		t0 := now()
		f(i + pooledWarmup - 1) // -1, 0, 1, ...: as median, each a real change
		sendMs := now() - t0
		sent := g.app.Pending()
		g.steps.wait(g, pooledTimeout)
		ms := now() - t0
		if i < 0 {
			continue
		}
		runs = append(runs, ms)
		sends = append(sends, sendMs)
		if sent { // tags, offsets, weights: nothing went to the workers
			inside = append(inside, g.steps.slowest)
			for w, ms := range g.steps.ms {
				each[w] = append(each[w], ms)
			}
			for k, h := range g.steps.hops {
				hops[k] = append(hops[k], h)
			}
		}
	}
	b.workerMs, b.sendMs = 0, middle(sends)
	if len(inside) > 0 {
		b.workerMs = middle(inside)
		b.eachMs = b.eachMs[:0]
		for _, ms := range each {
			b.eachMs = append(b.eachMs, middle(ms))
		}
		for k := range hops {
			b.hopMs[k] = middle(hops[k])
		}
	}
	return middle(runs)
}

// step runs one phase of the bench once the page has drawn a few frames
// (and, with workers, once they hold the scene).
func (b *benchRun) step(g *game) {
	if b.frames++; b.frames < 3 {
		return
	}
	if g.steps.state == "starting" || g.app.Pending() {
		return
	}
	pool := g.app.Pooled()
	g.page.body.attr("data-bench-workers", strconv.Itoa(map[bool]int{true: len(g.steps.workers)}[pool]))
	timed := func(f func(i int)) float64 {
		if pool {
			return b.pooled(g, f)
		}
		return median(f)
	}
	edits := app.BenchEdits()
	switch {
	case b.phase == 0:
		ms := timed(func(int) { g.app.Recompute() })
		in := g.app.Input()
		px := float64(2 * in.Stacks * in.Batch * in.Classes * in.Pixels())
		g.benchAttr("ms", ms)
		if pool {
			g.benchAttr("worker-ms", b.workerMs)
			g.benchAttr("send-ms", b.sendMs)
			for w, ms := range b.eachMs {
				name := "worker-" + strconv.Itoa(w)
				if w == len(g.steps.workers) { // the page's own share
					name = "page-share"
				}
				g.benchAttr(name+"-ms", ms)
			}
			for k, name := range hopNames {
				g.benchAttr("hop-"+name+"-ms", b.hopMs[k])
			}
		}
		g.benchAttr("ns-per-px", ms*1e6/px)
		g.page.setStatus(i18n.M("bench.full", ms, ms*1e6/px), false)
	case b.phase <= len(edits):
		e := edits[b.phase-1]
		ms := timed(func(i int) {
			if e2 := e.Do(g.app, i+1); e2 != nil {
				b.err = e2
			}
		})
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
		// Then once V8 has optimised the drawing code: the figure above
		// times the first redraws since the page loaded, whose functions
		// partly still run V8's baseline code (the optimising compiles
		// run in the background once a function has run a while; see
		// pooledWarmup). Its two halves apart too: drawing the panels'
		// pixels, and handing them to Ebitengine (WritePixels).
		for range drawWarmup {
			g.render()
		}
		g.benchAttr("draw-warm-ms", median(func(int) { g.render() }))
		g.benchAttr("draw-pixels-ms", median(func(int) {
			for p, pi := range g.panels {
				if pi.rgba != nil {
					viz.DrawPanel(pi.rgba, pi.rgba.Bounds(), viz.Panel(p), g.app.Frame())
				}
			}
		}))
		g.benchAttr("draw-upload-ms", median(func(int) {
			for _, pi := range g.panels {
				if pi.img != nil {
					pi.img.WritePixels(pi.rgba.Pix)
				}
			}
		}))
	case b.phase == len(edits)+2:
		g.page.body.attr("data-bench-done", "1")
		return
	default:
		return
	}
	b.phase++
}
