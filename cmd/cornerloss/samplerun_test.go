package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cornerloss/cornerloss/loss/scene"
)

// TestSampleRun writes a sample run: one dump a step, named by step, each
// readable by eval but the injected NaN step, which eval refuses naming
// the array and the position; no temporary file is left behind.
func TestSampleRun(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	const n = 8
	code, out, errOut := runCLI("sample-run", "-out", dir, "-steps", "8")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "wrote 8 dumps") {
		t.Errorf("output %q", out)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != n {
		t.Fatalf("%d files in %s, want %d", len(entries), dir, n)
	}
	nan, _ := scene.SampleRunBroken(n)
	for i, e := range entries {
		want, _ := scene.SampleRunStep(i, n)
		if e.Name() != want.Name {
			t.Errorf("file %d: %s, want %s", i, e.Name(), want.Name)
		}
		code, _, errOut := runCLI("eval", "-json", filepath.Join(dir, e.Name()))
		switch {
		case i == nan && (code != exitInput || !strings.Contains(errOut, "tl_heats: NaN at")):
			t.Errorf("%s: exit %d, %q; want the NaN refused", e.Name(), code, errOut)
		case i != nan && code != exitOK:
			t.Errorf("%s: exit %d: %s", e.Name(), code, errOut)
		}
	}
	if code, _, _ := runCLI("sample-run", "-steps", "3"); code != exitUsage {
		t.Errorf("no -out: exit %d, want %d", code, exitUsage)
	}
}
