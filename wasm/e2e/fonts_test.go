//go:build !js

package e2e

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// fontKeys lists, for the rendered text under root in doc, the computed
// font of its element (what the browser looks a font up by) and the script
// of its characters (Latin and signs: the font named; Chinese: another,
// found by fallback).
const fontKeys = `((doc, root) => {
	const keys = new Set();
	const walk = doc.createTreeWalker(doc.querySelector(root), NodeFilter.SHOW_TEXT);
	for (let n = walk.nextNode(); n; n = walk.nextNode()) {
		const el = n.parentElement;
		// Rendered text only: not what a closed <details> holds.
		if (!n.textContent.trim() || !el.checkVisibility({visibilityProperty: true})) continue;
		const cs = doc.defaultView.getComputedStyle(el);
		const font = [cs.fontFamily, cs.fontSize, cs.fontWeight, cs.fontStyle, cs.fontVariantNumeric, cs.fontFeatureSettings].join(" | ");
		if (/[^\s\u3000-\u9fff\uff00-\uffef]/.test(n.textContent)) keys.add(font + " | latin");
		if (/[\u3000-\u9fff\uff00-\uffef]/.test(n.textContent)) keys.add(font + " | chinese");
	}
	return [...keys].sort();
})`

// TestFontsPrimed checks that the text the page writes before its first
// frame, in English and in Chinese, uses only fonts the static page already
// lays out (index.html's placeholders and its font primer). In a fresh
// browser, looking up a font the page has not used yet is a synchronous
// request to the browser process; made during the first frame, while V8
// compiles the page's WebAssembly on both cores, each took 40–270 ms (a
// Chromium trace, 2 cores): the first frame's layout took 0.5 s in English
// and 1 s in Chinese, against 40–80 ms once the fonts are looked up while
// the module compiles.
func TestFontsPrimed(t *testing.T) {
	var live []string
	for _, lang := range []string{"en", "zh"} {
		b := newBrowser(t)
		b.open("?lang=" + lang)
		live = append(live, eval[[]string](b, fontKeys+`(document, "body")`)...)
		b.quit()
	}
	// The same page without its scripts: what the browser lays out while
	// the WebAssembly compiles.
	sb := newBrowser(t)
	if _, err := chromedp.Run(sb.ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	})); err != nil {
		t.Fatal(err)
	}
	sb.do(chromedp.Navigate(siteURL + "/index.html"))
	sb.waitFor(`document.readyState === "complete"`, 20*time.Second)
	if eval[bool](sb, `document.body.dataset.tWasmMs !== undefined`) {
		t.Fatal("the static page ran its scripts")
	}
	static := eval[[]string](sb, fontKeys+`(document, "body")`)
	if len(live) == 0 || len(static) == 0 {
		t.Fatalf("no text found: live %v, static %v", live, static)
	}
	for _, k := range live {
		if !slices.Contains(static, k) {
			t.Errorf("the page writes text in font %q, which index.html never lays out (add a placeholder in that style, or a glyph to #font-primer)", k)
		}
	}
}
