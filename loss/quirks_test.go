package loss

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/cornerloss/cornerloss/loss/golden"
)

// Quirk 1: one object in an image gives push ≈ 1.000166, not 0, because the
// reference adds 1e-4 to float32 object counts. A constant: zero gradient.
func TestQuirkOneObjectPush(t *testing.T) {
	sh := Shape{Stacks: 1, Batch: 2, Classes: 2, Height: 8, Width: 8, Slots: 4}
	in := randomInput(1, sh, []int{1, 1})
	o := DefaultOptions()
	o.PullWeight, o.PushWeight, o.RegrWeight = 1, 1, 1
	r := mustEvaluate(t, in, o)
	const want = 1.0001659393310547 // per image: half of single_object_push_quirk's 2.0003319
	for b, im := range r.Images {
		if got := im.Stacks[0].Push; got != want {
			t.Errorf("image %d push %.17g, want %.17g", b, got, want)
		}
		if math.Abs(im.Stacks[0].Push-0.9999) < 1e-4 {
			t.Errorf("push %.7g is the exact-arithmetic value: the float32 rounding is lost", im.Stacks[0].Push)
		}
	}
	// The gradient with respect to the tags is pull's alone.
	o.PullWeight = 0
	for _, c := range Corners {
		for _, g := range mustEvaluate(t, in, o).TagGrad(c) {
			if g != 0 {
				t.Errorf("push gradient %v with one object per image, want 0", g)
			}
		}
	}
	if !hasQuirk(r, QuirkOneObject, 0) || !hasQuirk(r, QuirkOneObject, 1) {
		t.Errorf("quirks %v lack %s", r.Quirks(), QuirkOneObject)
	}
	// MMDet: push is 0 for one object.
	o.Convention = MMDet
	if p := mustEvaluate(t, in, o).Weighted.Push; p != 0 {
		t.Errorf("mmdet push %v with one object per image, want 0", p)
	}
}

// Quirk 2: the reference crashes on a batch of one. Our value is its value on
// the image duplicated, with pull and push (sums over images) halved.
func TestQuirkBatchOfOne(t *testing.T) {
	sh := Shape{Stacks: 2, Batch: 1, Classes: 3, Height: 8, Width: 9, Slots: 6}
	one := randomInput(2, sh, []int{4})
	two := duplicateBatch(one)
	r1 := mustEvaluate(t, one, DefaultOptions())
	r2 := mustEvaluate(t, two, DefaultOptions())
	for name, p := range map[string][2]float64{
		"focal": {r1.Weighted.Focal(), r2.Weighted.Focal()},
		"regr":  {r1.Weighted.Regr(), r2.Weighted.Regr()},
		"pull":  {r1.Weighted.Pull, r2.Weighted.Pull / 2},
		"push":  {r1.Weighted.Push, r2.Weighted.Push / 2},
	} {
		if !near(p[0], p[1], 1e-7, 1e-9) {
			t.Errorf("B=1 %s %.9g, duplicated batch gives %.9g", name, p[0], p[1])
		}
	}
	if !hasQuirk(r1, QuirkBatchOfOne, -1) {
		t.Errorf("quirks %v lack %s", r1.Quirks(), QuirkBatchOfOne)
	}
}

// Quirk 3: pull and push are summed over images while focal and offset are
// normalised by batch-wide counts, so duplicating a batch doubles the first
// two only.
func TestQuirkPullPushGrowWithBatch(t *testing.T) {
	sh := Shape{Stacks: 1, Batch: 2, Classes: 2, Height: 8, Width: 8, Slots: 5}
	in := randomInput(4, sh, []int{3, 5})
	for i := range in.Tag[TopLeft] {
		in.Tag[TopLeft][i] *= 0.2
		in.Tag[BottomRight][i] *= 0.2
	}
	r1 := mustEvaluate(t, in, DefaultOptions())
	r2 := mustEvaluate(t, duplicateBatch(in), DefaultOptions())
	if !near(r2.Weighted.Pull, 2*r1.Weighted.Pull, 1e-9, 0) || !near(r2.Weighted.Push, 2*r1.Weighted.Push, 1e-9, 0) {
		t.Errorf("pull %v→%v push %v→%v: want both doubled", r1.Weighted.Pull, r2.Weighted.Pull, r1.Weighted.Push, r2.Weighted.Push)
	}
	if !near(r2.Weighted.Focal(), r1.Weighted.Focal(), 1e-9, 0) || !near(r2.Weighted.Regr(), r1.Weighted.Regr(), 1e-4, 0) {
		t.Errorf("focal %v→%v regr %v→%v: want both unchanged", r1.Weighted.Focal(), r2.Weighted.Focal(), r1.Weighted.Regr(), r2.Weighted.Regr())
	}
}

// Quirk 4: an image with no objects adds nothing to pull, push or offset but
// its negatives count in focal; a batch with no objects at all takes the
// un-normalised focal branch, a spike rather than a NaN.
func TestQuirkEmptyImage(t *testing.T) {
	sh := Shape{Stacks: 1, Batch: 2, Classes: 2, Height: 8, Width: 8, Slots: 5}
	in := randomInput(6, sh, []int{0, 3})
	r := mustEvaluate(t, in, DefaultOptions())
	empty := r.Images[0]
	if empty.Objects != 0 || empty.Weighted.Pull != 0 || empty.Weighted.Push != 0 || empty.Weighted.Regr() != 0 {
		t.Errorf("empty image share %+v", empty)
	}
	if empty.Weighted.Focal() <= 0 {
		t.Errorf("empty image focal share %v: its negatives must count", empty.Weighted.Focal())
	}
	if !hasQuirk(r, QuirkNoObjects, 0) {
		t.Errorf("quirks %v lack %s for image 0", r.Quirks(), QuirkNoObjects)
	}
}

// TestQuirkEmptyBatchFocal: no objects and CornerNet's initial bias
// everywhere take the un-normalised branch, compared with the reference's
// own value on the same input (testdata/reference/quirks).
func TestQuirkEmptyBatchFocal(t *testing.T) {
	ref := referenceQuirks(t).EmptyBatch
	sh := Shape{Stacks: 1, Batch: ref.Shape[0], Classes: ref.Shape[1], Height: ref.Shape[2], Width: ref.Shape[3], Slots: 128}
	in := randomInput(0, sh, make([]int, sh.Batch))
	for _, c := range Corners {
		for i := range in.Heat[c] {
			in.Heat[c][i] = ref.Logit
		}
	}
	r := mustEvaluate(t, in, DefaultOptions())
	for _, f := range []float64{r.Weighted.FocalTL, r.Weighted.FocalBR} {
		if !golden.Close(f, ref.Focal) {
			t.Errorf("empty batch focal per corner %.10g, reference %.10g", f, ref.Focal)
		}
	}
	if r.Weighted.Regr() != 0 || r.Weighted.Pull != 0 || r.Weighted.Push != 0 || math.IsNaN(r.Loss) {
		t.Errorf("empty batch terms %+v, want zero pull, push and offset", r.Weighted)
	}
	if !hasQuirk(r, QuirkNoPositives, -1) {
		t.Errorf("quirks %v lack %s", r.Quirks(), QuirkNoPositives)
	}
}

// Quirk 6: two objects of one class whose corners share a pixel make one
// positive, counted once in num_pos. Of different classes, they are two
// positives on two planes, counted twice, and nothing is flagged.
func TestQuirkSharedCorner(t *testing.T) {
	sh := Shape{Stacks: 1, Batch: 1, Classes: 2, Height: 6, Width: 6, Slots: 4}
	plane := sh.Pixels()
	for _, tc := range []struct {
		name    string
		classes []int // of the objects, whose top-left corners all fall on pixel 7
		numPos  int   // top-left positives
		flagged bool
	}{
		{"one class", []int{0, 0}, 1, true},
		{"two classes", []int{0, 1}, 2, false},
		{"three objects, two classes", []int{1, 0, 1}, 2, true},
	} {
		in := randomInput(8, sh, []int{0})
		for _, c := range Corners {
			clear(in.GTHeat[c])
		}
		for k, cls := range tc.classes {
			in.Mask[k] = 1
			in.Inds[TopLeft][k], in.Inds[BottomRight][k] = 7, int64(20+k)
			in.GTHeat[TopLeft][cls*plane+7] = 1
			in.GTHeat[BottomRight][cls*plane+20+k] = 1
		}
		r := mustEvaluate(t, in, DefaultOptions())
		if r.NumPos != [2]int{tc.numPos, len(tc.classes)} {
			t.Errorf("%s: num_pos %v, want [%d %d]", tc.name, r.NumPos, tc.numPos, len(tc.classes))
		}
		if hasQuirk(r, QuirkSharedCorner, 0) != tc.flagged {
			t.Errorf("%s: quirks %v, want %s flagged: %v", tc.name, r.Quirks(), QuirkSharedCorner, tc.flagged)
		}
	}
}

// Quirk 5, seen from the engine: mask values are added as uint8 and the
// pairs kept are those summing to exactly 2, so a slot marked 2 pairs with
// the empty slots. Compared with the reference's own _ae_loss on the same
// tags and mask (testdata/reference/quirks).
func TestQuirkMaskArithmetic(t *testing.T) {
	ref := referenceQuirks(t).Mask
	sh := Shape{Stacks: 1, Batch: len(ref.Mask), Classes: 1, Height: 4, Width: 4, Slots: len(ref.Mask[0])}
	in := randomInput(9, sh, make([]int, sh.Batch))
	for b := range sh.Batch {
		for k := range sh.Slots {
			i := sh.SlotIndex(b, k)
			in.Mask[i] = ref.Mask[b][k]
			in.Tag[TopLeft][i], in.Tag[BottomRight][i] = ref.TL[b][k], ref.BR[b][k]
		}
	}
	r := mustEvaluate(t, in, DefaultOptions())
	if got := r.Stacks[0]; !golden.Close(got.Pull, ref.Pull) || !golden.Close(got.Push, ref.Push) {
		t.Errorf("mask %v: pull %.10g push %.10g, reference %.10g and %.10g", ref.Mask, got.Pull, got.Push, ref.Pull, ref.Push)
	}
}

// referenceQuirks reads what the reference computed on the quirk tests'
// inputs.
func referenceQuirks(t *testing.T) referenceQuirkCases {
	t.Helper()
	var q struct {
		Cases referenceQuirkCases `json:"cases"`
	}
	data, err := os.ReadFile(filepath.Join(golden.ReferenceDir(), "quirks", "quirks.json"))
	if err == nil {
		err = json.Unmarshal(data, &q)
	}
	if err != nil {
		t.Fatal(err)
	}
	return q.Cases
}

type referenceQuirkCases struct {
	Mask struct {
		TL   [][]float32 `json:"tl_tags"`
		BR   [][]float32 `json:"br_tags"`
		Mask [][]uint8   `json:"gt_mask"`
		Pull float64     `json:"pull"`
		Push float64     `json:"push"`
	} `json:"mask_arithmetic"`
	EmptyBatch struct {
		Logit float32 `json:"logit"`
		Shape [4]int  `json:"shape"`
		Focal float64 `json:"focal"`
	} `json:"empty_batch_constant"`
}

func hasQuirk(r *Result, name string, image int) bool {
	for _, q := range r.Quirks() {
		if q.Name == name && q.Image == image {
			return true
		}
	}
	return false
}

// duplicateBatch returns the input with its batch repeated twice.
func duplicateBatch(in *Input) *Input {
	sh := in.Shape
	out := &Input{Shape: sh}
	out.Batch = 2 * sh.Batch
	out.Mask = append(append([]uint8(nil), in.Mask...), in.Mask...)
	perStack := func(v []float32, per int) []float32 {
		var d []float32
		for s := range sh.Stacks {
			part := v[s*sh.Batch*per : (s+1)*sh.Batch*per]
			d = append(append(d, part...), part...)
		}
		return d
	}
	for _, c := range Corners {
		out.Heat[c] = perStack(in.Heat[c], sh.Classes*sh.Pixels())
		out.Tag[c] = perStack(in.Tag[c], sh.Slots)
		out.Regr[c] = perStack(in.Regr[c], 2*sh.Slots)
		out.GTHeat[c] = append(append([]float32(nil), in.GTHeat[c]...), in.GTHeat[c]...)
		out.GTRegr[c] = append(append([]float32(nil), in.GTRegr[c]...), in.GTRegr[c]...)
		out.Inds[c] = append(append([]int64(nil), in.Inds[c]...), in.Inds[c]...)
	}
	return out
}
