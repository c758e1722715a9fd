package timeline_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cornerloss/cornerloss/internal/chunkcase"
	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/dump"
	"github.com/cornerloss/cornerloss/loss/golden"
	"github.com/cornerloss/cornerloss/loss/timeline"
)

// TestGroup: the files of a run as the workers read them (chunk arrays,
// chunk names, a plain dump, an unreadable chunk, a step lacking a chunk)
// become its steps: a chunked step holds its chunks, and its terms are the
// reference's mean over them (testdata/chunks); a step waits for its
// pending files; a missing or unread chunk is marked.
func TestGroup(t *testing.T) {
	sp, chunks, read := splitCase(t)
	var files []timeline.Step
	// Step 700: the split's chunks, by their arrays, named without numbers,
	// given in reverse order.
	for j := len(chunks) - 1; j >= 0; j-- {
		files = append(files, read(fmt.Sprintf("device-%c.npz", 'a'+j), append(dump.Arrays(chunks[j]), dump.Scalar("step", 700), dump.Scalar("chunk", int64(j)))))
	}
	// Step 300: one plain dump. Step 800: chunk 0 only, by name. Step 900:
	// chunk 1 unreadable, chunk 0 fine.
	files = append(files,
		read("step_300.npz", dump.Arrays(chunks[0])),
		read("step_800_gpu0.npz", dump.Arrays(chunks[0])),
		read("step_900_gpu0.npz", dump.Arrays(chunks[0])),
		timeline.Read("step_900_gpu1.npz", bytes.NewReader([]byte("PK")), 2, sp.Options(), dump.Options{}))
	pending := make([]bool, len(files))
	steps := timeline.Group(files, pending)
	var got []string
	for _, s := range steps {
		got = append(got, fmt.Sprintf("%d:%d", s.Step, len(s.Chunks)))
	}
	if want := []string{"300:0", "700:2", "800:1", "900:2"}; !slices.Equal(got, want) {
		t.Fatalf("steps %v, want %v", got, want)
	}
	s := steps[1]
	if !s.OK() || !s.StepFromDump || s.File != "device-a.npz" {
		t.Fatalf("step 700: ok %v from dump %v file %q", s.OK(), s.StepFromDump, s.File)
	}
	for k, v := range map[string]float64{"loss": s.Loss, "focal": s.Focal, "pull": s.Pull, "push": s.Push, "regr": s.Regr} {
		if !golden.Close(v, sp.Mean[k]) {
			t.Errorf("step 700 %s %.10g, reference mean %.10g", k, v, sp.Mean[k])
		}
	}
	for j, c := range s.Chunks {
		if c.Chunk == nil || *c.Chunk != int64(j) || !golden.Close(c.Loss, sp.Terms[j]["loss"]) {
			t.Errorf("step 700 chunk %d: %v, loss %v, reference %v", j, c.Chunk, c.Loss, sp.Terms[j]["loss"])
		}
	}
	if len(s.Missing) != 0 || len(s.ChunkWarnings) != 0 {
		t.Errorf("step 700 is whole: missing %v, warnings %v", s.Missing, s.ChunkWarnings)
	}
	if s := steps[2]; !slices.Equal(s.Missing, []int64{1}) || !strings.Contains(strings.Join(s.Warnings, ";"), "chunks [1] of the run are missing") {
		t.Errorf("step 800: missing %v, warnings %q", s.Missing, s.Warnings)
	}
	if s := steps[3]; !s.OK() || s.Loss != s.Chunks[0].Loss || !strings.Contains(strings.Join(s.ChunkWarnings, ";"), "chunk 1 (step_900_gpu1.npz) could not be read") {
		t.Errorf("step 900: ok %v loss %v (chunk 0 %v), warnings %q", s.OK(), s.Loss, s.Chunks[0].Loss, s.ChunkWarnings)
	}
	var marked []int64
	for _, m := range timeline.Markers(steps) {
		if m.Kind == timeline.KindChunks {
			marked = append(marked, steps[m.Index].Step)
		}
	}
	if !slices.Equal(marked, []int64{800, 900}) {
		t.Errorf("chunk markers at steps %v, want 800 and 900", marked)
	}

	pending[0] = true // a chunk of step 700 not read yet
	for _, s := range timeline.Group(files, pending) {
		if s.Step == 700 {
			t.Error("step 700 shown while one of its chunks is pending")
		}
	}
}

// splitCase loads the first split step of testdata/chunks: the case, its
// chunks' inputs, and read, which reads arrays written as an .npz under the
// case's options, as a run's worker reads a file.
func splitCase(t *testing.T) (chunkcase.Split, []*loss.Input, func(name string, arrays []dump.Array) timeline.Step) {
	t.Helper()
	splits, err := chunkcase.Load()
	if err != nil {
		t.Fatal(err)
	}
	sp := splits[0]
	_, chunks, err := sp.Batch()
	if err != nil {
		t.Fatal(err)
	}
	return sp, chunks, func(name string, arrays []dump.Array) timeline.Step {
		var buf bytes.Buffer
		if err := dump.WriteNPZ(&buf, arrays); err != nil {
			t.Fatal(err)
		}
		return timeline.Read(name, bytes.NewReader(buf.Bytes()), int64(buf.Len()), sp.Options(), dump.Options{})
	}
}
