package timeline_test

import (
	"testing"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/dump"
	"github.com/cornerloss/cornerloss/loss/scene"
	"github.com/cornerloss/cornerloss/loss/timeline"
)

// sampleRun summarises a sample run of n steps as the workers do.
func sampleRun(t testing.TB, n int) []timeline.Step {
	t.Helper()
	var steps []timeline.Step
	for i := range n {
		st := timeline.ReadSample(i, n, loss.DefaultOptions(), dump.Options{})
		if want := int64(i+1) * scene.RunStepEvery; st.OK() && (!st.StepFromDump || st.Step != want) {
			t.Errorf("%s: step %d (from the dump: %v), want %d from its step array", st.File, st.Step, st.StepFromDump, want)
		}
		steps = append(steps, st)
	}
	return steps
}

// TestSampleRunTrends: over the sample run the loss falls, the focal term
// with it, the objects' embeddings move apart and the offsets converge;
// the two broken steps are where SampleRunBroken says, and marked.
func TestSampleRunTrends(t *testing.T) {
	const n = 20
	steps := sampleRun(t, n)
	for _, s := range steps {
		if !s.OK() {
			t.Logf("%s: %s", s.File, s.Error)
			continue
		}
		t.Logf("%s loss %.4g focal %.4g pull %.4g push %.4g regr %.4g pos %.3f clamp %.3g npos %v pred %v/%d gap %.3g grad %.3g flags %v",
			s.File, s.Loss, s.Focal, s.Pull, s.Push, s.Regr, s.PosShare(), s.ClampedFraction, s.NumPos, s.PredictedCorners, s.TrueCorners, s.EmbedGap, s.MaxGrad, s.Flags)
	}
	nan, noPos := scene.SampleRunBroken(n)
	first, last := steps[0], steps[n-1]
	if !(last.Loss < first.Loss/2) {
		t.Errorf("loss %v at the first step, %v at the last: want at least halved", first.Loss, last.Loss)
	}
	if !(last.EmbedGap > first.EmbedGap+1) {
		t.Errorf("embedding gap %v then %v: want the objects apart by more than the margin", first.EmbedGap, last.EmbedGap)
	}
	if !(last.Regr < first.Regr/4) {
		t.Errorf("offset %v then %v: want it converging", first.Regr, last.Regr)
	}
	if s := steps[nan]; !s.NonFinite || s.ErrorArray != "tl_heats" {
		t.Errorf("step %d: error %q (array %q, non-finite %v), want a NaN in tl_heats", nan, s.Error, s.ErrorArray, s.NonFinite)
	}
	if s := steps[noPos]; !s.OK() || s.NumPos != [2]int{} {
		t.Errorf("step %d: num_pos %v, want none", noPos, s.NumPos)
	}
	kinds := map[timeline.Kind][]int{}
	for _, m := range timeline.Markers(steps) {
		kinds[m.Kind] = append(kinds[m.Kind], m.Index)
		t.Logf("marker %d %s: %s", m.Index, m.Kind, m.Text)
	}
	if got := kinds[timeline.KindNonFinite]; len(got) != 1 || got[0] != nan {
		t.Errorf("NaN markers at %v, want [%d]", got, nan)
	}
	if got := kinds[timeline.KindNoPositives]; len(got) != 1 || got[0] != noPos {
		t.Errorf("no-positive markers at %v, want [%d]", got, noPos)
	}
}
