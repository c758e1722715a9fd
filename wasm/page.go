//go:build js && wasm

package main

import (
	"fmt"
	"image"
	"math"
	"strconv"
	"strings"
	"syscall/js"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/dump"
	"github.com/cornerloss/cornerloss/viz/app"
	"github.com/cornerloss/cornerloss/viz/i18n"
)

// page is the DOM side: the control panel built from app.Controls, the
// numbers, the status line and the hover box.
type page struct {
	q        *queue
	body     el
	status   el
	progress el
	summary  el
	hover    el
	controls []*controlEl          // in app.Controls' order
	control  map[string]*controlEl // by ID
	lastURL  string
	said     any        // the status line's message, said again when the language changes
	dump     *dump.Dump // the dump whose summary shows, said again too
	shown    int        // app version the DOM shows

	// What the DOM holds, so that a refresh writes only what changed:
	// every syscall/js call costs, most at start-up.
	totals   [5]el
	texts    map[string]string // by element key: the last HTML or text set
	shareBar []el
	spark    el
	tour     tourEls // the guided walk (tour.go)

	// framed: the first frame is drawn. The formulas of the explanations
	// (closed at first, and the costliest DOM of all) wait for it.
	framed bool
}

func newPage(q *queue) *page {
	p := &page{
		q:        q,
		body:     el{document.Get("body")},
		status:   byID("status"),
		progress: byID("progress"),
		summary:  byID("dump-summary"),
		hover:    byID("hover"),
		shown:    -1,
		texts:    map[string]string{},
		shareBar: queryAll("#share-bar span"),
		spark:    query("#sparkline polyline"),
	}
	for i, id := range totalIDs {
		p.totals[i] = byID(id)
	}
	return p
}

// on listens to an event and queues f for the next Update.
func (p *page) on(target js.Value, typ string, f func(ev js.Value)) {
	listen(target, typ, func(ev js.Value) { p.q.push(func() { f(ev) }) })
}

// bind builds the controls and wires every event to the game.
func (p *page) bind(g *game) {
	p.buildControls(g)
	p.bindControls(g)
	p.bindPage(g)
}

// bindPage wires the page's own inputs and buttons, keys, drops and
// language picker to the game.
func (p *page) bindPage(g *game) {
	input := byID("dump-input")
	listen(input.v, "change", func(js.Value) {
		// Copied out of the FileList first: clearing the input empties it.
		files := js.Global().Get("Array").Call("from", input.get("files"))
		// Cleared, the input fires change again when the same file is
		// picked again (re-dumped on disk, say). The File objects stay
		// readable.
		input.set("value", "")
		p.q.push(func() { g.readFiles(files) })
	})
	p.on(byID("use-scene").v, "click", func(js.Value) {
		if err := g.app.UseScene(nil); err != nil {
			p.setStatus(err, true)
			return
		}
		p.showSummary("")
		p.setStatus(g.app.StatusMsg(), false)
	})
	p.on(byID("export-png").v, "click", func(js.Value) { g.exportPNG() })
	// The run's keys ([, ], b) go to the page after these controls: a
	// focused button or input would keep them. The element itself, not the
	// event's target: a click lands on the label's span inside the button.
	p.on(byID("run-input").v, "change", func(ev js.Value) {
		byID("run-input").v.Call("blur")
		g.pickRun(ev.Get("target").Get("files"))
	})
	p.on(byID("sample-run").v, "click", func(ev js.Value) {
		byID("sample-run").v.Call("blur")
		g.sampleRun()
	})
	p.bindTour(g)
	p.bindKeys(g)
	p.bindDrop(g)
	p.bindChunks(g)
	p.bindLang(g)
	p.bindPresent(g)
	p.keyList()
}

// keycaps are the keys whose KeyboardEvent name is not what their cap
// shows.
var keycaps = map[string]string{"ArrowRight": "→", "ArrowLeft": "←", "ArrowDown": "↓", "ArrowUp": "↑", "Escape": "Esc", "Delete": "Del"}

// keyList fills the key help in the page's language.
func (p *page) keyList() {
	var b strings.Builder
	for _, s := range app.Shortcuts() {
		cap := s.Key
		if c, ok := keycaps[cap]; ok {
			cap = c
		}
		b.WriteString("<tr><td>" + escape(cap) + "</td><td>" + escape(i18n.T(s.Help)) + "</td></tr>")
	}
	byID("key-list").html(b.String())
}

// setText sets an element's text, or with isHTML its HTML, when it changed
// since the last call with that key.
func (p *page) setText(key string, e el, s string, isHTML bool) {
	if old, ok := p.texts[key]; ok && old == s {
		return
	}
	p.texts[key] = s
	if isHTML {
		e.html(s)
	} else {
		e.text(s)
	}
}

// totalIDs are the elements of the totals, in the order of refresh.
var totalIDs = [5]string{"loss-total", "loss-focal", "loss-pull", "loss-push", "loss-regr"}

// refresh shows the app's numbers and control values, once per version.
func (p *page) refresh(a *app.App) {
	if a.Version() == p.shown {
		return
	}
	p.shown = a.Version()
	active := activeID()
	for _, ce := range p.controls {
		p.setControl(ce, a, active)
	}
	t := a.Totals()
	for i, v := range [5]float64{t.Loss, t.Focal, t.Pull, t.Push, t.Regr} {
		full := strconv.FormatFloat(v, 'g', -1, 64)
		if old, ok := p.texts[totalIDs[i]]; !ok || old != full {
			p.texts[totalIDs[i]] = full
			p.totals[i].attr("data-value", full)
			p.totals[i].text(strconv.FormatFloat(v, 'g', 7, 64))
		}
	}
	for i, bar := range p.shareBar {
		if i < len(t.Shares) {
			w := fmt.Sprintf("%.3f%%", 100*t.Shares[i])
			if old := p.texts["share"+strconv.Itoa(i)]; old != w {
				p.texts["share"+strconv.Itoa(i)] = w
				bar.style("width", w)
			}
		}
	}
	p.sparkline(a.History())
	p.images(t)
	p.chunkTable(a, t)
	if p.framed {
		p.terms(a)
	}
	p.refreshTour(a)
}

// syncURL keeps the page's link on what is shown: the scene's, or a server
// run's open and compared steps. Not needed for the first frame, it waits
// until after it (building the scene's link encodes and compresses it).
func (p *page) syncURL(a *app.App) {
	u := a.TourFragment(a.URLState())
	if a.Run != nil {
		u = a.RunURLState()
	}
	if u != p.lastURL {
		p.lastURL = u
		loc := js.Global().Get("location")
		target := loc.Get("pathname").String() + loc.Get("search").String()
		if u != "" {
			target += "#" + u
		}
		js.Global().Get("history").Call("replaceState", nil, "", target)
	}
}

// sparkline draws the recent totals.
func (p *page) sparkline(h []float64) {
	if len(h) < 2 {
		if p.texts["spark"] != "" {
			p.spark.attr("points", "")
			p.texts["spark"] = ""
		}
		return
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range h {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	span := hi - lo
	if span == 0 {
		span = 1
	}
	var b strings.Builder
	for i, v := range h {
		fmt.Fprintf(&b, "%.1f,%.1f ", 320*float64(i)/float64(len(h)-1), 40-36*(v-lo)/span)
	}
	if pts := b.String(); p.texts["spark"] != pts {
		p.spark.attr("points", pts)
		p.texts["spark"] = pts
	}
}

// images fills the per-image table and the quirk list.
func (p *page) images(t app.Totals) {
	var b strings.Builder
	fmt.Fprintf(&b, "<tr><th>%s</th><th>N</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>",
		escape(i18n.T("term.image")), escape(i18n.T("term.loss")), escape(i18n.T("term.pull")), escape(i18n.T("term.push")), escape(i18n.T("term.offset")), escape(i18n.T("term.flags")))
	for _, r := range t.Images {
		cls := ""
		if r.Viewed {
			cls = ` class="viewed"`
		}
		fmt.Fprintf(&b, `<tr%s><td>%d</td><td>%d</td><td>%.4g</td><td>%.4g</td><td>%.4g</td><td>%.4g</td><td class="flags">%s</td></tr>`,
			cls, r.Image, r.Objects, r.Loss, r.Pull, r.Push, r.Regr, escape(flagNames(r.Flags)))
	}
	p.setText("images", byID("images"), b.String(), true)
	b.Reset()
	for _, q := range t.Quirks {
		fmt.Fprintf(&b, `<li data-quirk="%s">%s</li>`, escape(q.Name), escape(app.QuirkText(q)))
	}
	p.setText("quirks", byID("quirks"), b.String(), true)
}

// terms writes each term's formula and live values.
func (p *page) terms(a *app.App) {
	var b strings.Builder
	for _, term := range a.Terms() {
		fmt.Fprintf(&b, `<div class="term" id="term-%s"><b>%s</b><div class="formula">%s</div><div class="live">%s</div></div>`,
			escape(term.ID), escape(term.Name), app.MathML(term.Formula), escape(term.Live))
	}
	p.setText("terms", byID("terms"), b.String(), true)
}

// flagNames names the quirk flags of an image row in the page's language.
func flagNames(flags []string) string {
	var names []string
	for _, f := range flags {
		if k := "flag." + f; i18n.Has(k) {
			f = i18n.T(k)
		}
		names = append(names, f)
	}
	return strings.Join(names, " ")
}

// setStatus shows a message in #status: a string as it is, an i18n.Msg or
// an i18n error in the page's language (said again when it changes), and
// any other error as a technical detail after a lead in the page's
// language (the reader's English words, which name the array and the
// problem, in an element marked lang="en"). Errors also go to the console
// as warnings (not errors: a bad upload is the user's, not the page's).
func (p *page) setStatus(msg any, isErr bool) {
	if err, ok := msg.(error); ok {
		msg = i18n.Said("status.failed", err)
	}
	p.said = msg
	text := p.showStatus()
	if isErr {
		consoleWarn("cornerloss: " + text)
	}
}

// showStatus shows the status line's message in the page's language and
// returns its text.
func (p *page) showStatus() string {
	if w, ok := p.said.(*i18n.Wrapped); ok {
		p.status.html(escape(w.Lead.String()) + `<span class="detail" lang="en">` + escape(w.Detail) + `</span>`)
		return w.String()
	}
	text := fmt.Sprint(p.said)
	p.status.text(text)
	return text
}

// setUploadState records the outcome of an upload on the body, for people
// (the status colour) and for automated checks.
func (p *page) setUploadState(name, state string) {
	p.body.attr("data-dump", name)
	p.body.attr("data-state", state)
}

// firstFrame records when the first frame was drawn (ms after the
// navigation started).
func (p *page) firstFrame() {
	p.body.attr("data-first-frame-ms", strconv.FormatFloat(now(), 'f', 1, 64))
}

// setReady fills what waited for the first frame and marks the page
// complete (data-ready, which checks wait for).
func (p *page) setReady(a *app.App) {
	p.framed = true
	p.terms(a)
	// Whether the engine's rows run as SIMD here (loss/bgrows_js.go).
	p.body.attr("data-simd", map[bool]string{true: "1", false: "0"}[loss.SIMDRows()])
	p.body.attr("data-ready", "1")
}

// mark records a start-up phase on the body, as data-t-NAME-ms: when it
// ended, in ms after the navigation started (see setReady).
func mark(name string) {
	document.Get("body").Call("setAttribute", "data-t-"+name+"-ms", strconv.FormatFloat(now(), 'f', 1, 64))
}

// now is performance.now(): milliseconds since the navigation started.
func now() float64 { return js.Global().Get("performance").Call("now").Float() }

// wasmMemory returns the size of the page's WebAssembly memory, which only
// grows: its size is its peak.
func wasmMemory() float64 {
	m := js.Global().Get("cornerlossMemory")
	if !m.Truthy() {
		return 0
	}
	return m.Get("buffer").Get("byteLength").Float()
}

// showHover places the value box near the pointer, or hides it.
func (p *page) showHover(h *app.Hover, at image.Point) {
	if h == nil {
		p.hover.hidden(true)
		return
	}
	p.hover.hidden(false)
	p.hover.text(h.String())
	off := canvasOffset()
	x, y := float64(off.X+at.X+16), float64(off.Y+at.Y+16)
	// Keep the box inside the window: left of the pointer or above it
	// when it would overflow (a timeline step's box is wide and tall).
	win := js.Global()
	bw, bh := p.hover.get("offsetWidth").Float(), p.hover.get("offsetHeight").Float()
	if x+bw > win.Get("innerWidth").Float()-8 {
		x = math.Max(8, x-bw-32)
	}
	if y+bh > win.Get("innerHeight").Float()-8 {
		y = math.Max(8, y-bh-32)
	}
	p.hover.style("left", fmt.Sprintf("%.0fpx", x))
	p.hover.style("top", fmt.Sprintf("%.0fpx", y))
}

// setProgress shows the progress bar at frac (0..1) with a message; a
// negative frac hides it.
func (p *page) setProgress(msg string, frac float64) {
	if frac < 0 {
		p.progress.hidden(true)
		return
	}
	if frac > 0 && frac < 1 {
		p.body.attr("data-progress-seen", "1")
	}
	p.progress.hidden(false)
	p.progress.set("value", frac)
	p.status.text(msg)
	p.said = msg
}

// showDump shows the dump's shapes and dtypes in the page's language, and
// the reader's warnings in its words.
func (p *page) showDump(d *dump.Dump) {
	p.dump = d
	text, warnings := app.DumpSummary(d)
	html := escape(text)
	for _, w := range warnings {
		html += escape(i18n.T("dump.warning")) + `<span lang="en">` + escape(w) + "</span>\n"
	}
	p.summary.html(html)
	p.summary.hidden(false)
}

// showSummary shows the dump's shapes and dtypes ("" hides it).
func (p *page) showSummary(s string) {
	p.dump = nil
	p.summary.text(s)
	p.summary.hidden(s == "")
}

// canvasOffset returns where ebiten's canvas starts on the page.
func canvasOffset() image.Point {
	c := query("canvas")
	if !c.ok() {
		return image.Point{}
	}
	r := c.v.Call("getBoundingClientRect")
	return image.Pt(int(r.Get("left").Float()), int(r.Get("top").Float()))
}

// htmlEscaper escapes text for innerHTML.
var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

// escape escapes text for innerHTML.
func escape(s string) string {
	return htmlEscaper.Replace(s)
}

// refreshRun shows the comparison of two steps (A, B and the change) and
// the run's link state.
func (p *page) refreshRun(a *app.App) {
	cmp := byID("compare")
	base, open, ok := a.Comparison()
	cmp.hidden(!ok)
	if ok {
		var b strings.Builder
		fmt.Fprintf(&b, "<tr><th></th><th>%s</th><th>%s</th><th>B − A</th></tr>", escape(i18n.F("cmp.a", base.Step)), escape(i18n.F("cmp.b", open.Step)))
		for _, r := range []struct {
			id   string
			a, b float64
		}{{"loss", base.Loss, open.Loss}, {"focal", base.Focal, open.Focal}, {"pull", base.Pull, open.Pull}, {"push", base.Push, open.Push}, {"offset", base.Regr, open.Regr}} {
			fmt.Fprintf(&b, `<tr id="cmp-%s" data-a="%s" data-b="%s"><th>%s</th><td>%.5g</td><td>%.5g</td><td>%+.4g</td></tr>`,
				r.id, strconv.FormatFloat(r.a, 'g', -1, 64), strconv.FormatFloat(r.b, 'g', -1, 64), escape(i18n.T("term."+r.id)), r.a, r.b, r.b-r.a)
		}
		cmp.html(b.String())
	}
	if a.Run != nil {
		p.body.attr("data-run-open", func() string { s, _ := a.Run.Open(); return s.File }())
	}
}
