//go:build js && wasm

// Command minimal is the yardstick for the page's start-up: the smallest
// Ebitengine page (one Fill in Draw), built with the same toolchain and
// flags as the page. BenchmarkPageLoad loads it and the page alternately
// and compares their first frames (data-first-frame-ms, as the page).
package main

import (
	"image/color"
	"strconv"
	"syscall/js"

	"github.com/hajimehoshi/ebiten/v2"
)

type game struct{ drawn bool }

func (g *game) Update() error { return nil }

func (g *game) Draw(screen *ebiten.Image) {
	screen.Fill(color.RGBA{0xf3, 0xf3, 0xf1, 0xff})
	if !g.drawn {
		g.drawn = true
		now := js.Global().Get("performance").Call("now").Float()
		body := js.Global().Get("document").Get("body")
		body.Call("setAttribute", "data-first-frame-ms", strconv.FormatFloat(now, 'f', 1, 64))
		body.Call("setAttribute", "data-ready", "1")
	}
}

func (g *game) Layout(w, h int) (int, int) { return w, h }

// mark sets the page's phase marks, as the page does: data-t-NAME-ms.
func mark(name string) {
	js.Global().Get("document").Get("body").Call("setAttribute", "data-t-"+name+"-ms",
		strconv.FormatFloat(js.Global().Get("performance").Call("now").Float(), 'f', 1, 64))
}

func main() {
	mark("main")
	// Nothing to build: the page's scene and DOM marks are here, just
	// before Ebitengine starts, so that each phase compares.
	mark("scene")
	mark("dom")
	if err := ebiten.RunGame(&game{}); err != nil {
		panic(err)
	}
}
