//go:build js && wasm

package main

import (
	"fmt"
	"slices"
	"strconv"
	"syscall/js"

	"github.com/cornerloss/cornerloss/viz/app"
)

// benchRun is the page's bench mode (?bench=coco): the COCO-shaped scene of
// app.BenchScene, timed in the page itself. One phase runs per frame, so
// the page draws in between; the medians land on <body data-bench-*> for the
// browser benchmark to read:
//
//	data-bench-ms, data-bench-ns-per-px   full recompute
//	data-bench-edit-NAME-ms                each edit of app.BenchEdits
//	data-bench-draw-ms                     render every panel and upload it
type benchRun struct {
	frames int
	phase  int
}

// benchRuns is how many runs each median is taken over.
const benchRuns = 25

func newBench(g *game) *benchRun {
	if err := g.app.BenchScene(); err != nil {
		g.page.setStatus(err.Error(), true)
		return nil
	}
	g.page.setStatus("bench mode: COCO shape, 80 classes, 128×128", false)
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
	slices.Sort(times)
	return times[len(times)/2]
}

func (g *game) benchAttr(name string, ms float64) {
	g.page.body.attr("data-bench-"+name, strconv.FormatFloat(ms, 'f', 3, 64))
}

// step runs one phase of the bench once the page has drawn a few frames.
func (b *benchRun) step(g *game) {
	if b.frames++; b.frames < 3 {
		return
	}
	edits := app.BenchEdits()
	switch {
	case b.phase == 0:
		ms := median(func(int) { g.app.Recompute() })
		in := g.app.Input()
		px := float64(2 * in.Stacks * in.Batch * in.Classes * in.Pixels())
		g.benchAttr("ms", ms)
		g.benchAttr("ns-per-px", ms*1e6/px)
		g.page.setStatus(fmt.Sprintf("bench: full recompute %.2f ms (%.2f ns/px)", ms, ms*1e6/px), false)
	case b.phase <= len(edits):
		e := edits[b.phase-1]
		var err error
		ms := median(func(i int) {
			if e2 := e.Do(g.app, i+1); e2 != nil {
				err = e2
			}
		})
		if err != nil {
			g.page.setStatus("bench: "+e.Name+": "+err.Error(), true)
		}
		g.benchAttr("edit-"+e.Name+"-ms", ms)
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
