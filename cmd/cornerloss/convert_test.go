package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/cornerloss/cornerloss/loss/dump"
	"github.com/cornerloss/cornerloss/loss/golden"
)

// ptFile returns a file of the .pt corpus (testdata/pt, written by PyTorch).
func ptFile(name string) string {
	return filepath.Join(filepath.Dir(golden.Dir()), "pt", name)
}

// TestConvertPT: convert writes the .npz of the .pt's tensors, which
// reads back as the golden .npz the .pt was made from.
func TestConvertPT(t *testing.T) {
	for _, tc := range []struct{ pt, golden string }{
		{"two_stacks_tuple_legacy.pt", "two_stacks"},
		{"tag_maps_gathered_named_zip.pt", "tag_maps_gathered"},
		{"small_two_images_dict_zip.pt", "small_two_images"},
		{"variant_views_zip.pt", "single_object_push_quirk"},
	} {
		out := filepath.Join(t.TempDir(), "step.npz")
		code, stdout, stderr := runCLI("convert", ptFile(tc.pt), out)
		if code != 0 || !strings.Contains(stdout, "written to "+out) {
			t.Fatalf("%s: exit %d: %s%s", tc.pt, code, stdout, stderr)
		}
		got, err := dump.ReadFile(out, dump.Options{})
		if err != nil {
			t.Fatal(err)
		}
		c, err := golden.Load(tc.golden)
		if err != nil {
			t.Fatal(err)
		}
		want, err := dump.ReadFile(c.NPZ(), dump.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Input, want.Input) || !reflect.DeepEqual(got.Arrays, want.Arrays) {
			t.Errorf("%s: the converted npz differs from %s.npz", tc.pt, tc.golden)
		}
	}
}

// TestEvalPT: eval and render open .pt files; eval -json gives the
// reference's loss.
func TestEvalPT(t *testing.T) {
	c, err := golden.Load("empty_image_in_batch")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"empty_image_in_batch_tuple_legacy.pt", "empty_image_in_batch_dict_zip.pt", "empty_image_in_batch_named_legacy.pt"} {
		code, out, stderr := runCLI("eval", "-json", ptFile(name))
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", name, code, stderr)
		}
		var got map[string]any
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatal(err)
		}
		if g, _ := got["loss"].(float64); !golden.Close(g, c.Loss) {
			t.Errorf("%s: loss %.10g, reference %.10g", name, g, c.Loss)
		}
	}
	png := filepath.Join(t.TempDir(), "view.png")
	if code, _, stderr := runCLI("render", "-out", png, ptFile("variant_bf16_legacy.pt")); code != 0 {
		t.Fatalf("render: exit %d: %s", code, stderr)
	}
	if st, err := os.Stat(png); err != nil || st.Size() == 0 {
		t.Errorf("render wrote no PNG: %v", err)
	}
}

// TestPTErrors: hostile and unreadable .pt files give one line and exit 1;
// convert's usage mistakes exit 2.
func TestPTErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"eval", ptFile("hostile_os_system.pt")}, 1, "refused the class posix.system"},
		{[]string{"convert", ptFile("hostile_eval_legacy.pt"), "x.npz"}, 1, "refused the class __builtin__.eval"},
		{[]string{"eval", ptFile("other_state_dict.pt")}, 1, "such as a model's state_dict, not a training step"},
		{[]string{"convert", ptFile("seed_tiny_zip.pt")}, 2, "convert takes a DUMP and the OUT.npz"},
		{[]string{"convert", ptFile("seed_tiny_zip.pt"), "out.png"}, 2, "convert takes a DUMP and the OUT.npz"},
	} {
		code, _, stderr := runCLI(tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) || (code == 1 && strings.Count(stderr, "\n") != 1) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, stderr, tc.code, tc.want)
		}
	}
	if _, err := os.Stat("x.npz"); err == nil {
		t.Error(fmt.Errorf("a failed convert wrote x.npz"))
		os.Remove("x.npz")
	}
}
