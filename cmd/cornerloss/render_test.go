package main

import (
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRender writes PNGs of golden dumps and reads them back at the size
// asked for.
func TestRender(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		w, h int
	}{
		{"small_two_images", []string{"-class", "1", "-corner", "br"}, 1600, 900},
		{"two_stacks", []string{"-stack", "1", "-image", "1", "-size", "1024x768"}, 1024, 768},
		{"batch_of_one", []string{"-size", "800X600", "-convention", "mmdet", "-push-weight", "1"}, 800, 600},
		{"empty_image_in_batch", []string{"-image", "0", "-class", "2"}, 1600, 900},
	} {
		out := filepath.Join(dir, tc.name+".png")
		args := append(append([]string{"render"}, tc.args...), "-out", out, rel(t, tc.name))
		code, stdout, stderr := runCLI(args...)
		if code != 0 || stdout != "" || stderr != "" {
			t.Fatalf("%s: exit %d, stdout %q, stderr %q", tc.name, code, stdout, stderr)
		}
		f, err := os.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if b := img.Bounds(); b.Dx() != tc.w || b.Dy() != tc.h {
			t.Errorf("%s: %v, want %dx%d", tc.name, b, tc.w, tc.h)
		}
	}
}

// TestRenderErrors: out-of-range views and bad flags exit 2 naming the
// range; bad input and unwritable output exit 1 with one line.
func TestRenderErrors(t *testing.T) {
	good := rel(t, "two_stacks") // S=2 B=2 C=4
	out := filepath.Join(t.TempDir(), "view.png")
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-image", "2"}, 2, "-image 2 is outside [0, 1]"},
		{[]string{"-image", "-1"}, 2, "-image -1 is outside [0, 1]"},
		{[]string{"-stack", "2"}, 2, "-stack 2 is outside [0, 1]"},
		{[]string{"-class", "4"}, 2, "-class 4 is outside [-1, 3]"},
		{[]string{"-class", "-2"}, 2, "-class -2 is outside [-1, 3]"},
		{[]string{"-corner", "middle"}, 2, `-corner "middle": want tl or br`},
		{[]string{"-size", "big"}, 2, `-size "big": want WxH`},
		{[]string{"-size", "100000x100"}, 2, "each side must be in"},
		{[]string{"-eps", "2"}, 2, "clamp epsilon"},
		{[]string{"-convention", "pytorch"}, 2, "convention"},
		{[]string{"-out", ""}, 2, "render needs -out"},
		{[]string{"-out", filepath.Join(t.TempDir(), "no", "such", "dir.png")}, 1, "dir.png"},
	} {
		args := append([]string{"render", "-out", out}, tc.args...)
		args = append(args, good)
		code, _, stderr := runCLI(args...)
		if code != tc.code || !strings.HasPrefix(stderr, "cornerloss: ") || !strings.Contains(stderr, tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want exit %d with %q", tc.args, code, stderr, tc.code, tc.want)
		}
		if tc.code == 1 && strings.Count(stderr, "\n") != 1 {
			t.Errorf("%q: stderr %q is not one line", tc.args, stderr)
		}
	}
	if code, _, _ := runCLI("render", "-out", out); code != 2 {
		t.Errorf("no DUMP: exit %d, want 2", code)
	}
	if code, _, stderr := runCLI("render", "-out", out, filepath.Join(t.TempDir(), "absent.npz")); code != 1 || !strings.Contains(stderr, "absent.npz") {
		t.Errorf("absent dump: exit %d, stderr %q", code, stderr)
	}
}
