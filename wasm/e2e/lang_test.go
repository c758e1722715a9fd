//go:build !js

package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cornerloss/cornerloss/viz/i18n"
)

// TestLanguages: ?lang= picks the language (html lang, the static text, the
// controls, the explanations), the picker switches it through a real
// selection and keeps the scene in the link, and nothing shows a raw key.
func TestLanguages(t *testing.T) {
	b := newBrowser(t)
	b.open("?lang=zh")
	check := func(l i18n.Lang) {
		t.Helper()
		if got := eval[string](b, `document.documentElement.lang`); got != l.HTML() {
			t.Errorf("%s: html lang %q, want %q", l, got, l.HTML())
		}
		for sel, key := range map[string]string{
			`.sub`: "page.sub", `#explain summary`: "page.explain", `#controls legend`: "group.loss",
			`#use-scene span`: "page.use-scene",
		} {
			got := eval[string](b, fmt.Sprintf(`document.querySelector(%q).textContent`, sel))
			if got != i18n.In(l, key) {
				t.Errorf("%s: %s reads %q, want %q", l, sel, got, i18n.In(l, key))
			}
		}
		label := eval[string](b, `document.getElementById("push-weight").parentElement.textContent`)
		if !strings.Contains(label, i18n.In(l, "ctl.push-weight")) {
			t.Errorf("%s: push weight label %q", l, label)
		}
		name := eval[string](b, `document.querySelector("#term-focal b").textContent`)
		if name != i18n.In(l, "explain.focal") {
			t.Errorf("%s: focal explanation titled %q", l, name)
		}
		// No element's text is a catalogue key: every key was found.
		raw := eval[string](b, `[...document.querySelectorAll("#side *")].map(e => e.childNodes.length === 1 ? e.textContent : "").find(s => /^(page|ctl|group|choice|term|explain|lang)\.[a-z.-]+$/.test(s)) || ""`)
		if raw != "" {
			t.Errorf("%s: the page shows the raw key %q", l, raw)
		}
	}
	check(i18n.ZH)
	b.screenshot("lang-zh")

	// Edit the scene, then switch: the edit survives the switch.
	b.setNumber("push-weight", 0.5)
	b.settle()
	before := b.value("loss-total")
	b.do(chromedp.Evaluate[chromedp.Void](`(() => { const e = document.getElementById("lang");
		e.value = "en"; e.dispatchEvent(new Event("change", {bubbles: true})); })()`))
	b.waitFor(`document.documentElement.lang === "en" && document.body.dataset.ready === "1"`, 60*time.Second)
	b.settle()
	check(i18n.EN)
	if !strings.Contains(eval[string](b, `location.search`), "lang=en") {
		t.Errorf("the link does not keep the language: %s", eval[string](b, `location.href`))
	}
	if got := b.value("loss-total"); !closeEnough(got, before) {
		t.Errorf("total %v after switching, %v before: the scene was lost", got, before)
	}
	// The rebuilt panel shows the edit, and its controls still act (the
	// form's listeners, not the replaced elements', take their events).
	if got := eval[string](b, `document.getElementById("push-weight").value`); got != "0.5" {
		t.Errorf("push weight reads %q after switching, want 0.5", got)
	}
	b.setNumber("push-weight", 2)
	b.settle()
	if got := b.value("loss-total"); closeEnough(got, before) {
		t.Errorf("total %v unchanged by a push weight of 2 after switching", got)
	}
	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
}
