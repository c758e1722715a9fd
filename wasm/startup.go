//go:build js && wasm

package main

import (
	"runtime/debug"
	"strings"
	"syscall/js"

	"github.com/cornerloss/cornerloss/viz/app"
	"github.com/cornerloss/cornerloss/viz/i18n"
)

// startup restores the scene from the link, or enters the bench mode.
func (g *game) startup() {
	loc := js.Global().Get("location")
	q := linkQuery()
	if q.Get("debug") == "1" {
		// A way to stop the Go runtime as an escaped panic would, so that a
		// test can check the page says so (the reload banner).
		js.Global().Set("cornerlossStop", js.FuncOf(func(js.Value, []js.Value) any {
			panic("stopped by cornerlossStop (debug=1)")
		}))
		// And a panic in the page's own work, which its guard catches.
		js.Global().Set("cornerlossPanic", js.FuncOf(func(js.Value, []js.Value) any {
			g.queue.push(func() { panic("raised by cornerlossPanic (debug=1)") })
			return nil
		}))
	}
	if q.Get("bench") == "coco" || q.Has("dumps") || loc.Get("hash").String() != "" {
		// Not the default scene: what comes may be large (a link's scene
		// up to scene.MaxBytes), collected as usual.
		resumeGC()
	}
	if q.Get("bench") == "coco" {
		g.bench = newBench(g)
		return
	}
	if q.Has("dumps") {
		g.followRun(strings.TrimPrefix(loc.Get("hash").String(), "#"))
		return
	}
	// "#<state>&tour=N": the walk's step N over the linked scene; "#tour=N"
	// alone: step N with its own scene.
	h, step := app.SplitTourFragment(strings.TrimPrefix(loc.Get("hash").String(), "#"))
	if h != "" {
		if err := g.app.RestoreURLState(h); err != nil {
			g.page.setStatus(&i18n.Wrapped{Lead: i18n.M("status.bad-link"), Detail: err.Error()}, true)
			return
		}
		g.app.ResumeTour(step)
	} else if step > 0 {
		if err := g.app.StartTour(step); err != nil {
			g.page.setStatus(err.Error(), true)
			return
		}
	}
	g.page.setStatus(i18n.M("page.ready"), false)
}

// gcPercent is the collector's setting while holdGC holds it; 0 when it
// does not.
var gcPercent int

// holdGC stops the garbage collector until the first frame (resumeGC). The
// start-up on the default scene allocates about 10 MB, a few cycles'
// worth; on a first visit each function of the collector would then be
// compiled by V8 on the page's thread as it first runs (about 170 in a
// trace), with the cycles' own work, all before the first frame.
func holdGC() { gcPercent = debug.SetGCPercent(-1) }

// resumeGC lets the collector run again, once.
func resumeGC() {
	if gcPercent != 0 {
		debug.SetGCPercent(gcPercent)
		gcPercent = 0
	}
}
