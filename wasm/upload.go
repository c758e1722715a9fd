//go:build js && wasm

package main

import (
	"encoding/json"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"syscall/js"
	"time"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/dump"
	"github.com/cornerloss/cornerloss/viz/app"
	"github.com/cornerloss/cornerloss/viz/i18n"
	"github.com/cornerloss/cornerloss/wasm/jsio"
)

// maxUpload caps what the page reads: a wasm page addresses 4 GiB, and the
// decoded arrays need about as much again as the file.
const (
	maxUpload    = 1 << 30
	maxDumpBytes = 3 << 29
)

// upload is one upload in flight.
type upload struct {
	gen    int
	run    bool    // a step of the run, read again to be shown
	start  float64 // now() when the files were chosen
	read   float64 // now() when the browser had read them
	parsed float64 // now() when they were checked and decoded
	memory float64 // wasmMemory() then
	name   string
	total  float64
	arrays []js.Value // the files, still in the browser
	names  []string
	// maxFrame is the longest interval between two frames from the pick
	// to the dump shown, ms: the page keeps drawing meanwhile.
	maxFrame, lastTick float64
	shown              bool
	inWorker           bool    // read and checked by a worker, not the page
	showMs             float64 // the page's work to show it, in one frame
	// seed is the rows' sums the worker computed under seedOpt (App.SeedRows).
	seed    []float64
	seedOpt loss.Options
}

// inFlight is the upload being read, checked or evaluated; nil for none.
var inFlight *upload

// uploadTick records the frame intervals while an upload is in flight.
func (g *game) uploadTick() {
	if g.ready && inWorkerAsked() && !readingInWorker && spare.IsUndefined() && js.Global().Get("Worker").Type() == js.TypeFunction {
		spare = newWorker() // for the next upload
	}
	u := inFlight
	if u == nil || u.shown {
		return
	}
	t := now()
	u.maxFrame = max(u.maxFrame, t-u.lastTick)
	u.lastTick = t
}

var uploads int // generation: a newer upload makes older results stale

// spare is a worker started ahead (after the first frame, when no upload
// is in flight) to read the next upload: its WebAssembly is compiled by the
// time a file is picked. A worker reads one upload and is let go, with the
// memory it grew to.
var spare = js.Undefined()

// readingInWorker says a worker reads an upload: the spare waits for it.
var readingInWorker bool

// readFiles reads the chosen files with FileReader, showing progress, then
// parses them in a goroutine that lets the browser draw meanwhile; the dump
// reaches the app through the queue. The page keeps the previous data until
// the new one is read and checked.
func (g *game) readFiles(files js.Value) {
	if isRun(files) && !app.ChunksOfOneStep(fileNames(files)) {
		g.pickRun(files)
		return
	}
	g.readFilesFor(files, false)
}

// readFilesFor reads files as one dump; run says it is a step of the run.
func (g *game) readFilesFor(files js.Value, run bool) {
	n := files.Length()
	if n == 0 {
		return
	}
	uploads++
	u := &upload{gen: uploads, run: run, start: now(), memory: wasmMemory(),
		arrays: make([]js.Value, n), names: make([]string, n)}
	u.lastTick = u.start
	inFlight = u
	g.page.body.removeAttr("data-progress-seen")
	u.name = files.Index(0).Get("name").String()
	if n > 1 {
		u.name = i18n.F("status.files", n)
	}
	for i := range n {
		u.total += files.Index(i).Get("size").Float()
	}
	if u.total > maxUpload {
		g.uploadFailed(u, i18n.M("status.too-large", u.total/1e6, maxUpload>>20))
		return
	}
	g.page.setProgress(i18n.F("status.reading", u.name), 0)
	if !spare.IsUndefined() {
		w := spare
		spare = js.Undefined()
		g.readInWorker(u, files, w)
		return
	}
	g.readOnPage(u, files)
}

// readOnPage reads the files on the page's thread: with no worker, or
// when the upload's worker stopped (out of memory). The files' bytes are
// read as they are parsed (parseFiles): by default inflate-worker.js
// reads and inflates an archive's entries (jsio.InflateElsewhere), and the
// page reads its headers only.
func (g *game) readOnPage(u *upload, files js.Value) {
	for i := range files.Length() {
		u.arrays[i] = files.Index(i)
		u.names[i] = u.arrays[i].Get("name").String()
	}
	u.read = now() // read as it is checked: no phase of its own
	go g.parse(u)
}

// readInWorker has worker w read and check the files (wasm/worker's
// parse) while the page keeps drawing; the arrays come back transferred
// and are copied into the page's memory a few MB at a time (receive).
func (g *game) readInWorker(u *upload, files js.Value, w js.Value) {
	var fns []js.Func
	readingInWorker, u.inWorker = true, true
	done := func() {
		readingInWorker = false
		w.Call("terminate")
		for _, f := range fns {
			f.Release()
		}
	}
	on := func(typ string, f func(ev js.Value)) {
		fn := js.FuncOf(func(_ js.Value, args []js.Value) any {
			defer func() {
				if r := recover(); r != nil {
					consoleWarn(fmt.Sprint("cornerloss: reading: ", r))
				}
			}()
			f(args[0])
			return nil
		})
		fns = append(fns, fn)
		w.Call("addEventListener", typ, fn)
	}
	fallBack := func() {
		done()
		u.inWorker = false
		g.queue.push(func() {
			if u.gen == uploads {
				g.readOnPage(u, files)
			}
		})
	}
	on("error", func(ev js.Value) {
		ev.Call("preventDefault")
		fallBack()
	})
	on("message", func(ev js.Value) {
		data := ev.Get("data")
		switch {
		case data.Get("stopped").Truthy():
			fallBack()
		case data.Get("read").Truthy():
			u.read = now()
			g.page.setProgress(i18n.F("status.checking", u.name, 0), 0.5)
		case data.Get("progress").Truthy():
			f := data.Get("progress").Float()
			g.page.setProgress(i18n.F("status.checking", u.name, int(100*f)), 0.5+0.5*f)
		case data.Get("unreadable").Truthy():
			done()
			name := data.Get("unreadable").String()
			g.queue.push(func() { g.uploadFailed(u, i18n.M("status.unreadable", name)) })
		case data.Get("error").Truthy():
			done()
			msg := data.Get("error").String()
			g.queue.push(func() { g.uploadFailed(u, msg) })
		case data.Get("dumps").Truthy():
			done()
			go g.receive(u, fileNames(files), data)
		}
	})
	list := js.Global().Get("Array").New()
	for i := range files.Length() {
		list.Call("push", files.Index(i))
	}
	opt, err := json.Marshal(g.app.Options)
	if err != nil { // options are numbers the app validated
		opt = nil
	}
	msg := map[string]any{"parse": true, "files": list, "inflate": "", "options": string(opt)}
	if inflater() == nil {
		msg["inflate"] = "go" // ?inflate=go
	}
	w.Call("postMessage", msg)
}

// receive copies the dumps the upload worker sent into the page's memory,
// a few MB at a time with a pause for the browser to draw between, and
// shows them.
func (g *game) receive(u *upload, names []string, msg js.Value) {
	wires, data := msg.Get("dumps"), msg.Get("data")
	defer func() {
		if r := recover(); r != nil {
			msg := fmt.Sprint("internal error while reading: ", r)
			g.queue.push(func() { g.uploadFailed(u, msg) })
		}
	}()
	const piece = 4 << 20
	last := time.Now()
	copyIn := func(b []byte, arr js.Value) {
		for off := 0; off < len(b); off += piece {
			end := min(off+piece, len(b))
			js.CopyBytesToGo(b[off:end], arr.Call("subarray", off, end))
			if time.Since(last) > 6*time.Millisecond {
				time.Sleep(time.Millisecond) // the browser draws a frame
				last = time.Now()
			}
		}
	}
	ds := make([]*dump.Dump, wires.Length())
	at := 0
	for i := range ds {
		var w dump.Wire
		if err := json.Unmarshal([]byte(wires.Index(i).String()), &w); err != nil {
			g.parsed(u, nil, nil, fmt.Errorf("the upload worker's answer: %v", err))
			return
		}
		n := len(dump.Floats(&loss.Input{})) + 3
		if data.Length() < at+n {
			g.parsed(u, nil, nil, fmt.Errorf("the upload worker sent %d arrays, want %d", data.Length(), at+n))
			return
		}
		arrays := make([]js.Value, n)
		for k := range arrays {
			arrays[k] = data.Index(at + k)
		}
		at += n
		in, dst, err := jsio.NewDumpInput(w, arrays)
		if err != nil {
			g.parsed(u, nil, nil, err)
			return
		}
		for k, b := range dst {
			copyIn(b, arrays[k])
			arrays[k] = js.Undefined()
		}
		if ds[i], err = w.Join(in); err != nil {
			g.parsed(u, nil, nil, err)
			return
		}
	}
	if rows := msg.Get("rows"); rows.Truthy() && len(ds) == 1 &&
		json.Unmarshal([]byte(msg.Get("options").String()), &u.seedOpt) == nil {
		u.seed = jsio.Float64s(rows) // 9 numbers a row: a few ms for COCO's 960 planes
	}
	if dump.IsNPY(names[0]) {
		names = []string{i18n.F("status.npy-files", len(names))}
	}
	g.parsed(u, ds, names, nil)
}

// parse reads the dump off the browser's event loop, pausing every
// slice of work for the browser to draw a frame (pause), then computes its
// rows' sums the same way, a few planes at a time, for the page to start
// its evaluator from (App.SeedRows) instead of reading every pixel in one
// long frame.
func (g *game) parse(u *upload) {
	defer func() {
		if r := recover(); r != nil {
			msg := fmt.Sprint("internal error while reading: ", r)
			g.queue.push(func() { g.uploadFailed(u, msg) })
		}
	}()
	p := pauser{}
	ds, names, err := parseFiles(u, &p, func(done, total int64) {
		g.page.setProgress(i18n.F("status.checking", u.name, 100*done/total), 0.5+0.5*float64(done)/float64(total))
	})
	u.arrays = nil
	if err == nil && len(ds) == 1 {
		// A frame between the reader's last slice (which ends checking the
		// whole dump) and the sums' first: in a trace of the 36 MB dump
		// the two made one 80 ms slice.
		p.pause()
		u.seedOpt = g.app.Options
		u.seed = rowsBySlices(ds[0].Input, u.seedOpt, &p)
	}
	// The part evaluators' garbage, collected now, is the memory the
	// frame that shows the dump allocates its evaluator in, instead of
	// growing the page's memory further (the 45 MB dump grew it by 3.04×
	// its size, over 3×).
	runtime.GC()
	g.parsed(u, ds, names, err)
}

// pauser lets the browser draw between slices of a goroutine's work:
// yielding (jsio.Yield) returns to the event loop, which draws a frame
// when one is due. A frame that comes during a slice waits for its end,
// and the slice may run on inside the frame's own callback, so a frame
// can take two slices: slices of 8 ms kept the longest frames of the 36
// and 54 MB uploads at 42 and 46 ms (medians of three, against 59 and 62
// with 20 ms slices, alternating, 2026-12-02), no slower: a pause is a
// message, not a timer (?yield=timer sleeps instead, to compare).
type pauser struct{ last time.Time }

const slice = 8 * time.Millisecond

func (p *pauser) due() bool {
	if p.last.IsZero() {
		p.last = time.Now()
	}
	return time.Since(p.last) > slice
}

func (p *pauser) pause() {
	if yieldByTimer() {
		time.Sleep(time.Millisecond)
	} else {
		jsio.Yield()
	}
	p.last = time.Now()
}

var yieldByTimer = sync.OnceValue(func() bool { return linkQuery().Get("yield") == "timer" })

// rowsBySlices returns the rows' sums of an evaluator of in under opt
// (loss.Evaluator.RowState), computed a few planes at a time with a pause
// between: the same numbers, to the bit, as one evaluator of all planes.
// Nil where there are none to seed from.
func rowsBySlices(in *loss.Input, opt loss.Options, p *pauser) []float64 {
	n := loss.PlaneCount(in.Shape)
	per := max(1, (1<<19)/max(1, in.Shape.Pixels())) // ~5 ms of work each
	var rows []float64
	for first := 0; first < n; first += per {
		e, err := loss.NewPartEvaluator(in, opt, first, min(first+per, n))
		if err != nil {
			return nil
		}
		r := e.RowState()
		if r == nil {
			return nil
		}
		if rows == nil {
			rows = make([]float64, 0, len(r)*((n+per-1)/per))
		}
		rows = append(rows, r...)
		if p.due() {
			p.pause()
		}
	}
	return rows
}

// parsed shows the dumps read (or the reader's error) in the next Update.
func (g *game) parsed(u *upload, ds []*dump.Dump, names []string, err error) {
	u.parsed = now()
	g.queue.push(func() {
		if u.gen != uploads {
			return // a newer upload replaced this one
		}
		t0 := now()
		if err != nil {
			g.uploadFailed(u, err.Error())
			return
		}
		if u.seed != nil && len(ds) == 1 {
			g.app.SeedRows(ds[0].Input, u.seedOpt, u.seed)
			u.seed = nil
		}
		show := g.app.ShowRunChunks
		if !u.run {
			show = func(names []string, ds []*dump.Dump) error {
				if err := g.app.ShowChunks(names, ds); err != nil {
					return err
				}
				g.app.EndRun() // a dump of its own replaces the run
				return nil
			}
		}
		if err := show(names, ds); err != nil {
			g.uploadFailed(u, err.Error())
			return
		}
		d := g.app.Dump // the chunk on screen, of a step split over devices
		g.page.setProgress("", -1)
		g.page.setStatus(g.app.StatusMsg(), false)
		g.page.showDump(d)
		u.showMs = now() - t0
		// Shown once evaluated: here, or when the step's workers answer.
		g.steps.whenIdle(g, func() { g.uploadShown(u) })
	})
}

// uploadShown records the figures of an upload now shown, for the load
// benchmark: time from choosing the files to the dump evaluated (it is
// drawn in this frame), its phases (reading the files, checking and
// decoding, evaluating), and how much the page's memory grew for it.
func (g *game) uploadShown(u *upload) {
	if u.gen != uploads {
		return // a newer upload replaced this one
	}
	body := g.page.body
	t := now()
	g.uploadTick()
	u.shown = true
	body.attr("data-upload-max-frame-ms", strconv.FormatFloat(u.maxFrame, 'f', 1, 64))
	body.attr("data-upload-ms", strconv.FormatFloat(t-u.start, 'f', 1, 64))
	body.attr("data-upload-read-ms", strconv.FormatFloat(u.read-u.start, 'f', 1, 64))
	body.attr("data-upload-check-ms", strconv.FormatFloat(u.parsed-u.read, 'f', 1, 64))
	body.attr("data-upload-eval-ms", strconv.FormatFloat(t-u.parsed, 'f', 1, 64))
	body.attr("data-upload-bytes", strconv.FormatFloat(u.total, 'f', 0, 64))
	body.attr("data-upload-show-ms", strconv.FormatFloat(u.showMs, 'f', 1, 64))
	body.attr("data-upload-in-worker", map[bool]string{true: "1", false: "0"}[u.inWorker])
	body.attr("data-upload-memory-growth", strconv.FormatFloat(wasmMemory()-u.memory, 'f', 0, 64))
	g.page.setUploadState(u.name, "ok")
}

// uploadFailed reports a bad upload; what was on screen stays. A string
// msg is the reader's own words (see setStatus).
func (g *game) uploadFailed(u *upload, msg any) {
	if s, ok := msg.(string); ok {
		msg = &i18n.Wrapped{Lead: i18n.M("status.refused"), Detail: s}
	}
	g.page.setProgress("", -1)
	g.page.setStatus(msg, true)
	g.page.setUploadState(u.name, "error")
}

// parseFiles reads the files as one dump (jsio.ReadDumps), under the
// upload's budget and inflater, pausing through p for the browser to draw;
// show, if set, shows the progress (bytes read of total) before a pause.
// inflate-worker.js starts reading an archive as the page reads its
// headers, and lets it go once read.
func parseFiles(u *upload, p *pauser, show func(done, total int64)) ([]*dump.Dump, []string, error) {
	if inflatesElsewhere() {
		for i, f := range u.arrays {
			if !dump.IsNPY(u.names[i]) {
				jsio.ReadElsewhere(f)
			}
		}
		defer jsio.ReleaseElsewhere()
	}
	// ?alloc=cleared: arrays cleared before decoding, as make does (one
	// long frame for the B=5 dump's logits), to compare.
	opt := dump.Options{MaxBytes: maxDumpBytes, Inflate: inflater(), Cleared: linkQuery().Get("alloc") == "cleared", Progress: func(done, total int64) {
		if p.due() && total > 0 {
			if show != nil {
				show(done, total)
			}
			p.pause()
		}
	}}
	ds, err := jsio.ReadDumps(u.names, u.arrays, opt)
	if err != nil || !dump.IsNPY(u.names[0]) {
		return ds, u.names, err
	}
	return ds, []string{i18n.F("status.npy-files", len(u.names))}, nil
}

// fileNames lists the names of a FileList or an array of Files.
func fileNames(files js.Value) []string {
	names := make([]string, files.Length())
	for i := range names {
		names[i] = files.Index(i).Get("name").String()
	}
	return names
}

// inWorkerAsked says the link asks for uploads read by a worker
// (?upload=worker), read once: uploadTick asks every frame. Measured on a
// quiet 2-core machine (README, Speed), a worker read the 54 MB dump in
// 5.15 s against 2.56 s on the page's thread (its longest frame 364 ms
// against 761), so the page reads uploads itself unless asked.
var inWorkerAsked = sync.OnceValue(func() bool { return linkQuery().Get("upload") == "worker" })

// inflater is the browser's inflater for uploads, on another thread
// (inflate-worker.js; ?inflate=page: on the page's, ?inflate=go: Go's
// compress/flate, to compare them). Measured A/B on the 2-core machine
// (README, Speed), the worker halved the longest frame and the page's
// thread no longer reads the whole file.
func inflater() dump.Inflater {
	switch q := linkQuery().Get("inflate"); {
	case inflatesElsewhere():
		return jsio.InflateElsewhere
	case q == "page" && jsio.Inflater() != nil:
		return jsio.Inflate
	}
	return nil
}

// inflatesElsewhere says inflater is inflate-worker.js's.
func inflatesElsewhere() bool {
	q := linkQuery().Get("inflate")
	return q != "go" && q != "page" && jsio.Inflater() != nil
}
