//go:build js && wasm

package main

import (
	"bytes"
	"fmt"
	"runtime"
	"strconv"
	"syscall/js"

	"github.com/cornerloss/cornerloss/loss/dump"
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

// warmAfterFrames is how long the page waits after its first frame before
// warming: its start-up's own optimising compiles are mostly done by then.
const warmAfterFrames = 60

// warmState is the warm-up's progress: not started, running, done.
type warmState int

const (
	warmIdle warmState = iota
	warmRunning
	warmDone
)

var (
	warm       warmState
	warmFrames int
)

// warmTick starts the upload's warm-up once the page has settled with
// nothing else going on; ?warm=off leaves it out (to compare) and marks
// the page as if done. The bench mode does not warm: its figures are the
// engine's.
func (g *game) warmTick() {
	if warm != warmIdle || !g.ready {
		return
	}
	if warmFrames++; warmFrames < warmAfterFrames {
		return
	}
	if g.bench != nil || g.app.Run != nil || inFlight != nil {
		return
	}
	warm = warmRunning
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
	// The start-up's garbage first, for the warm-up to reuse; its own
	// after, for the upload to.
	runtime.GC()
	before := wasmMemory()
	defer func() {
		if r := recover(); r != nil {
			status = fmt.Sprint(r)
		}
		runtime.GC()
		growth := wasmMemory() - before
		g.queue.push(func() {
			g.page.body.attr("data-upload-warm-growth", strconv.FormatFloat(growth, 'f', 0, 64))
			g.warmed(status)
		})
	}()
	a := app.New()
	var buf bytes.Buffer
	if err := dump.WriteNPZ(&buf, dump.Arrays(a.Input())); err != nil {
		panic(err)
	}
	b := js.Global().Get("Uint8Array").New(buf.Len())
	js.CopyBytesToJS(b, buf.Bytes())
	const name = "warm.npz"
	file := js.Global().Get("File").New([]any{b}, name)
	u := &upload{arrays: []js.Value{file}, names: []string{name}}
	jsio.ReadElsewhere(file)
	p := pauser{}
	opt := dump.Options{MaxBytes: maxDumpBytes, Inflate: inflater(), Progress: func(done, total int64) {
		if p.due() {
			p.pause()
		}
	}}
	ds, names, err := parseFiles(u, opt)
	if err != nil {
		panic(err)
	}
	a.SeedRows(ds[0].Input, a.Options, rowsBySlices(ds[0].Input, a.Options, &p))
	p.pause()
	if err := a.ShowChunks(names, ds); err != nil {
		panic(err)
	}
}

// warmed records the warm-up's end on the body: tests and benchmarks that
// time an upload wait for it, as a person picking a file would.
func (g *game) warmed(status string) {
	warm = warmDone
	g.page.body.attr("data-upload-warm", status)
}
