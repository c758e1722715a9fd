//go:build !js

package e2e

import (
	"strings"
	"testing"
	"time"
)

// TestConventionFormula: the explanation beside the canvas shows the
// selected convention's formulas: under mmdet the corners' average and the
// offsets' pixel mask, under the reference the clamp.
func TestConventionFormula(t *testing.T) {
	b := newBrowser(t)
	b.open("")
	formula := func(id string) string {
		return eval[string](b, `document.querySelector("#term-`+id+` .formula").textContent`)
	}
	if f := formula("focal"); !strings.Contains(f, "clamp") || strings.Contains(f, "(tl + br)/2") {
		t.Errorf("reference focal formula %q", f)
	}
	b.setSelect("convention", "mmdet")
	b.waitFor(`document.querySelector("#term-focal .formula").textContent.includes("(tl + br)/2")`, 10*time.Second)
	if f := formula("regr"); !strings.Contains(f, "off = (tl + br)/2") || !strings.Contains(f, "any class has y = 1") {
		t.Errorf("mmdet offset formula %q", f)
	}
	eval[bool](b, `(document.getElementById("explain").open = true, document.getElementById("term-regr").scrollIntoView({block: "end"}), true)`)
	b.settle()
	b.screenshot("convention-mmdet")
}
