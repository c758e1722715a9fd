package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cornerloss/cornerloss/loss/dump"
	"github.com/cornerloss/cornerloss/loss/golden"
)

// TestLoadDumpPT: an uploaded .pt shows as its .npz would; a hostile one
// is refused by name and leaves the page as it was.
func TestLoadDumpPT(t *testing.T) {
	dir := filepath.Join(filepath.Dir(golden.Dir()), "pt")
	read := func(name string) []byte {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	a := New()
	before := a.Result().Loss
	if err := a.LoadDump([]dump.File{{Name: "evil.pt", Data: read("hostile_os_system.pt")}}, dump.Options{}); err == nil {
		t.Fatal("a .pt calling os.system was accepted")
	}
	if s := a.Status(); !strings.Contains(s, "evil.pt") || !strings.Contains(s, "posix.system") {
		t.Errorf("status %q does not name the file and the class", s)
	}
	if a.Scene == nil || a.Result().Loss != before {
		t.Fatal("a refused .pt changed what is shown")
	}
	c, err := golden.Load("two_stacks")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.LoadDump([]dump.File{{Name: "step.pth", Data: read("two_stacks_dict_zip.pt")}}, dump.Options{}); err != nil {
		t.Fatal(err)
	}
	if !golden.Close(a.Result().Loss, c.Loss) {
		t.Errorf("loss %v, reference %v", a.Result().Loss, c.Loss)
	}
}
