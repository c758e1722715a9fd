//go:build !js

package e2e

import (
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
// the page measured itself. Run with -benchtime 1x: each iteration is a
// whole page load.
func BenchmarkPage(b *testing.B) {
	for b.Loop() {
		br := newBrowser(b)
		br.open("?bench=coco")
		br.waitFor(`document.body.dataset.benchDone === "1"`, 5*time.Minute)
		attrs := eval[map[string]string](br, `Object.fromEntries(Object.entries(document.body.dataset).filter(([k]) => k.startsWith("bench") && k !== "benchDone"))`)
		for k, s := range attrs {
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
			b.ReportMetric(v, unit)
		}
	}
}
