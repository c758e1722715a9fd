//go:build !js

package e2e

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestScreenshotsAtSizes opens the page in common window sizes and saves a
// screenshot of each (build/e2e/size-WxH.png) for people to look at; it
// checks that the side panel never scrolls sideways.
func TestScreenshotsAtSizes(t *testing.T) {
	for _, s := range [][2]int{{1280, 800}, {1920, 1080}, {2560, 1440}} {
		b := newBrowser(t)
		b.do(chromedp.EmulateViewport(int64(s[0]), int64(s[1])))
		b.open("")
		b.settle()
		if over := eval[bool](b, `(() => { const e = document.getElementById("side"); return e.scrollWidth > e.clientWidth })()`); over {
			t.Errorf("%dx%d: the side panel scrolls sideways", s[0], s[1])
		}
		b.screenshot(fmt.Sprintf("size-%dx%d", s[0], s[1]))
	}
}
