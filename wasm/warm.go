//go:build js && wasm

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"runtime"
	"strconv"
	"syscall/js"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/dump"
	"github.com/cornerloss/cornerloss/loss/scene"
	"github.com/cornerloss/cornerloss/loss/timeline"
	"github.com/cornerloss/cornerloss/viz"
	"github.com/cornerloss/cornerloss/viz/app"
	"github.com/cornerloss/cornerloss/wasm/jsio"
)

// The browser compiles the page's WebAssembly lazily, a function at its
// first call, on the page's thread, and compiles again with its
// optimising tier, on the other cores, what runs hot. An upload runs
// about 200 functions nothing before it has run (the reader, its checks,
// the rows' sums, the show), and in a trace of the 36 MB dump picked on a
// fresh page its first run cost 0.27 s of the page's thread and 0.36 s of
// optimising on the other core, of an upload that is bound by the two
// cores' CPU. So once the page has settled, it uploads a small dump of its
// own, the default scene written as an .npz, along the same path
// (inflate-worker.js inflating, the reader, the rows' sums, a scratch App
// showing it) and throws it away: the first upload a person makes then
// runs compiled code. Nothing on screen changes.

// A run's workers (wasm/worker) run another module, worker.wasm, compiled
// the same way: lazily in each worker, then by the optimising tier for
// what runs hot, which took 2.2–3.2 s of CPU in a 6–8 s load of four 36 MB
// dumps, competing with the workers for the two cores. So after the
// upload's warm-up the page compiles worker.wasm itself
// (cornerlossWorkerModule), hands that module to every worker it starts
// (newWorker), and has one worker summarise the small dump warmJobs times
// before letting it go: the workers of a later run share the module's
// code, both tiers, instead of compiling their own. V8's trace of its
// compiles (--trace-wasm-compilation-times), twelve 36 MB dumps on two
// workers, 09:20–09:40 UTC 2026-12-02, loaded machine: with each worker
// compiling its own module, the run's workers compiled 1 414 functions
// lazily and 190 optimised (6.0 s of compile wall time); with the shared
// module, 18 and 124 (1.7 s). Then the page's own run code is run once on
// a scratch App (warmRunPage). Meanwhile the page draws its panels into
// scratch images warmDraws times (warmPanels), so that a person's first
// redraws run optimised code.
const warmJobs = 12

// warmAfterFrames is how long the page waits after its first frame before
// warming: its start-up's own optimising compiles are mostly done by then.
const warmAfterFrames = 60

// warmName is the warm-up's dump's file name.
const warmName = "warm.npz"

var (
	warmStarted bool
	warmFrames  int
	warmFrom    float64 // the page's memory before the warm-up, bytes
)

// warmTick starts the upload's warm-up once the page has settled with
// nothing else going on; ?warm=off leaves it out (to compare) and marks
// the page as if done. The bench mode does not warm: its figures are the
// engine's.
func (g *game) warmTick() {
	if warmStarted || !g.ready {
		return
	}
	if warmFrames++; warmFrames < warmAfterFrames {
		return
	}
	if g.bench != nil || g.app.Run != nil || inFlight != nil {
		return
	}
	warmStarted = true
	if linkQuery().Get("warm") == "off" {
		g.warmed("off")
		return
	}
	go g.warmUpload()
}

// warmUpload runs the default scene, as an .npz, through what an upload
// runs; it records data-upload-warm when done ("1", or the error: the
// page works without).
func (g *game) warmUpload() {
	status := "1"
	// The start-up's garbage first, for the warm-up to reuse, then each
	// step's before the next, for the warm-up to grow the page's memory
	// as little as it can (the page keeps what it grew to).
	runtime.GC()
	warmFrom = wasmMemory()
	defer func() {
		if r := recover(); r != nil {
			status = fmt.Sprint(r)
		}
		runtime.GC()
		growth := wasmMemory() - warmFrom
		g.queue.push(func() {
			g.page.body.attr("data-upload-warm-growth", strconv.FormatFloat(growth, 'f', 0, 64))
			g.warmed(status)
			g.warmPanels(warmDraws, nil)
		})
	}()
	file := warmFile()
	runtime.GC()
	p := pauser{}
	ds, names, err := parseFiles(&upload{arrays: []js.Value{file}, names: []string{warmName}}, &p, nil)
	if err != nil {
		panic(err)
	}
	g.queue.push(func() { g.warmRunWorker(file) })
	in, o := ds[0].Input, loss.DefaultOptions()
	rows := rowsBySlices(in, o, &p)
	runtime.GC()
	p.pause()
	a := app.New()
	a.SeedRows(in, o, rows)
	if err := a.ShowChunks(names, ds); err != nil {
		panic(err)
	}
}

// warmDraws is how many times the warm-up draws the panels, a frame
// each. The page's first redraws after a load run the drawing code in
// V8's baseline tier: in the page's bench (?bench=coco) a redraw of every
// panel took 10.2 ms first and 6.6 ms after twenty more (draw-ms against
// draw-warm-ms, 2026-12-02, loaded machine).
const warmDraws = 20

// warmPanels draws every panel of the page's frame into scratch images
// of their sizes, once a frame, left more times, then lets them go: the
// screen is not touched. It stops as soon as an upload or a run starts,
// whose own drawing then warms the code.
func (g *game) warmPanels(left int, imgs []*image.RGBA) {
	if left == 0 || inFlight != nil || g.app.Run != nil {
		return
	}
	if imgs == nil {
		imgs = make([]*image.RGBA, viz.NumPanels)
	}
	for p, r := range g.app.Grid() {
		if r.Empty() {
			continue
		}
		if imgs[p] == nil || imgs[p].Rect.Size() != r.Size() {
			imgs[p] = image.NewRGBA(image.Rectangle{Max: r.Size()})
		}
		viz.DrawPanel(imgs[p], imgs[p].Bounds(), viz.Panel(p), g.app.Frame())
	}
	g.queue.push(func() { g.warmPanels(left-1, imgs) })
}

// warmFile returns the warm-up's dump as a File: the default scene's
// first image on one stack (the same arrays, a third of its bytes),
// written as an .npz deflated as a training run's are (dump.WriteNPZ): the
// page reads each entry's header through compress/flate, whose Huffman
// decoding a dump of stored blocks never ran, and V8's log showed it
// compiled, both tiers, during the first upload.
func warmFile() js.Value {
	sc := scene.Default()
	sc.Stacks, sc.Images, sc.Blobs = 1, sc.Images[:1], sc.Blobs[:1]
	in, _, err := sc.Build()
	if err != nil {
		panic(err)
	}
	var buf bytes.Buffer
	if err := dump.WriteNPZ(&buf, dump.Arrays(in)); err != nil {
		panic(err)
	}
	b := js.Global().Get("Uint8Array").New(buf.Len())
	js.CopyBytesToJS(b, buf.Bytes())
	return js.Global().Get("File").New([]any{b}, warmName)
}

// warmed records the warm-up's end on the body: tests and benchmarks that
// time an upload wait for it, as a person picking a file would.
func (g *game) warmed(status string) {
	g.page.body.attr("data-upload-warm", status)
}

// warmRunWorker has a run's worker summarise file, the small dump of
// warmUpload, warmJobs times, and stops it once it has answered them all;
// the page keeps worker.wasm compiled meanwhile and after. It records
// data-run-warm: "1", or what went wrong (a run works without).
func (g *game) warmRunWorker(file js.Value) {
	if g.app.Run != nil || js.Global().Get("Worker").Type() != js.TypeFunction {
		return // a run's own workers are compiling it already
	}
	go func() {
		compileWorkerModule()
		g.queue.push(func() { g.startWarmWorker(file) })
	}()
}

// startWarmWorker starts the warm-up's worker on file (warmRunWorker).
func (g *game) startWarmWorker(file js.Value) {
	w := newWorker()
	var replies []timeline.Step
	done := func(status string) {
		w.Call("terminate")
		g.queue.push(func() {
			if status == "1" {
				g.warmRunPage(replies)
			}
			g.page.body.attr("data-run-warm", status)
			g.page.body.attr("data-warm-growth", strconv.FormatFloat(wasmMemory()-warmFrom, 'f', 0, 64))
		})
	}
	listen(w, "message", func(ev js.Value) {
		data := ev.Get("data")
		switch {
		case data.Get("stopped").Truthy():
			done("the worker stopped: " + data.Get("error").String())
		case data.Get("json").Type() == js.TypeString:
			if r, err := timeline.DecodeReply(data.Get("json").String()); err != nil {
				done(err.Error())
			} else if r.Step.Error != "" {
				done(r.Step.Error)
			} else if replies = append(replies, r.Step); len(replies) == warmJobs {
				done("1")
			}
		}
	})
	listen(w, "error", func(ev js.Value) {
		ev.Call("preventDefault")
		done("the worker failed: " + ev.Get("message").String())
	})
	for i := range warmJobs {
		job{msg: timeline.Job{ID: i, Name: warmName, Options: g.app.Options}, data: file}.post(w)
	}
}

// warmRunPage runs what the page does with a run's replies on a scratch
// App: the summaries as a run of warmJobs steps, their JSON for #run, the
// timeline painted into an image of its own; the page's code for them is
// compiled, and optimised where it runs hot, before a real run.
func (g *game) warmRunPage(steps []timeline.Step) {
	a := app.New()
	a.SetCanvas(g.size)
	names := make([]string, len(steps))
	for i := range steps {
		names[i] = fmt.Sprintf("step_%06d.npz", (i+1)*500)
		steps[i].File, steps[i].Step = names[i], int64(i+1)*500
	}
	a.StartRun(app.RunSample, names)
	for i, st := range steps {
		a.RunSummary(i, st)
	}
	_, _ = json.Marshal(a.Run.Steps())
	if tl, r := a.Timeline(), a.TimelineRect(); tl != nil && !r.Empty() {
		viz.DrawTimeline(image.NewRGBA(image.Rectangle{Max: r.Size()}), image.Rectangle{Max: r.Size()}, tl)
	}
	runtime.GC()
}

// compileWorkerModule compiles worker.wasm on the page, once, into
// cornerlossWorkerModule (left unset if the browser cannot: workers then
// compile their own). It blocks: call it off the event loop.
func compileWorkerModule() {
	g := js.Global()
	wasm := g.Get("WebAssembly")
	if g.Get("cornerlossWorkerModule").Truthy() || wasm.Get("compileStreaming").Type() != js.TypeFunction {
		return
	}
	m, err := jsio.Await(wasm.Call("compileStreaming", g.Call("fetch", "worker.wasm")))
	if err != nil {
		consoleWarn("cornerloss: worker.wasm not compiled ahead: " + err.Error())
		return
	}
	g.Set("cornerlossWorkerModule", m)
}

// newWorker starts a worker of worker.js (a run's, the step's or an
// upload's), handing it worker.wasm as compiled on the page when the
// warm-up has compiled it: its code, both tiers, is then the page's and
// every other worker's, compiled once.
func newWorker() js.Value {
	g := js.Global()
	m := g.Get("cornerlossWorkerModule")
	// The link's ?simd=off goes to the workers too (web/worker.js).
	simd := ""
	if linkQuery().Get("simd") == "off" {
		simd = "simd=off"
	}
	if !m.Truthy() {
		return g.Get("Worker").New("worker.js?" + simd)
	}
	w := g.Get("Worker").New("worker.js?module&" + simd)
	msg := g.Get("Object").New()
	msg.Set("module", m)
	w.Call("postMessage", msg)
	return w
}
