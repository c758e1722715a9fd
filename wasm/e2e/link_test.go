//go:build !js

package e2e

import (
	"strings"
	"testing"

	"github.com/cornerloss/cornerloss/loss/scene"
	"github.com/cornerloss/cornerloss/viz/app"
)

// TestOversizedLinkKeepsDefault: a link asking for a step beyond the scene
// budget (4 stacks, 8 images, 128 classes of 512×512: 4.3 GB of logits a
// corner) is refused with a message in #status; the page shows the default
// scene and keeps working.
func TestOversizedLinkKeepsDefault(t *testing.T) {
	a := app.New()
	want := a.Result().Loss
	s := a.Scene.Clone()
	s.Stacks, s.Target.Categories, s.Target.OutputSize = 4, 128, [2]int{512, 512}
	s.Images, s.Blobs = make([][]scene.Object, 8), nil
	a.Scene = s // URLState writes the scene as it is, without building it
	link := a.URLState()

	b := newBrowser(t)
	b.open("#" + link)
	status := eval[string](b, `document.getElementById("status").textContent`)
	if !strings.Contains(status, "more than the 512 MiB a scene may use") || !strings.Contains(status, "default scene") {
		t.Errorf("status %q does not say the link is too large and the default scene is shown", status)
	}
	if got := b.value("loss-total"); !closeEnough(got, want) {
		t.Errorf("total %v, the default scene's is %v", got, want)
	}
	b.screenshot("oversized-link")
	b.setNumber("push-weight", 0.7)
	b.settle()
	if got := b.value("loss-total"); got == want {
		t.Error("the page stopped responding after the refused link")
	}
	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
}
