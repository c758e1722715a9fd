//go:build !js

package e2e

import (
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/profiler"
	"github.com/chromedp/chromedp"
)

// TestProfilePage records Chromium's CPU profile of the page's main thread
// while it loads (and, with CORNERLOSS_PROFILE_QUERY, whatever that query
// does until CORNERLOSS_PROFILE_UNTIL holds), into the .cpuprofile named by
// CORNERLOSS_PROFILE (open it in Chromium's DevTools). It skips without it.
// For function names, build the site unstripped: CORNERLOSS_UNSTRIPPED=1.
// CORNERLOSS_PROFILE_UPLOAD=FILE profiles picking FILE in the loaded page
// ("coco": the 36 MB COCO-shaped dump) until it is shown.
func TestProfilePage(t *testing.T) {
	out := os.Getenv("CORNERLOSS_PROFILE")
	if out == "" {
		t.Skip("CORNERLOSS_PROFILE not set")
	}
	until := os.Getenv("CORNERLOSS_PROFILE_UNTIL")
	if until == "" {
		until = `document.body.dataset.ready === "1"`
	}
	b := newBrowser(t)
	run := os.Getenv("CORNERLOSS_PROFILE_RUN")       // a folder to open as a run, once the page is up
	upload := os.Getenv("CORNERLOSS_PROFILE_UPLOAD") // a dump to pick, once the page is up ("coco": the 36 MB one)
	if upload == "coco" {
		upload = cocoDump(t)
	}
	if run != "" || upload != "" {
		b.open(os.Getenv("CORNERLOSS_PROFILE_QUERY"))
		b.settled()
		until = `document.body.dataset.runState === "ok"`
		if upload != "" {
			until = `document.body.dataset.uploadMs !== undefined`
		}
	} else {
		// A page of the same origin first, so that the navigation stays in
		// the renderer the profiler is attached to.
		b.do(chromedp.Navigate(siteURL + "/wasm_exec.js"))
	}
	b.target(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, profiler.Enable, cdp.Empty{}); err != nil {
			return err
		}
		if _, err := cdp.Call(ctx, tg, profiler.SetSamplingInterval, profiler.SetSamplingIntervalParams{Interval: 200}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, profiler.Start, cdp.Empty{})
		return err
	})
	switch {
	case run != "":
		b.do(chromedp.SetUploadFiles(chromedp.CSS("#run-input"), []string{run}))
	case upload != "":
		b.do(chromedp.SetUploadFiles(chromedp.CSS("#dump-input"), []string{upload}))
	default:
		b.do(chromedp.Navigate(siteURL + "/" + os.Getenv("CORNERLOSS_PROFILE_QUERY")))
	}
	b.waitFor(until, 30*time.Minute)
	var res profiler.StopResult
	b.target(func(ctx context.Context, tg *chromedp.Target) (err error) {
		res, err = cdp.Call(ctx, tg, profiler.Stop, cdp.Empty{})
		return err
	})
	j, err := json.Marshal(res.Profile)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, j, 0o644); err != nil {
		t.Fatal(err)
	}
	marks := eval[map[string]string](b, `Object.assign({}, document.body.dataset)`)
	t.Logf("marks %v", marks)
}
