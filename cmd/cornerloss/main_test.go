package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio/npz"
	"github.com/cornerloss/cornerloss/loss/golden"
)

var update = flag.Bool("update", false, "rewrite the CLI's text snapshots in testdata")

func runCLI(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = run(args, &o, &e)
	return code, o.String(), e.String()
}

// TestEvalGoldenJSON: eval -json reproduces every reference case.
func TestEvalGoldenJSON(t *testing.T) {
	cases, err := golden.All()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			code, out, errOut := runCLI("eval", "-json",
				"-pull-weight", fmt.Sprint(c.Weights.Pull), "-push-weight", fmt.Sprint(c.Weights.Push),
				"-regr-weight", fmt.Sprint(c.Weights.Regr), c.NPZ())
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var got map[string]any
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatal(err)
			}
			for _, k := range []string{"loss", "focal", "pull", "push", "regr"} {
				want := map[string]float64{"loss": c.Loss, "focal": c.Focal, "pull": c.Pull, "push": c.Push, "regr": c.Regr}[k]
				if g, _ := got[k].(float64); !golden.Close(g, want) {
					t.Errorf("%s = %.10g, reference %.10g", k, g, want)
				}
			}
			for _, k := range []string{"focal_tl", "focal_br", "regr_tl", "regr_br", "per_stack", "per_image", "warnings"} {
				if _, ok := got[k]; !ok {
					t.Errorf("JSON lacks %q", k)
				}
			}
			if got["eps"] != 1e-4 { // the reference's clamp, the default
				t.Errorf("eps %v, want 1e-4", got["eps"])
			}
			if int(got["nstack"].(float64)) != c.NStack || int(got["batch"].(float64)) != c.Shape.B {
				t.Errorf("nstack %v batch %v, want %d %d", got["nstack"], got["batch"], c.NStack, c.Shape.B)
			}
			sum := got["focal"].(float64) + got["pull"].(float64) + got["push"].(float64) + got["regr"].(float64)
			if !golden.Close(sum, got["loss"].(float64)) {
				t.Errorf("terms sum to %v, loss %v", sum, got["loss"])
			}
		})
	}
}

// TestEvalMMDetJSON: eval -convention mmdet -json reproduces every case
// computed by mmdetection's own loss code (testdata/mmdet).
func TestEvalMMDetJSON(t *testing.T) {
	cases, err := golden.MMDetCases()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			code, out, errOut := runCLI("eval", "-json", "-convention", "mmdet",
				"-pull-weight", fmt.Sprint(c.Weights.Pull), "-push-weight", fmt.Sprint(c.Weights.Push),
				"-regr-weight", fmt.Sprint(c.Weights.Regr), "-alpha", fmt.Sprint(c.Alpha), "-beta", fmt.Sprint(c.Gamma),
				c.NPZ())
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var got map[string]any
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatal(err)
			}
			want := map[string]float64{"loss": c.Loss, "focal": c.Focal, "pull": c.Pull, "push": c.Push, "regr": c.Regr}
			for k, w := range want {
				if g, _ := got[k].(float64); !golden.Close(g, w) {
					t.Errorf("%s = %.10g, mmdetection %.10g", k, g, w)
				}
			}
			if eps, ok := got["eps"]; ok { // mmdetection has no clamp
				t.Errorf("eps %v printed under mmdet", eps)
			}
		})
	}
}

// TestEvalTable snapshots the text report; -update rewrites the snapshots.
func TestEvalTable(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"small_two_images", []string{"eval", rel(t, "small_two_images")}},
		{"single_object_push_quirk", []string{"eval", "-pull-weight", "1", "-push-weight", "1", rel(t, "single_object_push_quirk")}},
		{"empty_image_in_batch_mmdet", []string{"eval", "-convention", "mmdet", rel(t, "empty_image_in_batch")}},
		{"batch_of_one", []string{"eval", rel(t, "batch_of_one")}},
	} {
		code, out, errOut := runCLI(tc.args...)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", tc.name, code, errOut)
		}
		path := filepath.Join("testdata", tc.name+".txt")
		if *update {
			if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -update to create it)", err)
		}
		if out != string(want) {
			got := path + ".got"
			os.WriteFile(got, []byte(out), 0o644)
			t.Errorf("%s: output differs from %s; wrote %s", tc.name, path, got)
		}
	}
}

func rel(t *testing.T, name string) string {
	p, err := filepath.Rel(".", filepath.Join("..", "..", "testdata", "golden", name+".npz"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestUsageErrors: mistakes on the command line exit 2.
func TestUsageErrors(t *testing.T) {
	good := rel(t, "small_two_images")
	for _, args := range [][]string{
		{},
		{"frobnicate"},
		{"eval"},
		{"eval", "-json", "-csv", good},
		{"eval", "-convention", "pytorch", good},
		{"eval", "-nosuchflag", good},
		{"eval", "-pull-weight", "abc", good},
		{"eval", "-eps", "0.7", good},
		{"targets", "-spec", "x.json"},
	} {
		code, _, errOut := runCLI(args...)
		if code != 2 {
			t.Errorf("%q: exit %d, want 2 (stderr %q)", args, code, errOut)
		}
		if !strings.HasPrefix(errOut, "cornerloss: ") && len(args) > 0 {
			t.Errorf("%q: stderr %q does not start with cornerloss:", args, errOut)
		}
	}
}

// TestBadDumps: bad input exits 1 with one line naming the file, the array
// and the problem.
func TestBadDumps(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join(golden.Dir(), "small_two_images.npz"))
	if err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(dir, "truncated.npz")
	os.WriteFile(truncated, src[:len(src)/2], 0o644)
	missing := filepath.Join(dir, "missing.npz")
	os.WriteFile(missing, dropEntry(t, src, "tl_tags.npy"), 0o644)
	garbage := filepath.Join(dir, "garbage.npz")
	os.WriteFile(garbage, []byte("this is not a zip file at all"), 0o644)
	nan := filepath.Join(dir, "nan.npz")
	os.WriteFile(nan, poisonEntry(t, src, "tl_heats.npy"), 0o644)

	for _, tc := range []struct {
		path, want string
	}{
		{truncated, "truncated.npz: "},
		{missing, "missing.npz: tl_tags: missing"},
		{garbage, "garbage.npz: "},
		{nan, "nan.npz: tl_heats: NaN at [0 0 0 0 0]"},
		{filepath.Join(dir, "absent.npz"), "absent.npz"},
	} {
		code, out, errOut := runCLI("eval", tc.path)
		if code != 1 {
			t.Errorf("%s: exit %d, want 1", tc.path, code)
		}
		if out != "" {
			t.Errorf("%s: printed %q on stdout", tc.path, out)
		}
		if strings.Count(errOut, "\n") != 1 || !strings.HasPrefix(errOut, "cornerloss: ") || !strings.Contains(errOut, tc.want) {
			t.Errorf("%s: stderr %q, want one line containing %q", tc.path, errOut, tc.want)
		}
	}
}

// dropEntry rewrites an npz without one entry.
func dropEntry(t *testing.T, src []byte, name string) []byte {
	return rewriteZip(t, src, func(n string, b []byte) []byte {
		if n == name {
			return nil
		}
		return b
	})
}

// poisonEntry sets the first value of a float32 entry to NaN.
func poisonEntry(t *testing.T, src []byte, name string) []byte {
	return rewriteZip(t, src, func(n string, b []byte) []byte {
		if n == name {
			hl := int(b[8]) | int(b[9])<<8
			b[10+hl], b[11+hl], b[12+hl], b[13+hl] = 0x00, 0x00, 0xc0, 0x7f
		}
		return b
	})
}

func rewriteZip(t *testing.T, src []byte, edit func(string, []byte) []byte) []byte {
	zr, err := zip.NewReader(bytes.NewReader(src), int64(len(src)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		b.ReadFrom(rc)
		rc.Close()
		data := edit(f.Name, b.Bytes())
		if data == nil {
			continue
		}
		w, _ := zw.Create(f.Name)
		w.Write(data)
	}
	zw.Close()
	return buf.Bytes()
}

// TestTargetsGolden: targets from a golden case's boxes write the same
// arrays as its npz.
func TestTargetsGolden(t *testing.T) {
	cases, err := golden.All()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		spec := map[string]any{
			"input_size": c.TargetParams.InputSize, "output_size": c.TargetParams.OutputSize,
			"categories": c.TargetParams.Categories, "gaussian_iou": c.TargetParams.GaussianIOU,
			"gaussian_radius": c.TargetParams.GaussianRadius, "radius_formula": "fixed",
			"max_tag_len": c.TargetParams.MaxTagLen, "images": c.Boxes,
		}
		buf, _ := json.Marshal(spec)
		dir := t.TempDir()
		specPath, out := filepath.Join(dir, "scene.json"), filepath.Join(dir, "gt.npz")
		os.WriteFile(specPath, buf, 0o644)
		if code, _, errOut := runCLI("targets", "-spec", specPath, "-out", out); code != 0 {
			t.Fatalf("%s: exit %d: %s", c.Name, code, errOut)
		}
		got, err := npz.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		want, err := npz.Open(c.NPZ())
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"gt_tl_heat", "gt_br_heat", "gt_tl_regr", "gt_br_regr"} {
			var g, w []float32
			if err := got.Read(name+".npy", &g); err != nil {
				t.Fatal(name, err)
			}
			want.Read(name+".npy", &w)
			if fmt.Sprint(got.Header(name+".npy").Descr.Shape) != fmt.Sprint(want.Header(name+".npy").Descr.Shape) || !equalF32(g, w) {
				t.Errorf("%s: %s differs from the reference", c.Name, name)
			}
		}
		for _, name := range []string{"tl_inds", "br_inds"} {
			var g, w []int64
			got.Read(name+".npy", &g)
			want.Read(name+".npy", &w)
			if fmt.Sprint(g) != fmt.Sprint(w) {
				t.Errorf("%s: %s differs", c.Name, name)
			}
		}
		var gm, wm []uint8
		got.Read("gt_mask.npy", &gm)
		want.Read("gt_mask.npy", &wm)
		if !bytes.Equal(gm, wm) {
			t.Errorf("%s: gt_mask differs", c.Name)
		}
		got.Close()
		want.Close()
	}
}

func equalF32(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestNoPanicTrace runs the built binary on hostile files: whatever they
// hold, stderr is one line and never a Go panic trace.
func TestNoPanicTrace(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "cornerloss")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	src, _ := os.ReadFile(filepath.Join(golden.Dir(), "two_stacks.npz"))
	files := map[string][]byte{
		"empty.npz":     {},
		"zeros.npz":     make([]byte, 4096),
		"cut.npz":       src[:len(src)-100],
		"headless.npz":  src[:200],
		"huge.npy.npz":  []byte("PK\x03\x04 garbage that claims to be a zip"),
		"half.npz":      src[:len(src)/3],
		"bit-flips.npz": flip(src),
	}
	for name, data := range files {
		p := filepath.Join(dir, name)
		os.WriteFile(p, data, 0o644)
		var stderr bytes.Buffer
		cmd := exec.Command(bin, "eval", p)
		cmd.Stderr = &stderr
		err := cmd.Run()
		code := cmd.ProcessState.ExitCode()
		if err == nil || code != 1 {
			t.Errorf("%s: exit %d, want 1", name, code)
		}
		if s := stderr.String(); strings.Contains(s, "goroutine") || strings.Contains(s, "panic") || strings.Count(s, "\n") != 1 {
			t.Errorf("%s: stderr %q", name, s)
		}
	}
}

func flip(src []byte) []byte {
	b := append([]byte(nil), src...)
	for i := 100; i < len(b); i += 997 {
		b[i] ^= 0x5a
	}
	return b
}
