//go:build js && wasm

// Command worker is the page's worker: a Web Worker running the engine
// without Ebitengine (it never draws). It takes one job at a time
// (loss/timeline's Job: a dump as a File, a Blob, bytes, a URL to fetch, or
// a step of the sample run to make), reads and evaluates the dump and
// answers with its summary. One dump at a time bounds its memory by the
// largest dump. A worker of the step on screen instead holds its share of
// that step's planes (loss/steppool: messages with a "step" field) and
// answers each burst of changes with its planes' sums. web/worker.js
// starts it and keeps the messages that arrive before it runs.
package main

import (
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"
	"syscall/js"
	"time"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/dump"
	"github.com/cornerloss/cornerloss/loss/steppool"
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
	// Roomy: a callback must never block, and a step worker may be sent
	// an edit per frame while it evaluates.
	jobs := make(chan js.Value, 1<<12)
	self.Set("onmessage", js.FuncOf(func(_ js.Value, args []js.Value) any {
		data := args[0].Get("data")
		if data.Type() == js.TypeObject {
			data.Set("recv", jsio.Clock()) // a hop of the step's round trip
		}
		jobs <- data
		return nil
	}))
	if early := self.Get("cornerlossEarly"); early.Truthy() {
		for i := range early.Length() {
			jobs <- early.Index(i)
		}
		self.Set("cornerlossEarly", js.Undefined())
	}
	var part steppool.Part
	for msg := range jobs {
		if msg.Get("step").Truthy() {
			// Apply every change that waited, then evaluate once: a burst
			// of edits costs one evaluation.
			start, recv := time.Now(), msg.Get("recv")
			errMsg := applyStep(&part, msg)
			var next js.Value
		drain:
			for {
				select {
				case m := <-jobs:
					if !m.Get("step").Truthy() {
						next = m
						break drain
					}
					if e := applyStep(&part, m); e != "" {
						errMsg = e
					}
				default:
					break drain
				}
			}
			answerStep(self, &part, errMsg, start, recv)
			if next.IsUndefined() {
				continue
			}
			msg = next
		}
		if msg.Get("parse").Truthy() {
			parse(self, msg)
			continue
		}
		reply := run(msg)
		runtime.GC()
		reply.Mem = self.Get("cornerlossMemory").Get("buffer").Get("byteLength").Float()
		out := js.Global().Get("Object").New()
		out.Set("json", reply.Encode())
		self.Call("postMessage", out)
	}
}

// applyStep applies one message of the step on screen; it returns an
// error message, nothing escapes as a panic.
func applyStep(p *steppool.Part, msg js.Value) (errMsg string) {
	defer func() {
		if r := recover(); r != nil {
			errMsg = fmt.Sprint("internal error: ", r)
		}
	}()
	m, err := steppool.DecodeMsg(msg.Get("step").String())
	if err != nil {
		return err.Error()
	}
	var arrays [][]float32
	if data := msg.Get("data"); data.Truthy() {
		for i := range data.Length() {
			arrays = append(arrays, jsio.Float32s(data.Index(i)))
		}
	}
	if err := p.Apply(m, arrays); err != nil {
		return err.Error()
	}
	return ""
}

// answerStep evaluates what the part was told and sends its planes' sums.
func answerStep(self js.Value, p *steppool.Part, errMsg string, start time.Time, recv js.Value) {
	r := steppool.Reply{Gen: p.Gen(), Error: errMsg, Start: jsio.Clock()}
	if recv.Type() == js.TypeNumber {
		r.Recv = recv.Float()
	}
	var sums []loss.PlaneSums
	if errMsg == "" {
		func() {
			defer func() {
				if x := recover(); x != nil {
					r.Error = fmt.Sprint("internal error: ", x)
				}
			}()
			var err error
			if sums, err = p.Flush(nil); err != nil {
				r.Error = err.Error()
			}
		}()
	}
	r.End = jsio.Clock()
	r.First, _ = p.Planes()
	r.N = len(sums)
	r.Ms = float64(time.Since(start).Microseconds()) / 1000
	out := js.Global().Get("Object").New()
	out.Set("step", r.Encode())
	arr := jsio.Float64Array(steppool.SumsArray(sums))
	out.Set("sums", arr)
	self.Call("postMessage", out, []any{arr.Get("buffer")})
}

// runBuffers is the memory of the last job's arrays, which the next job's
// take (jobs run one at a time): a run's dumps share their shapes, so a
// worker allocates its arrays once, not once a dump.
var runBuffers dump.Buffers

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
		// Made here, in Go memory: compress/flate reads it (the browser's
		// inflater takes only the browser's bytes).
		reply.Step = timeline.ReadSample(job.Sample[0], job.Sample[1], job.Options, opt)
		return reply
	}
	if f := jsio.Inflater(); f != nil {
		opt.Inflate = f
	}
	arr, err := bytesOf(job, msg.Get("data"))
	if err != nil {
		reply.Step.Error = err.Error()
		reply.Retry = job.URL != ""
		return reply
	}
	r := jsio.NewBytes(arr)
	opt.Buffers = &runBuffers
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

// parse reads and checks the dump picked in the page (the files sent as
// msg.files, named msg.names) and sends it back: its Wire as JSON and its
// arrays transferred, or the reader's error. Progress goes to the page as
// {progress: fraction} at most every 100 ms. The page uses a worker once.
func parse(self js.Value, msg js.Value) {
	post := func(out map[string]any, transfer []any) {
		self.Call("postMessage", js.ValueOf(out), js.ValueOf(transfer))
	}
	fail := func(err string) { post(map[string]any{"error": err}, nil) }
	defer func() {
		if r := recover(); r != nil {
			fail(fmt.Sprint("internal error while reading: ", r))
		}
	}()
	files := msg.Get("files")
	names := make([]string, files.Length())
	arrays := make([]js.Value, len(names))
	for i := range names {
		names[i] = files.Index(i).Get("name").String()
		buf, err := jsio.Await(files.Index(i).Call("arrayBuffer"))
		if err != nil {
			post(map[string]any{"unreadable": names[i]}, nil)
			return
		}
		arrays[i] = js.Global().Get("Uint8Array").New(buf)
	}
	post(map[string]any{"read": true}, nil)
	last := time.Now()
	opt := dump.Options{MaxBytes: maxDumpBytes, Inflate: jsio.Inflater(), Progress: func(done, total int64) {
		if time.Since(last) > 100*time.Millisecond && total > 0 {
			post(map[string]any{"progress": float64(done) / float64(total)}, nil)
			last = time.Now()
		}
	}}
	if msg.Get("inflate").String() == "go" {
		opt.Inflate = nil
	}
	ds, err := jsio.ReadDumps(names, arrays, opt)
	if err != nil {
		fail(err.Error())
		return
	}
	wires := make([]any, len(ds))
	var data, transfer []any
	out := map[string]any{}
	// A single dump is evaluated here too, under the page's options: the
	// page starts its evaluator from these rows' sums (App.SeedRows)
	// instead of reading every pixel again in one frame.
	var lo loss.Options
	if o := msg.Get("options"); o.Type() == js.TypeString && len(ds) == 1 && json.Unmarshal([]byte(o.String()), &lo) == nil {
		if ev, err := loss.NewEvaluator(ds[0].Input, lo); err == nil {
			if rows := ev.RowState(); rows != nil {
				a := jsio.Float64Array(rows)
				out["rows"], out["options"] = a, o
				transfer = append(transfer, a.Get("buffer"))
			}
		}
	}
	for i, d := range ds {
		b, err := json.Marshal(d.Split())
		if err != nil {
			fail(err.Error())
			return
		}
		wires[i] = string(b)
		for _, a := range jsio.DumpArrays(d) {
			data = append(data, a)
			transfer = append(transfer, a.Get("buffer"))
		}
	}
	out["dumps"], out["data"] = wires, data
	post(out, transfer)
}
