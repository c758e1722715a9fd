// Package run orders the dumps of a training run into steps: the step
// number of each dump, the order of the steps, and the files of one step
// written by several devices (chunks) gathered into that step. It works on
// names and on the step and chunk scalars a dump may hold; reading the
// files is the caller's business.
//
// The step of a dump is, in this order of precedence:
//  1. its scalar array step (dump.Dump.Step);
//  2. else the last integer in its file name, once the extension and a
//     chunk suffix are removed: step_004500.npz → 4500;
//  3. else its position in the order given (0, 1, …).
//
// The chunk of a dump (the device that wrote it, when CornerNet's
// DataParallel splits a batch over several GPUs) is its scalar array chunk,
// else a suffix of the file name's stem: one of chunk, gpu, rank, cuda or
// device (in any case of ASCII letters), an optional '_' or '-', then an
// integer, after a '_', '-' or '.' (step_004500_chunk1.npz, step_004500.gpu1.npz, step_004500-rank1.npz);
// a bare second number is not a chunk (step_4500_1.npz is step 1).
// Files of one step that carry chunks form one Step; files of one step
// without a chunk stay separate Steps with the same number.
package run

import (
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/cornerloss/cornerloss/loss"
)

// Dump is one file of a run, as far as ordering needs it.
type Dump struct {
	Name  string // the path or file name given; numbers are read from its base
	Step  *int64 // the dump's step array, nil when it has none (or is unread)
	Chunk *int64 // the dump's chunk array, nil when it has none
}

// Where a step number came from.
const (
	FromArray = "array" // the dump's step scalar
	FromName  = "name"  // the last integer of the file name
	FromOrder = "order" // the position in the order given
)

// Step is one training step of a run: one dump, or the dumps of its chunks.
type Step struct {
	Step  int64
	From  string // FromArray, FromName or FromOrder
	Dumps []int  // indices into the dumps given, by chunk for a chunked step
	// Chunks holds the chunk of each of Dumps; nil for an unchunked step.
	Chunks []int64
	// Missing lists the chunks of the run (0 to the largest chunk any
	// step has) this step lacks; Repeated the chunks it has twice.
	Missing  []int64
	Repeated []int64
}

// dumpExts are the extensions removed before a name is read for numbers.
var dumpExts = []string{".npz", ".npy", ".pt", ".pth"}

// FromFileName reads the step and the chunk a file name gives (see the
// package doc); ok is false for a number the name does not give, or one
// too large for an int64.
func FromFileName(name string) (step int64, stepOK bool, chunk int64, chunkOK bool) {
	stem := path.Base(filepath.ToSlash(name))
	for _, ext := range dumpExts {
		if n := len(stem) - len(ext); n >= 0 && strings.EqualFold(stem[n:], ext) {
			stem = stem[:n]
			break
		}
	}
	if digits, at, ok := chunkSuffix(stem); ok {
		if v, err := strconv.ParseInt(digits, 10, 64); err == nil {
			chunk, chunkOK = v, true
			stem = stem[:at]
		}
	}
	if digits := lastInt(stem); digits != "" {
		if v, err := strconv.ParseInt(digits, 10, 64); err == nil {
			step, stepOK = v, true
		}
	}
	return step, stepOK, chunk, chunkOK
}

// The names are read by hand rather than by regexp: regexp brings
// Unicode's tables, built at every start of the module, into the run's
// workers, which have no other use for them; each worker started slower
// for it, and V8 spent 1 s of CPU optimising those start-ups' code in a
// run of twelve dumps. TestNamesAsRegexps checks the two agree.

// chunkWords are the words of a chunk suffix, in lower case.
var chunkWords = []string{"chunk", "gpu", "rank", "cuda", "device"}

// chunkSuffix finds a chunk at the end of a stem: '.', '_' or '-', a
// chunk word in any case of ASCII letters, an optional '_' or '-', then
// ASCII digits to the end. It returns the digits and where the suffix
// starts.
func chunkSuffix(stem string) (digits string, at int, ok bool) {
	d := len(stem)
	for d > 0 && isDigit(stem[d-1]) {
		d--
	}
	if d == len(stem) {
		return "", 0, false
	}
	end := d // the word ends here, or before a separator: a word ends in a letter
	if end > 0 && (stem[end-1] == '_' || stem[end-1] == '-') {
		end--
	}
	for _, w := range chunkWords {
		if i := end - len(w); i >= 1 && asciiFold(stem[i:end]) == w && strings.IndexByte("._-", stem[i-1]) >= 0 {
			return stem[d:], i - 1, true
		}
	}
	return "", 0, false
}

// lastInt returns the last run of ASCII digits in s, "" for none.
func lastInt(s string) string {
	end := len(s)
	for end > 0 && !isDigit(s[end-1]) {
		end--
	}
	start := end
	for start > 0 && isDigit(s[start-1]) {
		start--
	}
	return s[start:end]
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// asciiFold lowers ASCII capitals only.
func asciiFold(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// ReadOrder returns the order in which to read the files names: their
// steps' order as Steps gives it from the names alone, a split step's
// chunks together. A page reading a run in that order fills its timeline
// from the left, and completes a split step as its chunks come; a
// folder's files come in no particular order.
func ReadOrder(names []string) []int {
	dumps := make([]Dump, len(names))
	for i, n := range names {
		dumps[i] = Dump{Name: n}
	}
	order := make([]int, 0, len(names))
	for _, s := range Steps(dumps) {
		order = append(order, s.Dumps...)
	}
	return order
}

// Steps orders dumps into steps: by step number, ties in the order given.
// Every dump is in exactly one step.
func Steps(dumps []Dump) []Step {
	type keyed struct {
		i       int
		step    int64
		from    string
		chunk   int64
		chunked bool
	}
	ks := make([]keyed, len(dumps))
	for i, d := range dumps {
		step, stepOK, chunk, chunkOK := FromFileName(d.Name)
		k := keyed{i: i, step: int64(i), from: FromOrder, chunk: chunk, chunked: chunkOK}
		switch {
		case d.Step != nil:
			k.step, k.from = *d.Step, FromArray
		case stepOK:
			k.step, k.from = step, FromName
		}
		if d.Chunk != nil {
			k.chunk, k.chunked = *d.Chunk, true
		}
		ks[i] = k
	}
	slices.SortStableFunc(ks, func(a, b keyed) int {
		if a.step != b.step {
			return compare(a.step, b.step)
		}
		if a.chunked != b.chunked { // the unchunked files of a step first
			return compare(boolInt(a.chunked), boolInt(b.chunked))
		}
		if a.chunked {
			return compare(a.chunk, b.chunk)
		}
		return 0
	})

	var steps []Step
	most := int64(-1) // the largest chunk of the run
	for j, k := range ks {
		if !k.chunked {
			steps = append(steps, Step{Step: k.step, From: k.from, Dumps: []int{k.i}})
			continue
		}
		most = max(most, k.chunk)
		if j > 0 && ks[j-1].chunked && ks[j-1].step == k.step {
			s := &steps[len(steps)-1]
			if s.Chunks[len(s.Chunks)-1] == k.chunk && !slices.Contains(s.Repeated, k.chunk) {
				s.Repeated = append(s.Repeated, k.chunk)
			}
			s.Dumps = append(s.Dumps, k.i)
			s.Chunks = append(s.Chunks, k.chunk)
			if k.from == FromArray { // one array is enough to say where the step came from
				s.From = FromArray
			}
			continue
		}
		steps = append(steps, Step{Step: k.step, From: k.from, Dumps: []int{k.i}, Chunks: []int64{k.chunk}})
	}
	// The chunks a step should have: 0 to the largest of the run, as
	// devices are numbered from 0; past maxChunks (no machine has that many
	// devices, and a name like step_gpu99999999 would mean enumerating them
	// all: found by FuzzSteps) only the chunks some step has.
	var want []int64
	if most <= maxChunks {
		for c := range most + 1 {
			want = append(want, c)
		}
	} else {
		for _, k := range ks {
			if k.chunked {
				want = append(want, k.chunk)
			}
		}
		slices.Sort(want)
		want = slices.Compact(want)
	}
	for i := range steps {
		s := &steps[i]
		if s.Chunks == nil {
			continue
		}
		for _, c := range want {
			if _, found := slices.BinarySearch(s.Chunks, c); !found {
				s.Missing = append(s.Missing, c)
			}
		}
	}
	return steps
}

// maxChunks bounds the device numbers a step is expected to have.
const maxChunks = 1024

func compare(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// Terms are the headline terms of a step as training prints them.
type Terms struct {
	Loss  float64 `json:"loss"`
	Focal float64 `json:"focal"`
	Pull  float64 `json:"pull"`
	Push  float64 `json:"push"`
	Regr  float64 `json:"regr"`
}

// Mean returns the headline terms of a step from its chunks' summaries: the
// mean over chunks, as CornerNet's nnet/py_factory.py takes loss.mean() of
// the per-device losses DataParallel gathers. Each chunk is normalised on
// its own (num_pos and the object count of its images only), so this is not
// the loss of the whole batch evaluated at once.
func Mean(chunks []loss.Summary) Terms {
	var t Terms
	if len(chunks) == 0 {
		return t
	}
	for _, s := range chunks {
		t.Loss += s.Loss
		t.Focal += s.Focal
		t.Pull += s.Pull
		t.Push += s.Push
		t.Regr += s.Regr
	}
	n := float64(len(chunks))
	t.Loss, t.Focal, t.Pull, t.Push, t.Regr = t.Loss/n, t.Focal/n, t.Pull/n, t.Push/n, t.Regr/n
	return t
}

// Warnings says what a chunked step lacks, in the words the CLI and the page
// both print: chunks whose file could not be read (unread[j] for s.Dumps[j],
// named by names[j]), chunks of the run it lacks, chunks given twice, and
// over how many chunks its mean is then taken. Nil for a whole step.
func (s Step) Warnings(names []string, unread []bool) []string {
	var w []string
	read := 0
	for j, bad := range unread {
		if bad {
			w = append(w, fmt.Sprintf("chunk %d (%s) could not be read", s.Chunks[j], names[j]))
		} else {
			read++
		}
	}
	if len(s.Missing) > 0 {
		w = append(w, fmt.Sprintf("chunks %v of the run are missing from this step", s.Missing))
	}
	for _, c := range s.Repeated {
		w = append(w, fmt.Sprintf("chunk %d is given more than once", c))
	}
	if all := len(s.Dumps) + len(s.Missing); read < all {
		w = append(w, fmt.Sprintf("the terms are the mean over %d of %d chunks", read, all))
	}
	return w
}

// Combine returns the summary of a step split over devices from its
// chunks' summaries (in chunk order), for the page's timeline: every term
// (headline, per corner, per stack) is the mean over chunks (Mean), as
// training prints loss.mean(); each image keeps its share divided by the
// number of chunks, so the images still add up to the terms; counts
// (positives, clamped pixels, corners, objects, embedding pairs) add up;
// fractions and shares are weighted by what they are a fraction of; the
// largest gradient is that of the mean (a chunk's, over the number of
// chunks). Flags are the union; each chunk's warnings come prefixed with
// its chunk.
func Combine(chunks []int64, sums []loss.Summary) loss.Summary {
	if len(sums) == 0 {
		return loss.Summary{}
	}
	n := float64(len(sums))
	out := sums[0]
	t := Mean(sums)
	out.Loss, out.Focal, out.Pull, out.Push, out.Regr = t.Loss, t.Focal, t.Pull, t.Push, t.Regr
	out.FocalTL, out.FocalBR, out.RegrTL, out.RegrBR = 0, 0, 0, 0
	out.Batch, out.Shape.B = 0, 0
	out.NumPos, out.Clamped, out.PredictedCorners = [2]int{}, [2]int{}, [2]int{}
	out.TrueCorners, out.EmbedPairs, out.MaxGrad = 0, 0, 0
	out.PerStack = slices.Clone(sums[0].PerStack)
	for k := range out.PerStack {
		out.PerStack[k] = loss.StackSummary{Stack: k}
	}
	out.PerImage, out.Quirks, out.Warnings, out.Flags = nil, []loss.QuirkSummary{}, []string{}, nil
	out.ClassFocal = make([]float64, len(sums[0].ClassFocal))
	var posShare [2]float64 // Σ share × that corner's focal
	var clamped, gap, focal float64
	for i, s := range sums {
		out.FocalTL += s.FocalTL / n
		out.FocalBR += s.FocalBR / n
		out.RegrTL += s.RegrTL / n
		out.RegrBR += s.RegrBR / n
		for k := range min(len(out.PerStack), len(s.PerStack)) {
			p, q := &out.PerStack[k], s.PerStack[k]
			p.FocalTL += q.FocalTL / n
			p.FocalBR += q.FocalBR / n
			p.Pull += q.Pull / n
			p.Push += q.Push / n
			p.RegrTL += q.RegrTL / n
			p.RegrBR += q.RegrBR / n
		}
		for _, im := range s.PerImage {
			im.Image += out.Batch
			im.Loss, im.Focal, im.Pull, im.Push, im.Regr = im.Loss/n, im.Focal/n, im.Pull/n, im.Push/n, im.Regr/n
			out.PerImage = append(out.PerImage, im)
		}
		for _, q := range s.Quirks {
			if q.Image >= 0 { // -1: the chunk's whole batch
				q.Image += out.Batch
			}
			out.Quirks = append(out.Quirks, q)
		}
		for _, w := range s.Warnings {
			out.Warnings = append(out.Warnings, fmt.Sprintf("chunk %d: %s", chunks[i], w))
		}
		out.Flags = append(out.Flags, s.Flags...)
		for c := range 2 {
			out.NumPos[c] += s.NumPos[c]
			out.Clamped[c] += s.Clamped[c]
			out.PredictedCorners[c] += s.PredictedCorners[c]
		}
		posShare[0] += s.FocalPosShare[0] * s.FocalTL
		posShare[1] += s.FocalPosShare[1] * s.FocalBR
		clamped += s.ClampedFraction * float64(s.Batch) // chunks differ only in their batch
		gap += s.EmbedGap * float64(s.EmbedPairs)
		for c := range min(len(out.ClassFocal), len(s.ClassFocal)) {
			out.ClassFocal[c] += s.ClassFocal[c] * s.Focal
		}
		focal += s.Focal
		out.TrueCorners += s.TrueCorners
		out.EmbedPairs += s.EmbedPairs
		out.MaxGrad = max(out.MaxGrad, s.MaxGrad/n)
		out.Batch += s.Batch
	}
	out.Shape.B = out.Batch
	out.FocalPosShare = [2]float64{ratio(posShare[0], n*out.FocalTL), ratio(posShare[1], n*out.FocalBR)}
	out.ClampedFraction = ratio(clamped, float64(out.Batch))
	out.EmbedGap = ratio(gap, float64(out.EmbedPairs))
	for c := range out.ClassFocal {
		out.ClassFocal[c] = ratio(out.ClassFocal[c], focal)
	}
	slices.Sort(out.Flags)
	out.Flags = slices.Compact(out.Flags)
	if out.Flags == nil {
		out.Flags = []string{}
	}
	return out
}

// ratio is a/b, 0 when b is 0.
func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}
