//go:build !js

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// runBenchDumps is the number of COCO-sized dumps (about 40 MB each) of
// BenchmarkPageRun: CORNERLOSS_RUN_DUMPS, 8 by default for CI time (the
// issue's figure is 200: CORNERLOSS_RUN_DUMPS=200).
func runBenchDumps(b *testing.B) int {
	if s := os.Getenv("CORNERLOSS_RUN_DUMPS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 2 {
			b.Fatalf("CORNERLOSS_RUN_DUMPS=%q", s)
		}
		return n
	}
	return 8
}

// BenchmarkPageRun opens a folder of COCO-sized dumps as a run with one
// worker, then with two, alternating in each iteration so that both see
// the same machine, and reports the time to summarise the run (data-run-ms),
// the speed-up, the longest frame during the load and the peak memory of
// the page and its workers against the budget (workers + 2) × the largest
// dump + the summaries, each on a page that has settled (browser.settled),
// as a person opens a folder; CORNERLOSS_RUN_QUERY adds to the link (e.g.
// &warm=off). The dumps are hard links to one file: each is read
// and summarised on its own.
func BenchmarkPageRun(b *testing.B) {
	n := runBenchDumps(b)
	defer func(d time.Duration) { browserTimeout = d }(browserTimeout)
	browserTimeout = 60 * time.Minute
	src := cocoDump(b)
	st, err := os.Stat(src)
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	for i := range n {
		p := filepath.Join(dir, fmt.Sprintf("step_%06d.npz", (i+1)*500))
		if err := os.Link(src, p); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		var ms [3]float64
		for _, workers := range []int{1, 2} {
			br := newBrowser(b)
			br.open(fmt.Sprintf("?workers=%d", workers) + os.Getenv("CORNERLOSS_RUN_QUERY"))
			br.settled()
			br.do(chromedp.SetUploadFiles(chromedp.CSS("#run-input"), []string{dir}))
			br.waitFor(`document.body.dataset.runState === "ok"`, 60*time.Minute)
			num := func(attr string) float64 {
				v, err := strconv.ParseFloat(eval[string](br, `document.body.dataset.`+attr), 64)
				if err != nil {
					b.Fatalf("%s: %v", attr, err)
				}
				return v
			}
			ms[workers] = num("runMs")
			summaries := float64(len(eval[string](br, `document.getElementById("run").dataset.summary`)))
			budget := float64(workers+2)*float64(st.Size()) + summaries
			w := fmt.Sprintf("workers=%d", workers)
			b.ReportMetric(ms[workers], "ms/run-"+w)
			b.ReportMetric(num("runMaxFrameMs"), "ms/max-frame-"+w)
			b.ReportMetric(num("runMaxWorkMs"), "ms/max-update-"+w)
			// The longest frame that drew the canvas: in headless Chromium
			// the compositor reads the WebGL canvas back, waiting for the
			// software GL (a frame that draws costs this much at least).
			b.ReportMetric(num("runDrawMs"), "ms/draw-"+w)
			// A worker's own time per dump: if it grows with two workers,
			// they compete for the cores (with the page, the browser, other
			// jobs) rather than wait on each other.
			b.ReportMetric(num("runWorkerMs")/float64(n), "ms/worker-dump-"+w)
			b.ReportMetric(num("runPeakMb"), "MB/peak-"+w)
			b.ReportMetric(num("runPeakMb")*1e6/budget, "peak/budget-"+w)
			// The page's own share of the peak (the rest is the workers').
			b.ReportMetric(num("runPagePeakMb"), "MB/page-peak-"+w)
			// Closed now, not when the benchmark ends: left open, the first
			// page opens its last step and keeps drawing while the second
			// is measured, on the same two cores.
			br.quit()
		}
		b.ReportMetric(ms[1]/ms[2], "speedup-2-workers")
		b.ReportMetric(float64(n), "dumps")
		b.ReportMetric(float64(st.Size())/1e6, "MB/dump")
	}
}
