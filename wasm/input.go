//go:build js && wasm

package main

import (
	"image"
	"slices"
	"syscall/js"

	"github.com/hajimehoshi/ebiten/v2"

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

// touchState follows the finger on the canvas, so that a finger does what
// the mouse does: a touch presses, moving it drags, lifting it releases.
// A tap shows what hovering shows: the pixel's values stay after the finger
// lifts, until the next tap or the mouse moves.
type touchState struct {
	ids      []ebiten.TouchID
	touching bool        // the last input was a finger
	at       image.Point // where it was last (canvas coordinates)
	mouse    image.Point // the mouse cursor when the finger came down
}

// read returns the pointer on the canvas and whether it is pressed, from the
// first finger on the canvas, else the mouse. Ebitengine reports both in
// page coordinates (it expects its canvas to fill the page), so the canvas's
// offset beside the side panel is taken off.
func (t *touchState) read(offset image.Point) (image.Point, bool) {
	mx, my := ebiten.CursorPosition()
	mouse := image.Pt(mx, my)
	t.ids = ebiten.AppendTouchIDs(t.ids[:0])
	if len(t.ids) > 0 {
		x, y := ebiten.TouchPosition(t.ids[0])
		if !t.touching {
			t.mouse = mouse
		}
		t.touching, t.at = true, image.Pt(x, y).Sub(offset)
		return t.at, true
	}
	if t.touching && mouse == t.mouse {
		return t.at, false // lifted: released where it was
	}
	t.touching = false
	return mouse.Sub(offset), ebiten.IsMouseButtonPressed(ebiten.MouseButtonLeft)
}
