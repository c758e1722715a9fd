//go:build !js

package e2e

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/cornerloss/cornerloss/loss/golden"
)

// TestPTUploads: .pt files from the corpus (written by torch.save) open
// through #dump-input and show the reference's terms; a hostile one is
// refused in #status, naming the class, and the page keeps working.
func TestPTUploads(t *testing.T) {
	dir := filepath.Join(filepath.Dir(golden.Dir()), "pt")
	b := newBrowser(t)
	b.open("")
	if accept := eval[string](b, `document.getElementById("dump-input").accept`); !strings.Contains(accept, ".pt") || !strings.Contains(accept, ".pth") {
		t.Errorf("accept=%q", accept)
	}
	check := func(file, name string) {
		c, err := golden.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		b.goldenWeights(c)
		b.upload(filepath.Join(dir, file), "ok")
		for _, m := range c.Mismatches(b.value("loss-total"), b.value("loss-focal"), b.value("loss-pull"), b.value("loss-push"), b.value("loss-regr")) {
			t.Errorf("%s: %s", file, m)
		}
	}
	check("two_stacks_tuple_legacy.pt", "two_stacks")
	b.screenshot("pt-two-stacks")
	before := b.value("loss-total")
	b.upload(filepath.Join(dir, "hostile_os_system.pt"), "error")
	status := eval[string](b, `document.getElementById("status").textContent`)
	if !strings.Contains(status, "hostile_os_system.pt") || !strings.Contains(status, "refused the class posix.system") {
		t.Errorf("status %q does not name the file and the class", status)
	}
	if got := b.value("loss-total"); got != before {
		t.Errorf("total changed from %v to %v after the refused .pt", before, got)
	}
	b.screenshot("pt-hostile")
	check("single_object_push_quirk_dict_legacy.pt", "single_object_push_quirk")
	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
}
