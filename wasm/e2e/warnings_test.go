//go:build !js

package e2e

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cornerloss/cornerloss/loss/dump"
	"github.com/cornerloss/cornerloss/loss/golden"
)

// TestEveryWarningShown: a dump dumped after the loss (probabilities, not
// logits) that also holds an array outside the schema shows both reader
// warnings in #status, the probability one (the later) included.
func TestEveryWarningShown(t *testing.T) {
	c, err := golden.Load("small_two_images")
	if err != nil {
		t.Fatal(err)
	}
	d, err := dump.ReadFile(c.NPZ(), dump.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range d.Input.Heat { // what CornerNet's in-place _sigmoid leaves
		for i, x := range h {
			h[i] = float32(1 / (1 + math.Exp(-float64(x))))
		}
	}
	path := filepath.Join(t.TempDir(), "after_loss.npz")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := dump.WriteNPZ(f, append(dump.Arrays(d.Input), dump.Array{Name: "images", Shape: []int{1}, Data: []float32{0}})); err != nil {
		t.Fatal(err)
	}
	f.Close()
	want, err := dump.ReadFile(path, dump.Options{}) // the warnings, as the reader words them
	if err != nil {
		t.Fatal(err)
	}
	if len(want.Warnings) < 2 {
		t.Fatalf("the reader gave %q, want two warnings", want.Warnings)
	}
	b := newBrowser(t)
	b.open("")
	b.upload(path, "ok")
	status := eval[string](b, `document.getElementById("status").textContent`)
	for _, w := range want.Warnings {
		if !strings.Contains(status, w) {
			t.Errorf("#status %q lacks the warning %q", status, w)
		}
	}
	if !strings.Contains(status, "_sigmoid") {
		t.Errorf("#status %q does not name _sigmoid", status)
	}
	b.screenshot("every-warning")
}
