package viz

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/viz/i18n"
)

// The margin of the push term: a pair of objects is pushed apart while
// their mean embeddings are closer than 1, that is while the bands of half
// the margin drawn around each mean overlap.
const (
	margin     = 1.0
	halfMargin = margin / 2
)

// sum7 formats a pull or push sum with seven significant digits, enough to
// tell the one-object push 1.000166 from 1.
func sum7(v float64) string { return fmt.Sprintf("%.7g", v) }

// drawEmbedding draws the embedding panel's body in r: a number line with
// one lane per object (its tl and br tags, their mean, the band of half the
// margin around it, the pull it adds) under a lane of every mean, so that
// overlapping bands show the pairs the push term acts on.
func drawEmbedding(dst *image.RGBA, r image.Rectangle, f *Frame) {
	e := &f.Embedding
	n := len(e.Slots)
	if n == 0 {
		message(dst, r, i18n.F("viz.no-objects-embed", f.Image))
		return
	}
	o := f.Result.Options
	pull, push := sum7(e.PullSum), sum7(e.PushSum)
	Label(dst, r.Min.X, r.Min.Y, firstFit(r.Dx(),
		i18n.F("viz.embed-sums", pull, push, Format(o.PullWeight), Format(o.PushWeight), n),
		i18n.F("viz.embed-sums-mid", pull, push, n),
		i18n.F("viz.embed-sums-short", pull, push)), dimColor)

	g, ok := embedLayout(r, e)
	if !ok {
		return
	}
	plot, laneH, s, lane := g.plot, g.laneH, g.scale, g.lane
	axisY := plot.Max.Y + 2
	xOf := g.x
	maxPull := 0.0
	for i := range n {
		maxPull = max(maxPull, e.Pull[i])
	}
	pullW := g.pullW
	labels := laneH >= 12
	mark := min(4, laneH/2-1) // half the side of a tag marker

	// The lane of every mean, and its header.
	y0, y1 := lane(0)
	FillRect(dst, image.Rect(plot.Min.X, y0, plot.Max.X, y1), color.RGBA{0xf4, 0xf4, 0xf6, 0xff})
	for i := range n {
		m := e.Mean[i]
		c := objectColor(e.Slots[i])
		FillRect(dst, image.Rect(int(xOf(m-halfMargin)), y0+1, int(xOf(m+halfMargin)), y1-1), withAlpha(c, 60))
	}
	for i := range n {
		c := objectColor(e.Slots[i])
		x := xOf(e.Mean[i])
		Line(dst, x, float64(y0)+1, x, float64(y1)-1, 2, c)
	}
	if labels {
		LabelAt(dst, r.Min.X, (y0+y1)/2, Start, Center, i18n.T("legend.means"), dimColor)
		LabelAt(dst, plot.Max.X+8, (y0+y1)/2, Start, Center, i18n.T("term.pull"), dimColor)
	}

	sel := -1
	if f.Selected >= 0 && f.Selected < len(f.Objects) {
		sel = f.Objects[f.Selected].Slot
	}
	for i, k := range e.Slots {
		y0, y1 := lane(i + 1)
		cy := float64(y0+y1) / 2
		c := objectColor(k)
		if k == sel {
			FillRect(dst, image.Rect(r.Min.X, y0, r.Max.X, y1), highlight)
		}
		m := e.Mean[i]
		FillRect(dst, image.Rect(int(xOf(m-halfMargin)), y0+1, int(xOf(m+halfMargin)), y1-1), withAlpha(c, 45))
		xt, xb := xOf(e.TL[i]), xOf(e.BR[i])
		Line(dst, xt, cy, xb, cy, min(1.5, laneH/2), c)
		x := xOf(m)
		Line(dst, x, float64(y0)+1, x, float64(y1)-1, 2, textColor)
		if mark >= 1.5 {
			FillRect(dst, image.Rect(int(xt-mark), int(cy-mark), int(xt+mark)+1, int(cy+mark)+1), c)
			Disk(dst, xb, cy, mark, white)
			Circle(dst, xb, cy, mark, 1.5, c)
		}
		if bar := e.Pull[i] / maxPull * 36; maxPull > 0 && bar > 0 {
			FillRect(dst, image.Rect(plot.Max.X+8, y0+1, plot.Max.X+8+max(1, int(bar)), y1-1), withAlpha(c, 200))
		}
		if labels {
			LabelAt(dst, r.Min.X, (y0+y1)/2, Start, Center, slotName(k), c)
			LabelAt(dst, plot.Max.X+8+40, (y0+y1)/2, Start, Center, fit(Format(e.Pull[i]), pullW-48), dimColor)
		}
	}

	// The axis, its ticks and labels.
	FillRect(dst, image.Rect(plot.Min.X, axisY, plot.Max.X, axisY+1), dimColor)
	last := math.MinInt
	for _, tk := range s.Ticks(max(2, plot.Dx()/70)) {
		x := int(math.Round(xOf(float32(tk.Value))))
		FillRect(dst, image.Rect(x, axisY, x+1, axisY+tickLen), dimColor)
		w := TextWidth(tk.Label)
		lx := min(max(x-w/2, r.Min.X), r.Max.X-w)
		if lx < last+8 {
			continue
		}
		Label(dst, lx, axisY+tickLen+labelGap, tk.Label, dimColor)
		last = lx + w
	}
	legend(dst, image.Rect(r.Min.X, axisY+tickLen+labelGap+LineHeight+4, r.Max.X, r.Max.Y),
		legendItem{mark: func(dst *image.RGBA, cx, cy float64) {
			FillRect(dst, image.Rect(int(cx)-4, int(cy)-4, int(cx)+5, int(cy)+5), palette[0])
		}, text: i18n.T("legend.tl-tag")},
		legendItem{mark: func(dst *image.RGBA, cx, cy float64) {
			Circle(dst, cx+0.5, cy+0.5, 4, 1.5, palette[0])
		}, text: i18n.T("legend.br-tag")},
		legendItem{mark: func(dst *image.RGBA, cx, cy float64) {
			Line(dst, cx+0.5, cy-5, cx+0.5, cy+6, 2, textColor)
		}, text: i18n.T("legend.mean")},
		legendItem{mark: swatch(withAlpha(palette[0], 60)), text: fmt.Sprintf(i18n.T("legend.mean-band"), halfMargin)},
	)
}

// embedGeometry is where the embedding panel puts its number line: the
// lanes (the means, then one per object) in plot, and the scale of values
// across it.
type embedGeometry struct {
	plot         image.Rectangle
	laneH        float64
	scale        Scale
	leftW, pullW int
}

// embedLayout lays the number line out in the panel body r for e; false
// when r is too small to draw it.
func embedLayout(r image.Rectangle, e *loss.Embedding) (embedGeometry, bool) {
	n := len(e.Slots)
	top := r.Min.Y + LineHeight + 6
	under := 2 + tickLen + labelGap + LineHeight + 4 + 2*LineHeight
	g := embedGeometry{leftW: TextWidth(i18n.T("legend.means")) + 6, pullW: 96}
	g.plot = image.Rect(r.Min.X+g.leftW, top, r.Max.X-g.pullW, r.Max.Y-under)
	if n == 0 || g.plot.Dx() < 40 || g.plot.Dy() < 4 {
		return g, false
	}
	lanes := n + 1
	g.laneH = min(22, float64(g.plot.Dy())/float64(lanes))
	g.plot.Max.Y = g.plot.Min.Y + int(math.Ceil(g.laneH*float64(lanes)))
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range n {
		lo = min(lo, float64(e.TL[i]), float64(e.BR[i]), float64(e.Mean[i])-halfMargin)
		hi = max(hi, float64(e.TL[i]), float64(e.BR[i]), float64(e.Mean[i])+halfMargin)
	}
	slack := (hi - lo) * 0.04
	g.scale = Linear(lo-slack, hi+slack)
	return g, true
}

// x returns where value v sits across the plot.
func (g embedGeometry) x(v float32) float64 {
	return float64(g.plot.Min.X) + g.scale.Norm(float64(v))*float64(g.plot.Dx())
}

// lane returns the rows of lane j: 0 for the means, i+1 for object i.
func (g embedGeometry) lane(j int) (y0, y1 int) {
	return g.plot.Min.Y + int(float64(j)*g.laneH), g.plot.Min.Y + int(float64(j+1)*g.laneH)
}

// EmbeddingAt finds the tag marker under p on an embedding panel drawn in r
// (as DrawPanel draws it): the object (its index in f.Objects) and corner,
// and how many embedding units one pixel across the line is, so that the
// page can drag the tag along the line.
func EmbeddingAt(r image.Rectangle, f *Frame, p image.Point) (object int, c loss.Corner, perPixel float64, ok bool) {
	if f == nil {
		return 0, 0, 0, false
	}
	if f.ready(); f.d.problem != "" {
		return 0, 0, 0, false
	}
	e := &f.Embedding
	body := image.Rect(r.Min.X+pad, r.Min.Y+pad+titleH, r.Max.X-pad, r.Max.Y-pad)
	g, fine := embedLayout(body, e)
	if !fine {
		return 0, 0, 0, false
	}
	lo, hi := g.scale.Domain()
	perPixel = (hi - lo) / float64(g.plot.Dx())
	for i, k := range e.Slots {
		y0, y1 := g.lane(i + 1)
		if p.Y < y0 || p.Y >= y1 {
			continue
		}
		best, bestD := loss.TopLeft, math.Inf(1)
		for _, cc := range loss.Corners {
			v := e.TL[i]
			if cc == loss.BottomRight {
				v = e.BR[i]
			}
			if d := math.Abs(g.x(v) - float64(p.X)); d < bestD {
				best, bestD = cc, d
			}
		}
		if bestD > 8 {
			return 0, 0, 0, false
		}
		for j, o := range f.Objects {
			if o.Slot == k {
				return j, best, perPixel, true
			}
		}
	}
	return 0, 0, 0, false
}

// drawPush draws the push panel's body in r: the N×N matrix of the pair
// terms as the loss sums them (diagonal included under the reference), the
// pairs within the margin framed, the diagonal struck through.
func drawPush(dst *image.RGBA, r image.Rectangle, f *Frame) {
	e := &f.Embedding
	n := len(e.Slots)
	if n == 0 {
		message(dst, r, i18n.F("viz.no-objects-push", f.Image))
		return
	}
	ref := f.Result.Options.Convention == loss.Reference
	close := 0
	for j := range n {
		for k := j + 1; k < n; k++ {
			if e.Dist[j*n+k] < margin {
				close++
			}
		}
	}
	Label(dst, r.Min.X, r.Min.Y, firstFit(r.Dx(),
		i18n.F("viz.push-sum", sum7(e.PushSum), n, margin, close),
		i18n.F("viz.push-sum-short", sum7(e.PushSum), n, margin, close)), dimColor)

	// The matrix and its colorbar, then under them a note on the one-object
	// quirk and two rows of legend.
	under := 4 + 2*LineHeight
	if ref && n == 1 {
		under += LineHeight
	}
	top := r.Min.Y + LineHeight + 6
	availW, availH := r.Dx()-barGap-barW, r.Max.Y-under-top
	if availW < 8 || availH < 8 {
		return
	}
	labels := min(availW, availH)/n >= 16
	lm, tm := 0, 0
	if labels {
		lm, tm = TextWidth(slotName(e.Slots[n-1]))+4, LineHeight
	}
	cs := min(56, max(1, min(availW-lm, availH-tm)/n))
	labels = labels && cs >= 14
	if !labels {
		lm, tm = 0, 0
	}
	x0, y0 := r.Min.X+lm, top+tm
	sel := -1
	if f.Selected >= 0 && f.Selected < len(f.Objects) {
		sel = f.Objects[f.Selected].Slot
	}
	s := f.d.pushScale
	for j := range n {
		for k := range n {
			cell := image.Rect(x0+k*cs, y0+j*cs, x0+(k+1)*cs, y0+(j+1)*cs)
			v := e.Push[j*n+k]
			bg := CoolWarm.At(s.Norm(v))
			FillRect(dst, cell, bg)
			if cs < 6 {
				continue
			}
			switch {
			case j == k:
				dogEar(dst, cell, contrast(bg))
			case e.Dist[j*n+k] < margin:
				frame(dst, cell, textColor)
				if cs >= 12 {
					frame(dst, cell.Inset(1), textColor)
				}
			}
			if t := Format(v); cs >= TextWidth(t)+6 && cs >= LineHeight+4 {
				LabelAt(dst, (cell.Min.X+cell.Max.X)/2, (cell.Min.Y+cell.Max.Y)/2, Center, Center, t, contrast(bg))
			}
		}
	}
	if labels {
		for i, k := range e.Slots {
			c := objectColor(k)
			name := slotName(k)
			row := image.Rect(r.Min.X, y0+i*cs, x0-2, y0+(i+1)*cs)
			col := image.Rect(x0+i*cs, top, x0+(i+1)*cs, y0-1)
			if k == sel {
				FillRect(dst, row, highlight)
				FillRect(dst, col, highlight)
			}
			LabelAt(dst, x0-3, (row.Min.Y+row.Max.Y)/2, End, Center, name, c)
			if TextWidth(name) <= cs {
				LabelAt(dst, (col.Min.X+col.Max.X)/2, top, Center, Start, name, c)
			}
		}
	}
	side := n * cs
	bar := image.Rect(x0+side+barGap, y0, x0+side+barGap+barW, y0+max(side, min(minBarH, r.Max.Y-under-y0)))
	DrawColorbar(dst, bar, CoolWarm, s, i18n.T("viz.bar.term"))

	y := max(y0+side, bar.Max.Y) + 4
	if ref && n == 1 {
		Label(dst, r.Min.X, y, firstFit(r.Dx(),
			i18n.F("viz.one-object", sum7(e.PushSum)),
			i18n.F("viz.one-object-mid", sum7(e.PushSum)),
			i18n.T("viz.one-object-short")), textColor)
		y += LineHeight
	}
	diag := i18n.T("legend.diag-ref")
	if !ref {
		diag = i18n.T("legend.diag-mmdet")
	}
	legend(dst, image.Rect(r.Min.X, y, r.Max.X, r.Max.Y),
		legendItem{mark: func(dst *image.RGBA, cx, cy float64) {
			frame(dst, image.Rect(int(cx)-5, int(cy)-5, int(cx)+6, int(cy)+6), textColor)
		}, text: fmt.Sprintf(i18n.T("legend.pushed"), margin)},
		legendItem{mark: func(dst *image.RGBA, cx, cy float64) {
			b := image.Rect(int(cx)-5, int(cy)-5, int(cx)+6, int(cy)+6)
			FillRect(dst, b, CoolWarm.At(1))
			dogEar(dst, b, white)
		}, text: diag},
	)
}

// dogEar marks a diagonal cell of the push matrix: a triangle folded over
// its top-left corner.
func dogEar(dst *image.RGBA, cell image.Rectangle, c color.Color) {
	e := float64(max(4, cell.Dx()/3))
	x, y := float64(cell.Min.X), float64(cell.Min.Y)
	tri := newTriangle([3][2]float64{{x, y}, {x + e, y}, {x, y + e}})
	ear := image.Rect(cell.Min.X, cell.Min.Y, cell.Min.X+int(e)+1, cell.Min.Y+int(e)+1).Intersect(cell)
	paint(dst, ear, c, tri.cover)
}
