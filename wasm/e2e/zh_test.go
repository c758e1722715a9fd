//go:build !js

package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cornerloss/cornerloss/viz/app"
)

// TestChineseEveryState scans the Chinese page for English (untranslatedJS)
// in the states TestChineseHasNoEnglish does not reach: every step of the
// walk (its words, formula and live values), the walk in presentation
// mode, the mmdet convention's explanations, an internal error caught by
// the page's guard, and the bench mode's messages.
func TestChineseEveryState(t *testing.T) {
	b := newBrowser(t)
	b.open("?lang=zh")
	b.do(chromedp.Click(chromedp.CSS("#tour-start")))
	for n := range app.TourSteps() {
		n++
		b.exec(fmt.Sprintf(`document.querySelector('#tour li[data-step="%d"] button').click()`, n))
		b.waitFor(fmt.Sprintf(`document.body.dataset.tour === "%d"`, n), 10*time.Second)
		checkTranslated(t, b, fmt.Sprintf("walk step %d", n))
	}
	// Each part in a browser of its own: a session is bounded in time.
	b.quit()
	b = newBrowser(t)
	b.open("?lang=zh&present=1#tour=7")
	b.waitFor(`document.body.classList.contains("present") && document.body.dataset.tour === "7"`, 10*time.Second)
	checkTranslated(t, b, "walk in presentation mode")
	b.exec(`document.getElementById("present").click()`)
	b.exec(`document.getElementById("tour-leave").click()`)
	b.waitFor(`document.body.dataset.tour === undefined`, 10*time.Second)
	b.setSelect("convention", "mmdet")
	checkTranslated(t, b, "mmdet convention")

	// A panic inside the page's work, caught by its guard.
	b.quit()
	b = newBrowser(t)
	b.open("?lang=zh&debug=1")
	b.exec(`cornerlossPanic()`)
	b.waitFor(`document.getElementById("status").textContent.includes("内部错误")`, 10*time.Second)
	checkTranslated(t, b, "internal error")
	if ready := eval[string](b, `document.body.dataset.ready`); ready != "1" {
		t.Errorf("the page is not ready after an internal error: %q", ready)
	}

	b.quit()
	b = newBrowser(t)
	b.open("?lang=zh&bench=coco")
	b.waitFor(`document.body.dataset.benchMs !== undefined`, 120*time.Second)
	if s := eval[string](b, `document.getElementById("status").textContent`); !strings.Contains(s, "ms") {
		t.Errorf("bench status %q does not give the time", s)
	}
	checkTranslated(t, b, "bench mode")
}
