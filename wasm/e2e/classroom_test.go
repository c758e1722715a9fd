//go:build !js

package e2e

import (
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cornerloss/cornerloss/loss/golden"
	"github.com/cornerloss/cornerloss/loss/scene"
	"github.com/cornerloss/cornerloss/viz"
	"github.com/cornerloss/cornerloss/viz/app"
)

// untranslatedJS lists the visible text of the page (and of what opens on
// demand: the explanations, the key help, the hover box, the tooltips and
// labels of elements) that holds a run of three or more ASCII letters
// outside the allow-list: names that stay as they are in Chinese text
// (cornerloss, CornerNet, mmdetection, the conventions' and radius
// formulas' identifiers, NaN, PNG, COCO, GPU, logit, the functions of the
// formulas, the reference's squeeze() and mmdetection's CornerHead),
// variable names (anything with an underscore), file names, units and
// keycaps (Delete: the key's label); and in the live values of a formula
// (#tour-live, .live) the formulas' own names of the terms, as
// loss.Formulas writes them in every language (focal, pull, push, regr,
// nstack, det, off). In formulas (<math>) the names, numbers and operators
// are the same in both languages, and only the words between them
// (<mtext>) are read; elements marked lang="en" hold a technical detail
// quoted as the reader wrote it (see page.setStatus).
const untranslatedJS = `(() => {
	const allow = new Set(["cornerloss", "CornerNet", "CenterNet", "mmdetection", "mmdet", "reference", "fixed", "buggy",
		"PyTorch", "torch.save", "NaN", "PNG", "COCO", "logit", "dL/dlogit", "Worker", "Tab", "Esc", "Del", "SmoothL1", "smooth-L1", "sigmoid",
		"max", "log", "relu", "clamp", "Fortran", "Delete", "Sigmoid", "GPU", "CornerHead", "squeeze"]);
	const names = new Set(["focal", "pull", "push", "regr", "nstack", "det", "off"]);
	const bad = [];
	const check = (text, e, where) => {
		for (const tok of text.split(/[\s,;:()（）：；，、。\[\]{}=<>|·…"'“”+×−*]+/)) {
			if (!/[A-Za-z]{3,}/.test(tok)) continue;
			if (allow.has(tok) || names.has(tok) && e.closest("#tour-live, .live") || /^(b?float|u?int)\d+$/.test(tok) || tok.includes("_") || /\.(npz|npy|pt|pth|png)$/.test(tok) || /^\.(npz|npy|pt|pth)$/.test(tok)) continue;
			bad.push(tok + "  in  " + (e.id ? "#" + e.id : e.tagName) + where + ": " + text.trim().slice(0, 80));
		}
	};
	const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
	for (let n = walk.nextNode(); n; n = walk.nextNode()) {
		const e = n.parentElement;
		if (!e || e.closest("script, style, [lang=en], #drop-hint, #banner")) continue;
		if (e.closest("math") && !e.closest("mtext")) continue;
		if (e.closest("[hidden]") && !e.closest("#hover")) continue;
		check(n.textContent, e, "");
	}
	for (const e of document.body.querySelectorAll("[title], [aria-label], [placeholder]")) {
		if (e.closest("[lang=en], #drop-hint, #banner") || e.closest("[hidden]")) continue;
		for (const a of ["title", "aria-label", "placeholder"]) {
			if (e.hasAttribute(a)) check(e.getAttribute(a), e, " [" + a + "]");
		}
	}
	return bad;
})()`

// checkTranslated fails the test for every untranslated token on the page.
func checkTranslated(t *testing.T, b *browser, where string) {
	t.Helper()
	b.exec(`document.querySelectorAll("details").forEach(d => d.open = true)`)
	b.settle()
	for _, s := range eval[[]string](b, untranslatedJS) {
		t.Errorf("%s: untranslated: %s", where, s)
	}
}

// TestChineseHasNoEnglish opens the page in Chinese and finds no English
// left in its visible text: on the default scene (with a pixel hovered),
// with a dump, after a refused file, after a refused edit, and with the
// sample run (a step hovered).
func TestChineseHasNoEnglish(t *testing.T) {
	c, err := golden.Load("single_object_push_quirk")
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t)
	b.open("?lang=zh")
	b.settle()
	hoverMap(t, b, 100, 60)
	checkTranslated(t, b, "default scene")

	b.upload(c.NPZ(), "ok")
	checkTranslated(t, b, "dump")
	if !strings.Contains(eval[string](b, `document.getElementById("quirks").textContent`), "只有一个物体") {
		t.Errorf("the one-object quirk is not said in Chinese: %q", eval[string](b, `document.getElementById("quirks").textContent`))
	}

	bad := filepath.Join(t.TempDir(), "garbage.npz")
	if err := os.WriteFile(bad, []byte("not a zip"), 0o644); err != nil {
		t.Fatal(err)
	}
	b.upload(bad, "error")
	status := eval[string](b, `document.getElementById("status").textContent`)
	if !strings.Contains(status, "未能打开") || !strings.Contains(status, "garbage.npz") {
		t.Errorf("refused file: status %q, want a Chinese lead and the file's name", status)
	}
	checkTranslated(t, b, "refused file")

	// A scene edit out of range is refused, in Chinese.
	b.exec(`document.getElementById("use-scene").click()`)
	b.settle()
	b.setNumber("gaussian-radius", 99)
	if status := eval[string](b, `document.getElementById("status").textContent`); !strings.Contains(status, "超出范围") {
		t.Errorf("refused edit: status %q", status)
	}
	checkTranslated(t, b, "refused edit")
	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}

	// The sample run, in a browser of its own (a session is bounded in
	// time): its status, timeline and the NaN step's hover box (the
	// reader's error, and its marker).
	b.quit()
	b = newBrowser(t)
	b.open("?lang=zh")
	b.sampleRun()
	nan, _ := scene.SampleRunBroken(scene.RunSteps)
	hoverTimeline(t, b, nan)
	checkTranslated(t, b, "sample run")
	if h := eval[string](b, `document.getElementById("hover").textContent`); !strings.Contains(h, "第一个 NaN") {
		t.Errorf("the NaN step's hover box does not say its marker in Chinese: %q", h)
	}
	b.screenshot("zh-sample-run")
}

// canvasLeft is where the canvas starts on the page.
func canvasLeft(b *browser) float64 {
	return eval[float64](b, `document.querySelector("canvas").getBoundingClientRect().left`)
}

// mapPoint returns where pixel (x, y) of panel pn's map is on the page,
// by the page's own layout code on the canvas's size (the default scene's
// map size).
func mapPoint(b *browser, pn viz.Panel, x, y float64) (float64, float64) {
	w := eval[float64](b, `document.querySelector("canvas").getBoundingClientRect().width`)
	h := eval[float64](b, `document.querySelector("canvas").getBoundingClientRect().height`)
	top := eval[float64](b, `document.querySelector("canvas").getBoundingClientRect().top`)
	a := app.New()
	a.SetCanvas(image.Pt(int(w), int(h)))
	r, zoom := viz.MapRect(a.Grid()[pn], a.Input().Height, a.Input().Width)
	return canvasLeft(b) + float64(r.Min.X) + x*float64(zoom), top + float64(r.Min.Y) + y*float64(zoom)
}

// hoverMap moves the mouse over pixel (x, y) of the focal map and waits
// for the hover box.
func hoverMap(t *testing.T, b *browser, x, y int) {
	t.Helper()
	px, py := mapPoint(b, viz.PanelFocal, float64(x)+0.5, float64(y)+0.5)
	b.do(chromedp.MouseEvent(chromedp.MouseMoved, px, py))
	b.waitFor(`!document.getElementById("hover").hidden`, 10*time.Second)
}

// hoverTimeline moves the mouse over step i of the run's timeline and
// waits for the hover box.
func hoverTimeline(t *testing.T, b *browser, i int) {
	t.Helper()
	a, rect := pageApp(b)
	loadRunSteps(a, b.summaries())
	p := viz.TimelinePoint(rect, a.Timeline(), i)
	b.do(chromedp.MouseEvent(chromedp.MouseMoved, canvasLeft(b)+float64(p.X), float64(p.Y)))
	b.waitFor(`!document.getElementById("hover").hidden`, 10*time.Second)
}

// TestLanguageSwitchKeepsDump: a dump is open, the picker switches to
// Chinese and back: the page is relabelled in place (no reload), the dump
// and its totals stay, and the controls, status line and dump summary
// speak the new language.
func TestLanguageSwitchKeepsDump(t *testing.T) {
	c, err := golden.Load("small_two_images")
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t)
	b.open("?lang=en")
	b.goldenWeights(c)
	b.upload(c.NPZ(), "ok")
	total := b.value("loss-total")
	// A mark on the window: a reload would drop it.
	b.exec(`window.cornerlossNoReload = 1`)
	pick := func(l string) {
		b.exec(`(() => { const e = document.getElementById("lang"); e.value = "` + l + `"; e.dispatchEvent(new Event("change", {bubbles: true})); })()`)
		b.waitFor(`document.body.dataset.lang === "`+l+`"`, 10*time.Second)
		b.settle()
	}
	pick("zh")
	if eval[bool](b, `window.cornerlossNoReload !== 1`) {
		t.Fatal("switching the language reloaded the page")
	}
	if got := eval[string](b, `document.documentElement.lang`); got != "zh-CN" {
		t.Errorf("html lang %q after switching", got)
	}
	if got := eval[string](b, `document.body.dataset.dump`); got != filepath.Base(c.NPZ()) {
		t.Errorf("the page shows %q after switching, not the dump", got)
	}
	if got := b.value("loss-total"); got != total {
		t.Errorf("total %v after switching, %v before", got, total)
	}
	for sel, want := range map[string]string{
		`#controls legend`: "损失", `#dump-summary`: "每张图像的物体数", `#status`: "small_two_images.npz",
		`#key-list`: "下一个类别", `#explain summary`: "每一项是什么",
	} {
		if got := eval[string](b, `document.querySelector(`+"`"+sel+"`"+`).textContent`); !strings.Contains(got, want) {
			t.Errorf("%s reads %q after switching, want %q in it", sel, got, want)
		}
	}
	if !strings.Contains(eval[string](b, `location.search`), "lang=zh") {
		t.Errorf("the link does not say the language: %s", eval[string](b, `location.href`))
	}
	checkTranslated(t, b, "switched to Chinese")
	// The controls still work after being rebuilt.
	b.setNumber("push-weight", 2*c.Weights.Push+0.1)
	if got := b.value("loss-total"); got == total {
		t.Error("the rebuilt push weight control changes nothing")
	}
	pick("en")
	if got := eval[string](b, `document.querySelector("#controls legend").textContent`); got != "Loss" {
		t.Errorf("legend %q after switching back", got)
	}
	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
}

// TestClassroomScreens opens the page at a tablet's, a projector's and a
// desktop's size, in both languages, normal and in presentation mode, with
// the explanations open: nothing in the side panel scrolls sideways, no
// formula overflows its box (viz.TestGridTablet checks the canvas), and the
// screenshots (build/e2e/classroom-*.png) are there for people to look at.
func TestClassroomScreens(t *testing.T) {
	for _, s := range [][2]int{{1024, 768}, {1280, 720}, {1920, 1080}} {
		b := newBrowser(t) // one a size: a browser session is bounded in time
		b.do(chromedp.EmulateViewport(int64(s[0]), int64(s[1])))
		for _, lang := range []string{"en", "zh"} {
			for _, present := range []bool{false, true} {
				name := fmt.Sprintf("classroom-%dx%d-%s", s[0], s[1], lang)
				q := "?lang=" + lang
				if present {
					name += "-present"
					q += "&present=1"
				}
				b.open(q)
				b.exec(`document.getElementById("explain").open = true`)
				b.settle()
				b.settle()
				if over := eval[bool](b, `(() => { const e = document.getElementById("side"); return e.scrollWidth > e.clientWidth })()`); over {
					t.Errorf("%s: the side panel scrolls sideways", name)
				}
				wide := eval[[]string](b, `[...document.querySelectorAll("#terms .formula")].filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.parentElement.id + " " + e.scrollWidth + ">" + e.clientWidth)`)
				for _, w := range wide {
					t.Errorf("%s: formula %s scrolls sideways", name, w)
				}
				if present != eval[bool](b, `document.body.classList.contains("present")`) {
					t.Errorf("%s: body.present is %v", name, !present)
				}
				b.screenshot(name)
			}
		}
		b.quit()
	}
}

// TestPresentResizesCanvas: turning presentation mode on and off with its
// button (the side panel grows and shrinks, the window stays) gives the
// canvas the body's new width each time, with a run open too (its timeline
// canvas then lies over the strip at the new width).
func TestPresentResizesCanvas(t *testing.T) {
	b := newBrowser(t)
	b.open("")
	b.sampleRun()
	for i, want := range []bool{true, false, true, false} {
		b.exec(`document.getElementById("present").click()`)
		b.settle()
		b.settle()
		if got := eval[bool](b, `document.body.classList.contains("present")`); got != want {
			t.Fatalf("click %d: body.present is %v", i+1, got)
		}
		sizes := eval[[]float64](b, `(() => { const c = document.querySelector("canvas"), tl = document.getElementById("timeline");
			return [c.width, document.body.clientWidth, tl && !tl.hidden ? tl.getBoundingClientRect().right : 0, c.getBoundingClientRect().right] })()`)
		if sizes[0] != sizes[1] {
			t.Errorf("click %d (present %v): canvas %v px wide, body %v", i+1, want, sizes[0], sizes[1])
		}
		if sizes[2] > sizes[3]+1 {
			t.Errorf("click %d (present %v): the timeline ends at %v px, past the canvas's %v", i+1, want, sizes[2], sizes[3])
		}
	}
}
