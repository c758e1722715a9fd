//go:build !js

package e2e

import (
	"fmt"
	"image"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/viz"
	"github.com/cornerloss/cornerloss/viz/app"
)

// TestDragCornerAndHover drags object 0's top-left corner on the target map
// with real mouse events: the totals and the link change, and hovering a
// pixel shows its values.
func TestDragCornerAndHover(t *testing.T) {
	b := newBrowser(t)
	b.open("")
	// Where the page puts the map: the same layout code, on the canvas size.
	w := eval[float64](b, `document.querySelector("canvas").getBoundingClientRect().width`)
	h := eval[float64](b, `document.querySelector("canvas").getBoundingClientRect().height`)
	left := eval[float64](b, `document.querySelector("canvas").getBoundingClientRect().left`)
	a := app.New()
	a.SetCanvas(image.Pt(int(w), int(h)))
	r, zoom := viz.MapRect(a.Grid()[viz.PanelTarget], a.Input().Height, a.Input().Width)
	o := a.Frame().Objects[0]
	screen := func(x, y float64) (float64, float64) {
		return left + float64(r.Min.X) + x*float64(zoom), float64(r.Min.Y) + y*float64(zoom)
	}
	total := b.value("loss-total")
	hash := eval[string](b, `location.hash`)

	e := o.Exact[loss.TopLeft]
	x0, y0 := screen(e[0], e[1])
	x1, y1 := screen(e[0]+12, e[1]+9)
	b.do(
		chromedp.MouseEvent(chromedp.MouseMoved, x0, y0),
		chromedp.MouseEvent(chromedp.MousePressed, x0, y0, chromedp.ButtonLeft),
	)
	b.settle()
	for i := 1; i <= 6; i++ {
		f := float64(i) / 6
		b.do(chromedp.MouseEvent(chromedp.MouseMoved, x0+f*(x1-x0), y0+f*(y1-y0), chromedp.ButtonLeft))
		b.settle()
	}
	b.do(chromedp.MouseEvent(chromedp.MouseReleased, x1, y1, chromedp.ButtonLeft))
	b.settle()
	b.waitFor(fmt.Sprintf(`Number(document.getElementById("loss-total").dataset.value) !== %v`, total), 10*time.Second)
	if got := eval[string](b, `location.hash`); got == hash || got == "" {
		t.Errorf("the link did not follow the drag: %q", got)
	}
	if sel := eval[string](b, `document.getElementById("object").value`); sel != "0" {
		t.Errorf("selected object %q after grabbing object 0", sel)
	}

	// Hover a background pixel of the focal map.
	fr, fzoom := viz.MapRect(a.Grid()[viz.PanelFocal], a.Input().Height, a.Input().Width)
	hx, hy := left+float64(fr.Min.X)+100.5*float64(fzoom), float64(fr.Min.Y)+60.5*float64(fzoom)
	b.do(chromedp.MouseEvent(chromedp.MouseMoved, hx, hy))
	// The hover box already shows the dragged corner: wait for this pixel.
	b.waitFor(`!document.getElementById("hover").hidden &&
		document.getElementById("hover").textContent.includes("x 100  y 60")`, 10*time.Second)
	text := eval[string](b, `document.getElementById("hover").textContent`)
	if !strings.Contains(text, "x 100  y 60") || !strings.Contains(text, "dL/dlogit") {
		t.Errorf("hover text %q", text)
	}
	b.screenshot("drag-and-hover")
	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
}

// TestLinkReproducesScene: opening the link of an edited scene shows the
// same totals.
func TestLinkReproducesScene(t *testing.T) {
	b := newBrowser(t)
	b.open("")
	b.setNumber("push-weight", 0.7)
	b.setSelect("object", "1")
	b.do(chromedp.Evaluate[chromedp.Void](`(() => { const e = document.getElementById("obj-peak");
		e.value = "0.2"; e.dispatchEvent(new Event("input", {bubbles: true})); })()`))
	b.settle()
	total := b.value("loss-total")
	hash := eval[string](b, `location.hash`)
	c := newBrowser(t)
	c.open(hash)
	if got := c.value("loss-total"); !closeEnough(got, total) {
		t.Errorf("the link shows total %v, the page had %v", got, total)
	}
	if got := eval[string](c, `document.getElementById("push-weight").value`); got != "0.7" {
		t.Errorf("push weight %q from the link", got)
	}
}

// closeEnough allows the link's 6 significant digits of box coordinates.
func closeEnough(a, b float64) bool { return a == b || (a-b)*(a-b) <= 1e-10*b*b }
