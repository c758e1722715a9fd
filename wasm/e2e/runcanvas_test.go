//go:build !js

package e2e

import (
	"image"
	"math"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestRunLeavesCanvasAlone: while a run is summarised the WebGL canvas is
// not drawn (in headless Chromium each drawn frame costs a readback of it,
// a long frame and a core taken from the workers); the timeline is painted
// on its own 2D canvas, laid exactly over the strip the app gives it, and
// shows the run (many colours there in a screenshot of the page). That
// canvas is made by the first run, not by the page's start-up.
func TestRunLeavesCanvasAlone(t *testing.T) {
	b := newBrowser(t)
	b.do(chromedp.EmulateViewport(1280, 800))
	b.open("?workers=2")
	if eval[bool](b, `document.getElementById("timeline") !== null`) {
		t.Errorf("the timeline's canvas exists before any run")
	}
	b.sampleRun()
	if n := eval[string](b, `document.body.dataset.runDraws`); n != "0" {
		t.Errorf("the canvas drew %s times while the run was summarised, want 0", n)
	}
	if n := eval[string](b, `document.getElementById("timeline").dataset.paints || "0"`); n == "0" {
		t.Errorf("the timeline canvas was never painted")
	}
	_, strip := pageApp(b)
	type box struct{ Left, Top, Width, Height float64 }
	got := eval[box](b, `(() => { const r = document.getElementById("timeline").getBoundingClientRect(), c = document.querySelector("canvas").getBoundingClientRect(); return {Left: r.left - c.left, Top: r.top - c.top, Width: r.width, Height: r.height} })()`)
	want := box{float64(strip.Min.X), float64(strip.Min.Y), float64(strip.Dx()), float64(strip.Dy())}
	if math.Abs(got.Left-want.Left) > 0.5 || math.Abs(got.Top-want.Top) > 0.5 || math.Abs(got.Width-want.Width) > 0.5 || math.Abs(got.Height-want.Height) > 0.5 {
		t.Errorf("the timeline canvas is at %+v on the canvas, its strip at %+v", got, want)
	}
	if pe := eval[string](b, `getComputedStyle(document.getElementById("timeline")).pointerEvents`); pe != "none" {
		t.Errorf("the timeline canvas takes pointer events (%q): hover and clicks must reach the canvas under it", pe)
	}
	left := eval[float64](b, `document.querySelector("canvas").getBoundingClientRect().left`)
	shot := b.screenshot("run-canvas-alone")
	r := strip.Add(image.Pt(int(left), 0))
	if n := distinctColours(t, shot, r); n < 20 {
		t.Errorf("the timeline's strip shows %d colours", n)
	}
}
