//go:build !js

package e2e

import "testing"

// TestCanvasNotMultisampled: Ebitengine's WebGL2 context is created without
// multisampling (start.js), whose resolve at every present cost software
// GL a fifth of each drawing frame's CPU here; the page still draws.
func TestCanvasNotMultisampled(t *testing.T) {
	b := newBrowser(t)
	b.open("")
	// getContext of the kind a canvas already has returns that context.
	attrs := eval[map[string]any](b, `(() => { const c = document.querySelector("canvas:not(#timeline)"); const gl = c && c.getContext("webgl2"); return gl ? gl.getContextAttributes() : {} })()`)
	if aa, ok := attrs["antialias"].(bool); !ok || aa {
		t.Errorf("the canvas's WebGL2 context has antialias %v, want false (attributes %v)", attrs["antialias"], attrs)
	}
	if st, ok := attrs["stencil"].(bool); !ok || !st {
		t.Errorf("the canvas's WebGL2 context lost Ebitengine's stencil: %v", attrs)
	}
	if n := eval[string](b, `document.body.dataset.draws || "0"`); n == "0" {
		t.Errorf("the canvas never drew")
	}
}
