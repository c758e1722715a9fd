//go:build js && wasm

package main

import (
	"fmt"
	"slices"
	"strconv"
	"syscall/js"
	"time"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/steppool"
	"github.com/cornerloss/cornerloss/wasm/jsio"
)

// stepPool is the Web Workers that evaluate the step on screen (issue 13):
// each holds a share of its planes (loss/steppool); the app sends them
// every change through app.Pool and shows their assembled sums when all
// have answered the latest one. They are their own workers, not the run's:
// a run's dump must never hold up an edit. Started after the first frame
// (start-up stays as it was), when the link asks for two or more
// (?step-workers=N), or one with the page taking a share of the planes
// itself (?step-page, see local); the app evaluates on its own until every
// worker has answered a first ping, and again for good if one fails.
type stepPool struct {
	g       *game
	workers []js.Value
	col     *steppool.Collector
	pinged  int
	state   string        // "", "starting", "on", "off"
	pending bool          // shown on <body data-step-pending>
	idle    func()        // to run once nothing waits for the workers
	wake    chan struct{} // a worker's message is queued (see wait)
	ms      []float64     // each worker's own time for its last answer, then the page's share's
	slowest float64       // the slowest part's own time for the last complete answer
	// local is the page's own share of the planes, the fraction share of
	// them (?step-page), evaluated on the page's thread once a frame
	// beside the workers' (see flushLocal); nil when the workers hold
	// every plane.
	local *steppool.Part
	share float64
	// sent is when the last message was posted, on jsio.Clock.
	sent float64
	// hops of the last complete answer, ms, along the answer that came
	// last: page → worker (the message queued behind the worker's work
	// included), applying, evaluating, worker → page, waiting on the page
	// for the queued answer to run, and the page's assembly of the result
	// (maps included).
	hops [6]float64
}

// frame starts the pool after the first frame (start-up stays as it was)
// and shows on <body data-step-pending> whether a change waits for it.
func (p *stepPool) frame(g *game) {
	if g.ready {
		p.start(g)
	}
	if pending := g.app.Pending(); pending != p.pending {
		p.pending = pending
		g.page.body.attr("data-step-pending", map[bool]string{true: "1", false: "0"}[pending])
	}
	p.flushLocal()
	if f := p.idle; f != nil && !g.app.Pending() {
		p.idle = nil
		f()
	}
}

// whenIdle runs f once the step on screen is evaluated: now, or in the
// frame the workers' answer arrives (replacing an f still waiting).
func (p *stepPool) whenIdle(g *game, f func()) {
	if !g.app.Pending() {
		p.idle = nil
		f()
		return
	}
	p.idle = f
}

// start spawns the workers once. Only when the link asks for them
// (?step-workers=N, N ≥ 2, or N ≥ 1 with ?step-page; ?workers=N sizes the
// run's pool, which a measurement of runs must not share its cores with):
// on this 2-core machine the edits are faster on the page alone, and the
// pooled set-ups gain at most about 1.4 ms on a full recompute, often
// nothing measurable (README, Speed), so the page keeps the step to
// itself by default.
func (p *stepPool) start(g *game) {
	if p.state != "" {
		return
	}
	n := 1
	if asked := askedStepWorkers(); asked > 0 {
		n = min(asked, maxWorkers)
	}
	p.share = askedPageShare(n)
	if n < 2 && p.share == 0 {
		p.state = "off"
		g.page.body.attr("data-step-workers", "0")
		return
	}
	parts := n // the workers, and the page's own share last
	if p.share > 0 {
		parts++
	}
	p.g, p.state, p.col, p.ms = g, "starting", steppool.NewCollector(nil), make([]float64, parts)
	p.wake = make(chan struct{}, 1)
	for i := range n {
		w := newWorker()
		p.workers = append(p.workers, w)
		listen(w, "message", func(ev js.Value) {
			data := ev.Get("data")
			if data.Get("stopped").Truthy() {
				g.queue.push(func() { p.fail("a worker of the step stopped") })
				p.woke()
				return
			}
			s := data.Get("step").String()
			sums := jsio.Float64s(data.Get("sums"))
			got := jsio.Clock()
			g.queue.push(func() { p.answer(i, s, sums, got) })
			p.woke()
		})
		listen(w, "error", func(ev js.Value) {
			ev.Call("preventDefault")
			g.queue.push(func() { p.fail("a worker of the step failed") })
			p.woke()
		})
		p.post(w, steppool.Msg{Kind: steppool.Ping}, nil)
	}
}

// woke tells a wait that a message is queued; it never blocks (a JS
// callback must not).
func (p *stepPool) woke() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// wait blocks until the app no longer waits for the workers, running the
// queued work as messages arrive: the bench's way to time a round trip
// with no frame drawn meanwhile. Update runs on a goroutine of its own, so
// the browser delivers the messages while it blocks. Past timeout the pool
// fails (the step goes back to the page) rather than freeze the page.
func (p *stepPool) wait(g *game, timeout time.Duration) {
	limit := time.After(timeout)
	p.flushLocal()
	for g.app.Pending() && p.state == "on" {
		select {
		case <-p.wake:
			for _, f := range g.queue.take() {
				g.run(f)
			}
		case <-limit:
			p.fail("a worker of the step did not answer in " + timeout.String())
			return
		}
	}
}

// answer takes worker i's answer.
func (p *stepPool) answer(i int, s string, sums []float64, got float64) {
	if p.state == "off" {
		return
	}
	r, err := steppool.DecodeReply(s)
	if err != nil {
		p.fail(err.Error())
		return
	}
	if p.state == "starting" {
		if p.pinged++; p.pinged == len(p.workers) {
			p.state = "on"
			p.g.page.body.attr("data-step-workers", strconv.Itoa(len(p.workers)))
			if err := p.g.app.AttachPool(p); err != nil {
				p.fail(err.Error())
			}
		}
		return
	}
	ps, err := steppool.ArraySums(sums)
	if err == nil && len(ps) != r.N {
		err = fmt.Errorf("worker %d sent %d plane sums, said %d", i, len(ps), r.N)
	}
	if err != nil {
		p.fail(err.Error())
		return
	}
	p.ms[i] = r.Ms
	p.add(i, r, ps, got)
}

// add takes part i's sums (a worker's, or the page's own share's, the
// last), got when the page had them, and shows the result once every part
// has answered the latest change.
func (p *stepPool) add(i int, r steppool.Reply, ps []loss.PlaneSums, got float64) {
	all, done, err := p.col.Add(i, r, ps)
	if err != nil {
		p.fail(err.Error())
		return
	}
	if done {
		// The hops of the answer that completed the set (worker i's): the
		// round trip's critical path, each the page's clock or the worker's.
		// When the page's own share came last, only its time and the
		// assembly.
		p.slowest = slices.Max(p.ms)
		applied := jsio.Clock()
		p.hops = [6]float64{r.Recv - p.sent, r.Start - r.Recv, r.End - r.Start, got - r.End, applied - got}
		if p.local != nil && i == len(p.workers) {
			p.hops = [6]float64{2: r.Ms}
		}
		if err := p.g.app.PoolDone(r.Gen, all); err != nil {
			p.fail(err.Error())
		}
		p.hops[5] = jsio.Clock() - applied
	}
}

// flushLocal evaluates the page's own share after the changes sent since
// its last evaluation: once a frame (a burst of edits costs one), after
// the workers have their messages and the page its viewed maps.
func (p *stepPool) flushLocal() {
	if p.local == nil || !p.local.Due() || p.state != "on" {
		return
	}
	if err := p.addLocal(jsio.Clock()); err != nil {
		p.fail(err.Error())
	}
}

// addLocal evaluates what the page's own share has not yet (a new share
// has evaluated everything already) and adds its sums as the last part's
// answer, timed from t0.
func (p *stepPool) addLocal(t0 float64) error {
	sums, err := p.local.Flush(nil)
	if err != nil {
		return err
	}
	got := jsio.Clock()
	first, _ := p.local.Planes()
	i := len(p.workers)
	p.ms[i] = got - t0
	p.add(i, steppool.Reply{Gen: p.local.Gen(), First: first, N: len(sums), Ms: p.ms[i]}, sums, got)
	return nil
}

// fail stops the pool for good: the app evaluates on its own again.
func (p *stepPool) fail(msg string) {
	if p.state == "off" {
		return
	}
	consoleWarn("cornerloss: " + msg + "; evaluating on the page")
	p.state = "off"
	for _, w := range p.workers {
		w.Call("terminate")
	}
	p.workers, p.local = nil, nil
	p.g.page.body.attr("data-step-workers", "0")
	if err := p.g.app.PoolFailed(); err != nil {
		p.g.page.setStatus(err.Error(), true)
	}
}

// post sends m to worker w with the given arrays, their buffers
// transferred (each array is the worker's own copy).
func (p *stepPool) post(w js.Value, m steppool.Msg, arrays []js.Value) {
	msg := js.Global().Get("Object").New()
	msg.Set("step", m.Encode())
	p.sent = jsio.Clock()
	var transfer []any
	if len(arrays) > 0 {
		list := make([]any, len(arrays))
		for i, a := range arrays {
			list[i] = a
			transfer = append(transfer, a.Get("buffer"))
		}
		msg.Set("data", js.ValueOf(list))
	}
	w.Call("postMessage", msg, js.ValueOf(transfer))
}

// app.Pool

func (p *stepPool) Next() int { return p.col.Next() }

func (p *stepPool) Load(gen int, in *loss.Input, opt loss.Options) {
	n := loss.PlaneCount(in.Shape)
	shares := steppool.Split(n, len(p.workers))
	if p.share > 0 {
		shares = steppool.SplitLocal(n, len(p.workers), p.share)
	}
	p.col.SetParts(shares)
	for i, w := range p.workers {
		m, heat, targets := steppool.LoadMsg(gen, in, opt, shares[i][0], shares[i][1])
		p.post(w, m, []js.Value{planesArray(in.Heat, heat, in.Pixels()), planesArray(in.GTHeat, targets, in.Pixels())})
	}
	if p.share > 0 {
		own := shares[len(p.workers)]
		t0 := jsio.Clock()
		local, err := steppool.NewLocalPart(gen, in, opt, own[0], own[1])
		if err != nil {
			p.failLater(err)
			return
		}
		p.local = local
		if err := p.addLocal(t0); err != nil {
			p.failLater(err)
		}
	}
}

// toLocal gives the page's own share a change sent to the workers.
func (p *stepPool) toLocal(m steppool.Msg) {
	if p.local == nil {
		return
	}
	if err := p.local.Apply(m, nil); err != nil {
		p.failLater(err)
	}
}

// failLater fails the pool in the next frame, not inside the app's call
// that sent the change, and drops the page's share meanwhile: the app
// keeps waiting until then, and then evaluates on its own.
func (p *stepPool) failLater(err error) {
	p.local = nil
	p.g.queue.push(func() { p.fail(err.Error()) })
}

// planesArray copies planes of arrays into one new Uint8Array, plane by
// plane: the page's memory holds no packed copy of the step.
func planesArray(arrays [2][]float32, planes []steppool.Plane, n int) js.Value {
	u := js.Global().Get("Uint8Array").New(4 * n * len(planes))
	for i, pl := range planes {
		jsio.CopyFloat32sTo(u.Call("subarray", 4*n*i, 4*n*(i+1)), pl.Values(arrays, n))
	}
	return u
}

func (p *stepPool) Rows(gen int, in *loss.Input, regions []steppool.Region) {
	m, data := steppool.RowsMsg(gen, in, regions)
	for _, w := range p.workers {
		p.post(w, m, []js.Value{jsio.Float32Array(data)})
	}
	p.toLocal(m)
}

func (p *stepPool) SetOptions(gen int, opt loss.Options) {
	m := steppool.Msg{Gen: gen, Kind: steppool.Options, Options: opt}
	for _, w := range p.workers {
		p.post(w, m, nil)
	}
	p.toLocal(m)
}

func (p *stepPool) All(gen int) {
	m := steppool.Msg{Gen: gen, Kind: steppool.All}
	for _, w := range p.workers {
		p.post(w, m, nil)
	}
	p.toLocal(m)
}
