package golden

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// TestCasesInPatternName reads the public cases from a directory whose name
// holds glob metacharacters, beside one the name would match as a pattern.
func TestCasesInPatternName(t *testing.T) {
	want, err := Cases()
	if err != nil {
		t.Fatal(err)
	}
	parent := t.TempDir()
	dir, decoy := filepath.Join(parent, "cases[1]"), filepath.Join(parent, "cases1")
	for _, d := range []string{dir, decoy} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range want {
		buf, err := os.ReadFile(filepath.Join(c.Dir, c.Name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, c.Name+".json"), buf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(decoy, "decoy.json"), []byte(`{"loss": 1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := casesIn(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d cases, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i].Dir != dir {
			t.Errorf("case %s: dir %s, want %s", got[i].Name, got[i].Dir, dir)
		}
		got[i].Dir = want[i].Dir
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("case %d: %s differs from %s", i, got[i].Name, want[i].Name)
		}
	}

	if _, err := casesIn(decoy + "x"); err == nil {
		t.Error("no error for a missing directory")
	}
}
