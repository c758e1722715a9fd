package viz

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"strings"

	"github.com/cornerloss/cornerloss/loss/timeline"
	"github.com/cornerloss/cornerloss/viz/i18n"
)

// Timeline is what the timeline panel shows: the steps of a run in step
// order, their markers, the open step and the one it is compared with.
type Timeline struct {
	Steps    []timeline.Step
	Markers  []timeline.Marker
	Open     int  // index of the step open in the other panels; -1 for none
	Base     int  // index of step A of a comparison (the open one is B); -1 for none
	Hover    int  // index under the pointer; -1 for none
	Log      bool // the terms on a log scale
	PerStack bool // the terms unweighted, one line per stack and term
	Total    int  // files in the run, read or not yet: the x axis has room for them
}

// The parts of the timeline panel, in pixels.
const (
	tlGutter  = 92 // labels left of the plots
	tlRight   = 64 // the latest value right of the plots
	tlMarkerH = 16 // the row of marker glyphs
	tlRowGap  = 3
	tlMinRow  = 18 // a row of the lower strips
)

// termColors colour the terms: focal in blues, pull and push in greens and
// oranges, offsets in purples; the loss black.
var termColors = [...]color.RGBA{
	{0x20, 0x20, 0x24, 0xff}, {0x1f, 0x77, 0xb4, 0xff}, {0x6b, 0xae, 0xd6, 0xff},
	{0x2c, 0xa0, 0x2c, 0xff}, {0xff, 0x7f, 0x0e, 0xff}, {0x94, 0x67, 0xbd, 0xff}, {0xc5, 0xb0, 0xd5, 0xff},
}

// markerStyle is how each kind of marker looks: a glyph and a colour that
// tell the kinds apart without the hover.
var markerStyle = map[timeline.Kind]struct {
	glyph string
	c     color.RGBA
}{
	timeline.KindNonFinite:   {"NaN", color.RGBA{0xd6, 0x27, 0x28, 0xff}},
	timeline.KindNoPositives: {"0+", color.RGBA{0xe6, 0x7e, 0x00, 0xff}},
	timeline.KindJump:        {"3×", color.RGBA{0x94, 0x67, 0xbd, 0xff}},
	timeline.KindClamp:       {"cl", color.RGBA{0x8c, 0x56, 0x4b, 0xff}},
	timeline.KindOneObject:   {"1", color.RGBA{0x7f, 0x7f, 0x7f, 0xff}},
	timeline.KindUnread:      {"gap", color.RGBA{0x20, 0x20, 0x24, 0xff}},
	timeline.KindChunks:      {"ch", color.RGBA{0x17, 0x8f, 0x9e, 0xff}},
}

// stripColor is the background of the lower rows.
var stripColor = color.RGBA{0xf7, 0xf7, 0xf9, 0xff}

// strip is one of the lower rows: a quantity over the steps.
type strip struct {
	name  string // its label, or the catalogue key of it
	get   func(*timeline.Step) float64
	ref   float64 // a reference line (the margin 1, the true corners); NaN for none
	ref2  func(*timeline.Step) float64
	log   bool
	share bool // a share in [0, 1]
}

var strips = []strip{
	{name: "viz.tl.pos-share", get: func(s *timeline.Step) float64 { return s.PosShare() }, ref: math.NaN(), share: true},
	{name: "viz.tl.clamped", get: func(s *timeline.Step) float64 { return 100 * s.ClampedFraction }, ref: math.NaN()},
	{name: "num_pos", get: func(s *timeline.Step) float64 { return float64(s.NumPos[0] + s.NumPos[1]) }, ref: math.NaN()},
	{name: "viz.tl.pred-true", get: func(s *timeline.Step) float64 { return float64(s.PredictedCorners[0] + s.PredictedCorners[1]) }, ref: math.NaN(),
		ref2: func(s *timeline.Step) float64 { return float64(2 * s.TrueCorners) }, log: true},
	{name: "viz.tl.gap", get: func(s *timeline.Step) float64 {
		if s.EmbedPairs == 0 {
			return math.NaN()
		}
		return s.EmbedGap
	}, ref: 1},
	{name: "max|dL/dx|", get: func(s *timeline.Step) float64 { return s.MaxGrad }, ref: math.NaN(), log: true},
}

// timelineLayout is where the parts of the panel go.
type timelineLayout struct {
	plot    image.Rectangle // the x extent of every row, and the terms chart
	markers image.Rectangle
	rows    []image.Rectangle // strips, then the class strip
	legend  image.Rectangle
}

func layoutTimeline(r image.Rectangle) timelineLayout {
	in := r.Inset(pad)
	top := in.Min.Y + titleH
	x0, x1 := in.Min.X+tlGutter, in.Max.X-tlRight
	var l timelineLayout
	l.markers = image.Rect(x0, top, x1, top+tlMarkerH)
	rows := legendRows((&Timeline{}).legendItems(), in.Dx())
	l.legend = image.Rect(in.Min.X, in.Max.Y-rows*LineHeight, in.Max.X, in.Max.Y)
	rest := image.Rect(x0, l.markers.Max.Y+tlRowGap, x1, l.legend.Min.Y-tlRowGap)
	n := len(strips) + 1
	if rest.Dy() < n*(tlMinRow+tlRowGap)+3*LineHeight {
		// A short panel (under the maps of a tablet's or a projector's
		// page): the terms chart alone, not rows drawn over the legend.
		n = 0
	}
	rowH := max(tlMinRow, rest.Dy()*45/100/max(n, 1))
	chartH := max(rest.Dy()-n*(rowH+tlRowGap), 3*LineHeight)
	l.plot = image.Rect(x0, rest.Min.Y, x1, rest.Min.Y+chartH)
	y := l.plot.Max.Y + tlRowGap
	for range n {
		l.rows = append(l.rows, image.Rect(x0, y, x1, y+rowH))
		y += rowH + tlRowGap
	}
	return l
}

// slots is how many step positions the x axis holds.
func (t *Timeline) slots() int { return max(len(t.Steps), t.Total, 1) }

// stepX returns the centre x of step i in plot.
func (t *Timeline) stepX(plot image.Rectangle, i int) float64 {
	n := t.slots()
	if n == 1 {
		return float64(plot.Min.X+plot.Max.X) / 2
	}
	return float64(plot.Min.X) + 4 + float64(i)*float64(plot.Dx()-8)/float64(n-1)
}

// TimelineAt returns the step under canvas point p when the timeline is
// drawn in r: the nearest step to p's x anywhere inside the panel.
func TimelineAt(r image.Rectangle, t *Timeline, p image.Point) (int, bool) {
	if t == nil || len(t.Steps) == 0 || !p.In(r) {
		return -1, false
	}
	l := layoutTimeline(r)
	best, bestD := -1, math.Inf(1)
	for i := range t.Steps {
		if d := math.Abs(t.stepX(l.plot, i) - float64(p.X)); d < bestD {
			best, bestD = i, d
		}
	}
	if p.X < l.plot.Min.X-8 || p.X > l.plot.Max.X+8 {
		return -1, false
	}
	return best, true
}

// MarkerAt returns the markers drawn under canvas point p, for the hover.
func MarkerAt(r image.Rectangle, t *Timeline, p image.Point) []timeline.Marker {
	l := layoutTimeline(r)
	if t == nil || p.Y < l.markers.Min.Y || p.Y >= l.markers.Max.Y {
		return nil
	}
	var out []timeline.Marker
	for _, m := range t.Markers {
		if math.Abs(t.stepX(l.plot, m.Index)-float64(p.X)) <= 6 {
			out = append(out, m)
		}
	}
	return out
}

// DrawTimeline draws the timeline panel in r of dst.
func DrawTimeline(dst *image.RGBA, r image.Rectangle, t *Timeline) {
	for _, stage := range timelineStages(dst, r, t) {
		stage()
	}
}

// timelineStages is DrawTimeline in the order it draws, a stage a part of
// the panel (the background and columns, the markers, the terms chart's
// axis and then each of its lines, each strip, the classes strip a few
// steps at a time, the legend and the open step's marks): run in order,
// they are DrawTimeline.
func timelineStages(dst *image.RGBA, r image.Rectangle, t *Timeline) []func() {
	clip := r.Intersect(dst.Rect)
	if clip.Empty() {
		return nil
	}
	dst = dst.SubImage(clip).(*image.RGBA)
	in := r.Inset(pad)
	if t == nil || len(t.Steps) == 0 {
		return []func(){func() {
			FillRect(dst, r, panelColor)
			frame(dst, r, edgeColor)
			Label(dst, in.Min.X, in.Min.Y, i18n.T("viz.tl.empty"), dimColor)
		}}
	}
	l := layoutTimeline(r)
	// Columns behind everything: unread steps hatched grey, the open step
	// and the compared one shaded, the hovered one outlined.
	all := image.Rect(l.plot.Min.X, l.markers.Min.Y, l.plot.Max.X, l.plot.Max.Y)
	if len(l.rows) > 0 {
		all.Max.Y = l.rows[len(l.rows)-1].Max.Y
	}
	stages := []func(){
		func() {
			FillRect(dst, r, panelColor)
			frame(dst, r, edgeColor)
			Label(dst, in.Min.X, in.Min.Y, t.titleLine(), textColor)
			for _, row := range l.rows {
				FillRect(dst, row, stripColor)
			}
			colW := min(max(2, int(float64(l.plot.Dx())/float64(t.slots())*0.6)), 14)
			column := func(i int, c color.Color) {
				x := int(math.Round(t.stepX(l.plot, i)))
				FillRect(dst, image.Rect(x-colW/2, all.Min.Y, x-colW/2+colW, all.Max.Y), c)
			}
			for i := range t.Steps {
				if !t.Steps[i].OK() {
					column(i, color.RGBA{0xe4, 0xe4, 0xe8, 0xff})
				}
			}
			if t.Base >= 0 && t.Base < len(t.Steps) {
				column(t.Base, color.RGBA{0xd8, 0xe8, 0xf8, 0xff})
			}
			if t.Open >= 0 && t.Open < len(t.Steps) {
				column(t.Open, color.RGBA{0xff, 0xf0, 0xb8, 0xff})
			}
		},
		func() { t.drawMarkers(dst, l) },
	}
	stages = append(stages, t.termsStages(dst, l)...)
	if len(l.rows) > 0 {
		for k, s := range strips {
			stages = append(stages, func() { t.drawStrip(dst, l.rows[k], s) })
		}
		stages = append(stages, t.classesStages(dst, l.rows[len(strips)], classStageSteps)...)
	}
	return append(stages, func() {
		t.drawLegend(dst, l.legend)
		if t.Hover >= 0 && t.Hover < len(t.Steps) {
			x := t.stepX(l.plot, t.Hover)
			Line(dst, x, float64(all.Min.Y), x, float64(all.Max.Y), 1, dimColor)
		}
		if t.Open >= 0 && t.Open < len(t.Steps) {
			x := int(math.Round(t.stepX(l.plot, t.Open)))
			LabelAt(dst, x, l.plot.Max.Y-1, Center, End, "B", textColor)
		}
		if t.Base >= 0 && t.Base < len(t.Steps) {
			x := int(math.Round(t.stepX(l.plot, t.Base)))
			LabelAt(dst, x, l.plot.Max.Y-1, Center, End, "A", textColor)
		}
	})
}

// TimelinePaint is a timeline drawn a stage at a time, so that a page can
// spread one paint over several frames while a run loads (a 200-step
// timeline took a frame of 30-40 ms on two busy cores). It draws a copy of
// the timeline taken when it began: the app may change its own between
// stages, and the image stays one timeline's.
type TimelinePaint struct {
	tl     Timeline
	stages []func()
	next   int
}

// NewTimelinePaint begins painting t into dst's r, as DrawTimeline would.
func NewTimelinePaint(dst *image.RGBA, r image.Rectangle, t *Timeline) *TimelinePaint {
	p := &TimelinePaint{}
	if t != nil {
		p.tl = *t
		t = &p.tl
	}
	p.stages = timelineStages(dst, r, t)
	return p
}

// Step draws the next stage, then more while more() says so, and reports
// whether the paint is complete.
func (p *TimelinePaint) Step(more func() bool) bool {
	for p.next < len(p.stages) {
		p.stages[p.next]()
		p.next++
		if !more() {
			break
		}
	}
	return p.next == len(p.stages)
}

// titleLine names the run, the open step and the comparison.
func (t *Timeline) titleLine() string {
	bad := 0
	for _, s := range t.Steps {
		if !s.OK() {
			bad++
		}
	}
	s := i18n.F("viz.tl.steps", len(t.Steps))
	if t.Total > len(t.Steps) {
		s = i18n.F("viz.tl.steps-of", len(t.Steps), t.Total)
	}
	if bad > 0 {
		s += i18n.F("viz.tl.unread", bad)
	}
	if t.Open >= 0 && t.Open < len(t.Steps) {
		s += i18n.F("viz.tl.open", t.Steps[t.Open].Step)
	}
	if t.Base >= 0 && t.Base < len(t.Steps) {
		s += i18n.F("viz.tl.base", t.Steps[t.Base].Step)
	}
	if t.Log {
		s += i18n.T("viz.tl.log")
	}
	if t.PerStack {
		s += i18n.T("viz.tl.per-stack")
	}
	return s
}

// drawMarkers puts each marker's glyph over its step; several on one step
// go side by side.
func (t *Timeline) drawMarkers(dst *image.RGBA, l timelineLayout) {
	LabelAt(dst, l.markers.Min.X-6, (l.markers.Min.Y+l.markers.Max.Y)/2, End, Center, i18n.T("viz.tl.markers"), dimColor)
	seen := map[int]int{}
	for _, m := range t.Markers {
		st := markerStyle[m.Kind]
		x := int(math.Round(t.stepX(l.plot, m.Index)))
		k := seen[m.Index]
		seen[m.Index]++
		w := TextWidth(st.glyph) + 4
		box := image.Rect(x-w/2, l.markers.Min.Y+1, x-w/2+w, l.markers.Max.Y-1)
		if k > 0 {
			box = box.Add(image.Pt(k*(w+1), 0))
		}
		FillRect(dst, box, st.c)
		LabelAt(dst, (box.Min.X+box.Max.X)/2, (box.Min.Y+box.Max.Y)/2, Center, Center, st.glyph, white)
	}
}

// series is one line of the terms chart.
type series struct {
	name string
	c    color.Color
	v    []float64 // NaN where the step has no value
}

// termSeries returns the lines of the terms chart.
func (t *Timeline) termSeries() []series {
	var out []series
	if !t.PerStack {
		for k, term := range timeline.Terms {
			s := series{name: term.Name, c: termColors[k], v: make([]float64, len(t.Steps))}
			for i := range t.Steps {
				s.v[i] = value(&t.Steps[i], term.Get)
			}
			out = append(out, s)
		}
		return out
	}
	stacks := 0
	for _, st := range t.Steps {
		if st.OK() {
			stacks = max(stacks, len(st.PerStack))
		}
	}
	names := timeline.Terms[1:] // the unweighted terms have no total
	for k := range names {
		for sk := range stacks {
			c := termColors[k+1]
			if sk < stacks-1 {
				c = lighten(c, 0.55)
			}
			s := series{name: fmt.Sprintf("%s s%d", names[k].Name, sk), c: c, v: make([]float64, len(t.Steps))}
			for i := range t.Steps {
				st := &t.Steps[i]
				s.v[i] = math.NaN()
				if st.OK() && sk < len(st.PerStack) {
					u := st.PerStack[sk]
					s.v[i] = [...]float64{u.FocalTL, u.FocalBR, u.Pull, u.Push, u.RegrTL, u.RegrBR}[k]
				}
			}
			out = append(out, s)
		}
	}
	return out
}

func lighten(c color.RGBA, f float64) color.RGBA {
	l := func(v uint8) uint8 { return uint8(float64(v) + (255-float64(v))*f) }
	return color.RGBA{l(c.R), l(c.G), l(c.B), 0xff}
}

// value reads a quantity of a step, NaN for an unread one.
func value(s *timeline.Step, get func(*timeline.Step) float64) float64 {
	if !s.OK() {
		return math.NaN()
	}
	return get(s)
}

// termsStages draws the terms chart with its y axis: the axis, then a
// stage a line (a 200-step chart's lines took 6-8 ms at once as
// WebAssembly under Node, more than a frame's budget while a run loads),
// then the latest value.
func (t *Timeline) termsStages(dst *image.RGBA, l timelineLayout) []func() {
	ss := t.termSeries()
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range ss {
		for _, v := range s.v {
			if finite(v) && (!t.Log || v > 0) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	sc := rangeScale(lo, hi, t.Log, 1e-9)
	p := l.plot
	stages := []func(){func() {
		frame(dst, p, edgeColor)
		for _, tk := range sc.Ticks(max(2, p.Dy()/(2*LineHeight))) {
			y := float64(p.Max.Y-1) - sc.Norm(tk.Value)*float64(p.Dy()-2)
			Line(dst, float64(p.Min.X), y, float64(p.Max.X), y, 1, color.RGBA{0xee, 0xee, 0xf0, 0xff})
			LabelAt(dst, p.Min.X-4, int(y), End, Center, tk.Label, dimColor)
		}
		LabelAt(dst, l.plot.Min.X-tlGutter+2, p.Min.Y+2, Start, Start, i18n.T("viz.tl.terms"), textColor)
	}}
	for _, s := range ss {
		stages = append(stages, func() { t.polyline(dst, p, sc, s.v, s.c) })
	}
	// The latest value of the loss (or of the first line) at the right.
	if len(ss) > 0 {
		if v, ok := lastFinite(ss[0].v); ok {
			stages = append(stages, func() { LabelAt(dst, p.Max.X+4, p.Min.Y+2, Start, Start, Format(v), ss[0].c) })
		}
	}
	return stages
}

// rangeScale returns the y scale of values in [lo, hi] (lo > hi: none):
// logarithmic down to at most decades below hi, or linear from 0 (or lo
// when negative).
func rangeScale(lo, hi float64, log bool, decades float64) Scale {
	if lo > hi {
		lo, hi = 0, 1
	}
	if log {
		return Log(math.Max(lo, hi*decades), hi)
	}
	return Linear(math.Min(0, lo), math.Max(hi, math.Min(0, lo)+1e-12))
}

// polyline draws a series, broken where it has no value.
func (t *Timeline) polyline(dst *image.RGBA, p image.Rectangle, sc Scale, v []float64, c color.Color) {
	y := func(x float64) float64 { return float64(p.Max.Y-1) - sc.Norm(x)*float64(p.Dy()-2) }
	prev := -1
	for i, x := range v {
		if !finite(x) {
			prev = -1
			continue
		}
		if prev >= 0 {
			Line(dst, t.stepX(p, prev), y(v[prev]), t.stepX(p, i), y(x), 1.5, c)
		} else if i+1 >= len(v) || !finite(v[i+1]) {
			Disk(dst, t.stepX(p, i), y(x), 1.5, c)
		}
		prev = i
	}
}

func lastFinite(v []float64) (float64, bool) {
	for i := len(v) - 1; i >= 0; i-- {
		if finite(v[i]) {
			return v[i], true
		}
	}
	return 0, false
}

// drawStrip draws one of the lower rows: its name, the values as a line
// scaled to the row, a reference line, the latest value.
func (t *Timeline) drawStrip(dst *image.RGBA, r image.Rectangle, s strip) {
	LabelAt(dst, r.Min.X-6, (r.Min.Y+r.Max.Y)/2, End, Center, i18n.T(s.name), textColor)
	v := make([]float64, len(t.Steps))
	var v2 []float64
	lo, hi := math.Inf(1), math.Inf(-1)
	add := func(x float64) {
		if finite(x) && (!s.log || x > 0) {
			lo, hi = math.Min(lo, x), math.Max(hi, x)
		}
	}
	for i := range t.Steps {
		v[i] = value(&t.Steps[i], s.get)
		add(v[i])
	}
	if s.ref2 != nil {
		v2 = make([]float64, len(t.Steps))
		for i := range t.Steps {
			v2[i] = value(&t.Steps[i], s.ref2)
			add(v2[i])
		}
	}
	if finite(s.ref) {
		add(s.ref)
	}
	if s.share {
		lo, hi = 0, 1
	}
	sc := rangeScale(lo, hi, s.log, 1e-6)
	inner := image.Rect(r.Min.X, r.Min.Y+1, r.Max.X, r.Max.Y-1) // x as the chart's
	if finite(s.ref) {
		y := float64(inner.Max.Y-1) - sc.Norm(s.ref)*float64(inner.Dy()-2)
		Line(dst, float64(r.Min.X), y, float64(r.Max.X), y, 1, color.RGBA{0xd6, 0x27, 0x28, 0x90})
	}
	if v2 != nil {
		t.polyline(dst, inner, sc, v2, color.RGBA{0x2c, 0xa0, 0x2c, 0xff})
	}
	t.polyline(dst, inner, sc, v, color.RGBA{0x1f, 0x77, 0xb4, 0xff})
	if x, ok := lastFinite(v); ok {
		txt := Format(x)
		if v2 != nil {
			if y, ok := lastFinite(v2); ok {
				txt += "/" + Format(y)
			}
		}
		LabelAt(dst, r.Max.X+4, (r.Min.Y+r.Max.Y)/2, Start, Center, txt, dimColor)
	}
}

// classesStages draws the classes × steps strip: each cell the class's
// share of the step's focal term, magma from 0 to the largest share; the
// steps in stages of per steps (80 classes of 200 steps took 2-4 ms at once
// as WebAssembly under Node).
func (t *Timeline) classesStages(dst *image.RGBA, r image.Rectangle, per int) []func() {
	label := func() {
		LabelAt(dst, r.Min.X-6, (r.Min.Y+r.Max.Y)/2, End, Center, i18n.T("viz.tl.class-share"), textColor)
	}
	classes := 0
	top := 0.0
	for _, s := range t.Steps {
		if !s.OK() {
			continue
		}
		classes = max(classes, len(s.ClassFocal))
		for _, v := range s.ClassFocal {
			top = math.Max(top, v)
		}
	}
	if classes == 0 {
		return []func(){label}
	}
	sc := Linear(0, math.Max(top, 1e-12))
	n := t.slots()
	cells := func(from, to int) {
		for i := from; i < to; i++ {
			s := t.Steps[i]
			if !s.OK() {
				continue
			}
			x0 := int(math.Round(t.stepX(r, i) - float64(r.Dx())/float64(n)/2))
			x1 := int(math.Round(t.stepX(r, i) + float64(r.Dx())/float64(n)/2))
			x0, x1 = max(x0, r.Min.X), min(max(x1, x0+1), r.Max.X)
			for c, v := range s.ClassFocal {
				y0 := r.Min.Y + r.Dy()*c/classes
				y1 := r.Min.Y + r.Dy()*(c+1)/classes
				fillOpaque(dst, image.Rect(x0, y0, x1, max(y1, y0+1)), Magma.rgba(sc.Norm(v)))
			}
		}
	}
	stages := []func(){label}
	for from := 0; from < len(t.Steps); from += per {
		to := min(from+per, len(t.Steps))
		stages = append(stages, func() { cells(from, to) })
	}
	return append(stages, func() {
		LabelAt(dst, r.Max.X+4, (r.Min.Y+r.Max.Y)/2, Start, Center, i18n.F("viz.tl.classes", classes), dimColor)
	})
}

// classStageSteps is how many steps' cells of the classes strip a stage
// of the page's paint draws.
const classStageSteps = 50

// tlLegendItem is one entry of the timeline's legend: a term's colour, or
// a marker's glyph.
type tlLegendItem struct {
	swatch color.Color // a term's line colour; nil for a marker
	marker timeline.Kind
	text   string
}

// markerKinds lists the markers in the legend's order.
var markerKinds = []timeline.Kind{timeline.KindNonFinite, timeline.KindNoPositives, timeline.KindJump, timeline.KindClamp, timeline.KindOneObject, timeline.KindUnread, timeline.KindChunks}

// legendItems returns the legend: the lines of the terms chart, then the
// markers.
func (t *Timeline) legendItems() []tlLegendItem {
	var items []tlLegendItem
	ss := t.termSeries()
	last := " s0"
	if n := len(ss); t.PerStack && n > 0 {
		last = ss[n-1].name[strings.LastIndexByte(ss[n-1].name, ' '):]
	}
	for _, s := range ss {
		if t.PerStack {
			if !strings.HasSuffix(s.name, last) {
				continue
			}
			s.name = strings.TrimSuffix(s.name, last)
		}
		text := s.name
		if k := "tlterm." + text; i18n.Has(k) {
			text = i18n.T(k)
		}
		items = append(items, tlLegendItem{swatch: s.c, text: text})
	}
	if t.PerStack && last != " s0" {
		items = append(items, tlLegendItem{swatch: lighten(termColors[1], 0.55), text: i18n.T("viz.tl.earlier-stacks")})
	}
	for _, k := range markerKinds {
		items = append(items, tlLegendItem{marker: k, text: i18n.T("marker." + string(k))})
	}
	return items
}

// width returns the item's width in the legend, gap included.
func (it tlLegendItem) width() int {
	if it.swatch != nil {
		return 15 + TextWidth(it.text) + 10
	}
	return TextWidth(markerStyle[it.marker].glyph) + 4 + 3 + TextWidth(it.text) + 10
}

// legendRows returns how many lines the legend takes in width w.
func legendRows(items []tlLegendItem, w int) int {
	rows, x := 1, 0
	for _, it := range items {
		if x > 0 && x+it.width() > w {
			rows, x = rows+1, 0
		}
		x += it.width()
	}
	return rows
}

// drawLegend names the terms' colours and the markers, in as many lines
// as r holds.
func (t *Timeline) drawLegend(dst *image.RGBA, r image.Rectangle) {
	x, y := r.Min.X, r.Min.Y
	for _, it := range t.legendItems() {
		if x > r.Min.X && x+it.width() > r.Max.X {
			x, y = r.Min.X, y+LineHeight
		}
		if it.swatch != nil {
			FillRect(dst, image.Rect(x, y+LineHeight/2-1, x+12, y+LineHeight/2+2), it.swatch)
			Label(dst, x+15, y, it.text, textColor)
		} else {
			st := markerStyle[it.marker]
			w := TextWidth(st.glyph) + 4
			FillRect(dst, image.Rect(x, y+1, x+w, y+LineHeight-1), st.c)
			LabelAt(dst, x+w/2, y+LineHeight/2, Center, Center, st.glyph, white)
			Label(dst, x+w+3, y, it.text, dimColor)
		}
		x += it.width()
	}
}

// TimelinePoint returns a canvas point over step i when the timeline is
// drawn in r, in its terms chart: where a click opens that step.
func TimelinePoint(r image.Rectangle, t *Timeline, i int) image.Point {
	l := layoutTimeline(r)
	return image.Pt(int(math.Round(t.stepX(l.plot, i))), (l.plot.Min.Y+l.plot.Max.Y)/2)
}
