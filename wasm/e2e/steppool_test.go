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

// TestStepPoolMatchesOneThread makes the same bursts of edits (a drag of a
// corner, α and β changed three times in one go, the convention switched,
// then more) on the page evaluating on two step workers, on the page and
// one step worker sharing the planes (?step-page=on), and on the page alone
// (?step-workers=1), and checks after each burst that the totals shown are
// the same to the bit (data-value holds every digit): the pool's assembled
// sums are the single thread's, and a burst ends showing its last edit.
func TestStepPoolMatchesOneThread(t *testing.T) {
	configs := []struct{ query, workers string }{
		{"step-workers=2", "2"},
		{"step-workers=1&step-page=on", "1"},
		{"step-workers=1", "0"},
	}
	runs := make([][]string, len(configs))
	for k, cf := range configs {
		b := newBrowser(t)
		b.open("?" + cf.query)
		pooled := cf.workers != "0"
		if pooled {
			b.waitFor(`document.body.dataset.stepWorkers === "`+cf.workers+`"`, 60*time.Second)
		}
		idle := func() {
			b.settle()
			b.waitFor(`document.body.dataset.stepPending !== "1"`, 60*time.Second)
			b.settle()
		}
		idle()
		totals := func(what string) {
			runs[k] = append(runs[k], what+": "+eval[string](b, `["loss-total", "loss-focal", "loss-pull", "loss-push", "loss-regr"].map(id => document.getElementById(id).dataset.value).join(" ")`))
		}
		totals("start")

		// A drag: every move in its own frame, no waiting on the workers.
		w := eval[float64](b, `document.querySelector("canvas").getBoundingClientRect().width`)
		h := eval[float64](b, `document.querySelector("canvas").getBoundingClientRect().height`)
		left := eval[float64](b, `document.querySelector("canvas").getBoundingClientRect().left`)
		a := app.New()
		a.SetCanvas(image.Pt(int(w), int(h)))
		r, zoom := viz.MapRect(a.Grid()[viz.PanelTarget], a.Input().Height, a.Input().Width)
		e := a.Frame().Objects[0].Exact[loss.TopLeft]
		x0, y0 := left+float64(r.Min.X)+e[0]*float64(zoom), float64(r.Min.Y)+e[1]*float64(zoom)
		b.do(chromedp.MouseEvent(chromedp.MouseMoved, x0, y0), chromedp.MouseEvent(chromedp.MousePressed, x0, y0, chromedp.ButtonLeft))
		for i := 1; i <= 8; i++ {
			b.do(chromedp.MouseEvent(chromedp.MouseMoved, x0+float64(i*zoom), y0+float64(i*zoom/2), chromedp.ButtonLeft))
		}
		b.do(chromedp.MouseEvent(chromedp.MouseReleased, x0+float64(8*zoom), y0+float64(4*zoom), chromedp.ButtonLeft))
		idle()
		totals("drag")

		set := func(id, v string) string {
			// Ranges listen to input, the others to change.
			return fmt.Sprintf(`(() => { const e = document.getElementById(%q); e.value = %q;
				e.dispatchEvent(new Event("input", {bubbles: true})); e.dispatchEvent(new Event("change", {bubbles: true})); })();`, id, v)
		}
		// One burst: all reach the page in one frame, the workers at once.
		b.exec(set("alpha", "2.5") + set("beta", "3") + set("alpha", "3") + set("beta", "4.5"))
		idle()
		totals("alpha, beta")
		b.exec(set("convention", "mmdet") + set("alpha", "1.5"))
		idle()
		totals("mmdet")
		b.exec(set("beta", "2") + set("alpha", "2"))
		idle()
		totals("mmdet alpha, beta")
		// For people to compare: the maps shown after the last burst, on
		// the workers and on the page alone.
		b.screenshot("step-" + strings.NewReplacer("=", "-", "&", "-").Replace(cf.query))
		if pooled && eval[string](b, `document.body.dataset.stepWorkers`) != cf.workers {
			t.Fatalf("?%s: the step's workers stopped: console %v", cf.query, b.messages())
		}
		if errs := b.errors(); len(errs) > 0 {
			t.Errorf("?%s: console errors: %v", cf.query, errs)
		}
		b.quit()
	}
	alone := runs[len(runs)-1]
	for k, run := range runs[:len(runs)-1] {
		t.Logf("?%s: %q", configs[k].query, run)
		for i := range run {
			if run[i] != alone[i] {
				t.Errorf("?%s shows %s\n   the page alone %s", configs[k].query, run[i], alone[i])
			}
		}
	}
	for i := 1; i < len(alone); i++ {
		if alone[i-1][strings.Index(alone[i-1], ":"):] == alone[i][strings.Index(alone[i], ":"):] {
			t.Errorf("a burst changed nothing: %s", alone[i])
		}
	}
}
