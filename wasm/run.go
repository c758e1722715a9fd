//go:build js && wasm

package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"syscall/js"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/dump"
	"github.com/cornerloss/cornerloss/loss/run"
	"github.com/cornerloss/cornerloss/loss/scene"
	"github.com/cornerloss/cornerloss/loss/timeline"
	"github.com/cornerloss/cornerloss/viz/app"
	"github.com/cornerloss/cornerloss/viz/i18n"
	"github.com/cornerloss/cornerloss/wasm/jsio"
)

// drawShare bounds the share of a run's load the timeline's paints take:
// one paint at most every drawShare times what one costs (at 200 steps a
// paint is 17-19 ms of CPU under Node: about every 0.2 s). At 20 the
// timeline lagged twice as far behind a load; in three alternating pairs
// of 200-dump runs on this 2-core machine two workers took 57.1-59.4 s
// against 58.7-63.5 at 10, one worker 96-101 s against 101-108 (README,
// Speed): what a person watching the run sees decides.
const drawShare = 10

// maxWorkers caps the pool: more workers than cores only share them, and
// each may hold a dump.
const maxWorkers = 8

// pool is the page's Web Workers (wasm/worker), started on the first run.
// Jobs wait in a queue and go to the first idle worker; a reply frees it.
// The step on screen could be split across the same workers later (planes
// in, sums back): jobs are addressed by ID, not tied to runs.
type pool struct {
	g       *game
	workers []*worker
	queue   []job
	mem     []float64 // each worker's WebAssembly memory, its peak
}

type worker struct {
	w    js.Value
	jobs []job // sent and not answered yet, in the order sent
}

// ahead is how many jobs a worker may hold: one being read and the next,
// so that it starts the next as soon as it answers, without waiting for
// the page to take the answer (a frame, longer while the page is busy)
// and send another. A job waiting in a worker is a name and a File, not
// the dump: the worker reads one dump at a time.
const ahead = 2

// job is one dump to summarise, for the run of generation gen.
type job struct {
	gen  int
	msg  timeline.Job
	data js.Value // File, Blob or Uint8Array; undefined when msg says where
}

// poolSize is ?workers=N when given, else the browser's core count, capped.
func poolSize() int {
	if n := askedWorkers(); n > 0 {
		return min(n, maxWorkers)
	}
	n := js.Global().Get("navigator").Get("hardwareConcurrency").Int()
	return min(max(n, 1), maxWorkers)
}

func (p *pool) start() {
	if p.workers != nil {
		return
	}
	n := poolSize()
	p.mem = make([]float64, n)
	p.workers = make([]*worker, n)
	for i := range n {
		p.spawn(i)
	}
	p.body().attr("data-run-workers", strconv.Itoa(n))
	// Whether they run the page's compiled worker.wasm (newWorker).
	p.body().attr("data-run-module", map[bool]string{true: "page", false: "own"}[js.Global().Get("cornerlossWorkerModule").Truthy()])
}

// askedWorkers returns the link's ?workers=N, 0 when it has none.
func askedWorkers() int { return askedCount("workers") }

// askedStepWorkers returns the step workers the link asks for
// (?step-workers=N), or 0.
func askedStepWorkers() int { return askedCount("step-workers") }

// askedPageShare is the fraction of the step's planes the page evaluates
// itself beside its n step workers: ?step-page=on (pageShare beside one
// worker; beside more, 2·pageShare/(n+1), as much as each less what the
// maps cost), or ?step-page=F (0 < F < 1); 0 without.
func askedPageShare(n int) float64 {
	q := linkQuery().Get("step-page")
	if q == "on" {
		return 2 * pageShare / float64(n+1)
	}
	if f, err := strconv.ParseFloat(q, 64); err == nil && f > 0 && f < 1 {
		return f
	}
	return 0
}

// pageShare is the page's share of the planes beside one step worker
// (?step-page=on): a little under half, since the page's thread also
// computes the viewed maps while the worker evaluates, and the worker's
// answer pays two hops. On this 2-core machine, at 45 % the worker's side
// ended 0.9 ms after the page's, at 50 % the page's about 1 ms after the
// worker's (the worker's answer waiting 1.5 ms for the page's thread
// instead of 0.5) (medians of five loads each, README, Speed).
const pageShare = 0.45

// askedCount returns the link's parameter key as a count ≥ 1, or 0.
func askedCount(key string) int {
	if n, err := strconv.Atoi(linkQuery().Get(key)); err == nil && n >= 1 {
		return n
	}
	return 0
}

// spawn starts worker i. A worker that stops (its Go runtime ended, out of
// memory, or its script failed) fails its job, naming the file, and is
// replaced: the run goes on.
func (p *pool) spawn(i int) {
	wk := &worker{w: newWorker()}
	p.workers[i] = wk
	died := func(msg string) {
		p.g.queue.push(func() {
			if p.workers[i] != wk {
				return // already replaced
			}
			consoleWarn("cornerloss: " + msg)
			wk.w.Call("terminate")
			p.spawn(i)
			if len(wk.jobs) > 0 {
				// The first was being read; the others go back to the
				// queue's front.
				j := wk.jobs[0]
				p.queue = append(slices.Clone(wk.jobs[1:]), p.queue...)
				p.g.runReply(j, timeline.Reply{ID: j.msg.ID, Step: timeline.Step{File: j.msg.Name, Step: -1, Error: msg + " while reading it"}})
			}
			p.dispatch()
		})
	}
	listen(wk.w, "message", func(ev js.Value) {
		data := ev.Get("data")
		if data.Get("stopped").Truthy() {
			msg := "a worker stopped"
			if e := data.Get("error"); e.Truthy() {
				msg += ": " + e.String()
			}
			died(msg)
			return
		}
		s := data.Get("json").String()
		p.g.queue.push(func() { p.reply(i, s) })
	})
	listen(wk.w, "error", func(ev js.Value) {
		ev.Call("preventDefault")
		msg := "a worker failed"
		if m := ev.Get("message"); m.Truthy() {
			msg += ": " + m.String()
		}
		died(msg)
	})
}

func (p *pool) body() el { return p.g.page.body }

// add queues jobs and starts what it can.
func (p *pool) add(jobs ...job) {
	p.start()
	p.queue = append(p.queue, jobs...)
	p.dispatch()
}

// drop forgets the queued jobs of older runs.
func (p *pool) drop(gen int) {
	q := p.queue[:0]
	for _, j := range p.queue {
		if j.gen == gen {
			q = append(q, j)
		}
	}
	p.queue = q
}

// dispatch gives each idle worker a job, then each a job ahead while the
// queue holds at least one for every worker: near the end of a run a job
// waits for the first worker free rather than behind another.
func (p *pool) dispatch() {
	for held := 1; held <= ahead; held++ {
		for _, wk := range p.workers {
			if len(p.queue) == 0 || (held > 1 && len(p.queue) < len(p.workers)) {
				break
			}
			if len(wk.jobs) >= held {
				continue
			}
			j := p.queue[0]
			p.queue = p.queue[1:]
			wk.jobs = append(wk.jobs, j)
			j.post(wk.w)
		}
	}
}

// post sends j to worker w, as wasm/worker reads a job: its JSON, and the
// dump when the job does not say where to fetch it.
func (j job) post(w js.Value) {
	msg := js.Global().Get("Object").New()
	msg.Set("json", j.msg.Encode())
	if !j.data.IsUndefined() {
		msg.Set("data", j.data)
	}
	w.Call("postMessage", msg)
}

// reply takes worker i's answer to its job.
func (p *pool) reply(i int, s string) {
	wk := p.workers[i]
	if len(wk.jobs) == 0 {
		consoleWarn(fmt.Sprintf("cornerloss: worker %d answered with no job sent", i))
		return
	}
	j := wk.jobs[0]
	wk.jobs = wk.jobs[1:]
	r, err := timeline.DecodeReply(s)
	if err == nil && r.ID != j.msg.ID {
		err = fmt.Errorf("worker %d answered job %d, sent %d", i, r.ID, j.msg.ID)
	}
	if err != nil {
		r = timeline.Reply{ID: j.msg.ID, Step: timeline.Step{Error: err.Error(), Step: -1}}
	}
	p.mem[i] = max(p.mem[i], r.Mem)
	p.dispatch()
	p.g.runReply(j, r)
}

// workersMemory is the sum of the workers' peaks.
func (p *pool) workersMemory() float64 {
	var s float64
	for _, m := range p.mem {
		s += m
	}
	return s
}

// runLoad is the run being loaded or shown, and its figures.
type runLoad struct {
	gen      int
	files    []js.Value // local runs: the File of each ID
	base     string     // server runs: the URL the dumps are under
	start    float64    // now() when the files were chosen
	maxFrame float64    // the longest interval between two frames while loading, ms
	maxWork  float64    // the longest the page's own work took in one frame while loading, ms
	lastTick float64
	peak     float64 // page + workers memory, bytes
	workerMs float64 // the workers' own time for the dumps, summed: against the run's time, how much two workers overlap
	done     bool
	listing  map[string]listed         // server runs: each file as it was when last sent to a worker
	inflight map[string]bool           // server files sent to a worker, not answered yet
	errs     map[string]*timeline.Step // server files whose read failed, until they settle
	// drawMs is the longest frame that drew the canvas while loading: in
	// headless Chromium the compositor reads a WebGL canvas back each
	// frame it changes, waiting for the software GL, whose process then
	// takes a core from the workers; so the timeline is painted on a
	// canvas of its own (timelineCanvas). drew says the frame now ending
	// drew.
	drawMs float64
	drew   bool
	steps  timeline.StepsJSON // #run[data-summary], step by step
	// pagePeak is the page's own memory at its peak, bytes: peak less
	// the workers', to tell which side grows over a long run.
	pagePeak float64
	// held are the run's jobs until the canvas has settled (startJobs);
	// draws is the canvas's draws when they went out.
	held       []job
	draws      int
	startFrame int // g.frames when the run started
}

// settleFrames is how many frames Ebitengine goes on presenting the canvas
// after it last drew (its maxSkipCount is 4), and one more.
const settleFrames = 5

// startFrames is how many frames a run's jobs wait at least: the pointer's
// events that came with the click that started it (leaving the canvas for
// a button, say) are taken, and drawn, by then.
const startFrames = 2

// startJobs hands the run's jobs to the workers (starting them) once the
// canvas has nothing to draw and has stopped presenting what it drew last:
// each frame that presents a WebGL canvas costs headless Chromium a
// readback of it (see runLoad.drawMs), slow while the workers start up on
// every core. A run's start draws nothing (the timeline lies over the
// panels until a step opens: app.TimelineOver), so on a canvas that drew
// more than settleFrames frames ago the jobs go out at once. The canvas is
// then left alone until the run is summarised.
func (g *game) startJobs() {
	l := g.load
	if l == nil || l.held == nil {
		return
	}
	if g.rendered != g.app.Version() || g.drawn != g.rendered || g.redraw || g.frames-g.drewAt < settleFrames || g.frames-l.startFrame < startFrames {
		return
	}
	jobs := l.held
	l.held = nil
	g.pool.add(jobs...)
	l.draws = g.draws
}

// listed is one entry of a server's listing: a file whose size or time
// still change is being written.
type listed struct {
	Name  string  `json:"name"`
	Size  int64   `json:"size"`
	MTime float64 `json:"mtime"`
}

var runGen int

// startRun makes a run of the given names and queues their jobs.
func (g *game) startRun(src app.RunSource, names []string, data []js.Value, sample int) {
	runGen++
	g.pool.drop(runGen)
	g.load = &runLoad{gen: runGen, files: data, start: now(), lastTick: now(), startFrame: g.frames, listing: map[string]listed{}, inflight: map[string]bool{}, errs: map[string]*timeline.Step{}}
	g.app.StartRun(src, names)
	g.page.body.attr("data-run-state", "loading")
	g.page.body.attr("data-run-steps", "0")
	g.page.body.removeAttr("data-run-ms")
	// Read in step order (the files of a folder come in none): the
	// timeline fills from the left, a split step's chunks come together.
	var jobs []job
	for _, id := range run.ReadOrder(names) {
		name := names[id]
		j := job{gen: runGen, msg: timeline.Job{ID: id, Name: name, Options: g.app.Options}, data: js.Undefined()}
		switch {
		case sample > 0:
			j.msg.Sample = &[2]int{id, sample}
		case data != nil:
			j.data = data[id]
		}
		jobs = append(jobs, j)
	}
	g.page.setStatus(i18n.M("run.summarising", len(names), poolSize()), false)
	g.load.held = jobs
	g.runProgress()
}

// warmed says warmRun ran.
var warmed bool

// warmRun decodes and encodes an empty summary, once per page, in a frame
// of its own while a run's workers start up: the browser compiles the
// page's WebAssembly lazily, function by function, at first use, so the
// first reply's frame would otherwise also compile encoding/json's code
// for a summary (tens of ms, more while the workers take both cores).
func warmRun() {
	if warmed {
		return
	}
	warmed = true
	r, err := timeline.DecodeReply(timeline.Reply{Step: timeline.Step{Summary: &loss.Summary{}}}.Encode())
	if err == nil {
		_, _ = json.Marshal([]timeline.Step{r.Step})
	}
}

// runReply records a summary in the app and the page.
func (g *game) runReply(j job, r timeline.Reply) {
	l := g.load
	if l == nil || j.gen != l.gen || g.app.Run == nil {
		return
	}
	delete(l.inflight, j.msg.Name)
	l.workerMs += r.Ms
	if l.base != "" && r.Step.Error != "" {
		// A file still being written reads as broken: the listings say
		// whether it is still changing (see listing).
		l.errs[j.msg.Name] = &r.Step
		g.runProgress()
		return
	}
	g.app.RunSummary(r.ID, r.Step)
	g.runProgress()
}

// runProgress shows how far the run is, and its figures when it is done.
func (g *game) runProgress() {
	l, r := g.load, g.app.Run
	if l == nil || r == nil {
		return
	}
	body := g.page.body
	body.attr("data-run-steps", strconv.Itoa(r.StepsDone()))
	page := wasmMemory()
	l.peak, l.pagePeak = max(l.peak, page+g.pool.workersMemory()), max(l.pagePeak, page)
	body.attr("data-run-peak-mb", strconv.FormatFloat(l.peak/1e6, 'f', 1, 64))
	body.attr("data-run-page-peak-mb", strconv.FormatFloat(l.pagePeak/1e6, 'f', 1, 64))
	if !r.Loaded() || len(l.inflight) > 0 || len(l.errs) > 0 {
		body.attr("data-run-state", "loading")
		l.done = false
		// The text counts steps (a split step's files make one); the bar
		// moves with each file, so it moves on a chunked step too.
		g.page.setProgress(i18n.F("run.progress", r.StepsDone(), r.StepsTotal()), float64(r.Done())/float64(max(r.Len(), 1)))
		// #run[data-summary] waits for the state "ok": at 200 steps a
		// write (its 600 kB of JSON and the attribute) made the page's
		// longest updates while the run loaded, 25-40 ms.
		return
	}
	g.writeSummary()
	if !l.done {
		l.done = true
		body.attr("data-run-ms", strconv.FormatFloat(now()-l.start, 'f', 1, 64))
		body.attr("data-run-max-frame-ms", strconv.FormatFloat(l.maxFrame, 'f', 1, 64))
		body.attr("data-run-max-work-ms", strconv.FormatFloat(l.maxWork, 'f', 1, 64))
		body.attr("data-run-worker-ms", strconv.FormatFloat(l.workerMs, 'f', 1, 64))
		body.attr("data-run-draw-ms", strconv.FormatFloat(l.drawMs, 'f', 1, 64))
		// The canvas's draws while the workers summarised: 0 unless
		// something on it changed (a hover, a resize).
		body.attr("data-run-draws", strconv.Itoa(g.draws-l.draws))
		g.page.setProgress("", -1)
		steps := r.Steps()
		msg := i18n.M("run.done", len(steps))
		if bad := len(steps) - readable(steps); bad > 0 {
			msg = i18n.M("run.done-unread", len(steps), bad)
		}
		switch r.Source {
		case app.RunLocal:
			msg = i18n.M("status.local-run", msg)
		case app.RunServer:
			msg = i18n.M("run.following", msg)
		}
		g.page.setStatus(msg, false)
	}
	body.attr("data-run-state", "ok")
}

func readable(steps []timeline.Step) int {
	n := 0
	for _, s := range steps {
		if s.OK() {
			n++
		}
	}
	return n
}

// writeSummary puts the summaries and the markers on #run, for checks.
func (g *game) writeSummary() {
	byID("run").attr("data-summary", g.load.steps.Encode(g.app.Run.Steps()))
	type mark struct {
		Kind string `json:"kind"`
		Step int64  `json:"step"`
		Text string `json:"text"`
	}
	var marks []mark
	for _, m := range g.app.Run.Markers() {
		marks = append(marks, mark{string(m.Kind), g.app.Run.Steps()[m.Index].Step, m.Text})
	}
	b, _ := json.Marshal(marks)
	byID("run").attr("data-markers", string(b))
}

// tick follows the frame times while a run loads (the interval between
// frames: what a person sees; Update's own time is added by workDone), and
// opens the step the app asks for.
func (g *game) tick() {
	l := g.load
	if l != nil {
		t := now()
		if !l.done {
			l.maxFrame = max(l.maxFrame, t-l.lastTick)
			if l.drew {
				l.drawMs = max(l.drawMs, t-l.lastTick)
			}
		}
		l.drew = false
		l.lastTick = t
	}
	if id, name, ok := g.app.Run.Want(); ok {
		g.openRunStep(id, name)
	}
	if id, name, ok := g.app.NeedBase(); ok {
		g.readBase(id, name)
	}
}

// workDone records how long this frame's Update took (from start, ms).
func (g *game) workDone(start float64) {
	if l := g.load; l != nil && !l.done {
		l.maxWork = max(l.maxWork, now()-start)
	}
}

// readBase reads step A of a comparison a link asked for, off the event
// loop, and hands it to the app.
func (g *game) readBase(id int, name string) {
	l := g.load
	src := js.Undefined()
	switch {
	case g.app.Run.Source == app.RunSample:
		rs, err := scene.SampleRunStep(id, g.app.Run.Len())
		if err != nil {
			g.page.setStatus(err, true)
			return
		}
		src = js.Global().Get("Uint8Array").New(len(rs.Data))
		js.CopyBytesToJS(src, rs.Data)
	case l != nil && l.base == "" && id < len(l.files):
		src = l.files[id]
	}
	go func() {
		d, err := readStep(src, l, name)
		g.queue.push(func() {
			if err != nil {
				g.page.setStatus(&i18n.Wrapped{Lead: i18n.M("run.step-a"), Detail: err.Error()}, true)
				return
			}
			g.app.SetBaseDump(name, d)
		})
	}()
}

// readStep reads a dump from a Uint8Array, a File, or the run's server.
func readStep(src js.Value, l *runLoad, name string) (*dump.Dump, error) {
	var err error
	if src.IsUndefined() && l != nil && l.base != "" {
		if src, err = fetchBlob(l.base + url.PathEscape(name)); err != nil {
			return nil, err
		}
	}
	if !src.InstanceOf(js.Global().Get("Uint8Array")) {
		buf, err := jsio.Await(src.Call("arrayBuffer"))
		if err != nil {
			return nil, err
		}
		src = js.Global().Get("Uint8Array").New(buf)
	}
	r := jsio.NewBytes(src)
	return dump.ReadNPZAt(name, r, r.N, dump.Options{MaxBytes: maxDumpBytes})
}

// openRunStep reads a step of the run again and shows it.
func (g *game) openRunStep(id int, name string) {
	l := g.load
	switch {
	case g.app.Run.Source == app.RunSample:
		n := g.app.Run.Len()
		rs, err := scene.SampleRunStep(id, n)
		if err == nil {
			var d *dump.Dump
			if d, err = dump.ReadNPZ(rs.Name, rs.Data, dump.Options{}); err == nil {
				err = g.app.ShowRunStep(rs.Name, d)
			}
		}
		if err != nil {
			g.page.setStatus(err, true)
			return
		}
		g.page.setUploadState(name, "ok")
		g.page.setStatus(g.app.StatusMsg(), false)
	case l != nil && l.base != "":
		_, names := g.app.Run.Files(name) // a step's chunks, or the file
		g.fetchStep(l.base, names)
	case l != nil && id < len(l.files):
		ids, _ := g.app.Run.Files(name)
		arr := js.Global().Get("Array").New()
		for _, i := range ids {
			arr.Call("push", l.files[i])
		}
		g.readRunFiles(arr)
	}
}

// readRunFiles reads a run's step through the upload path, to show it.
func (g *game) readRunFiles(files js.Value) { g.readFilesFor(files, true) }

// fetchStep fetches a server's dumps of one step (one file, or its
// chunks') as Files and opens them.
func (g *game) fetchStep(base string, names []string) {
	go func() {
		arr := js.Global().Get("Array").New()
		for _, name := range names {
			blob, err := fetchBlob(base + url.PathEscape(name))
			if err != nil {
				g.queue.push(func() {
					g.page.setStatus(&i18n.Wrapped{Lead: i18n.M("status.refused"), Detail: name + ": " + err.Error()}, true)
				})
				return
			}
			arr.Call("push", js.Global().Get("File").New([]any{blob}, name))
		}
		g.queue.push(func() { g.readRunFiles(arr) })
	}()
}

// pickRun starts a run of the picked or dropped files: every .npz, .pt or
// .pth, the files a step is dumped as (a run folder may hold other files
// too).
func (g *game) pickRun(files js.Value) {
	var names []string
	var data []js.Value
	for i := range files.Length() {
		f := files.Index(i)
		name := f.Get("name").String()
		if ext := strings.ToLower(path.Ext(name)); ext != ".npz" && ext != ".pt" && ext != ".pth" {
			continue
		}
		names = append(names, name)
		data = append(data, f)
	}
	if len(names) == 0 {
		g.page.setStatus(i18n.M("run.no-npz"), true)
		return
	}
	g.startRun(app.RunLocal, names, data, 0)
}

// sampleRun starts the sample run: its steps are made by the workers.
func (g *game) sampleRun() {
	names := make([]string, scene.RunSteps)
	for i := range names {
		names[i] = fmt.Sprintf("step_%06d.npz", (i+1)*scene.RunStepEvery)
	}
	g.startRun(app.RunSample, names, nil, scene.RunSteps)
}

// isRun reports whether the files dropped or picked together are a run:
// several, and not .npy arrays of one dump.
func isRun(files js.Value) bool {
	n := files.Length()
	if n < 2 {
		return false
	}
	for i := range n {
		if dump.IsNPY(files.Index(i).Get("name").String()) {
			return false
		}
	}
	return true
}
