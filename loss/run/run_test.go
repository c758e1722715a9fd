package run

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/cornerloss/cornerloss/internal/chunkcase"
	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/golden"
)

func TestFromFileName(t *testing.T) {
	for _, c := range []struct {
		name    string
		step    int64
		stepOK  bool
		chunk   int64
		chunkOK bool
	}{
		{"step_004500.npz", 4500, true, 0, false},
		{"runs/a7/step_000500.npz", 500, true, 0, false},
		{"step_004500_chunk1.npz", 4500, true, 1, true},
		{"step_004500.gpu3.npz", 4500, true, 3, true},
		{"step_004500-rank2.pt", 4500, true, 2, true},
		{"iter12_GPU_0.pth", 12, true, 0, true},
		{"step_4500_1.npz", 1, true, 0, false}, // no keyword, no chunk
		{"model_v2_step100_final.npz", 100, true, 0, false},
		{"dump.npz", 0, false, 0, false},
		{"chunk1.npz", 1, true, 0, false}, // a chunk suffix needs a separator before it
		{"x_gpu1.npz", 0, false, 1, true},
		{"step_99999999999999999999.npz", 0, false, 0, false}, // past int64
		{"step_10.NPZ", 10, true, 0, false},
		{"step_10", 10, true, 0, false}, // a directory of .npy
	} {
		step, stepOK, chunk, chunkOK := FromFileName(c.name)
		if step != c.step || stepOK != c.stepOK || chunk != c.chunk || chunkOK != c.chunkOK {
			t.Errorf("%s: step %d %v chunk %d %v, want %d %v %d %v", c.name, step, stepOK, chunk, chunkOK, c.step, c.stepOK, c.chunk, c.chunkOK)
		}
	}
}

// The regexps the names were read with before (see chunkSuffix): the
// reading by hand must agree with them.
var (
	chunkRE   = regexp.MustCompile(`(?i)[._-](?:chunk|gpu|rank|cuda|device)[_-]?([0-9]+)$`)
	lastIntRE = regexp.MustCompile(`([0-9]+)[^0-9]*$`)
)

// namesAsRegexps reports where chunkSuffix and lastInt disagree with the
// regexps on stem, "" when they agree. The regexps' (?i) also folds the
// Kelvin sign to k, which the ASCII reading does not: such stems are
// left out.
func namesAsRegexps(stem string) string {
	if strings.ContainsRune(stem, '\u212a') {
		return ""
	}
	digits, at, ok := chunkSuffix(stem)
	var want []string
	wantAt, wantOK := 0, false
	if m := chunkRE.FindStringSubmatchIndex(stem); m != nil {
		want, wantAt, wantOK = []string{stem[m[2]:m[3]]}, m[0], true
	}
	if ok != wantOK || ok && (digits != want[0] || at != wantAt) {
		return fmt.Sprintf("chunk of %q: %q at %d %v, regexp %v at %d %v", stem, digits, at, ok, want, wantAt, wantOK)
	}
	wantInt := ""
	if m := lastIntRE.FindStringSubmatch(stem); m != nil {
		wantInt = m[1]
	}
	if got := lastInt(stem); got != wantInt {
		return fmt.Sprintf("last integer of %q: %q, regexp %q", stem, got, wantInt)
	}
	return ""
}

var nameSeeds = []string{
	"step_004500", "step_004500_chunk1", "step_004500.gpu3", "step_004500-rank2", "iter12_GPU_0",
	"step_4500_1", "model_v2_step100_final", "dump", "chunk1", "x_gpu1", "x_gpu_-1", "x__gpu_1",
	"_gpu_gpu1", "a.DEVICE-7", "a-cuda", "a-cuda-", "a.rank_", "Rank1", ".rank1", "x_chunkk1",
	"x_chunK1", "x_chun\u212a1", "12", "", "a1b2c", "x-device007", "x_gpu1_2", "x-gpu-1-",
}

// TestNamesAsRegexps: the names are read as the regexps read them.
func TestNamesAsRegexps(t *testing.T) {
	for _, s := range nameSeeds {
		if msg := namesAsRegexps(s); msg != "" {
			t.Error(msg)
		}
	}
}

func FuzzNamesAsRegexps(f *testing.F) {
	for _, s := range nameSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, stem string) {
		if msg := namesAsRegexps(stem); msg != "" {
			t.Error(msg)
		}
	})
}

func ptr(v int64) *int64 { return &v }

// describe prints steps compactly: "500[1,0]" is step 500 of dumps 1 and 0.
func describe(dumps []Dump, steps []Step) string {
	var parts []string
	for _, s := range steps {
		var names []string
		for _, i := range s.Dumps {
			names = append(names, dumps[i].Name)
		}
		p := fmt.Sprintf("%d/%s%v", s.Step, s.From, names)
		if s.Chunks != nil {
			p += fmt.Sprintf(" chunks%v", s.Chunks)
		}
		if len(s.Missing) > 0 {
			p += fmt.Sprintf(" missing%v", s.Missing)
		}
		if len(s.Repeated) > 0 {
			p += fmt.Sprintf(" repeated%v", s.Repeated)
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, "; ")
}

func TestSteps(t *testing.T) {
	for _, c := range []struct {
		what  string
		dumps []Dump
		want  string
	}{
		{"by name, out of order",
			[]Dump{{Name: "step_001000.npz"}, {Name: "step_000500.npz"}, {Name: "step_010000.npz"}},
			"500/name[step_000500.npz]; 1000/name[step_001000.npz]; 10000/name[step_010000.npz]"},
		{"the step array wins over the name",
			[]Dump{{Name: "step_000001.npz", Step: ptr(300)}, {Name: "step_000200.npz"}},
			"200/name[step_000200.npz]; 300/array[step_000001.npz]"},
		{"no numbers: the order given",
			[]Dump{{Name: "b.npz"}, {Name: "a.npz"}},
			"0/order[b.npz]; 1/order[a.npz]"},
		{"chunks by name grouped, ordered by chunk",
			[]Dump{{Name: "s_20_gpu1.npz"}, {Name: "s_10_gpu1.npz"}, {Name: "s_10_gpu0.npz"}, {Name: "s_20_gpu0.npz"}},
			"10/name[s_10_gpu0.npz s_10_gpu1.npz] chunks[0 1]; 20/name[s_20_gpu0.npz s_20_gpu1.npz] chunks[0 1]"},
		{"chunks by array, a step missing one",
			[]Dump{{Name: "a", Step: ptr(5), Chunk: ptr(2)}, {Name: "b", Step: ptr(5), Chunk: ptr(0)}, {Name: "c", Step: ptr(5), Chunk: ptr(1)},
				{Name: "d", Step: ptr(6), Chunk: ptr(0)}, {Name: "e", Step: ptr(6), Chunk: ptr(2)}},
			"5/array[b c a] chunks[0 1 2]; 6/array[d e] chunks[0 2] missing[1]"},
		{"a chunk given twice",
			[]Dump{{Name: "x/s_1_chunk0.npz"}, {Name: "y/s_1_chunk0.npz"}, {Name: "s_1_chunk1.npz"}},
			"1/name[x/s_1_chunk0.npz y/s_1_chunk0.npz s_1_chunk1.npz] chunks[0 0 1] repeated[0]"},
		{"same step without chunks: separate, in the order given",
			[]Dump{{Name: "b/step_7.npz"}, {Name: "a/step_7.npz"}},
			"7/name[b/step_7.npz]; 7/name[a/step_7.npz]"},
	} {
		if got := describe(c.dumps, Steps(c.dumps)); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.what, got, c.want)
		}
	}
}

func TestMean(t *testing.T) {
	a := loss.Summary{Loss: 6, Focal: 3, Pull: 1, Push: 0.5, Regr: 1.5}
	b := loss.Summary{Loss: 2, Focal: 1, Pull: 0, Push: 0.5, Regr: 0.5}
	if got, want := Mean([]loss.Summary{a, b}), (Terms{4, 2, 0.5, 0.5, 1}); got != want {
		t.Errorf("mean %+v, want %+v", got, want)
	}
	if got := Mean(nil); got != (Terms{}) {
		t.Errorf("mean of nothing %+v", got)
	}
}

// FuzzSteps: whatever the names and scalars, every dump lands in exactly
// one step, steps come in order, chunks sorted, Missing and the chunks
// disjoint.
func FuzzSteps(f *testing.F) {
	f.Add("step_000500.npz\nstep_000100_gpu1.npz\nstep_000100_gpu0.npz", []byte{0, 0, 0})
	f.Add("a\nb\nc.gpu2\n", []byte{1, 7, 2, 3, 0, 1})
	f.Add("../../x_chunk-9.pth\n\x00\nstep_-5.npz", []byte{5})
	f.Fuzz(func(t *testing.T, names string, scalars []byte) {
		var dumps []Dump
		for i, n := range strings.Split(names, "\n") {
			d := Dump{Name: n}
			if i < len(scalars) && scalars[i]&1 != 0 {
				d.Step = ptr(int64(scalars[i] >> 4))
			}
			if i < len(scalars) && scalars[i]&2 != 0 {
				d.Chunk = ptr(int64(scalars[i]>>2) & 3)
			}
			dumps = append(dumps, d)
		}
		steps := Steps(dumps)
		seen := make([]int, len(dumps))
		for j, s := range steps {
			if j > 0 && steps[j-1].Step > s.Step {
				t.Fatalf("steps out of order: %s", describe(dumps, steps))
			}
			for _, i := range s.Dumps {
				seen[i]++
			}
			if s.Chunks != nil && (len(s.Chunks) != len(s.Dumps) || !slices.IsSorted(s.Chunks)) {
				t.Fatalf("chunks %v for %d dumps", s.Chunks, len(s.Dumps))
			}
			for _, m := range s.Missing {
				if slices.Contains(s.Chunks, m) {
					t.Fatalf("chunk %d both present and missing: %s", m, describe(dumps, steps))
				}
			}
		}
		for i, n := range seen {
			if n != 1 {
				t.Fatalf("dump %d (%q) in %d steps", i, dumps[i].Name, n)
			}
		}
	})
}

// TestStepsHugeChunkNumber: a chunk number from a name or an array can be
// anything; the missing chunks stay those some step of the run has.
func TestStepsHugeChunkNumber(t *testing.T) {
	steps := Steps([]Dump{
		{Name: "step_000100_gpu0.npz"},
		{Name: "step_000100_gpu4000000000.npz"},
		{Name: "step_000200_gpu0.npz"},
	})
	if len(steps) != 2 {
		t.Fatalf("%d steps, want 2", len(steps))
	}
	if got := steps[1].Missing; !slices.Equal(got, []int64{4000000000}) {
		t.Errorf("step 200 misses %v, want [4000000000]", got)
	}
	if got := steps[0].Missing; len(got) != 0 {
		t.Errorf("step 100 misses %v, want none", got)
	}
}

// TestCombine: a step split over devices combined from its chunks'
// summaries has the reference's mean terms (testdata/chunks), and the
// counts and fractions of the whole batch evaluated at once (positives,
// clamped pixels, corners, objects, embedding pairs and gap count within
// images, so splitting the batch does not change them).
func TestCombine(t *testing.T) {
	splits, err := chunkcase.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, sp := range splits {
		t.Run(sp.Name, func(t *testing.T) {
			whole, chunks, err := sp.Batch()
			if err != nil {
				t.Fatal(err)
			}
			summarize := func(in *loss.Input) loss.Summary {
				r, err := loss.Evaluate(in, sp.Options())
				if err != nil {
					t.Fatal(err)
				}
				return loss.Summarize(in, r)
			}
			var sums []loss.Summary
			var ids []int64
			for j, in := range chunks {
				sums = append(sums, summarize(in))
				ids = append(ids, int64(j))
			}
			got, all := Combine(ids, sums), summarize(whole)
			for k, v := range map[string]float64{"loss": got.Loss, "focal": got.Focal, "pull": got.Pull, "push": got.Push, "regr": got.Regr} {
				if !golden.Close(v, sp.Mean[k]) {
					t.Errorf("%s %.10g, reference mean %.10g", k, v, sp.Mean[k])
				}
			}
			if sum := got.FocalTL + got.FocalBR; !golden.Close(sum, got.Focal) {
				t.Errorf("focal tl + br = %v, focal %v", sum, got.Focal)
			}
			var perStack, perImage float64
			for _, s := range got.PerStack {
				perStack += s.Pull
			}
			for _, im := range got.PerImage {
				perImage += im.Loss
			}
			if want := got.Pull / sp.Weights.Pull * float64(got.NStack); !golden.Close(perStack, want) {
				t.Errorf("per-stack pull sums to %v, want %v", perStack, want)
			}
			if !golden.Close(perImage, got.Loss) {
				t.Errorf("per-image shares sum to %v, loss %v", perImage, got.Loss)
			}
			if got.Batch != all.Batch || got.NumPos != all.NumPos || got.Clamped != all.Clamped ||
				got.PredictedCorners != all.PredictedCorners || got.TrueCorners != all.TrueCorners || got.EmbedPairs != all.EmbedPairs {
				t.Errorf("counts batch %d pos %v clamped %v corners %v/%d pairs %d; whole batch %d %v %v %v/%d %d",
					got.Batch, got.NumPos, got.Clamped, got.PredictedCorners, got.TrueCorners, got.EmbedPairs,
					all.Batch, all.NumPos, all.Clamped, all.PredictedCorners, all.TrueCorners, all.EmbedPairs)
			}
			if !golden.Close(got.ClampedFraction, all.ClampedFraction) || !golden.Close(got.EmbedGap, all.EmbedGap) {
				t.Errorf("clamped %v gap %v; whole batch %v %v", got.ClampedFraction, got.EmbedGap, all.ClampedFraction, all.EmbedGap)
			}
			var share float64
			for _, c := range got.ClassFocal {
				share += c
			}
			if got.Focal != 0 && !golden.Close(share, 1) {
				t.Errorf("class shares sum to %v", share)
			}
		})
	}
}

// TestReadOrder: a folder's files, in no order, are read in their steps'
// order as the timeline shows them, a split step's chunks together in
// chunk order, a name without a number at its place in the order given
// (notes.npz is step 1, other.npz step 5), and every file once.
func TestReadOrder(t *testing.T) {
	names := []string{"step_3000.npz", "notes.npz", "step_1000_gpu1.npz", "step_20.npz", "step_1000_gpu0.npz", "other.npz", "step_500.npz"}
	got := ReadOrder(names)
	var order []string
	for _, i := range got {
		order = append(order, names[i])
	}
	want := []string{"notes.npz", "other.npz", "step_20.npz", "step_500.npz", "step_1000_gpu0.npz", "step_1000_gpu1.npz", "step_3000.npz"}
	if !slices.Equal(order, want) {
		t.Errorf("read order %v, want %v", order, want)
	}
	if len(ReadOrder(nil)) != 0 {
		t.Error("no files, some order")
	}
}
