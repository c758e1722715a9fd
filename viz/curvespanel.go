package viz

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/viz/i18n"
)

// The curves panel draws the loss's per-element functions as the 1-D curves
// every tutorial draws, from loss's own functions (FocalAt, SmoothL1,
// PushHinge) under the frame's options, so under mmdet they are
// mmdetection's: the focal term against p for a positive and for negatives
// at y = 0, 0.5, 0.9 and the hovered pixel's y, with the hovered pixel on its
// curve; smooth-L1 against the offset error with every corner's error on it;
// the push margin against the distance of two mean embeddings with every
// pair on it.

// Curve names one of the curves panel's plots.
type Curve int

const (
	CurveFocal    Curve = iota // the focal term against p
	CurveSmoothL1              // smooth-L1 against the offset error
	CurveHinge                 // the push margin against the distance
)

// curvesMinW is the narrowest plot the panel draws three of: below it (the
// curves panel of a tablet's page with a run) one plot takes the panel.
const curvesMinW = 120

// focalTop is the top of the focal plot's loss axis: −log(ε) for the
// default ε is 9.2, but the curves' shapes are read below 4, as tutorials
// plot them.
const focalTop = 4

// curveYs are the negatives' targets the focal plot always draws.
var curveYs = [...]float32{0, 0.5, 0.9}

var (
	posCurve   color.Color = color.RGBA{0xd6, 0x27, 0x28, 0xff}
	negCurves              = [...]color.Color{color.RGBA{0x1f, 0x77, 0xb4, 0xff}, color.RGBA{0x6b, 0xae, 0xd6, 0xff}, color.RGBA{0x9e, 0xca, 0xe1, 0xff}}
	hoverCurve color.Color = color.RGBA{0x2c, 0xa0, 0x2c, 0xff}
	axisColor  color.Color = color.RGBA{0x90, 0x90, 0x98, 0xff}
)

// plot maps data coordinates into a rectangle of the panel.
type plot struct {
	r              image.Rectangle
	x0, x1, y0, y1 float64
}

func (p plot) at(x, y float64) (float64, float64) {
	fx := (x - p.x0) / (p.x1 - p.x0)
	fy := (y - p.y0) / (p.y1 - p.y0)
	return float64(p.r.Min.X) + fx*float64(p.r.Dx()), float64(p.r.Max.Y) - fy*float64(p.r.Dy())
}

// curve draws f over [x0, x1], clipped to the plot.
func (p plot) curve(dst *image.RGBA, f func(x float64) float64, c color.Color) {
	sub := dst.SubImage(p.r.Inset(-1)).(*image.RGBA)
	n := max(p.r.Dx(), 2)
	var px, py float64
	for i := 0; i <= n; i++ {
		x := p.x0 + (p.x1-p.x0)*float64(i)/float64(n)
		y := minf(maxf(f(x), p.y0-1), p.y1+1) // keep off-plot points near it
		qx, qy := p.at(x, y)
		if i > 0 {
			Line(sub, px, py, qx, qy, 1.5, c)
		}
		px, py = qx, qy
	}
}

// axes draws the plot's frame and its end labels.
func (p plot) axes(dst *image.RGBA, name, xl, xr, yTop string) {
	r := p.r
	Line(dst, float64(r.Min.X)+.5, float64(r.Min.Y), float64(r.Min.X)+.5, float64(r.Max.Y), 1, axisColor)
	Line(dst, float64(r.Min.X), float64(r.Max.Y)-.5, float64(r.Max.X), float64(r.Max.Y)-.5, 1, axisColor)
	LabelAt(dst, r.Min.X, r.Max.Y+1, Start, Start, xl, dimColor)
	LabelAt(dst, r.Max.X, r.Max.Y+1, End, Start, xr, dimColor)
	LabelAt(dst, r.Min.X-2, r.Min.Y, End, Center, yTop, dimColor)
	LabelAt(dst, r.Min.X+4, r.Min.Y-LineHeight-1, Start, Start, fit(name, r.Dx()), textColor)
}

// drawCurves draws the three plots in body, side by side when it is wide,
// one above the other when it is tall. What changes only with the loss's
// options, the language and the panel's place (each plot's axes and its
// functions' curves, most of the panel's time) is drawn once into the
// frame's curvesLayer and copied on later redraws: an edit of the scene
// redraws every panel, and leaves those alone. What the step adds (the
// hovered pixel, the corners' errors, the pairs) is drawn over it, in the
// order the plots were always drawn in.
func drawCurves(dst *image.RGBA, body image.Rectangle, f *Frame) {
	plots := curvePlots(body, f.Curve)
	opt := f.Result.Options
	key := curvesKey{body: body, lang: i18n.Current(), curve: f.Curve}
	l := &f.curves
	// The curves do not weigh: options that differ in weights alone draw them alike.
	if l.img == nil || l.key != key || !l.opt.SamePixels(opt) {
		if l.img == nil || l.img.Rect.Size() != body.Size() {
			l.img = image.NewRGBA(body)
		}
		l.img.Rect = body
		FillRect(l.img, body, panelColor)
		for _, p := range plots {
			p.draw(l.img, p.r, f, true)
		}
		l.key, l.opt = key, opt
	}
	copyRect(dst, l.img, body)
	for _, p := range plots {
		p.draw(dst, p.r, f, false)
	}
}

// curvesLayer is what drawCurves keeps of its last drawing: the plots'
// axes and curves, for key.
type curvesLayer struct {
	key curvesKey
	opt loss.Options // compared with SamePixels
	img *image.RGBA  // of the panel's body, in its coordinates
}

// curvesKey is what the plots' axes and curves depend on, the loss's
// options aside.
type curvesKey struct {
	body  image.Rectangle
	lang  i18n.Lang
	curve Curve
}

// copyRect copies r of src into dst, clipped to both.
func copyRect(dst, src *image.RGBA, r image.Rectangle) {
	r = r.Intersect(dst.Rect).Intersect(src.Rect)
	if r.Empty() {
		return
	}
	n := 4 * r.Dx()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		d, s := dst.PixOffset(r.Min.X, y), src.PixOffset(r.Min.X, y)
		copy(dst.Pix[d:d+n], src.Pix[s:s+n])
	}
}

// curvePlot is one plot of the curves panel and where it goes; draw draws
// its axes and curves (fixed) or what the step adds over them.
type curvePlot struct {
	r    image.Rectangle
	draw func(dst *image.RGBA, r image.Rectangle, f *Frame, fixed bool)
}

// curvePlots lays the plots out in body: three, or, where a plot would be
// narrower than curvesMinW (it could not hold its title and legend), the
// one curve names (the focal curves, the ones tutorials start from, unless
// the walk's step is about another).
func curvePlots(body image.Rectangle, curve Curve) []curvePlot {
	var cells [3]image.Rectangle
	for i := range cells {
		cells[i] = split(body, 3, i, body.Dx() >= 2*body.Dy())
	}
	// Each cell: a title line above, tick labels below and left.
	inner := func(c image.Rectangle) image.Rectangle {
		return image.Rect(c.Min.X+TextWidth("10")+6, c.Min.Y+LineHeight+3, c.Max.X-4, c.Max.Y-LineHeight-4)
	}
	if r := inner(cells[0]); r.Dx() < curvesMinW || r.Dy() < 40 {
		switch curve {
		case CurveSmoothL1:
			return []curvePlot{{inner(body), drawSmoothL1}}
		case CurveHinge:
			return []curvePlot{{inner(body), drawHinge}}
		default:
			return []curvePlot{{inner(body), drawFocalCurves}}
		}
	}
	return []curvePlot{{inner(cells[0]), drawFocalCurves}, {inner(cells[1]), drawSmoothL1}, {inner(cells[2]), drawHinge}}
}

// legendInset keeps the focal plot's legend off the panel's edge: the plot
// ends 4 px from it, and a legend flush with the plot's end read as cut.
const legendInset = 6

// drawFocalCurves: the focal loss −term against p.
func drawFocalCurves(dst *image.RGBA, r image.Rectangle, f *Frame, fixed bool) {
	if r.Dx() < 20 || r.Dy() < 20 {
		return
	}
	o := f.Result.Options
	term := o.FocalAt()
	at := func(y float32) func(p float64) float64 {
		return func(p float64) float64 { return -term(loss.Logit(p), y).Term }
	}
	pl := plot{r: r, x0: 0, x1: 1, y0: 0, y1: focalTop}
	if fixed {
		pl.axes(dst, fmt.Sprintf(i18n.T("curves.focal"), o.Alpha, o.Beta), "p = 0", "1", fmt.Sprint(focalTop))
		pl.curve(dst, at(1), posCurve)
		for i, y := range curveYs {
			pl.curve(dst, at(y), negCurves[i])
		}
		return
	}
	// The hovered pixel (or, with none, the selected object's corner): its
	// curve, and the pixel as a point on it.
	if i, ok := f.curvePixel(); ok {
		m := f.Maps
		y := m.Target[i]
		if y != 1 {
			pl.curve(dst, at(y), hoverCurve)
		}
		pt := term(m.Logit[i], y)
		cx, cy := pl.at(pt.P, min(-pt.Term, focalTop))
		Disk(dst, cx, cy, 4, halo)
		Disk(dst, cx, cy, 3, hoverCurve)
		LabelAt(dst, r.Max.X-legendInset, r.Min.Y+LineHeight, End, Start, fmt.Sprintf("y = %s · p = %s", Format(float64(y)), Format(pt.P)), hoverCurve)
	}
	LabelAt(dst, r.Max.X-legendInset, r.Min.Y, End, Start, fit(i18n.T("curves.focal-legend"), r.Dx()-legendInset), dimColor)
}

// curvePixel is the pixel the focal plot marks: the hovered one, else the
// selected object's corner.
func (f *Frame) curvePixel() (int, bool) {
	m := f.Maps
	if m == nil || m.Width == 0 {
		return 0, false
	}
	p, ok := f.Hover, f.Hovered
	if !ok && f.Selected >= 0 && f.Selected < len(f.Objects) {
		p, ok = f.Objects[f.Selected].Corner[f.Corner], true
	}
	if !ok || p.X < 0 || p.Y < 0 || p.X >= m.Width || p.Y >= m.Height {
		return 0, false
	}
	return p.Y*m.Width + p.X, true
}

// drawSmoothL1: smooth-L1 against the error, every corner's x and y error on it.
func drawSmoothL1(dst *image.RGBA, r image.Rectangle, f *Frame, fixed bool) {
	if r.Dx() < 20 || r.Dy() < 20 {
		return
	}
	pl := plot{r: r, x0: -2, x1: 2, y0: 0, y1: 1.5}
	if fixed {
		pl.axes(dst, i18n.T("curves.smooth-l1"), "−2", "2", "1.5")
		pl.curve(dst, func(d float64) float64 { return loss.SmoothL1(float32(d)) }, textColor)
		return
	}
	for c := range f.Offsets {
		o := &f.Offsets[c]
		for k := range o.Slots {
			for a := range 2 {
				d := o.Pred[k][a] - o.Target[k][a]
				cx, cy := pl.at(min(max(float64(d), -2), 2), min(loss.SmoothL1(d), 1.5))
				Disk(dst, cx, cy, 3, halo)
				Disk(dst, cx, cy, 2.2, objectColor(o.Slots[k]))
			}
		}
	}
}

// drawHinge: the push margin against |ē_j − ē_k|, every pair on it.
func drawHinge(dst *image.RGBA, r image.Rectangle, f *Frame, fixed bool) {
	if r.Dx() < 20 || r.Dy() < 20 {
		return
	}
	c := f.Result.Options.Convention
	pl := plot{r: r, x0: 0, x1: 2, y0: 0, y1: 1}
	if fixed {
		pl.axes(dst, i18n.T("curves.hinge"), "0", "2", "1")
		pl.curve(dst, func(d float64) float64 { return c.PushHinge(float32(d)) }, textColor)
		return
	}
	e := &f.Embedding
	for j := range e.Mean {
		for k := j + 1; k < len(e.Mean); k++ {
			d := float32(math.Abs(float64(e.Mean[k] - e.Mean[j])))
			cx, cy := pl.at(min(float64(d), 2), c.PushHinge(d))
			Disk(dst, cx, cy, 3.5, objectColor(e.Slots[j]))
			Disk(dst, cx, cy, 1.8, objectColor(e.Slots[k]))
		}
	}
}
