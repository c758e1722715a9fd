//go:build js && wasm

package main

import (
	"fmt"
	"slices"
	"strconv"
	"syscall/js"

	"github.com/cornerloss/cornerloss/loss/scene"
)

// benchRun is the page's bench mode (?bench=coco): CornerNet's COCO shape,
// one image, one stack, 80 classes at 128×128, recomputed in full many times
// in the page itself. The medians land on <body data-bench-*> for the
// browser benchmark to read.
type benchRun struct {
	frames int
	done   bool
}

// benchRuns is how many full recomputes the median is taken over.
const benchRuns = 25

func newBench(g *game) *benchRun {
	s := scene.COCO(1, 1)
	if err := g.app.UseScene(s); err != nil {
		g.page.setStatus(err.Error(), true)
		return nil
	}
	v := g.app.View
	v.Class = s.Images[0][0].Box.Class
	g.app.SetView(v)
	g.page.setStatus("bench mode: COCO shape, 80 classes, 128×128", false)
	return &benchRun{}
}

// step runs the bench once the page has drawn a few frames.
func (b *benchRun) step(g *game) {
	if b.done {
		return
	}
	if b.frames++; b.frames < 3 {
		return
	}
	b.done = true
	perf := js.Global().Get("performance")
	times := make([]float64, benchRuns)
	for i := range times {
		t0 := perf.Call("now").Float()
		g.app.Recompute()
		times[i] = perf.Call("now").Float() - t0
	}
	slices.Sort(times)
	ms := times[len(times)/2]
	in := g.app.Input()
	px := float64(2 * in.Stacks * in.Batch * in.Classes * in.Pixels())
	body := g.page.body
	body.attr("data-bench-ms", strconv.FormatFloat(ms, 'f', 3, 64))
	body.attr("data-bench-ns-per-px", strconv.FormatFloat(ms*1e6/px, 'f', 3, 64))
	body.attr("data-bench-runs", strconv.Itoa(benchRuns))
	g.page.setStatus(fmt.Sprintf("bench: full recompute median %.2f ms over %d runs (%.2f ns/px)", ms, benchRuns, ms*1e6/px), false)
}
