//go:build !js

package e2e

import (
	"cmp"
	"encoding/json"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/dump"
	"github.com/cornerloss/cornerloss/loss/golden"
	"github.com/cornerloss/cornerloss/loss/scene"
	"github.com/cornerloss/cornerloss/loss/timeline"
	"github.com/cornerloss/cornerloss/viz"
	"github.com/cornerloss/cornerloss/viz/app"
)

// runSummary is one entry of #run[data-summary].
type runSummary struct {
	File  string  `json:"file"`
	Step  int64   `json:"step"`
	Error string  `json:"error"`
	Loss  float64 `json:"loss"`
	Focal float64 `json:"focal"`
	Pull  float64 `json:"pull"`
	Push  float64 `json:"push"`
	Regr  float64 `json:"regr"`
}

// writeSampleRun writes a sample run of n steps into a new directory, the
// step at index truncate cut in half (-1: none), and returns the paths in
// a shuffled order (the page must sort them).
func writeSampleRun(t testing.TB, n, truncate int) (string, []string) {
	t.Helper()
	dir := t.TempDir()
	var paths []string
	for i := range n {
		rs, err := scene.SampleRunStep(i, n)
		if err != nil {
			t.Fatal(err)
		}
		data := rs.Data
		if i == truncate {
			data = data[:len(data)/2]
		}
		p := filepath.Join(dir, rs.Name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	for i := range paths { // a fixed shuffle
		j := (i*7 + 3) % len(paths)
		paths[i], paths[j] = paths[j], paths[i]
	}
	return dir, paths
}

// sampleRun clicks "sample run" and waits until the run is summarised and
// its last step shown.
func (b *browser) sampleRun() {
	b.t.Helper()
	b.do(chromedp.Click(chromedp.CSS("#sample-run")))
	b.waitFor(`document.body.dataset.runState === "ok" && document.body.dataset.state === "ok"`, 150*time.Second)
}

// summaries reads #run[data-summary].
func (b *browser) summaries() []runSummary {
	b.t.Helper()
	var out []runSummary
	s := eval[string](b, `document.getElementById("run").dataset.summary`)
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		b.t.Fatalf("#run data-summary: %v", err)
	}
	return out
}

// dropRun opens the page with query, drops the files of paths on it as a
// run, waits until every one is summarised, and returns the browser and
// the summaries.
func dropRun(t *testing.T, query string, paths []string) (*browser, []runSummary) {
	t.Helper()
	b := newBrowser(t)
	b.open(query)
	b.do(chromedp.SetUploadFiles(chromedp.CSS("#dump-input"), paths))
	b.waitFor(`document.body.dataset.runState === "ok"`, 120*time.Second)
	got := b.summaries()
	if len(got) != len(paths) {
		t.Fatalf("%d summaries, want %d", len(got), len(paths))
	}
	return b, got
}

// TestRunDropped drops 32 dumps at once, one truncated: every file is
// summarised in step order, the numbers are those of the engine the CLI
// runs on each file, the truncated and the NaN files are errors naming the
// problem, the last step is open, and [ and ] open its neighbours.
func TestRunDropped(t *testing.T) {
	const n, truncated = 32, 5
	_, paths := writeSampleRun(t, n, truncated)
	b, got := dropRun(t, "", paths)
	for i, s := range got {
		if want := int64(i+1) * scene.RunStepEvery; s.Step != want {
			t.Errorf("summary %d: step %d, want %d (step order)", i, s.Step, want)
		}
	}
	checkAgainstCLI(t, got, paths)
	nan, _ := scene.SampleRunBroken(n)
	if s := got[truncated]; s.Error == "" {
		t.Errorf("the truncated %s has no error", s.File)
	}
	if s := got[nan]; !strings.Contains(s.Error, "tl_heats") || !strings.Contains(s.Error, "NaN") {
		t.Errorf("the NaN step %s: error %q", s.File, s.Error)
	}
	last := got[n-1].File
	b.waitFor(`document.body.dataset.dump === "`+last+`" && document.body.dataset.state === "ok"`, 30*time.Second)
	if total := b.value("loss-total"); !golden.Close(total, got[n-1].Loss) {
		t.Errorf("open step's total %v, its summary %v", total, got[n-1].Loss)
	}
	b.screenshot("run-dropped")

	// [ opens the previous step, ] the next; the unreadable ones are
	// skipped.
	key := func(k string) {
		b.do(chromedp.KeyEvent(k))
	}
	key("[")
	b.waitFor(`document.body.dataset.dump === "`+got[n-2].File+`" && document.body.dataset.state === "ok"`, 30*time.Second)
	if total := b.value("loss-total"); !golden.Close(total, got[n-2].Loss) {
		t.Errorf("after [: total %v, summary of %s %v", total, got[n-2].File, got[n-2].Loss)
	}
	key("]")
	b.waitFor(`document.body.dataset.dump === "`+last+`"`, 30*time.Second)
	ms, _ := strconv.ParseFloat(eval[string](b, `document.body.dataset.runMs`), 64)
	t.Logf("run of %d dumps summarised in %.0f ms on %s workers, longest frame %s ms (longest update %s ms), peak %s MB", n, ms,
		eval[string](b, `document.body.dataset.runWorkers`), eval[string](b, `document.body.dataset.runMaxFrameMs`),
		eval[string](b, `document.body.dataset.runMaxWorkMs`), eval[string](b, `document.body.dataset.runPeakMb`))
	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
}

// checkAgainstCLI checks each summary of the page against what the CLI's
// reader and engine give for its file (paths holds every file): the same
// terms, or an error where the reader fails, naming the same problem.
func checkAgainstCLI(t *testing.T, got []runSummary, paths []string) {
	t.Helper()
	for _, s := range got {
		p := ""
		for _, q := range paths {
			if filepath.Base(q) == s.File {
				p = q
			}
		}
		if p == "" {
			t.Errorf("%s: not a file of the run", s.File)
			continue
		}
		d, err := dump.ReadFile(p, dump.Options{})
		if err != nil {
			if s.Error == "" || !strings.Contains(err.Error(), s.Error[strings.Index(s.Error, ":")+1:]) {
				t.Errorf("%s: page error %q, reader %q", s.File, s.Error, err)
			}
			continue
		}
		if s.Error != "" {
			t.Errorf("%s: page error %q, the reader reads it", s.File, s.Error)
			continue
		}
		r, err := loss.Evaluate(d.Input, loss.DefaultOptions())
		if err != nil {
			t.Fatal(err)
		}
		w := r.Weighted
		for _, x := range []struct {
			name      string
			got, want float64
		}{{"loss", s.Loss, r.Loss}, {"focal", s.Focal, w.Focal()}, {"pull", s.Pull, w.Pull}, {"push", s.Push, w.Push}, {"regr", s.Regr, w.Regr()}} {
			if !golden.Close(x.got, x.want) {
				t.Errorf("%s: %s %v in the page, %v natively", s.File, x.name, x.got, x.want)
			}
		}
	}
}

// TestRunOneWorkerFallingSizes: one worker reads dump after dump, each on
// its own: files of falling sizes (a buffer reused from the file before
// would hold a longer tail), a truncated one among them, then a larger one
// are each summarised as the CLI reads that file alone, and the truncated
// one is refused as truncated.
func TestRunOneWorkerFallingSizes(t *testing.T) {
	const n, truncated = 6, 2
	_, shuffled := writeSampleRun(t, n, truncated)
	size := func(p string) int64 {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		return st.Size()
	}
	bySize := slices.Clone(shuffled)
	slices.SortFunc(bySize, func(a, b string) int { return cmp.Compare(size(b), size(a)) })
	bySize = append(bySize[1:], bySize[0]) // the largest last
	// The page reads a run's files in the order their names number them
	// (run.ReadOrder): named in the order wanted. Each keeps its own step
	// array, so the run's steps are the sample run's.
	dir := t.TempDir()
	var paths []string
	for i, p := range bySize {
		q := filepath.Join(dir, fmt.Sprintf("read_%02d.npz", i))
		if err := os.Link(p, q); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, q)
	}
	b, got := dropRun(t, "?workers=1", paths)
	checkAgainstCLI(t, got, paths)
	// checkAgainstCLI saw every error match the reader's; the truncated
	// file is one of them, not read as the tail of the file before it.
	truncatedErrs := 0
	for _, s := range got {
		if strings.Contains(s.Error, "truncated") {
			truncatedErrs++
		}
	}
	if truncatedErrs != 1 {
		t.Errorf("%d steps refused as truncated, want 1", truncatedErrs)
	}
	if w := eval[string](b, `document.body.dataset.runWorkers`); w != "1" {
		t.Errorf("the run used %s workers, want 1", w)
	}
}

// runMarker is one entry of #run[data-markers].
type runMarker struct {
	Kind string `json:"kind"`
	Step int64  `json:"step"`
	Text string `json:"text"`
}

// TestSampleRunMarkers: the sample run made in the page shows its injected
// NaN and no-positive markers at their steps, explained on hover; b then [
// compares two steps: the maps show B − A and the totals A, B and the
// change.
func TestSampleRunMarkers(t *testing.T) {
	b := newBrowser(t)
	b.do(chromedp.EmulateViewport(1280, 800))
	b.open("")
	b.sampleRun()
	got := b.summaries()
	if len(got) != scene.RunSteps {
		t.Fatalf("%d steps, want %d", len(got), scene.RunSteps)
	}
	nan, noPos := scene.SampleRunBroken(scene.RunSteps)
	var marks []runMarker
	if err := json.Unmarshal([]byte(eval[string](b, `document.getElementById("run").dataset.markers`)), &marks); err != nil {
		t.Fatal(err)
	}
	found := map[string]int64{}
	for _, m := range marks {
		if _, ok := found[m.Kind]; !ok {
			found[m.Kind] = m.Step
		}
	}
	if s, ok := found["nan"]; !ok || s != got[nan].Step {
		t.Errorf("NaN marker at step %d (%v), want %d; markers %v", s, ok, got[nan].Step, marks)
	}
	if s, ok := found["no-positives"]; !ok || s != got[noPos].Step {
		t.Errorf("no-positive marker at step %d (%v), want %d", s, ok, got[noPos].Step)
	}
	// Hover the NaN step: the box names the file and the array.
	a, rect := pageApp(b)
	loadRunSteps(a, got)
	p := viz.TimelinePoint(rect, a.Timeline(), nan)
	left := eval[float64](b, `document.querySelector("canvas").getBoundingClientRect().left`)
	b.do(chromedp.MouseEvent(chromedp.MouseMoved, left+float64(p.X), float64(p.Y)))
	b.waitFor(`!document.getElementById("hover").hidden && document.getElementById("hover").textContent.includes("`+got[nan].File+`")`, 10*time.Second)
	if text := eval[string](b, `document.getElementById("hover").textContent`); !strings.Contains(text, "tl_heats: NaN at") {
		t.Errorf("hover over the NaN step: %q", text)
	}
	b.screenshot("timeline-1280x800")

	// Compare: the last step becomes A, [ opens the one before as B.
	b.do(chromedp.KeyEvent("b"))
	b.do(chromedp.KeyEvent("["))
	prev := got[len(got)-2]
	b.waitFor(`document.body.dataset.dump === "`+prev.File+`" && !document.getElementById("compare").hidden`, 30*time.Second)
	aLoss, _ := strconv.ParseFloat(eval[string](b, `document.getElementById("cmp-loss").dataset.a`), 64)
	bLoss, _ := strconv.ParseFloat(eval[string](b, `document.getElementById("cmp-loss").dataset.b`), 64)
	if aLoss != got[len(got)-1].Loss || bLoss != prev.Loss {
		t.Errorf("comparison loss A %v B %v, want %v and %v", aLoss, bLoss, got[len(got)-1].Loss, prev.Loss)
	}
	shot := b.screenshot("compare-1280x800")
	if n := distinctColours(t, shot, image.Rect(400, 0, 1280, 300)); n < 20 {
		t.Errorf("the compared maps have %d colours", n)
	}
	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}

	// The same run at 1920×1080, for people to look at.
	b.do(chromedp.EmulateViewport(1920, 1080))
	b.do(chromedp.MouseEvent(chromedp.MouseMoved, 100, 400)) // over the side panel: no hover box
	b.settle()
	b.settle()
	b.screenshot("timeline-1920x1080")
}

// pageApp returns an app laid out like the page's canvas, and where its
// timeline is.
func pageApp(b *browser) (*app.App, image.Rectangle) {
	w := eval[float64](b, `document.querySelector("canvas").getBoundingClientRect().width`)
	h := eval[float64](b, `document.querySelector("canvas").getBoundingClientRect().height`)
	a := app.New()
	a.SetCanvas(image.Pt(int(w), int(h)))
	a.StartRun(app.RunSample, nil)
	return a, a.TimelineRect()
}

// loadRunSteps gives the app as many steps as the page has (their x on the
// timeline depends only on their number).
func loadRunSteps(a *app.App, got []runSummary) {
	for _, s := range got {
		id, _ := a.Run.AddFile(s.File)
		st := timeline.Step{File: s.File, Step: s.Step, Error: s.Error}
		if s.Error == "" {
			st.Summary = &loss.Summary{Loss: s.Loss}
		}
		a.RunSummary(id, st)
	}
}

// TestRunFolder: "Open a run folder" makes a run of every .npz in the
// folder, and leaves other files out.
func TestRunFolder(t *testing.T) {
	dir, _ := writeSampleRun(t, 6, -1)
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("lr 1e-4"), 0o644); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t)
	b.open("")
	b.do(chromedp.SetUploadFiles(chromedp.CSS("#run-input"), []string{dir}))
	b.waitFor(`document.body.dataset.runState === "ok" && document.body.dataset.runSteps === "6" && document.body.dataset.state === "ok"`, 120*time.Second)
	for _, s := range b.summaries() {
		if !strings.HasSuffix(s.File, ".npz") {
			t.Errorf("%s is in the run", s.File)
		}
	}
	if status := eval[string](b, `document.getElementById("status").textContent`); !strings.Contains(status, "cannot travel in a link") {
		t.Errorf("status %q does not say a local run cannot travel in a link", status)
	}
}
