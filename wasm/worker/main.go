//go:build js && wasm

// Command worker is the page's summarising worker: a Web Worker running
// the engine without Ebitengine (it never draws). It takes one job at a
// time (loss/timeline's Job: a dump as a File, a Blob, bytes, a URL to
// fetch, or a step of the sample run to make), reads and evaluates the dump
// and answers with its summary. One dump at a time bounds its memory by the
// largest dump. web/worker.js starts it and keeps the messages that arrive
// before it runs.
package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"syscall/js"
	"time"

	"github.com/cornerloss/cornerloss/loss/dump"
	"github.com/cornerloss/cornerloss/loss/timeline"
	"github.com/cornerloss/cornerloss/wasm/jsio"
)

// maxDumpBytes caps the decoded arrays of one dump, as the page does.
const maxDumpBytes = 3 << 29

func main() {
	// A worker's WebAssembly memory only grows, and the pool's memory is
	// workers × its peak: collect often (a dump's arrays are one large
	// live set, then garbage), and after each job, so the next reuses the
	// space instead of growing past it.
	debug.SetGCPercent(20)
	self := js.Global()
	jobs := make(chan js.Value, 64)
	self.Set("onmessage", js.FuncOf(func(_ js.Value, args []js.Value) any {
		jobs <- args[0].Get("data")
		return nil
	}))
	if early := self.Get("cornerlossEarly"); early.Truthy() {
		for i := range early.Length() {
			jobs <- early.Index(i)
		}
		self.Set("cornerlossEarly", js.Undefined())
	}
	for msg := range jobs {
		reply := run(msg)
		runtime.GC()
		reply.Mem = self.Get("cornerlossMemory").Get("buffer").Get("byteLength").Float()
		out := js.Global().Get("Object").New()
		out.Set("json", reply.Encode())
		self.Call("postMessage", out)
	}
}

// run does one job; nothing it meets escapes as a panic.
func run(msg js.Value) (reply timeline.Reply) {
	start := time.Now()
	defer func() {
		if p := recover(); p != nil {
			reply.Step.Error = fmt.Sprint("internal error: ", p)
		}
		reply.Ms = float64(time.Since(start).Microseconds()) / 1000
	}()
	job, err := timeline.DecodeJob(msg.Get("json").String())
	reply.ID = job.ID
	reply.Step = timeline.Step{File: job.Name, Step: -1}
	if err != nil {
		reply.Step.Error = err.Error()
		return reply
	}
	opt := dump.Options{MaxBytes: maxDumpBytes}
	if job.Sample != nil {
		reply.Step = timeline.ReadSample(job.Sample[0], job.Sample[1], job.Options, opt)
		return reply
	}
	arr, err := bytesOf(job, msg.Get("data"))
	if err != nil {
		reply.Step.Error = err.Error()
		reply.Retry = job.URL != ""
		return reply
	}
	r := jsio.NewBytes(arr)
	reply.Step = timeline.Read(job.Name, r, r.N, job.Options, opt)
	return reply
}

// bytesOf returns the job's dump as a Uint8Array: fetched from its URL, or
// read from the File or Blob sent, or as sent.
func bytesOf(job timeline.Job, data js.Value) (js.Value, error) {
	if job.URL != "" {
		resp, err := jsio.Await(js.Global().Call("fetch", job.URL, map[string]any{"cache": "no-store"}))
		if err != nil {
			return js.Value{}, fmt.Errorf("%s: fetch: %v", job.Name, err)
		}
		if !resp.Get("ok").Bool() {
			return js.Value{}, fmt.Errorf("%s: the server answered %d", job.Name, resp.Get("status").Int())
		}
		data = resp
	}
	if data.InstanceOf(js.Global().Get("Uint8Array")) {
		return data, nil
	}
	if !data.Truthy() || data.Get("arrayBuffer").Type() != js.TypeFunction {
		return js.Value{}, fmt.Errorf("%s: no data sent", job.Name)
	}
	buf, err := jsio.Await(data.Call("arrayBuffer"))
	if err != nil {
		return js.Value{}, fmt.Errorf("%s: the browser could not read the file: %v", job.Name, err)
	}
	return js.Global().Get("Uint8Array").New(buf), nil
}
