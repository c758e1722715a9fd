//go:build !js

package e2e

import (
	"strconv"
	"testing"
	"time"
)

// BenchmarkPage opens the page's bench mode (?bench=coco: one image, one
// stack, 80 classes, 128×128) in headless Chromium and reports the medians
// the page measured itself. Run with -benchtime 1x: each iteration is a
// whole page load.
func BenchmarkPage(b *testing.B) {
	for b.Loop() {
		br := newBrowser(b)
		br.open("?bench=coco")
		br.waitFor(`document.body.dataset.benchMs !== undefined`, 5*time.Minute)
		for _, m := range []struct{ attr, unit string }{
			{"benchMs", "ms/recompute"},
			{"benchNsPerPx", "ns/px"},
		} {
			v, err := strconv.ParseFloat(eval[string](br, `document.body.dataset.`+m.attr), 64)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(v, m.unit)
		}
	}
}
