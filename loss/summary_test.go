package loss_test

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/golden"
	"github.com/cornerloss/cornerloss/loss/scene"
)

// TestSummaryAgainstMaps checks every timeline figure of the summary on
// every golden and reference case against what the per-pixel maps and the
// input arrays give when added up by brute force: a separate path through
// the engine (Pixels evaluates every pixel, the summary scans).
func TestSummaryAgainstMaps(t *testing.T) {
	cases, err := golden.All()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			in := loadGolden(t, c)
			for _, conv := range []loss.Convention{loss.Reference, loss.MMDet} {
				o := loss.DefaultOptions()
				o.Convention = conv
				r, err := loss.Evaluate(in, o)
				if err != nil {
					t.Fatal(err)
				}
				checkSummary(t, in, r, loss.Summarize(in, r))
			}
		})
	}
}

func checkSummary(t *testing.T, in *loss.Input, r *loss.Result, s loss.Summary) {
	t.Helper()
	sh := in.Shape
	// The engine's sums and the maps differ by the fast path's rounding
	// (a few 1e-8 of a sum, see the README), so shares agree to 1e-6.
	near := func(what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-6*math.Max(1, math.Abs(want)) {
			t.Errorf("%s %s: %.12g, want %.12g", r.Options.Convention, what, got, want)
		}
	}
	near("loss", s.Loss, r.Loss)
	near("focal+pull+push+regr", s.Focal+s.Pull+s.Push+s.Regr, s.Loss)

	var pos, neg [2]float64
	class := make([]float64, sh.Classes)
	var maxGrad float64
	var peaks [2]int
	var m *loss.PixelMaps
	for st := range sh.Stacks {
		for _, c := range loss.Corners {
			for b := range sh.Batch {
				for cls := range sh.Classes {
					m = r.Pixels(m, st, b, cls, c)
					pos[c] += m.PosSum
					neg[c] += m.NegSum
					class[cls] += m.PosSum + m.NegSum
					for _, g := range m.Grad {
						maxGrad = max(maxGrad, math.Abs(g))
					}
					if st == sh.Stacks-1 {
						peaks[c] += nmsPeaks(m.Logit, sh.Height, sh.Width)
					}
				}
			}
		}
	}
	for _, c := range loss.Corners {
		near(c.String()+" positive share", s.FocalPosShare[c], pos[c]/(pos[c]+neg[c]))
		if s.PredictedCorners[c] != peaks[c] {
			t.Errorf("%s predicted corners: %d, want %d", c, s.PredictedCorners[c], peaks[c])
		}
	}
	var total float64
	for _, v := range class {
		total += v
	}
	for i := range class {
		near("class share", s.ClassFocal[i], class[i]/total)
	}
	near("largest gradient", s.MaxGrad, maxGrad)
	pixels := float64(2 * sh.Stacks * sh.Batch * sh.Classes * sh.Pixels())
	near("clamped fraction", s.ClampedFraction, float64(r.Clamped[0]+r.Clamped[1])/pixels)

	// Embedding gap and true corners straight from the input arrays.
	var gaps float64
	var pairs, objects int
	for b := range sh.Batch {
		var slots []int
		for k := range sh.Slots {
			if in.Mask[sh.SlotIndex(b, k)] != 0 {
				slots = append(slots, k)
			}
		}
		objects += len(slots)
		for st := range sh.Stacks {
			mean := func(k int) float64 {
				i := sh.StackSlotIndex(st, b, k)
				return (float64(in.Tag[0][i]) + float64(in.Tag[1][i])) / 2
			}
			for j := range slots {
				for k := j + 1; k < len(slots); k++ {
					gaps += math.Abs(mean(slots[j]) - mean(slots[k]))
					pairs++
				}
			}
		}
	}
	if s.EmbedPairs != pairs || s.TrueCorners != objects {
		t.Errorf("pairs %d objects %d, want %d %d", s.EmbedPairs, s.TrueCorners, pairs, objects)
	}
	if pairs > 0 {
		// ē is rounded to float32 by the engine, as the reference rounds it.
		if d := math.Abs(s.EmbedGap - gaps/float64(pairs)); d > 1e-6*math.Max(1, s.EmbedGap) {
			t.Errorf("embedding gap %.9g, want %.9g", s.EmbedGap, gaps/float64(pairs))
		}
	}
	var names []string
	for _, q := range r.Quirks() {
		names = append(names, q.Name)
	}
	for _, n := range names {
		if !slices.Contains(s.Flags, n) {
			t.Errorf("flags %v lack quirk %s", s.Flags, n)
		}
	}
	if slices.Contains(s.Flags, loss.FlagProbabilities) {
		t.Errorf("flags %v: a dump of logits is flagged as probabilities", s.Flags)
	}
}

// nmsPeaks counts what CornerNet's _decode keeps above 0.5: pixels whose
// probability (torch.sigmoid in float32, unclamped at test time) equals the
// 3×3 max pool (padding 1) of the map.
func nmsPeaks(logits []float32, h, w int) int {
	p := make([]float32, len(logits))
	for i, x := range logits {
		p[i] = float32(1 / (1 + math.Exp(-float64(x))))
	}
	n := 0
	for y := range h {
		for x := range w {
			v := p[y*w+x]
			hmax := v
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					if yy, xx := y+dy, x+dx; yy >= 0 && xx >= 0 && yy < h && xx < w {
						hmax = max(hmax, p[yy*w+xx])
					}
				}
			}
			if hmax == v && v > 0.5 {
				n++
			}
		}
	}
	return n
}

// TestSummarySize keeps a COCO-sized step's summary to a few KB: a run of
// thousands of steps keeps one each.
func TestSummarySize(t *testing.T) {
	in, _, err := scene.COCO(2, 2).Build()
	if err != nil {
		t.Fatal(err)
	}
	r, err := loss.Evaluate(in, loss.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	s := loss.Summarize(in, r)
	checkSummary(t, in, r, s)
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%v: %d bytes", in.Shape, len(b))
	if len(b) > 8<<10 {
		t.Errorf("summary of %v is %d bytes of JSON, want at most 8 KiB", in.Shape, len(b))
	}
}

// TestProbabilityWarning fires on heats passed through the sigmoid (what a
// dump taken after AELoss holds) and on no golden or reference case.
func TestProbabilityWarning(t *testing.T) {
	cases, err := golden.All()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		in := loadGolden(t, c)
		if msg := loss.ProbabilityWarning(in); msg != "" {
			t.Errorf("%s: false alarm on logits: %s", c.Name, msg)
		}
		// A constant map is let through on purpose (it could be either).
		constant := c.Name == "constant_logits"
		for _, corner := range loss.Corners {
			for i, x := range in.Heat[corner] {
				in.Heat[corner][i] = float32(1 / (1 + math.Exp(-float64(x))))
			}
		}
		if msg := loss.ProbabilityWarning(in); (msg == "") != constant {
			t.Errorf("%s: warning %q on probabilities (constant map: %v)", c.Name, msg, constant)
		}
		r, err := loss.Evaluate(in, loss.DefaultOptions())
		if err != nil {
			t.Fatal(err)
		}
		if s := loss.Summarize(in, r); slices.Contains(s.Flags, loss.FlagProbabilities) == constant {
			t.Errorf("%s: flags %v lack %s", c.Name, s.Flags, loss.FlagProbabilities)
		}
	}
}

// BenchmarkSummarize times Summarize after Evaluate on BenchmarkTotal's
// B=2 S=2 step: what a run's timeline adds to each dump.
func BenchmarkSummarize(b *testing.B) {
	in, _, err := scene.COCO(2, 2).Build()
	if err != nil {
		b.Fatal(err)
	}
	r, err := loss.Evaluate(in, loss.DefaultOptions())
	if err != nil {
		b.Fatal(err)
	}
	b.Run(fmt.Sprintf("B=%d_S=%d_C=%d_%dx%d", in.Batch, in.Stacks, in.Classes, in.Height, in.Width), func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			loss.Summarize(in, r)
		}
	})
}
