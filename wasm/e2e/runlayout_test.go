//go:build !js

package e2e

import (
	"fmt"
	"image"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cornerloss/cornerloss/viz"
)

// TestRunLayoutSmallScreens loads the sample run (64×64 maps) in a
// tablet's 1024×768 window and a projector's 1280×720, outside
// presentation mode: every map keeps at least 128 pixels a side with its
// colorbar and footer inside its panel, where the timeline used to take
// the height and leave them 64; the timeline keeps its terms chart under
// them. The page draws where its layout says: the hover box names the
// focal map's last pixel under the pointer, and a step of the timeline.
// Screenshots (build/e2e/run-layout-*.png) are for people to look at.
func TestRunLayoutSmallScreens(t *testing.T) {
	const side = 64 // the sample run's maps
	for _, c := range []struct {
		w, h int
		lang string
	}{{1024, 768, "en"}, {1280, 720, "zh"}} {
		name := fmt.Sprintf("%dx%d-%s", c.w, c.h, c.lang)
		b := newBrowser(t)
		b.do(chromedp.EmulateViewport(int64(c.w), int64(c.h)))
		b.open("?lang=" + c.lang)
		b.sampleRun()
		b.settle()
		a, tl := pageApp(b)
		g := a.Grid()
		for _, p := range viz.MapPanels {
			r, zoom := viz.MapRect(g[p], side, side)
			if r.Dx() < 128 || !r.In(g[p]) {
				t.Errorf("%s: %s's map is %v at zoom %d in its panel %v", name, p.Title(), r, zoom, g[p])
			}
			if g[p].Overlaps(tl) {
				t.Errorf("%s: %s's panel %v overlaps the timeline %v", name, p.Title(), g[p], tl)
			}
		}
		if tl.Dy() < 150 {
			t.Errorf("%s: the timeline is %d pixels high", name, tl.Dy())
		}
		r, zoom := viz.MapRect(g[viz.PanelFocal], side, side)
		top := eval[float64](b, `document.querySelector("canvas").getBoundingClientRect().top`)
		x, y := canvasLeft(b)+float64(r.Max.X-zoom/2), top+float64(r.Max.Y-zoom/2)
		b.do(chromedp.MouseEvent(chromedp.MouseMoved, x, y))
		b.waitFor(`!document.getElementById("hover").hidden && document.getElementById("hover").textContent.includes("x 63  y 63")`, 10*time.Second)
		hoverTimeline(t, b, 3)
		// The pointer rests on the target map's title: no hover box.
		b.do(chromedp.MouseEvent(chromedp.MouseMoved, canvasLeft(b)+float64(g[viz.PanelTarget].Min.X+60), top+float64(g[viz.PanelTarget].Min.Y+8)))
		b.settle()
		shot := b.screenshot("run-layout-" + name)
		// The map is drawn: its panel's pixels at the map's place are not
		// all the panel's background.
		img := readPNG(t, shot)
		at := r.Add(image.Pt(int(canvasLeft(b)), int(top)))
		first, same := img.At(at.Min.X, at.Min.Y), true
		for yy := at.Min.Y; yy < at.Max.Y && same; yy += 3 {
			for xx := at.Min.X; xx < at.Max.X && same; xx += 3 {
				same = img.At(xx, yy) == first
			}
		}
		if same {
			t.Errorf("%s: nothing drawn where the focal map is", name)
		}
		if errs := b.errors(); len(errs) > 0 {
			t.Errorf("%s: console errors: %v", name, errs)
		}
		b.quit()
	}
}
