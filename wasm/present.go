//go:build js && wasm

package main

import (
	"syscall/js"
)

// bindPresent wires the presentation-mode button, and turns the mode on
// when the link says ?present=1: larger text, the side panel with the
// numbers and explanations only, and on the canvas the panels of the
// current step (app.SetPanels; the default set otherwise).
func (p *page) bindPresent(g *game) {
	loc := js.Global().Get("location")
	// index.html starts out of presentation mode: only a link asking for it
	// changes anything (setPresenting's resize event makes the browser lay
	// the page out, some 15 ms of a first visit's start-up otherwise).
	if linkQuery().Get("present") == "1" {
		g.setPresenting(true)
	}
	p.on(byID("present").v, "click", func(js.Value) {
		byID("present").v.Call("blur") // the page's keys go to the page
		g.setPresenting(!g.app.Presenting())
		q := linkQuery()
		if g.app.Presenting() {
			q.Set("present", "1")
		} else {
			q.Del("present")
		}
		search := ""
		if len(q) > 0 {
			search = "?" + q.Encode()
		}
		js.Global().Get("history").Call("replaceState", nil, "", loc.Get("pathname").String()+search+loc.Get("hash").String())
	})
}

// setPresenting turns presentation mode on or off: the page's styles
// (body.present) and the app's layout.
func (g *game) setPresenting(on bool) {
	g.app.SetPresenting(on)
	cls := g.page.body.v.Get("classList")
	if on {
		cls.Call("add", "present")
	} else {
		cls.Call("remove", "present")
	}
	byID("present").attr("aria-pressed", map[bool]string{true: "true", false: "false"}[on])
	g.redraw = true
	// The body's margin changed, not the window: Ebitengine sizes its
	// canvas from the body only on a window resize, so it is told of one.
	js.Global().Call("dispatchEvent", js.Global().Get("Event").New("resize"))
}
