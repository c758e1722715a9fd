//go:build !js

package e2e

import (
	"context"
	"fmt"
	"image"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/viz"
	"github.com/cornerloss/cornerloss/viz/app"
	"github.com/cornerloss/cornerloss/viz/i18n"
)

// tourPage drives the walk in a browser, with a copy of the page's app
// (same canvas size, same step) to know where things are drawn.
type tourPage struct {
	*browser
	touch  bool // taps instead of clicks on the page's controls
	left   float64
	canvas image.Point
	mirror *app.App
}

func newTourPage(b *browser, touch bool) *tourPage {
	w := eval[float64](b, `document.querySelector("canvas").getBoundingClientRect().width`)
	h := eval[float64](b, `document.querySelector("canvas").getBoundingClientRect().height`)
	left := eval[float64](b, `document.querySelector("canvas").getBoundingClientRect().left`)
	return &tourPage{browser: b, touch: touch, left: left, canvas: image.Pt(int(w), int(h))}
}

// step makes the mirror show step n as the page does after StartTour.
func (p *tourPage) step(n int) {
	p.mirror = app.New()
	p.mirror.SetCanvas(p.canvas)
	if err := p.mirror.StartTour(n); err != nil {
		p.t.Fatal(err)
	}
}

// rect returns an element's box in the viewport, scrolled into view.
func (p *tourPage) rect(sel string) (x, y, w, h float64) {
	p.t.Helper()
	r := eval[[]float64](p.browser, fmt.Sprintf(`(() => { const e = document.querySelector(%q);
		e.scrollIntoView({block: "center"}); const r = e.getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; })()`, sel))
	return r[0], r[1], r[2], r[3]
}

// press clicks (or taps) the element at fraction fx of its width, in the
// middle of its height: a real pointer event where a person would put it.
func (p *tourPage) press(sel string, fx float64) {
	p.t.Helper()
	x, y, w, h := p.rect(sel)
	p.pressAt(x+fx*w, y+h/2, p.touch)
}

func (p *tourPage) pressAt(x, y float64, touch bool) {
	p.t.Helper()
	if touch {
		p.do(chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			for _, ev := range []input.DispatchTouchEventParams{
				{Type: input.DispatchTouchEventTypeTouchStart, TouchPoints: []*input.TouchPoint{{X: x, Y: y}}},
				{Type: input.DispatchTouchEventTypeTouchEnd, TouchPoints: []*input.TouchPoint{}},
			} {
				if _, err := chromedp.Call(ctx, input.DispatchTouchEvent, ev); err != nil {
					return err
				}
			}
			return nil
		}))
	} else {
		p.do(chromedp.MouseClickXY(x, y))
	}
	p.settle()
}

// onMap returns where output-map pixel (x, y) is on screen, on the target map.
func (p *tourPage) onMap(x, y float64) (float64, float64) {
	r, zoom := viz.MapRect(p.mirror.Grid()[viz.PanelTarget], p.mirror.Input().Height, p.mirror.Input().Width)
	return p.left + float64(r.Min.X) + x*float64(zoom), float64(r.Min.Y) + y*float64(zoom)
}

// clickBox clicks the middle of object k's box of the step's preset on the
// target map (a tap in a touch walk), and waits for the page to select it
// as object sel.
func (p *tourPage) clickBox(k, sel int) {
	o := p.mirror.Frame().Objects[k]
	tl, br := o.Exact[loss.TopLeft], o.Exact[loss.BottomRight]
	x, y := p.onMap((tl[0]+br[0])/2, (tl[1]+br[1])/2)
	if p.touch {
		p.browser.touch(input.DispatchTouchEventTypeTouchStart, x, y)
		p.browser.touch(input.DispatchTouchEventTypeTouchEnd, x, y)
		p.waitFor(fmt.Sprintf(`document.getElementById("object").value === "%d"`, sel), 5*time.Second)
		return
	}
	// Pressed and released in separate frames: the page polls the mouse
	// once a frame.
	p.do(chromedp.MouseEvent(chromedp.MouseMoved, x, y), chromedp.MouseEvent(chromedp.MousePressed, x, y, chromedp.ButtonLeft))
	p.settle()
	p.do(chromedp.MouseEvent(chromedp.MouseReleased, x, y, chromedp.ButtonLeft))
	p.settle()
	p.waitFor(fmt.Sprintf(`document.getElementById("object").value === "%d"`, sel), 5*time.Second)
}

// marker finds object k's embedding marker of corner c on the embeddings
// panel, from the panel's own hit test.
func (p *tourPage) marker(k int, c loss.Corner) (float64, float64) {
	p.t.Helper()
	r := p.mirror.Grid()[viz.PanelEmbedding]
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if ok, kk, cc := hit(r, p.mirror.Frame(), image.Pt(x, y)); ok && kk == k && cc == c {
				return p.left + float64(x), float64(y)
			}
		}
	}
	p.t.Fatalf("no marker of object %d corner %v on the embeddings panel", k, c)
	return 0, 0
}

func hit(r image.Rectangle, f *viz.Frame, pt image.Point) (bool, int, loss.Corner) {
	k, c, _, ok := viz.EmbeddingAt(r, f, pt)
	return ok, k, c
}

// dragTag drags object k's tag of corner c horizontally to x, with the
// mouse (a finger in a touch walk).
func (p *tourPage) dragTag(k int, c loss.Corner, toX float64) {
	x0, y0 := p.marker(k, c)
	if p.touch {
		p.browser.fingerDrag(x0, y0, toX, y0)
		return
	}
	p.do(chromedp.MouseEvent(chromedp.MouseMoved, x0, y0), chromedp.MouseEvent(chromedp.MousePressed, x0, y0, chromedp.ButtonLeft))
	p.settle()
	for i := 1; i <= 5; i++ {
		p.do(chromedp.MouseEvent(chromedp.MouseMoved, x0+float64(i)/5*(toX-x0), y0, chromedp.ButtonLeft))
		p.settle()
	}
	p.do(chromedp.MouseEvent(chromedp.MouseReleased, toX, y0, chromedp.ButtonLeft))
	p.settle()
}

// act performs step id's action through real input events.
func (p *tourPage) act(id string) {
	p.t.Helper()
	switch id {
	case "targets": // the radius formula: the next option, by key
		p.do(chromedp.Focus("#radius-formula"), chromedp.KeyEvent(kb.ArrowDown))
	case "sigmoid":
		p.press("#background", 0.01) // the slider's low end: −14
	case "positive":
		p.press("#obj-shift-x", 0.99) // a shift of 6 pixels
	case "negative":
		p.press("#beta", 0.01) // β = 0
	case "normalise":
		for k := range 3 {
			p.clickBox(k, 0) // those before it are gone
			p.press("#delete-object", 0.5)
		}
	case "pull":
		if p.touch {
			p.press("#obj-tag-br", 0.5) // 0, object 0's tl tag
		} else {
			x, _ := p.marker(0, loss.TopLeft)
			p.dragTag(0, loss.BottomRight, x)
		}
	case "push":
		if p.touch {
			p.press("#obj-tag-tl", 0.5) // 0: object 1's mean comes within 1 of object 0's
		} else {
			x, _ := p.marker(0, loss.TopLeft)
			p.dragTag(1, loss.TopLeft, x)
		}
	case "one-object":
		p.clickBox(1, 1)
		p.press("#delete-object", 0.5)
	case "offsets":
		p.press("#obj-off-tl-x", 0.99) // 1.5
	case "weights": // one step up, then leave the field
		x, y, w, h := p.rect("#pull-weight")
		p.pressAt(x+w/3, y+h/2, false)
		p.do(chromedp.KeyEvent(kb.ArrowUp), chromedp.KeyEvent(kb.Tab))
	default:
		p.t.Fatalf("no action for step %q", id)
	}
	p.settle()
}

const tourCurrent = `document.querySelector('#tour li[aria-current="step"]')`

// TestTourWalk walks every step in both languages: starts the walk from its
// button, checks the step list and the step's words, formula and live
// values, performs each step's action through real input events (the mouse
// in English; in Chinese a finger: taps on the controls and the canvas,
// drags on the canvas) and
// waits for the page to recognise it, follows the step in the link, and
// leaves the walk with the scene as it was.
func TestTourWalk(t *testing.T) {
	steps := app.TourSteps()
	for _, c := range []struct {
		lang  i18n.Lang
		touch bool
	}{{i18n.EN, false}, {i18n.ZH, true}} {
		t.Run(string(c.lang), func(t *testing.T) {
			b := newBrowser(t)
			b.do(chromedp.EmulateViewport(1280, 900))
			b.open("?lang=" + string(c.lang))
			p := newTourPage(b, c.touch)
			if !eval[bool](b, `document.getElementById("tour-box").hidden`) {
				t.Fatal("the walk shows before it is started")
			}
			p.press("#tour-start", 0.5)
			b.waitFor(`document.body.dataset.tour === "1"`, 10*time.Second)
			if n := eval[int](b, `document.querySelectorAll("#tour > li[data-step]").length`); n != len(steps) {
				t.Fatalf("#tour holds %d steps, want %d", n, len(steps))
			}
			for n, st := range steps {
				n++
				p.step(n)
				b.waitFor(fmt.Sprintf(`%s && %s.dataset.step === "%d" && document.body.dataset.tour === "%d"`, tourCurrent, tourCurrent, n, n), 10*time.Second)
				if k := eval[int](b, `document.querySelectorAll('#tour [aria-current]').length`); k != 1 {
					t.Errorf("step %d: %d elements marked current", n, k)
				}
				if got, want := eval[string](b, `document.getElementById("tour-title").textContent`), i18n.In(c.lang, "tour."+st.ID+".title"); got != want {
					t.Errorf("step %d: title %q, want %q", n, got, want)
				}
				if eval[bool](b, tourCurrent+`.hasAttribute("data-done")`) || !eval[bool](b, `document.getElementById("tour-done").hidden`) {
					t.Errorf("step %d (%s): done before the action", n, st.ID)
				}
				if !eval[bool](b, `(() => { const m = document.querySelector("#tour-formula math"); const r = m && m.getBoundingClientRect(); return !!r && r.width > 0 && r.height > 0 })()`) {
					t.Errorf("step %d: no <math> laid out", n)
				}
				live := eval[string](b, `document.getElementById("tour-live").textContent`)
				if !strings.ContainsAny(live, "0123456789") {
					t.Errorf("step %d: live values %q", n, live)
				}
				if !strings.HasSuffix(eval[string](b, `location.hash`), fmt.Sprintf("tour=%d", n)) {
					t.Errorf("step %d: the link %q does not name the step", n, eval[string](b, `location.hash`))
				}
				t.Logf("step %d: %s", n, st.ID)
				p.act(st.ID)
				b.waitFor(tourCurrent+`.hasAttribute("data-done") && !document.getElementById("tour-done").hidden`, 10*time.Second)
				if got := eval[string](b, `document.getElementById("tour-live").textContent`); got == live {
					t.Errorf("step %d (%s): the live values did not change: %q", n, st.ID, got)
				}
				if n == 6 { // a reload keeps the step over the edited scene, done
					b.do(chromedp.Reload())
					b.waitFor(`document.body.dataset.ready === "1" && document.body.dataset.tour === "6"`, 60*time.Second)
					b.waitFor(tourCurrent+`.hasAttribute("data-done")`, 10*time.Second)
				}
				if n < len(steps) {
					p.press("#tour-next", 0.5)
				}
			}
			if raw := eval[string](b, `[...document.querySelectorAll("#walk *")].map(e => e.childNodes.length === 1 ? e.textContent : "").find(s => /^tour\.[a-z.-]+$/.test(s)) || ""`); raw != "" {
				t.Errorf("the walk shows the raw key %q", raw)
			}
			// Leave: the free page, the scene as the walk left it.
			total := b.value("loss-total")
			p.press("#tour-leave", 0.5)
			b.waitFor(`document.body.dataset.tour === undefined && document.getElementById("tour-box").hidden`, 10*time.Second)
			if got := b.value("loss-total"); got != total {
				t.Errorf("total %v after leaving the walk, %v in it", got, total)
			}
			if strings.Contains(eval[string](b, `location.hash`), "tour=") {
				t.Errorf("the link still names a step: %s", eval[string](b, `location.hash`))
			}
			if errs := b.errors(); len(errs) > 0 {
				t.Errorf("console errors: %v", errs)
			}
		})
	}
}

// TestTourLinkAndScreenshots opens steps from a link (#tour=N) at three
// window sizes in both languages: the step is current, its panels are
// highlighted and the rest dimmed, and nothing in the walk is clipped.
// Screenshots (build/e2e/tour-*.png) are for people to look at.
func TestTourLinkAndScreenshots(t *testing.T) {
	for _, lang := range []string{"en", "zh"} {
		for _, s := range [][2]int{{1024, 768}, {1280, 720}, {1920, 1080}} {
			b := newBrowser(t)
			b.do(chromedp.EmulateViewport(int64(s[0]), int64(s[1])))
			for _, n := range []int{3, 7} {
				b.do(chromedp.Navigate("about:blank")) // a new page: the link's hash alone would not reload it
				b.open(fmt.Sprintf("?lang=%s#tour=%d", lang, n))
				b.waitFor(fmt.Sprintf(`document.body.dataset.tour === "%d" && %s.dataset.step === "%d"`, n, tourCurrent, n), 10*time.Second)
				b.settle()
				// Dimmed fieldsets: every group but those the step uses.
				dim := eval[int](b, `document.querySelectorAll("form#controls fieldset.tour-dim").length`)
				if all := eval[int](b, `document.querySelectorAll("form#controls fieldset").length`); dim == 0 || dim == all {
					t.Errorf("%s %dx%d step %d: %d of %d control groups dimmed", lang, s[0], s[1], n, dim, all)
				}
				if over := eval[string](b, `[...document.querySelectorAll("#walk *")].filter(e => !e.closest("math") && e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== "auto").map(e => e.id || e.localName).join(" ")`); over != "" {
					t.Errorf("%s %dx%d step %d: clipped: %s", lang, s[0], s[1], n, over)
				}
				b.do(chromedp.Evaluate[chromedp.Void](`document.getElementById("walk").scrollIntoView()`))
				shot := b.screenshot(fmt.Sprintf("tour-%s-%dx%d-step%d", lang, s[0], s[1], n))
				checkDimmed(t, shot, b, n)
			}
			if errs := b.errors(); len(errs) > 0 {
				t.Errorf("console errors: %v", errs)
			}
		}
	}
}

// checkDimmed compares a highlighted panel with a dimmed one in the
// screenshot: the dimmed one's pixels are all close to the page's
// background, so its darkest pixel is much lighter.
func checkDimmed(t *testing.T, shot string, b *browser, n int) {
	t.Helper()
	img := readPNG(t, shot)
	w := eval[float64](b, `document.querySelector("canvas").getBoundingClientRect().width`)
	h := eval[float64](b, `document.querySelector("canvas").getBoundingClientRect().height`)
	left := eval[float64](b, `document.querySelector("canvas").getBoundingClientRect().left`)
	a := app.New()
	a.SetCanvas(image.Pt(int(w), int(h)))
	if err := a.StartTour(n); err != nil {
		t.Fatal(err)
	}
	darkest := func(p viz.Panel) int {
		r := a.Grid()[p].Add(image.Pt(int(left), 0)).Inset(6)
		min := 255 * 3
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				cr, cg, cb, _ := img.At(x, y).RGBA()
				if s := int(cr>>8 + cg>>8 + cb>>8); s < min {
					min = s
				}
			}
		}
		return min
	}
	var lit, dim []int
	for p := range viz.NumPanels {
		if a.Grid()[p].Empty() {
			continue
		}
		if a.Highlighted(p) {
			lit = append(lit, darkest(p))
		} else {
			dim = append(dim, darkest(p))
		}
	}
	if len(lit) == 0 || len(dim) == 0 {
		t.Fatalf("step %d: %d panels highlighted, %d dimmed", n, len(lit), len(dim))
	}
	for _, d := range dim {
		for _, l := range lit {
			if d <= l+100 {
				t.Errorf("step %d: a dimmed panel's darkest pixel (%d) is not much lighter than a highlighted one's (%d)", n, d, l)
				return
			}
		}
	}
}

// TestTourHashEdits edits only the link's fragment of an open page (a
// same-document navigation, no reload): "#tour=N" moves the walk to step
// N with its preset scene, as the step's button does; typing another
// number over the page's own link moves it again; after leaving the walk,
// the link brings it back.
func TestTourHashEdits(t *testing.T) {
	b := newBrowser(t)
	b.open("?lang=en#tour=2")
	b.exec(`window.cornerlossNoReload = 1`)
	at := func(n int) {
		t.Helper()
		b.waitFor(fmt.Sprintf(`document.body.dataset.tour === "%d" && %s && %s.dataset.step === "%d"`, n, tourCurrent, tourCurrent, n), 10*time.Second)
		b.settle()
		if got, want := eval[string](b, `document.getElementById("tour-title").textContent`), i18n.In(i18n.EN, "tour."+app.TourSteps()[n-1].ID+".title"); got != want {
			t.Errorf("step %d: title %q, want %q", n, got, want)
		}
		// The step's preset is on screen: the total of a page that
		// started the walk at step n.
		mirror := app.New()
		if err := mirror.StartTour(n); err != nil {
			t.Fatal(err)
		}
		if got, want := b.value("loss-total"), mirror.Totals().Loss; !closeEnough(got, want) {
			t.Errorf("step %d: total %v, want the preset's %v", n, got, want)
		}
	}
	hash := func(h string) {
		t.Helper()
		b.do(chromedp.Navigate(siteURL + "/?lang=en#" + h))
	}
	at(2)
	hash("tour=5")
	at(5)
	// The page's own link, "#<scene>&tour=5", with the number typed over.
	b.waitFor(`location.hash.endsWith("&tour=5")`, 10*time.Second)
	hash(strings.Replace(strings.TrimPrefix(eval[string](b, `location.hash`), "#"), "&tour=5", "&tour=7", 1))
	at(7)
	b.do(chromedp.Click(chromedp.CSS("#tour-leave")))
	b.waitFor(`document.body.dataset.tour === undefined && document.getElementById("tour-box").hidden && !location.hash.includes("tour=")`, 10*time.Second)
	hash("tour=3")
	at(3)
	if eval[bool](b, `window.cornerlossNoReload !== 1`) {
		t.Error("a fragment edit reloaded the page")
	}
	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
}
