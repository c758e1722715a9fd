package main

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cornerloss/cornerloss/internal/chunkcase"
	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/dump"
	"github.com/cornerloss/cornerloss/loss/golden"
)

// writeDump writes in as an .npz at path, with the optional scalars.
func writeDump(t testing.TB, path string, in *loss.Input, scalars ...dump.Array) {
	t.Helper()
	var buf bytes.Buffer
	if err := dump.WriteNPZ(&buf, slices.Concat(dump.Arrays(in), scalars)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// copyFile copies a golden dump under another name.
func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func readInput(t testing.TB, path string) *loss.Input {
	t.Helper()
	d, err := dump.ReadFile(path, dump.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return d.Input
}

// TestEvalRun: several dumps print one line each in step order (step array,
// else the name's number), each with the reference's values, an unreadable
// one as {"file","error"}, and exit 1 after printing every other.
func TestEvalRun(t *testing.T) {
	dir := t.TempDir()
	small, err := golden.Load("small_two_images")
	if err != nil {
		t.Fatal(err)
	}
	empty, err := golden.Load("empty_image_in_batch")
	if err != nil {
		t.Fatal(err)
	}
	copyFile(t, small.NPZ(), filepath.Join(dir, "step_000300.npz"))
	copyFile(t, empty.NPZ(), filepath.Join(dir, "step_000100.npz"))
	// The step array wins over the name.
	writeDump(t, filepath.Join(dir, "step_999999.npz"), readInput(t, empty.NPZ()), dump.Scalar("step", 50))
	b, err := os.ReadFile(small.NPZ())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "step_000200.npz"), b[:len(b)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	paths := []string{"step_000300.npz", "step_000200.npz", "step_999999.npz", "step_000100.npz"}
	for i := range paths {
		paths[i] = filepath.Join(dir, paths[i])
	}
	wantOrder := []struct {
		file string
		step int64
		want *golden.Case
	}{
		{"step_999999.npz", 50, &empty}, {"step_000100.npz", 100, &empty}, {"step_000200.npz", 200, nil}, {"step_000300.npz", 300, &small},
	}

	code, out, errOut := runCLI(slices.Concat([]string{"eval", "-json"}, paths)...)
	if code != 1 || !strings.Contains(errOut, "1 of 4 dumps could not be read") {
		t.Errorf("exit %d, stderr %q; want 1 and the count of failures", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != len(wantOrder) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(wantOrder), out)
	}
	for i, w := range wantOrder {
		var got map[string]any
		if err := json.Unmarshal([]byte(lines[i]), &got); err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		if filepath.Base(got["file"].(string)) != w.file {
			t.Errorf("line %d is %v, want %s", i, got["file"], w.file)
		}
		if w.want == nil {
			if len(got) != 2 || !strings.Contains(fmt.Sprint(got["error"]), "step_000200.npz") {
				t.Errorf("unreadable dump: %v, want only file and an error naming it", got)
			}
			continue
		}
		if got["step"] != float64(w.step) {
			t.Errorf("%s: step %v, want %d", w.file, got["step"], w.step)
		}
		if g := got["loss"].(float64); !golden.Close(g, w.want.Loss) {
			t.Errorf("%s: loss %.10g, reference %.10g", w.file, g, w.want.Loss)
		}
		for _, k := range []string{"focal_tl", "per_stack", "per_image", "warnings", "class_focal", "flags"} {
			if _, ok := got[k]; !ok {
				t.Errorf("%s: no %q", w.file, k)
			}
		}
	}

	// -csv: the same rows, with a header.
	code, out, _ = runCLI(slices.Concat([]string{"eval", "-csv"}, paths)...)
	if code != 1 {
		t.Errorf("-csv: exit %d, want 1", code)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(recs[0], csvHeader) || len(recs) != 1+len(wantOrder) {
		t.Fatalf("csv header %v and %d records", recs[0], len(recs))
	}
	for i, w := range wantOrder {
		r := recs[i+1]
		if filepath.Base(r[0]) != w.file || (w.want == nil) != (r[len(r)-1] != "") {
			t.Errorf("csv line %d: %v", i+1, r)
		}
		if w.want != nil && r[3] != fmt.Sprint(mustFloat(t, lines[i], "loss")) {
			t.Errorf("csv loss %s, JSON %v", r[3], mustFloat(t, lines[i], "loss"))
		}
	}

	// The table: one line per dump, in step order.
	_, out, _ = runCLI(slices.Concat([]string{"eval"}, paths)...)
	last := -1
	for _, w := range wantOrder {
		i := strings.Index(out, w.file)
		if i < last {
			t.Errorf("table: %s out of order:\n%s", w.file, out)
		}
		last = i
	}
}

func mustFloat(t *testing.T, line, key string) float64 {
	var m map[string]any
	if err := json.Unmarshal([]byte(line), &m); err != nil {
		t.Fatal(err)
	}
	return m[key].(float64)
}

// TestEvalChunks splits golden batches into chunks as CornerNet's
// DataParallel does, writes one dump per device with its chunk, and checks
// that eval gives each chunk's terms and their mean as the reference
// computed them chunk by chunk.
func TestEvalChunks(t *testing.T) {
	splits, err := chunkcase.Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(splits) == 0 {
		t.Fatal("no splits in chunks.json")
	}
	for _, sp := range splits {
		t.Run(sp.Name, func(t *testing.T) {
			// Named without numbers: the arrays decide; given in reverse order.
			paths, err := sp.Write(t.TempDir(), 700, func(j int) string { return fmt.Sprintf("device-%c.npz", 'a'+j) })
			if err != nil {
				t.Fatal(err)
			}
			slices.Reverse(paths)
			args := slices.Concat([]string{"eval", "-json", "-pull-weight", fmt.Sprint(sp.Weights.Pull),
				"-push-weight", fmt.Sprint(sp.Weights.Push), "-regr-weight", fmt.Sprint(sp.Weights.Regr)}, paths)
			code, out, errOut := runCLI(args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var got struct {
				Step   int64            `json:"step"`
				Loss   float64          `json:"loss"`
				Focal  float64          `json:"focal"`
				Pull   float64          `json:"pull"`
				Push   float64          `json:"push"`
				Regr   float64          `json:"regr"`
				Chunks []map[string]any `json:"chunks"`
			}
			if n := strings.Count(strings.TrimSpace(out), "\n"); n != 0 {
				t.Fatalf("%d lines for one step:\n%s", n+1, out)
			}
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatal(err)
			}
			if got.Step != 700 || len(got.Chunks) != len(sp.Chunks) {
				t.Fatalf("step %d with %d chunks, want 700 and %d", got.Step, len(got.Chunks), len(sp.Chunks))
			}
			for k, v := range map[string]float64{"loss": got.Loss, "focal": got.Focal, "pull": got.Pull, "push": got.Push, "regr": got.Regr} {
				if !golden.Close(v, sp.Mean[k]) {
					t.Errorf("mean %s %.10g, reference %.10g", k, v, sp.Mean[k])
				}
			}
			for j, c := range got.Chunks {
				if c["chunk"] != float64(j) {
					t.Errorf("chunk %d listed as %v", j, c["chunk"])
				}
				for _, k := range []string{"loss", "focal", "pull", "push", "regr"} {
					if g := c[k].(float64); !golden.Close(g, sp.Terms[j][k]) {
						t.Errorf("chunk %d %s %.10g, reference %.10g", j, k, g, sp.Terms[j][k])
					}
				}
			}
		})
	}
}

// TestEvalChunkMissing: a step lacking a chunk the run has says so.
func TestEvalChunkMissing(t *testing.T) {
	small, err := golden.Load("small_two_images")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var paths []string
	for _, name := range []string{"step_10_gpu0.npz", "step_10_gpu1.npz", "step_20_gpu0.npz"} {
		paths = append(paths, filepath.Join(dir, name))
		copyFile(t, small.NPZ(), paths[len(paths)-1])
	}
	code, out, errOut := runCLI(slices.Concat([]string{"eval", "-json"}, paths)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || strings.Contains(lines[0], "missing") || !strings.Contains(lines[1], `"missing":[1]`) ||
		!strings.Contains(lines[1], "chunks [1] of the run are missing") {
		t.Errorf("want step 10 whole and step 20 missing chunk 1:\n%s", out)
	}
	_, out, _ = runCLI(slices.Concat([]string{"eval"}, paths)...)
	if !strings.Contains(out, "missing") || !strings.Contains(out, "normalised on its own") {
		t.Errorf("the table does not say so:\n%s", out)
	}
}

// TestProbabilityDumpWarns: a dump taken after the loss ran (heats through
// _sigmoid) is flagged, by name, in the table and the JSON; the golden
// dumps of logits are not.
func TestProbabilityDumpWarns(t *testing.T) {
	cases, err := golden.All()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		_, out, _ := runCLI("eval", c.NPZ())
		if strings.Contains(out, "_sigmoid") {
			t.Errorf("%s: false alarm:\n%s", c.Name, out)
		}
	}
	small, err := golden.Load("small_two_images")
	if err != nil {
		t.Fatal(err)
	}
	in := readInput(t, small.NPZ())
	for _, c := range loss.Corners {
		for i, x := range in.Heat[c] {
			in.Heat[c][i] = float32(1 / (1 + math.Exp(-float64(x))))
		}
	}
	p := filepath.Join(t.TempDir(), "after_loss.npz")
	writeDump(t, p, in)
	code, out, _ := runCLI("eval", p)
	if code != 0 || !strings.Contains(out, "warnings") || !strings.Contains(out, "_sigmoid") || !strings.Contains(out, "dump before") {
		t.Errorf("exit %d, no probability warning:\n%s", code, out)
	}
	_, out, _ = runCLI("eval", "-json", p)
	var got struct {
		Warnings []string `json:"warnings"`
		Flags    []string `json:"flags"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(got.Flags, loss.FlagProbabilities) || !strings.Contains(strings.Join(got.Warnings, " "), "_sigmoid") {
		t.Errorf("JSON flags %v warnings %q", got.Flags, got.Warnings)
	}
}

// TestEvalRunInfiniteTerm: tags near the float32 limit give an infinite
// pull, which JSON cannot hold: that dump's line is an error, the others
// still print, and eval exits 1.
func TestEvalRunInfiniteTerm(t *testing.T) {
	small, err := golden.Load("small_two_images")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	in := readInput(t, small.NPZ())
	for i := range in.Tag[loss.TopLeft] {
		in.Tag[loss.TopLeft][i] = 3e38
	}
	huge, fine := filepath.Join(dir, "step_2.npz"), filepath.Join(dir, "step_1.npz")
	writeDump(t, huge, in)
	copyFile(t, small.NPZ(), fine)
	code, out, errOut := runCLI("eval", "-json", huge, fine)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 1 || len(lines) != 2 || !strings.Contains(lines[0], `"step":1`) ||
		!strings.Contains(lines[1], `"error"`) || !strings.Contains(lines[1], "step_2.npz") {
		t.Errorf("exit %d, stderr %q, out:\n%s", code, errOut, out)
	}
}

// TestEvalNPYFiles: several .npy files are the arrays of one dump, not a
// run, and give the reference's value.
func TestEvalNPYFiles(t *testing.T) {
	small, err := golden.Load("small_two_images")
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(small.NPZ())
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	dir := t.TempDir()
	args := []string{"eval", "-json"}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, f.Name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, p)
	}
	code, out, errOut := runCLI(args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if got := mustFloat(t, out, "loss"); !golden.Close(got, small.Loss) {
		t.Errorf("loss %.10g, reference %.10g", got, small.Loss)
	}
}

// TestEvalChunkUnreadable: a chunk that cannot be read stays in its step,
// as an error, and the step's mean says it is over the others only.
func TestEvalChunkUnreadable(t *testing.T) {
	small, err := golden.Load("small_two_images")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	good, bad := filepath.Join(dir, "step_10_gpu0.npz"), filepath.Join(dir, "step_10_gpu1.npz")
	copyFile(t, small.NPZ(), good)
	if err := os.WriteFile(bad, []byte("PK\x03\x04 truncated"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ := runCLI("eval", "-json", bad, good)
	var got stepRow
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	if code != 1 || got.Step != 10 || len(got.Chunks) != 2 || !golden.Close(got.Loss, small.Loss) ||
		!strings.Contains(strings.Join(got.Warnings, " "), "mean over 1 of 2 chunks") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	if e, _ := got.Chunks[1].(map[string]any); e == nil || e["error"] == nil || e["file"] != bad {
		t.Errorf("chunk 1 is %v, want its error", got.Chunks[1])
	}
}
