package viz

import (
	"bytes"
	"image"
	"image/color"
	"testing"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/dump"
	"github.com/cornerloss/cornerloss/loss/scene"
	"github.com/cornerloss/cornerloss/loss/timeline"
	"github.com/cornerloss/cornerloss/viz/i18n"
	"github.com/cornerloss/cornerloss/viz/viztest"
)

// sampleTimeline summarises a sample run of n steps, as the page's workers
// do, plus one unreadable file and one one-object quirk, so every kind of
// marker but clamp growth shows.
func sampleTimeline(t testing.TB, n int) *Timeline {
	t.Helper()
	var steps []timeline.Step
	for i := range n {
		rs, err := scene.SampleRunStep(i, n)
		if err != nil {
			t.Fatal(err)
		}
		data := rs.Data
		if i == 3 {
			data = data[:len(data)/2] // a truncated file
		}
		st := timeline.Read(rs.Name, bytes.NewReader(data), int64(len(data)), loss.DefaultOptions(), dump.Options{})
		st.Step = rs.Step
		steps = append(steps, st)
	}
	steps[n-2].Flags = append(steps[n-2].Flags, loss.QuirkOneObject)
	return &Timeline{Steps: steps, Markers: timeline.Markers(steps), Open: n - 1, Base: -1, Hover: -1, Total: n}
}

// TestSnapshotTimeline draws a sample run's timeline at the two canvas
// widths the page is checked at, linear and log, with a comparison, and
// per stack.
func TestSnapshotTimeline(t *testing.T) {
	missing := map[rune]bool{}
	onMissing = func(r rune) { missing[r] = true }
	defer func() { onMissing = nil }()
	tl := sampleTimeline(t, 24)
	kinds := map[timeline.Kind]bool{}
	for _, m := range tl.Markers {
		kinds[m.Kind] = true
	}
	for _, k := range []timeline.Kind{timeline.KindNonFinite, timeline.KindNoPositives, timeline.KindUnread, timeline.KindOneObject, timeline.KindJump} {
		if !kinds[k] {
			t.Errorf("no %s marker in the sample timeline", k)
		}
	}
	img := canvas(1240, 300, canvasColor)
	DrawTimeline(img, img.Rect, tl)
	viztest.CheckGolden(t, "timeline_1240", img)

	tl.Log, tl.Base, tl.Open, tl.Hover = true, 2, 20, 10
	img = canvas(1880, 380, canvasColor)
	DrawTimeline(img, img.Rect, tl)
	viztest.CheckGolden(t, "timeline_1880_log_compare", img)

	tl.PerStack = true
	img = canvas(1240, 300, canvasColor)
	DrawTimeline(img, img.Rect, tl)
	viztest.CheckGolden(t, "timeline_per_stack", img)
	for r := range missing {
		t.Errorf("the timeline prints %q, which the font lacks", r)
	}
}

// TestTimelineAt: the x of every step maps back to it, and points outside
// the panel to none.
func TestTimelineAt(t *testing.T) {
	tl := sampleTimeline(t, 12)
	r := image.Rect(100, 500, 1300, 800)
	l := layoutTimeline(r)
	for i := range tl.Steps {
		p := image.Pt(int(tl.stepX(l.plot, i)), l.plot.Min.Y+5)
		if got, ok := TimelineAt(r, tl, p); !ok || got != i {
			t.Errorf("step %d at %v: got %d, %v", i, p, got, ok)
		}
	}
	if _, ok := TimelineAt(r, tl, image.Pt(50, 600)); ok {
		t.Error("a point left of the panel found a step")
	}
	nan, _ := scene.SampleRunBroken(12)
	x := int(tl.stepX(l.plot, nan))
	ms := MarkerAt(r, tl, image.Pt(x, l.markers.Min.Y+4))
	if len(ms) == 0 || ms[0].Kind != timeline.KindNonFinite {
		t.Errorf("markers at the NaN step's glyph: %v", ms)
	}
}

// TestMarkerStylesDistinct: every kind of marker has its own colour and
// glyph.
func TestMarkerStylesDistinct(t *testing.T) {
	colours, glyphs := map[color.RGBA]timeline.Kind{}, map[string]timeline.Kind{}
	for k, s := range markerStyle {
		if o, ok := colours[s.c]; ok {
			t.Errorf("%s and %s share a colour", k, o)
		}
		if o, ok := glyphs[s.glyph]; ok {
			t.Errorf("%s and %s share a glyph", k, o)
		}
		colours[s.c], glyphs[s.glyph] = k, k
	}
}

// BenchmarkDrawTimeline draws the timeline of a 200-step run (the sample
// run's summaries repeated) in a 1400×300 panel, as the page does after
// each summary a worker sends.
func BenchmarkDrawTimeline(b *testing.B) {
	src := sampleTimeline(b, 20)
	tl := &Timeline{Open: 199, Base: -1, Hover: -1, Log: true, Total: 200}
	for i := range 200 {
		s := src.Steps[i%len(src.Steps)]
		s.Step = int64(i+1) * 500
		tl.Steps = append(tl.Steps, s)
	}
	tl.Markers = timeline.Markers(tl.Steps)
	img := image.NewRGBA(image.Rect(0, 0, 1400, 300))
	b.ReportAllocs()
	for b.Loop() {
		DrawTimeline(img, img.Rect, tl)
	}
}

// TestStagedStripsAsWhole: the terms chart a line a stage, and the classes
// strip a few steps a stage, draw what one stage draws, on a timeline of
// more steps than a stage of the page's paint holds, crossing the stages
// at every few steps; and they are several stages.
func TestStagedStripsAsWhole(t *testing.T) {
	src := sampleTimeline(t, 12)
	tl := &Timeline{Open: 119, Base: 7, Hover: 30, Total: 150}
	for i := range 120 {
		s := src.Steps[i%len(src.Steps)]
		s.Step = int64(i+1) * 500
		tl.Steps = append(tl.Steps, s)
	}
	tl.Markers = timeline.Markers(tl.Steps)
	r := image.Rect(0, 0, 1400, 320)
	l := layoutTimeline(r)
	if len(l.rows) <= len(strips) {
		t.Fatal("no classes strip at this size")
	}
	row := l.rows[len(strips)]
	for _, per := range []int{1, 7, classStageSteps} {
		whole, staged := canvas(r.Dx(), r.Dy(), canvasColor), canvas(r.Dx(), r.Dy(), canvasColor)
		for _, f := range tl.classesStages(whole, row, len(tl.Steps)) {
			f()
		}
		stages := tl.classesStages(staged, row, per)
		for _, f := range stages {
			f()
		}
		if !bytes.Equal(whole.Pix, staged.Pix) {
			t.Errorf("classes in stages of %d steps differ from one stage", per)
		}
		if want := 2 + (len(tl.Steps)+per-1)/per; len(stages) != want {
			t.Errorf("classes in stages of %d steps: %d stages, want %d", per, len(stages), want)
		}
	}
	terms := tl.termsStages(canvas(r.Dx(), r.Dy(), canvasColor), l)
	if n := len(tl.termSeries()); len(terms) < n+1 {
		t.Errorf("terms chart in %d stages for %d lines", len(terms), n)
	}
}

// TestMarkerLabels: every marker the legend shows has its label, and its
// hover's lead, in every catalogue (the keys are built from the kind, so
// TestCatalogues cannot see a missing one).
func TestMarkerLabels(t *testing.T) {
	for _, l := range i18n.Langs() {
		have := map[string]bool{}
		for _, k := range i18n.Keys(l) {
			have[k] = true
		}
		for _, k := range markerKinds {
			for _, key := range []string{"marker." + string(k), "marker.text." + string(k)} {
				if !have[key] {
					t.Errorf("%s: no %q", l, key)
				}
			}
		}
	}
}

// TestTimelinePaintAsDraw: a timeline painted a stage per call, the
// source timeline changed between the calls as the app changes its own
// (steps added, another step open, hovered, log scale), is the timeline
// DrawTimeline draws as it was when the paint began; painted at once, the
// same; and it takes several stages, so that a page can spread it.
func TestTimelinePaintAsDraw(t *testing.T) {
	full := sampleTimeline(t, 12)
	for _, n := range []int{0, 1, 5, 12} {
		src := *full
		src.Steps, src.Total = full.Steps[:n], n
		src.Markers = timeline.Markers(src.Steps)
		src.Open, src.Base, src.Hover = n-1, min(1, n-1), min(2, n-1)
		r := image.Rect(0, 0, 900, 320)
		want := image.NewRGBA(r)
		DrawTimeline(want, r, &src)

		live := src // the app's own, changed between stages
		got := image.NewRGBA(r)
		p := NewTimelinePaint(got, r, &live)
		stages := 0
		for done := false; !done; stages++ {
			done = p.Step(func() bool { return false })
			live.Steps, live.Total = full.Steps, len(full.Steps)
			live.Markers = timeline.Markers(full.Steps)
			live.Open, live.Hover, live.Log = 0, -1, !live.Log
		}
		if !bytes.Equal(got.Pix, want.Pix) {
			t.Errorf("%d steps: the staged paint differs from DrawTimeline of the timeline when it began", n)
		}
		if n > 0 && stages < 4 {
			t.Errorf("%d steps: painted in %d stages", n, stages)
		}
		once := image.NewRGBA(r)
		if !NewTimelinePaint(once, r, &src).Step(func() bool { return true }) || !bytes.Equal(once.Pix, want.Pix) {
			t.Errorf("%d steps: painted at once, not DrawTimeline's", n)
		}
	}
	var none *Timeline
	r := image.Rect(0, 0, 300, 100)
	want, got := image.NewRGBA(r), image.NewRGBA(r)
	DrawTimeline(want, r, none)
	if !NewTimelinePaint(got, r, none).Step(func() bool { return true }) || !bytes.Equal(got.Pix, want.Pix) {
		t.Error("no timeline: the paint differs from DrawTimeline's")
	}
}
