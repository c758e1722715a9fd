//go:build !js

package e2e

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
)

// kebab turns EditMoveBox into edit-move-box.
func kebab(s string) string {
	var b strings.Builder
	for i, r := range s {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('-')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// BenchmarkPage opens the page's bench mode (?bench=coco: one image, one
// stack, 80 classes, 128×128) in headless Chromium and reports the medians
// the page measured itself, on the page alone (?step-workers=1: ms/recompute,
// ...), on two step workers (?step-workers=2: ms/recompute-2w, ...) and on
// the page and one step worker sharing the planes (?step-workers=1&
// step-page=on: ms/recompute-page1w, ...), the three loads alternating. Run
// with -benchtime 1x: each iteration loads the page three times.
// CORNERLOSS_PAGE_QUERY adds to the link (&simd=off: the engine's rows in
// Go).
func BenchmarkPage(b *testing.B) {
	// Three bench modes of some 200 phases of frames each: more than a
	// test's browser gets on a loaded machine.
	defer func(d time.Duration) { browserTimeout = d }(browserTimeout)
	browserTimeout = 20 * time.Minute
	for b.Loop() {
		for _, cf := range []struct {
			query, suffix string
			workers       int // step workers the bench must report
		}{
			{"step-workers=1", "", 0},
			{"step-workers=2", "-2w", 2},
			{"step-workers=1&step-page=on", "-page1w", 1},
		} {
			br := newBrowser(b)
			br.open("?bench=coco&" + cf.query + os.Getenv("CORNERLOSS_PAGE_QUERY"))
			br.waitFor(`document.body.dataset.benchDone === "1"`, 5*time.Minute)
			attrs := eval[map[string]string](br, `Object.fromEntries(Object.entries(document.body.dataset).filter(([k]) => k.startsWith("bench") && k !== "benchDone"))`)
			if got := attrs["benchWorkers"]; got != strconv.Itoa(cf.workers) {
				b.Fatalf("?%s: the bench ran on %q step workers", cf.query, got)
			}
			suffix := cf.suffix
			for k, s := range attrs {
				if k == "benchWorkers" {
					continue
				}
				v, err := strconv.ParseFloat(s, 64)
				if err != nil {
					b.Fatalf("%s = %q", k, s)
				}
				// benchEditMoveBoxMs → ms/edit-move-box, benchMs → ms/recompute.
				unit := strings.TrimPrefix(k, "bench")
				switch {
				case unit == "Ms":
					unit = "ms/recompute"
				case unit == "NsPerPx":
					unit = "ns/px"
				default:
					unit = "ms/" + kebab(strings.TrimSuffix(unit, "Ms"))
				}
				b.ReportMetric(v, unit+suffix)
			}
			br.quit()
		}
	}
}
