//go:build !js

package e2e

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestFormulasAreMathML: every term's formula is a <math> element that the
// browser lays out as MathML (non-zero size, superscripts raised above their
// base, subscripts lowered), in both languages, with the live values next to
// it; screenshots at three sizes for people to look at.
func TestFormulasAreMathML(t *testing.T) {
	for _, lang := range []string{"en", "zh"} {
		for _, s := range [][2]int{{1024, 768}, {1280, 720}, {1920, 1080}} {
			b := newBrowser(t)
			b.do(chromedp.EmulateViewport(int64(s[0]), int64(s[1])))
			b.open("?lang=" + lang)
			b.settle()
			report := eval[string](b, `(() => {
				document.getElementById("explain").open = true;
				const terms = [...document.querySelectorAll("#terms .term")];
				if (terms.length < 5) return "only " + terms.length + " terms";
				for (const t of terms) {
					const m = t.querySelector(".formula > math");
					if (!m) return t.id + ": no <math>";
					const r = m.getBoundingClientRect();
					if (!(r.width > 0 && r.height > 0)) return t.id + ": <math> is " + r.width + "×" + r.height;
					if (!t.querySelector(".live").textContent.match(/[0-9]/)) return t.id + ": no live values";
					for (const e of m.querySelectorAll("msup, msub")) {
						const base = e.children[0].getBoundingClientRect(), script = e.children[1].getBoundingClientRect();
						const raised = (script.top + script.bottom) < (base.top + base.bottom);
						if (e.localName === "msup" ? !raised : raised) return t.id + ": " + e.localName + " not laid out as MathML: " + e.textContent;
					}
				}
				return "";
			})()`)
			if report != "" {
				t.Errorf("%s %dx%d: %s", lang, s[0], s[1], report)
			}
			if over := eval[bool](b, `(() => { const e = document.getElementById("side"); return e.scrollWidth > e.clientWidth })()`); over {
				t.Errorf("%s %dx%d: the side panel scrolls sideways", lang, s[0], s[1])
			}
			eval[bool](b, `(document.getElementById("term-focal").scrollIntoView({block: "center"}), true)`)
			b.settle()
			b.screenshot(fmt.Sprintf("formulas-%s-%dx%d", lang, s[0], s[1]))
			if errs := b.errors(); len(errs) > 0 {
				t.Errorf("%s: console errors: %v", lang, errs)
			}
		}
	}
}
