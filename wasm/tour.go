//go:build js && wasm

package main

import (
	"fmt"
	"image/color"
	"strconv"
	"strings"
	"syscall/js"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"

	"github.com/cornerloss/cornerloss/viz"
	"github.com/cornerloss/cornerloss/viz/app"
	"github.com/cornerloss/cornerloss/viz/i18n"
)

// The guided walk on the page: #tour holds one <li data-step="N"> per step
// (the current one aria-current="step", with data-done once its action is
// done), #tour-body the step's words, formula and live values. The steps
// themselves are app.TourSteps; this only shows them and routes the
// buttons.

// tourEls are the walk's elements.
type tourEls struct {
	start, box, count, title, text, formula, live, action, done el
	items                                                       []el
	groups                                                      map[app.Group]el
	shown                                                       string // step and language the body holds
}

// bindTour builds the step list and wires the walk's buttons.
func (p *page) bindTour(g *game) {
	t := &p.tour
	t.start, t.box = byID("tour-start"), byID("tour-box")
	t.count, t.title, t.text = byID("tour-count"), byID("tour-title"), byID("tour-text")
	t.formula, t.live, t.action, t.done = byID("tour-formula"), byID("tour-live"), byID("tour-action"), byID("tour-done")
	list := byID("tour")
	for i := range app.TourSteps() {
		n := i + 1
		li := create("li")
		li.attr("data-step", strconv.Itoa(n))
		b := create("button")
		b.attr("type", "button")
		b.text(strconv.Itoa(n))
		li.appendChild(b)
		list.appendChild(li)
		t.items = append(t.items, li)
		p.tourButton(b.v, func() error { return g.app.StartTour(n) })
	}
	p.tourGroups()
	p.tourButton(t.start.v, func() error { return g.app.StartTour(max(g.app.Tour(), 1)) })
	p.tourButton(byID("tour-prev").v, func() error { return g.app.StartTour(g.app.Tour() - 1) })
	p.tourButton(byID("tour-next").v, func() error { return g.app.StartTour(g.app.Tour() + 1) })
	p.tourButton(byID("tour-leave").v, func() error { g.app.LeaveTour(); return nil })
	p.on(js.Global(), "hashchange", func(js.Value) { g.followHash() })
}

// followHash follows an edit of the link's fragment in an open page: a
// link to "#tour=N" clicked (after leaving the walk, too) or the number
// typed over. A fragment with a scene other than the one on screen shows
// that scene at step N, as a fresh link does; otherwise the walk goes to
// step N as its button does (the step's preset), or leaves the walk when
// the fragment names no step. syncURL's replaceState fires no hashchange,
// so only a person's edit lands here; a run's link is the run's own.
func (g *game) followHash() {
	if g.app.Run != nil || g.bench != nil {
		return
	}
	frag := strings.TrimPrefix(js.Global().Get("location").Get("hash").String(), "#")
	if frag == g.page.lastURL {
		return
	}
	state, step := app.SplitTourFragment(frag)
	shown, _ := app.SplitTourFragment(g.page.lastURL)
	switch {
	case state != "" && state != shown:
		if err := g.app.RestoreURLState(state); err != nil {
			g.page.setStatus(&i18n.Wrapped{Lead: i18n.M("status.bad-link"), Detail: err.Error()}, true)
			return
		}
		g.app.LeaveTour()
		g.app.ResumeTour(step)
	case step == 0:
		g.app.LeaveTour()
	case step != g.app.Tour():
		if err := g.app.StartTour(step); err != nil {
			g.page.setStatus(err.Error(), true)
		}
	}
}

// tourGroups finds the control groups the walk dims: again whenever the
// controls are rebuilt (a language switch).
func (p *page) tourGroups() {
	p.tour.groups = map[app.Group]el{}
	for _, fs := range queryAll("form#controls fieldset[data-group]") {
		p.tour.groups[app.Group(fs.get("dataset").Get("group").String())] = fs
	}
}

// tourButton runs f on a click. The button lets the focus go, so that the
// page's keys (Tab, Delete) reach the page again.
func (p *page) tourButton(v js.Value, f func() error) {
	p.on(v, "click", func(js.Value) {
		v.Call("blur")
		if err := f(); err != nil {
			p.setStatus(err.Error(), true)
		}
	})
}

// refreshTour shows the walk's step, or hides the walk.
func (p *page) refreshTour(a *app.App) {
	t := &p.tour
	n := a.Tour()
	st, on := a.TourStep()
	t.box.hidden(!on)
	t.start.hidden(on)
	if on {
		p.body.attr("data-tour", strconv.Itoa(n))
	} else {
		p.body.removeAttr("data-tour")
	}
	for g, fs := range t.groups {
		if a.GroupInTour(g) {
			fs.v.Get("classList").Call("remove", "tour-dim")
		} else {
			fs.v.Get("classList").Call("add", "tour-dim")
		}
	}
	done := on && a.TourDone()
	for i, li := range t.items {
		if i+1 == n {
			li.attr("aria-current", "step")
		} else {
			li.removeAttr("aria-current")
		}
		if i+1 == n && done {
			li.attr("data-done", "")
		} else {
			li.removeAttr("data-done")
		}
		if on {
			li.attr("title", i18n.T("tour."+app.TourSteps()[i].ID+".title"))
		}
	}
	if !on {
		return
	}
	k := "tour." + st.ID + "."
	if key := fmt.Sprint(n, i18n.Current()); key != t.shown {
		t.shown = key
		t.count.text(fmt.Sprintf(i18n.T("tour.count"), n, len(app.TourSteps())))
		t.title.text(i18n.T(k + "title"))
		t.text.text(i18n.T(k + "text"))
		t.action.html("<b>" + escape(i18n.T("tour.try")) + "</b> " + escape(i18n.T(k+"action")))
		t.done.html("<b>" + escape(i18n.T("tour.did")) + "</b> " + escape(i18n.T(k+"done")))
	}
	p.setText("tour-formula", t.formula, app.MathML(a.TourFormula()), true)
	p.setText("tour-live", t.live, i18n.T("tour.now")+" "+a.TourLive(), false)
	t.done.hidden(!done)
	if done {
		t.done.attr("data-done", "")
	} else {
		t.done.removeAttr("data-done")
	}
}

// tourColor outlines the panels the walk's step talks about.
var tourColor = color.RGBA{0x1f, 0x5f, 0xa8, 0xff}

// tourDim dims a panel the walk's step does not talk about: drawn at a
// third of its opacity over the page's background. Outside the walk it
// changes nothing.
func tourDim(a *app.App, p viz.Panel, op *ebiten.DrawImageOptions) {
	if a.Tour() != 0 && !a.Highlighted(p) {
		op.ColorScale.ScaleAlpha(0.3)
	}
}

// tourOutline outlines the panels the walk's step talks about, over
// everything else drawn.
func (g *game) tourOutline(screen *ebiten.Image) {
	if g.app.Tour() == 0 {
		return
	}
	for i, pi := range g.panels {
		if r := pi.rect; pi.img != nil && !r.Empty() && g.app.Highlighted(viz.Panel(i)) {
			vector.StrokeRect(screen, float32(r.Min.X)+1.5, float32(r.Min.Y)+1.5, float32(r.Dx())-3, float32(r.Dy())-3, 3, tourColor, false)
		}
	}
}
