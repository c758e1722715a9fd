package app

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cornerloss/cornerloss/internal/chunkcase"
	"github.com/cornerloss/cornerloss/loss/dump"
	"github.com/cornerloss/cornerloss/loss/golden"
	"github.com/cornerloss/cornerloss/loss/timeline"
)

// chunkFiles writes the chunks of a split as .npz bytes holding step and
// chunk, named by name(j).
func chunkFiles(t *testing.T, sp chunkcase.Split, step int64, name func(int) string) (names []string, data [][]byte) {
	t.Helper()
	_, chunks, err := sp.Batch()
	if err != nil {
		t.Fatal(err)
	}
	for j, in := range chunks {
		var buf bytes.Buffer
		if err := dump.WriteNPZ(&buf, append(dump.Arrays(in), dump.Scalar("step", step), dump.Scalar("chunk", int64(j)))); err != nil {
			t.Fatal(err)
		}
		names, data = append(names, name(j)), append(data, buf.Bytes())
	}
	return names, data
}

func readAll(t *testing.T, names []string, data [][]byte) []*dump.Dump {
	t.Helper()
	var ds []*dump.Dump
	for i := range names {
		d, err := dump.ReadNPZ(names[i], data[i], dump.Options{})
		if err != nil {
			t.Fatal(err)
		}
		ds = append(ds, d)
	}
	return ds
}

// TestChunks: the dumps of one step from several devices open together:
// every chunk's terms and their mean are the reference's (testdata/chunks),
// the chunk on screen is chosen with its control or k, options reach every
// chunk, a missing chunk is listed and said, and files of different steps
// are refused.
func TestChunks(t *testing.T) {
	splits, err := chunkcase.Load()
	if err != nil {
		t.Fatal(err)
	}
	sp := splits[1] // three chunks
	if len(sp.Chunks) != 3 {
		t.Fatalf("%s has %d chunks, want 3", sp.Name, len(sp.Chunks))
	}
	names, data := chunkFiles(t, sp, 700, func(j int) string { return fmt.Sprintf("device-%c.npz", 'a'+j) })
	ds := readAll(t, names, data)
	a := New()
	a.SetOptions(sp.Options())
	slices.Reverse(names)
	slices.Reverse(ds)
	if err := a.ShowChunks(names, ds); err != nil {
		t.Fatal(err)
	}
	slices.Reverse(names)
	check := func(at int) {
		t.Helper()
		tot := a.Totals()
		if len(tot.Chunks) != 3 {
			t.Fatalf("%d chunk rows, want 3", len(tot.Chunks))
		}
		for j, r := range tot.Chunks {
			if r.Chunk != int64(j) || r.File != names[j] || r.Viewed != (j == at) || r.Missing {
				t.Errorf("row %d: %+v", j, r)
			}
			if !golden.Close(r.Loss, sp.Terms[j]["loss"]) || !golden.Close(r.Pull, sp.Terms[j]["pull"]) {
				t.Errorf("chunk %d: loss %v pull %v, reference %v %v", j, r.Loss, r.Pull, sp.Terms[j]["loss"], sp.Terms[j]["pull"])
			}
		}
		for k, v := range map[string]float64{"loss": tot.Mean.Loss, "focal": tot.Mean.Focal, "pull": tot.Mean.Pull, "push": tot.Mean.Push, "regr": tot.Mean.Regr} {
			if !golden.Close(v, sp.Mean[k]) {
				t.Errorf("mean %s %v, reference %v", k, v, sp.Mean[k])
			}
		}
		if !golden.Close(tot.Loss, sp.Terms[at]["loss"]) || a.DumpName != names[at] {
			t.Errorf("on screen %s with loss %v, want chunk %d's %v", a.DumpName, tot.Loss, at, sp.Terms[at]["loss"])
		}
		if !strings.Contains(a.Status(), fmt.Sprintf("chunk %d of 3", at)) || !strings.Contains(a.Status(), "mean over chunks") {
			t.Errorf("status %q", a.Status())
		}
	}
	check(0)
	if _, _, err := a.Key("k"); err != nil {
		t.Fatal(err)
	}
	check(1)
	if err := a.Apply("chunk", "2"); err != nil {
		t.Fatal(err)
	}
	check(2)
	if c, _ := ControlByID("chunk"); c.Get(a) != "2" || len(c.Choices(a)) != 3 || !c.Enabled(a) {
		t.Errorf("chunk control: value %q, %d choices", c.Get(a), len(c.Choices(a)))
	}

	// Options reach every chunk: pull weight doubled, pull doubled.
	o := a.Options
	o.PullWeight *= 2
	if err := a.SetOptions(o); err != nil {
		t.Fatal(err)
	}
	for j, r := range a.Totals().Chunks {
		if !golden.Close(r.Pull, 2*sp.Terms[j]["pull"]) {
			t.Errorf("chunk %d: pull %v after doubling its weight, reference ×2 %v", j, r.Pull, 2*sp.Terms[j]["pull"])
		}
	}
	a.SetOptions(sp.Options())

	// Chunks 0 and 2 only: chunk 1 is missing, listed and said.
	if err := a.ShowChunks([]string{names[0], names[2]}, []*dump.Dump{ds[2], ds[0]}); err != nil {
		t.Fatal(err)
	}
	rows := a.Totals().Chunks
	if len(rows) != 3 || !rows[1].Missing || rows[1].Chunk != 1 || rows[2].Chunk != 2 {
		t.Errorf("rows with chunk 1 missing: %+v", rows)
	}
	if want := (sp.Terms[0]["loss"] + sp.Terms[2]["loss"]) / 2; !golden.Close(a.Totals().Mean.Loss, want) {
		t.Errorf("mean of two chunks %v, want %v", a.Totals().Mean.Loss, want)
	}
	if !strings.Contains(a.Status(), "chunks [1] of the run are missing") {
		t.Errorf("status %q does not say chunk 1 is missing", a.Status())
	}

	// Files of two steps are not one step: refused, the screen stays.
	other := *ds[1]
	other.Step = new(int64(800))
	before := a.DumpName
	if err := a.ShowChunks([]string{"x.npz", "y.npz"}, []*dump.Dump{ds[0], &other}); err == nil || !strings.Contains(err.Error(), "not the chunks of one step") {
		t.Errorf("two steps: %v", err)
	}
	if a.DumpName != before || a.Totals().Chunks == nil {
		t.Error("a refused set of files changed the screen")
	}
	if err := a.ShowDump(names[0], ds[0]); err != nil {
		t.Fatal(err)
	}
	if a.Totals().Chunks != nil {
		t.Error("a dump of its own still lists chunks")
	}
}

// TestRunChunks: in a run, the files of one step from several devices are
// one step on the timeline (the reference's mean), Files gives all of
// them, and opening it shows its chunks; a step lacking a chunk the run
// has is marked.
func TestRunChunks(t *testing.T) {
	splits, err := chunkcase.Load()
	if err != nil {
		t.Fatal(err)
	}
	sp := splits[0]
	names, data := chunkFiles(t, sp, 700, func(j int) string { return fmt.Sprintf("step_700_gpu%d.npz", j) })
	n2, d2 := chunkFiles(t, sp, 800, func(j int) string { return fmt.Sprintf("step_800_gpu%d.npz", j) })
	names, data = append(names, n2[0]), append(data, d2[0]) // step 800 lacks chunk 1
	a := New()
	a.SetOptions(sp.Options())
	a.StartRun(RunLocal, names)
	// Progress counts steps: step 700's first file alone is none done.
	wantDone := []int{0, 1, 2}
	for id := range names {
		a.RunSummary(id, timeline.Read(names[id], bytes.NewReader(data[id]), int64(len(data[id])), a.Options, dump.Options{}))
		if d, n := a.Run.StepsDone(), a.Run.StepsTotal(); d != wantDone[id] || n != 2 {
			t.Errorf("after %d of %d files: %d of %d steps done, want %d of 2", id+1, len(names), d, n, wantDone[id])
		}
	}
	steps := a.Run.Steps()
	if len(steps) != 2 || len(steps[0].Chunks) != 2 || !golden.Close(steps[0].Loss, sp.Mean["loss"]) {
		t.Fatalf("steps %d, first with %d chunks and loss %v (reference mean %v)", len(steps), len(steps[0].Chunks), steps[0].Loss, sp.Mean["loss"])
	}
	if !slices.Equal(steps[1].Missing, []int64{1}) || !slices.ContainsFunc(a.Run.Markers(), func(m timeline.Marker) bool { return m.Kind == timeline.KindChunks && m.Index == 1 }) {
		t.Errorf("step 800: missing %v, markers %v", steps[1].Missing, a.Run.Markers())
	}
	if tl := a.Timeline(); tl.Total != 2 {
		t.Errorf("the timeline has room for %d steps, want 2 (4 files)", tl.Total)
	}
	if h := a.stepText(0, nil); !strings.Contains(h, "mean over its chunks") || !strings.Contains(h, "chunk 1   loss") {
		t.Errorf("hover of step 700:\n%s", h)
	}
	_, want, ok := a.Run.Want()
	if !ok || want != n2[0] {
		t.Fatalf("the run asks to open %q, want the last step %s", want, n2[0])
	}
	if err := a.OpenStep(0); err != nil {
		t.Fatal(err)
	}
	_, want, _ = a.Run.Want()
	ids, files := a.Run.Files(want)
	if !slices.Equal(files, names[:2]) || !slices.Equal(ids, []int{0, 1}) {
		t.Fatalf("files of step 700: %v %v", ids, files)
	}
	if err := a.ShowRunChunks(files, readAll(t, files, data[:2])); err != nil {
		t.Fatal(err)
	}
	if got := a.Totals().Mean.Loss; !golden.Close(got, steps[0].Loss) {
		t.Errorf("open step's mean %v, its summary %v", got, steps[0].Loss)
	}
	if open, _ := a.Run.Open(); open.Step != 700 {
		t.Errorf("open step %d, want 700", open.Step)
	}
}
