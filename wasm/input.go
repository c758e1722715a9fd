//go:build js && wasm

package main

import (
	"slices"
	"syscall/js"

	"github.com/cornerloss/cornerloss/viz/app"
)

// bindKeys routes the page's shortcuts to the app, except while the user
// types in a control or holds a modifier (the browser's own shortcuts).
func (p *page) bindKeys(g *game) {
	keys := []string{"Backspace"}
	for _, s := range app.Shortcuts() {
		keys = append(keys, s.Key)
	}
	listen(document, "keydown", func(ev js.Value) {
		if ev.Get("ctrlKey").Bool() || ev.Get("metaKey").Bool() || ev.Get("altKey").Bool() {
			return
		}
		switch ev.Get("target").Get("tagName").String() {
		case "INPUT", "SELECT", "TEXTAREA", "BUTTON":
			return
		}
		key := ev.Get("key").String()
		if !slices.Contains(keys, key) {
			return
		}
		ev.Call("preventDefault")
		p.q.push(func() {
			act, _, err := g.app.Key(key)
			if err != nil {
				p.setStatus(err, true)
			}
			switch act {
			case app.ActionExport:
				g.exportPNG()
			case app.ActionHelp:
				k := byID("keys")
				k.set("open", !k.get("open").Bool())
			}
		})
	})
	leave := func(js.Value) {
		g.hover = nil
		g.redraw = true
		p.showHover(nil, g.cursor)
	}
	// The pointer left the canvas: over the side panel, or out of the window.
	p.on(byID("side").v, "mouseenter", leave)
	p.on(document, "mouseleave", leave)
}

// bindDrop opens files dropped anywhere on the page.
func (p *page) bindDrop(g *game) {
	hint := byID("drop-hint")
	listen(document, "dragover", func(ev js.Value) {
		ev.Call("preventDefault")
		hint.hidden(false)
	})
	listen(document, "dragleave", func(ev js.Value) {
		if !ev.Get("relatedTarget").Truthy() {
			hint.hidden(true)
		}
	})
	listen(document, "drop", func(ev js.Value) {
		ev.Call("preventDefault")
		hint.hidden(true)
		dt := ev.Get("dataTransfer")
		if !dt.Truthy() {
			return
		}
		// Copied out now: the browser empties the DataTransfer after the event.
		files := js.Global().Get("Array").Call("from", dt.Get("files"))
		p.q.push(func() { g.readFiles(files) })
	})
}
