//go:build !js

package e2e

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/cornerloss/cornerloss/internal/chunkcase"
	"github.com/cornerloss/cornerloss/loss/golden"
)

// cliStep is a line of `cornerloss eval -json`: a step split over devices.
type cliStep struct {
	Step                          int64   `json:"step"`
	Loss, Focal, Pull, Push, Regr float64 `json:"-"`
	Missing                       []int64 `json:"missing"`
	Chunks                        []struct {
		File  string  `json:"file"`
		Chunk int64   `json:"chunk"`
		Loss  float64 `json:"loss"`
	} `json:"chunks"`
}

func (s *cliStep) UnmarshalJSON(b []byte) error {
	type plain cliStep
	var t struct {
		plain
		Loss  float64 `json:"loss"`
		Focal float64 `json:"focal"`
		Pull  float64 `json:"pull"`
		Push  float64 `json:"push"`
		Regr  float64 `json:"regr"`
	}
	if err := json.Unmarshal(b, &t); err != nil {
		return err
	}
	*s = cliStep(t.plain)
	s.Loss, s.Focal, s.Pull, s.Push, s.Regr = t.Loss, t.Focal, t.Pull, t.Push, t.Regr
	return nil
}

// cliEval runs `cornerloss eval -json` (built from ./cmd/cornerloss) on
// paths with the split's weights: the CLI's numbers for the same files.
func cliEval(t *testing.T, sp chunkcase.Split, paths ...string) []cliStep {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "cornerloss")
	build := exec.Command("go", "build", "-o", bin, "./cmd/cornerloss")
	build.Dir = moduleRoot()
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	args := slices.Concat([]string{"eval", "-json", "-pull-weight", fmt.Sprint(sp.Weights.Pull),
		"-push-weight", fmt.Sprint(sp.Weights.Push), "-regr-weight", fmt.Sprint(sp.Weights.Regr)}, paths)
	out, err := exec.Command(bin, args...).Output()
	if err != nil {
		t.Fatalf("cornerloss eval: %v", err)
	}
	var steps []cliStep
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var s cliStep
		if err := json.Unmarshal([]byte(line), &s); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		steps = append(steps, s)
	}
	return steps
}

// uploadAll gives paths to #dump-input together and waits for the page to
// report state for the upload it calls name.
func (b *browser) uploadAll(paths []string, name, state string) {
	b.t.Helper()
	b.do(chromedp.Evaluate[chromedp.Void](`document.body.dataset.dump = ""; document.body.dataset.state = ""`))
	b.do(chromedp.SetUploadFiles(chromedp.CSS("#dump-input"), paths))
	b.waitFor(`document.body.dataset.dump === "`+name+`" && document.body.dataset.state !== ""`, 60*time.Second)
	if got := eval[string](b, `document.body.dataset.state`); got != state {
		b.t.Fatalf("%s: data-state %q, want %q (status %q)", name, got, state, eval[string](b, `document.getElementById("status").textContent`))
	}
	b.settle()
}

// chunkRows reads #chunks: each chunk row's data-loss ("missing" for a
// missing chunk) by chunk, and the mean row's terms.
func (b *browser) chunkRows() (rows map[int64]string, mean map[string]float64) {
	b.t.Helper()
	s := eval[string](b, `JSON.stringify({rows: [...document.querySelectorAll("#chunks tr[data-chunk]")].map(r => [+r.dataset.chunk, r.classList.contains("missing") ? "missing" : r.dataset.loss]),
		mean: Object.fromEntries(["loss", "focal", "pull", "push", "regr"].map(k => [k, +(document.getElementById("chunk-mean") || {dataset: {}}).dataset[k]]))})`)
	var v struct {
		Rows [][2]any           `json:"rows"`
		Mean map[string]float64 `json:"mean"`
	}
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		b.t.Fatal(err)
	}
	rows = map[int64]string{}
	for _, r := range v.Rows {
		rows[int64(r[0].(float64))] = r[1].(string)
	}
	return rows, v.Mean
}

// checkStep compares the chunk table with the CLI's line for the same files.
func checkStep(t *testing.T, b *browser, want cliStep) {
	t.Helper()
	rows, mean := b.chunkRows()
	for k, v := range map[string]float64{"loss": want.Loss, "focal": want.Focal, "pull": want.Pull, "push": want.Push, "regr": want.Regr} {
		if !golden.Close(mean[k], v) {
			t.Errorf("step %d: mean %s %v in the page, %v from eval -json", want.Step, k, mean[k], v)
		}
	}
	for _, c := range want.Chunks {
		var got float64
		fmt.Sscan(rows[c.Chunk], &got)
		if !golden.Close(got, c.Loss) {
			t.Errorf("step %d chunk %d: loss %q in the page, %v from eval -json", want.Step, c.Chunk, rows[c.Chunk], c.Loss)
		}
	}
	for _, m := range want.Missing {
		if rows[m] != "missing" {
			t.Errorf("step %d: chunk %d is %q in the page, missing for the CLI", want.Step, m, rows[m])
		}
	}
	if len(rows) != len(want.Chunks)+len(want.Missing) {
		t.Errorf("step %d: %d rows, the CLI %d chunks and %d missing", want.Step, len(rows), len(want.Chunks), len(want.Missing))
	}
}

// step700 writes the three chunks of a split (testdata/chunks) as step 700
// into a new directory, step_700_gpuN.npz, and returns what `cornerloss
// eval -json` prints for them.
func step700(t *testing.T) (sp chunkcase.Split, dir string, paths []string, cli []cliStep) {
	t.Helper()
	splits, err := chunkcase.Load()
	if err != nil {
		t.Fatal(err)
	}
	sp, dir = splits[1], t.TempDir()
	paths, err = sp.Write(dir, 700, func(j int) string { return fmt.Sprintf("step_700_gpu%d.npz", j) })
	if err != nil {
		t.Fatal(err)
	}
	return sp, dir, paths, cliEval(t, sp, paths...)
}

// TestChunksInPage: the files of one step from three devices, picked
// together, open as that step: each chunk's loss and their mean as
// `cornerloss eval -json` prints them for the same files (and as the
// reference computed, testdata/chunks); the chunk on screen is chosen with
// its control; a step lacking a chunk lists it and says so. In a run, the
// step is one point of the timeline whose summary is the chunk mean, a
// step lacking a chunk is marked, and opening the step shows its chunks.
func TestChunksInPage(t *testing.T) {
	sp, dir, paths, cli := step700(t)
	if len(cli) != 1 || len(cli[0].Chunks) != 3 || !golden.Close(cli[0].Loss, sp.Mean["loss"]) {
		t.Fatalf("eval -json: %+v (reference mean %v)", cli, sp.Mean["loss"])
	}
	b := newBrowser(t)
	b.open("")
	b.setNumber("pull-weight", sp.Weights.Pull)
	b.setNumber("push-weight", sp.Weights.Push)
	b.setNumber("regr-weight", sp.Weights.Regr)
	b.uploadAll(paths, "3 files", "ok")
	checkStep(t, b, cli[0])
	if got := b.value("loss-total"); !golden.Close(got, cli[0].Chunks[0].Loss) {
		t.Errorf("on screen total %v, chunk 0 %v", got, cli[0].Chunks[0].Loss)
	}
	if note := eval[string](b, `document.querySelector("#chunks caption").textContent`); !strings.Contains(note, "normalised on its own") {
		t.Errorf("note %q", note)
	}
	b.setSelect("chunk", "2")
	b.settle()
	if got := b.value("loss-total"); !golden.Close(got, cli[0].Chunks[2].Loss) {
		t.Errorf("chunk 2 on screen: total %v, eval -json %v", got, cli[0].Chunks[2].Loss)
	}
	if status := eval[string](b, `document.getElementById("status").textContent`); !strings.Contains(status, "chunk 2 of 3") {
		t.Errorf("status %q", status)
	}
	b.screenshot("chunks-step")

	// Chunks 0 and 2 only: chunk 1 is missing.
	two := []string{paths[0], paths[2]}
	b.uploadAll(two, "2 files", "ok")
	want := cliEval(t, sp, two...)[0]
	if !slices.Equal(want.Missing, []int64{1}) {
		t.Fatalf("eval -json: missing %v", want.Missing)
	}
	checkStep(t, b, want)
	if status := eval[string](b, `document.getElementById("status").textContent`); !strings.Contains(status, "chunks [1] of the run are missing") {
		t.Errorf("status %q does not say chunk 1 is missing", status)
	}

	// A run: step 700 whole, step 800 lacking chunks 1 and 2.
	p800, err := sp.Write(filepath.Join(dir), 800, func(j int) string { return fmt.Sprintf("step_800_gpu%d.npz", j) })
	if err != nil {
		t.Fatal(err)
	}
	run := append(slices.Clone(paths), p800[0])
	cli = cliEval(t, sp, run...)
	b.do(chromedp.SetUploadFiles(chromedp.CSS("#dump-input"), run))
	b.waitFor(`document.body.dataset.runState === "ok"`, 120*time.Second)
	sums := b.summaries()
	if len(sums) != 2 || len(cli) != 2 {
		t.Fatalf("%d steps in the page, %d from eval -json", len(sums), len(cli))
	}
	for i, s := range sums {
		for k, v := range map[string][2]float64{"loss": {s.Loss, cli[i].Loss}, "focal": {s.Focal, cli[i].Focal}, "pull": {s.Pull, cli[i].Pull}, "push": {s.Push, cli[i].Push}, "regr": {s.Regr, cli[i].Regr}} {
			if s.Step != cli[i].Step || !golden.Close(v[0], v[1]) {
				t.Errorf("step %d: %s %v on the timeline, step %d %v from eval -json", s.Step, k, v[0], cli[i].Step, v[1])
			}
		}
	}
	var marks []runMarker
	if err := json.Unmarshal([]byte(eval[string](b, `document.getElementById("run").dataset.markers`)), &marks); err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(marks, func(m runMarker) bool {
		return m.Kind == "chunks" && m.Step == 800 && strings.Contains(m.Text, "chunks [1 2] of the run are missing")
	}) {
		t.Errorf("no marker for step 800's missing chunks: %+v", marks)
	}
	b.waitFor(`document.getElementById("chunk-mean") && document.body.dataset.state === "ok" && document.body.dataset.dump === "step_800_gpu0.npz"`, 30*time.Second)
	checkStep(t, b, cli[1])
	b.do(chromedp.KeyEvent("["))
	b.waitFor(`document.body.dataset.dump === "3 files" && document.body.dataset.state === "ok"`, 30*time.Second)
	b.settle()
	checkStep(t, b, cli[0])
	b.screenshot("chunks-run")
	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
}

// TestRunOfPT: .pt files dropped together are a run (issue 9: runs read
// what torch.save wrote): each step's summary is the reference's loss.
func TestRunOfPT(t *testing.T) {
	dir := filepath.Join(filepath.Dir(golden.Dir()), "pt")
	files := map[string]string{"two_stacks_tuple_legacy.pt": "two_stacks", "single_object_push_quirk_dict_legacy.pt": "single_object_push_quirk"}
	var paths []string
	for f := range files {
		paths = append(paths, filepath.Join(dir, f))
	}
	b := newBrowser(t)
	b.open("")
	b.do(chromedp.SetUploadFiles(chromedp.CSS("#dump-input"), paths))
	b.waitFor(`document.body.dataset.runState === "ok"`, 120*time.Second)
	sums := b.summaries()
	if len(sums) != 2 {
		t.Fatalf("%d steps, want 2: %+v", len(sums), sums)
	}
	for _, s := range sums {
		c, err := golden.Load(files[s.File])
		if err != nil {
			t.Fatalf("%s: %v (error %q)", s.File, err, s.Error)
		}
		if c.Weights.Pull == 0.1 && c.Weights.Push == 0.1 && c.Weights.Regr == 1 && !golden.Close(s.Loss, c.Loss) {
			t.Errorf("%s: loss %v, reference %v", s.File, s.Loss, c.Loss)
		}
		if s.Error != "" || !(s.Loss > 0) {
			t.Errorf("%s: error %q, loss %v", s.File, s.Error, s.Loss)
		}
	}
}
