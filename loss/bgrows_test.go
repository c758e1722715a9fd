//go:build !js

package loss

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestBGRowsWasmBuilt: the committed bgrows.wasm is what wabt's wat2wasm
// makes of bgrows.wat (the binary the browser runs is the source we read).
// CI installs wabt; elsewhere the test skips without it, unless
// CORNERLOSS_REQUIRE_WABT=1.
func TestBGRowsWasmBuilt(t *testing.T) {
	wat2wasm, err := exec.LookPath("wat2wasm")
	if err != nil {
		if os.Getenv("CORNERLOSS_REQUIRE_WABT") == "1" {
			t.Fatal("wat2wasm not found (apt-get install wabt)")
		}
		t.Skip("wat2wasm not found (apt-get install wabt)")
	}
	out := filepath.Join(t.TempDir(), "bgrows.wasm")
	if msg, err := exec.Command(wat2wasm, "bgrows.wat", "-o", out).CombinedOutput(); err != nil {
		t.Fatalf("wat2wasm: %v\n%s", err, msg)
	}
	want, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("bgrows.wasm")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("bgrows.wasm is not wat2wasm's output of bgrows.wat: run wat2wasm loss/bgrows.wat -o loss/bgrows.wasm")
	}
}
