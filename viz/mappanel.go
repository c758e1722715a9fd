package viz

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"sync"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/viz/i18n"
)

// The clamped panel's categories, coloured through a three-entry map.
var (
	clampLow  = color.RGBA{0x3b, 0x6f, 0xc8, 0xff} // p clamped to ε
	clampNone = color.RGBA{0xee, 0xee, 0xee, 0xff}
	clampHigh = color.RGBA{0xd7, 0x30, 0x27, 0xff} // p clamped to 1-ε
	clampMap  = categorical("clamped", clampLow, clampNone, clampHigh)
	// clampScale sends -1, 0 and +1 to the middle of each category.
	clampScale = Linear(-1.5, 1.5)
)

// categorical returns a colormap of equal bands of the given colours.
func categorical(name string, cs ...color.RGBA) *Colormap {
	m := &Colormap{name: name, bad: [4]uint8{0xff, 0, 0xff, 0xff}}
	for i := range m.lut {
		c := cs[i*len(cs)/len(m.lut)]
		m.lut[i] = [4]uint8{c.R, c.G, c.B, 0xff}
	}
	return m
}

// positiveColor outlines positive pixels on the focal panel: a hue magma
// never shows.
var positiveColor color.Color = color.RGBA{0x00, 0xe5, 0xff, 0xff}

// mapPlane returns the plane a heatmap panel shows, how it colours it, and
// the colorbar's title.
func mapPlane(p Panel, f *Frame) ([]float32, *Colormap, Scale, string) {
	d := &f.d
	if f.compared() {
		v, s := f.diffPlane(p)
		return v, CoolWarm, s, "B − A"
	}
	switch p {
	case PanelTarget:
		return f.Maps.Target, Viridis, Linear(0, 1), "y"
	case PanelProb:
		return f.Maps.Prob, Viridis, Linear(0, 1), "p"
	case PanelFocal:
		return d.focal, Magma, d.focalScale, i18n.T("viz.bar.term")
	case PanelWeight:
		return d.weight, Viridis, d.weightScale, i18n.T("viz.bar.weight")
	case PanelClamped:
		return d.clamped, clampMap, clampScale, ""
	}
	return d.grad, CoolWarm, d.gradScale, "dL/dlogit"
}

// drawMap draws a heatmap panel in r of dst, which is clipped to r: the
// plane where MapRect says, its colorbar (a legend for the clamped panel),
// the overlays and two lines of readouts.
func drawMap(dst *image.RGBA, r image.Rectangle, p Panel, f *Frame) {
	m := f.Maps
	l := layoutHeat(r, m.Height, m.Width)
	src, cm, s, unit := mapPlane(p, f)
	Heatmap(dst, l.plane, src, m.Width, m.Height, cm, s)
	frame(dst, l.plane.Inset(-1), edgeColor)
	if p == PanelClamped && !f.compared() {
		clampLegend(dst, l.bar, f)
	} else {
		DrawColorbar(dst, l.bar, cm, s, unit)
	}
	ov := dst.SubImage(l.plane).(*image.RGBA)
	overlay(ov, l, f)
	if p == PanelFocal {
		outlinePositives(ov, l, f)
	}
	footer(dst, l.foot, p, f)
}

// center returns the middle of map pixel (x, y) on the canvas.
func (l heatLayout) center(x, y int) (float64, float64) {
	z := float64(l.zoom)
	return float64(l.plane.Min.X) + (float64(x)+0.5)*z, float64(l.plane.Min.Y) + (float64(y)+0.5)*z
}

// at returns the canvas point of a continuous map position (x, y), where
// pixel i covers [i, i+1).
func (l heatLayout) at(x, y float64) (float64, float64) {
	z := float64(l.zoom)
	return float64(l.plane.Min.X) + x*z, float64(l.plane.Min.Y) + y*z
}

// markerArm is the arm of a true-corner cross at zoom: a few pixels, a
// little more on a zoomed map.
func markerArm(zoom int) float64 { return min(max(1.5*float64(zoom)+2, 4), 14) }

// overlay draws on a map: every shown object's Gaussian radius and its true
// corner of the frame's corner type, the predicted corners, the selected
// object's box and drag handle, and slot labels when there are few objects.
func overlay(dst *image.RGBA, l heatLayout, f *Frame) {
	arm := markerArm(l.zoom)
	c := f.Corner
	shown := 0
	for _, o := range f.Objects {
		if f.shows(o) {
			shown++
		}
	}
	// Radius circles for a few objects; with many they would hide the map.
	for i, o := range f.Objects {
		if !f.shows(o) || o.Radius < 0 || (shown > maxCircles && i != f.Selected) {
			continue
		}
		cx, cy := l.center(o.Corner[c].X, o.Corner[c].Y)
		// Around the bump's outermost pixels, not through their centres.
		rad := (float64(o.Radius) + 0.5) * float64(l.zoom)
		dashedCircle(dst, cx, cy, rad, 3, color.NRGBA{0, 0, 0, 90})
		dashedCircle(dst, cx, cy, rad, 1.25, objectColor(o.Slot))
	}
	// Every ring is the same, and so is every cross: each drawn once and
	// stamped, from buffers kept for the next map.
	st := stamps.Get().(*[4]stamp)
	defer stamps.Put(st)
	for i := range st {
		st[i].done = false
	}
	under, over, outline, cross := &st[0], &st[1], &st[2], &st[3]
	for _, pk := range f.d.peaks {
		cx, cy := l.center(pk.x, pk.y)
		under.circle(dst, cx, cy, arm+2, 3.5, halo)
		over.circle(dst, cx, cy, arm+2, 1.5, white)
	}
	gap := float64(l.zoom)/2 + 1.5
	for _, o := range f.Objects {
		if !f.shows(o) {
			continue
		}
		cx, cy := l.center(o.Corner[c].X, o.Corner[c].Y)
		outline.hollowCross(dst, cx, cy, gap-0.5, arm+0.5, 4, halo)
		cross.hollowCross(dst, cx, cy, gap, arm, 2, objectColor(o.Slot))
	}
	if i := f.Selected; i >= 0 && i < len(f.Objects) {
		if o := f.Objects[i]; f.shows(o) {
			handle(dst, l, o, c)
		}
	}
	if shown <= maxLabels {
		slotLabels(dst, l, f, arm)
	}
}

// stamps holds the overlays' stamps between maps (panels may be drawn on
// several goroutines at once).
var stamps = sync.Pool{New: func() any { return new([4]stamp) }}

// With more objects on a map than these, their radius circles (but the
// selected one's) and their slot labels are left out.
const (
	maxCircles = 24
	maxLabels  = 16
)

// shows reports whether the maps mark object o: it is of the frame's
// class, or the frame shows all classes.
func (f *Frame) shows(o Object) bool { return f.Class < 0 || o.Class == f.Class }

// handle draws the selected object's box, from its exact top-left to its
// exact bottom-right corner, and a square handle on the corner the page
// lets one drag.
func handle(dst *image.RGBA, l heatLayout, o Object, c loss.Corner) {
	// A crisp one-pixel outline through the exact corners, dark on both
	// sides; the edges stop short of the corners, which the markers show.
	fx0, fy0 := l.at(o.Exact[0][0], o.Exact[0][1])
	fx1, fy1 := l.at(o.Exact[1][0], o.Exact[1][1])
	x0, y0, x1, y1 := int(fx0), int(fy0), int(fx1), int(fy1)
	g := int(markerArm(l.zoom)) + 3
	for _, e := range [...]image.Rectangle{
		image.Rect(x0+g, y0, x1-g, y0+1), image.Rect(x0+g, y1, x1-g, y1+1),
		image.Rect(x0, y0+g, x0+1, y1-g), image.Rect(x1, y0+g, x1+1, y1-g),
	} {
		if e.Dx() > 0 && e.Dy() > 0 {
			FillRect(dst, e.Inset(-1), textColor)
			FillRect(dst, e, white)
		}
	}
	// A grip just outside the box's corner, clear of the corner pixel
	// and of the predicted corners around it.
	cx, cy := l.center(o.Corner[c].X, o.Corner[c].Y)
	d := float64(l.zoom)/2 + 3
	before, after := func(v float64) int { return int(v-d) - handleSide }, func(v float64) int { return int(v+d) + 1 }
	x, y := before(cx), before(cy)
	if c == loss.BottomRight {
		x, y = after(cx), after(cy)
	}
	// At the map's edge, the grip goes on the other side of the corner.
	switch {
	case x < l.plane.Min.X:
		x = after(cx)
	case x+handleSide > l.plane.Max.X:
		x = before(cx)
	}
	switch {
	case y < l.plane.Min.Y:
		y = after(cy)
	case y+handleSide > l.plane.Max.Y:
		y = before(cy)
	}
	b := image.Rect(x, y, x+handleSide, y+handleSide)
	FillRect(dst, b.Inset(-1), textColor)
	FillRect(dst, b, white)
	FillRect(dst, b.Inset(2), objectColor(o.Slot))
}

// handleSide is the side of the selected object's drag handle.
const handleSide = 9

// hollowCross draws a "+" centred on (cx, cy) whose arms run from gap to
// arm pixels out, leaving the pixel under its centre in view.
func hollowCross(dst *image.RGBA, cx, cy, gap, arm, width float64, c color.Color) {
	b, cov := hollowCrossShape(cx, cy, gap, arm, width)
	paint(dst, b, c, cov)
}

// hollowCrossShape is hollowCross's shape, for paint or a stamp.
func hollowCrossShape(cx, cy, gap, arm, width float64) (image.Rectangle, func(x, y float64) float64) {
	h := width / 2
	// along is how far d lies outside [gap, arm]; compared by hand, since
	// the builtin float min and max are calls in wasm.
	along := func(d float64) float64 {
		switch {
		case d < gap:
			return gap - d
		case d > arm:
			return d - arm
		}
		return 0
	}
	return box(cx-arm, cy-arm, cx+arm, cy+arm, h+1), func(x, y float64) float64 {
		// The distance to the nearest arm, each an axis-aligned segment.
		dx, dy := math.Abs(x-cx), math.Abs(y-cy)
		a, b := dist(along(dx), dy), dist(along(dy), dx)
		if b < a {
			a = b
		}
		return h + 0.5 - a
	}
}

// hollowCross is hollowCross through s (see stamp.circle).
func (s *stamp) hollowCross(dst *image.RGBA, cx, cy, gap, arm, width float64, c color.Color) {
	s.draw(dst, cx, cy, c, func() (image.Rectangle, span, func(x, y float64) float64) {
		b, cov := hollowCrossShape(cx, cy, gap, arm, width)
		return b, nil, cov
	})
}

// dashedCircle strokes the circle of radius r about (cx, cy), width pixels
// wide, in dashes about 5 pixels long.
func dashedCircle(dst *image.RGBA, cx, cy, r, width float64, c color.Color) {
	h := width / 2
	n := float64(max(3, int(2*math.Pi*r/10))) // dashes, each followed by a gap
	paintRows(dst, box(cx-r, cy-r, cx+r, cy+r, h+1), c, ringRows(cx, cy, r-h-1, r+h+1), func(x, y float64) float64 {
		cov := h + 0.5 - math.Abs(dist(x-cx, y-cy)-r)
		if cov <= 0 || int(diamondAngle(x-cx, y-cy)*0.5*n)%2 == 1 {
			return 0
		}
		return cov
	})
}

// diamondAngle is a cheap stand-in for the angle of (x, y): in [0, 4),
// increasing with the angle, equal to it in quarter turns at the axes and
// the diagonals.
func diamondAngle(x, y float64) float64 {
	ax, ay := math.Abs(x), math.Abs(y)
	if ax+ay == 0 {
		return 0
	}
	switch {
	case y >= 0 && x >= 0:
		return y / (ax + ay)
	case y >= 0:
		return 1 + ax/(ax+ay)
	case x < 0:
		return 2 + ay/(ax+ay)
	}
	return 3 + ax/(ax+ay)
}

// slotLabels writes "#k" beside each shown object's corner, leaving out a
// label that would cover one already written.
func slotLabels(dst *image.RGBA, l heatLayout, f *Frame, arm float64) {
	var done [maxLabels]image.Rectangle
	n := 0
	for _, o := range f.Objects {
		if !f.shows(o) || n == len(done) {
			continue
		}
		cx, cy := l.center(o.Corner[f.Corner].X, o.Corner[f.Corner].Y)
		s := slotName(o.Slot)
		x, y := int(cx+arm)+2, int(cy-arm)-LineHeight+4
		if x+TextWidth(s) > l.plane.Max.X { // keep it on the map
			x = int(cx-arm) - 2 - TextWidth(s)
		}
		y = max(y, l.plane.Min.Y)
		box := image.Rect(x, y, x+TextWidth(s), y+LineHeight)
		clash := false
		for _, b := range done[:n] {
			clash = clash || b.Overlaps(box)
		}
		if clash {
			continue
		}
		done[n] = box
		n++
		haloLabel(dst, x, y, s, white)
	}
}

// slotName labels an object by its slot.
func slotName(slot int) string { return fmt.Sprintf("#%d", slot) }

// outlinePositives frames every pixel whose target is exactly 1, the
// pixels the focal loss treats as positives.
func outlinePositives(dst *image.RGBA, l heatLayout, f *Frame) {
	w := f.Maps.Width
	for _, i := range f.d.positives {
		at := l.plane.Min.Add(image.Pt(i%w*l.zoom, i/w*l.zoom))
		b := image.Rectangle{Min: at, Max: at.Add(image.Pt(l.zoom, l.zoom))}.Inset(-1)
		frame(dst, b.Inset(-1), halo)
		frame(dst, b, positiveColor)
	}
}

// clampLegend keys the clamped panel's three colours, with their counts,
// in the colorbar's place.
func clampLegend(dst *image.RGBA, r image.Rectangle, f *Frame) {
	total := f.Maps.Height * f.Maps.Width
	y := r.Min.Y
	for _, e := range [...]struct {
		c     color.RGBA
		name  string
		count int
	}{
		{clampLow, i18n.T("legend.low"), f.d.low},
		{clampHigh, i18n.T("legend.high"), f.d.high},
		{clampNone, i18n.T("legend.none"), total - f.d.low - f.d.high},
	} {
		if y+2*LineHeight > r.Max.Y {
			break
		}
		legend(dst, image.Rect(r.Min.X, y, r.Max.X, y+LineHeight), legendItem{mark: swatch(e.c), text: e.name, color: textColor})
		Label(dst, r.Min.X+legendMark, y+LineHeight, fit(fmt.Sprint(e.count), r.Dx()-legendMark), dimColor)
		y += 2*LineHeight + 4
	}
}

// footer writes two lines under a map: numbers about the plane, and the key
// to its marks.
func footer(dst *image.RGBA, r image.Rectangle, p Panel, f *Frame) {
	d, w := &f.d, r.Dx()
	line := func(i int, forms ...string) {
		Label(dst, r.Min.X, r.Min.Y+i*LineHeight, firstFit(w, forms...), dimColor)
	}
	marks := func(items ...legendItem) {
		legend(dst, image.Rect(r.Min.X, r.Min.Y+LineHeight, r.Max.X, r.Max.Y), items...)
	}
	arm := 4.0
	cross := legendItem{mark: func(dst *image.RGBA, cx, cy float64) {
		hollowCross(dst, cx+0.5, cy+0.5, 1.5, arm+1.5, 4, halo)
		hollowCross(dst, cx+0.5, cy+0.5, 2, arm+1, 2, palette[0])
	}, text: i18n.T("legend.true-corner")}
	ring := legendItem{mark: func(dst *image.RGBA, cx, cy float64) {
		Circle(dst, cx, cy, arm+1, 3.5, halo)
		Circle(dst, cx, cy, arm+1, 1.5, white)
	}, text: i18n.F("viz.predicted", peakThreshold)}
	o := f.Result.Options
	switch p {
	case PanelTarget:
		n, one := len(d.positives), map[bool]string{true: "-1"}[len(d.positives) == 1]
		line(0, i18n.F("viz.positives"+one, n), i18n.F("viz.positives-short"+one, n))
		radius := legendItem{mark: func(dst *image.RGBA, cx, cy float64) {
			dashedCircle(dst, cx+0.5, cy+0.5, 5.5, 1.25, palette[0])
		}, text: i18n.T("legend.radius")}
		marks(cross, radius)
	case PanelProb:
		line(0, i18n.F("viz.max-p", Format(float64(d.maxProb)), len(d.peaks)),
			i18n.F("viz.max-p-short", Format(float64(d.maxProb)), len(d.peaks)))
		ring.text = i18n.F("viz.predicted-nms", peakThreshold)
		marks(ring)
	case PanelFocal:
		line(0, i18n.F("viz.focal-sums", Format(f.Maps.PosSum), Format(f.Maps.NegSum)),
			i18n.F("viz.focal-sums-short", Format(f.Maps.PosSum), Format(f.Maps.NegSum)))
		marks(legendItem{mark: func(dst *image.RGBA, cx, cy float64) {
			b := image.Rect(int(cx)-4, int(cy)-4, int(cx)+4, int(cy)+4)
			frame(dst, b, positiveColor)
			frame(dst, b.Inset(-1), halo)
		}, text: i18n.T("legend.positive")})
	case PanelWeight:
		a, b := Format(o.Alpha), Format(o.Beta)
		line(0, i18n.F("viz.weights", a, a, b), fmt.Sprintf("(1−p)^%s · p^%s(1−y)^%s", a, a, b))
		line(1, i18n.F("viz.range", Format(d.weightLo), Format(d.weightHi)))
	case PanelClamped:
		if o.Convention == loss.MMDet {
			line(0, i18n.T("viz.no-clamp"), i18n.T("viz.no-clamp-short"))
			break
		}
		line(0, i18n.T("viz.clamp-key"), i18n.T("viz.clamp-key-short"))
		line(1, i18n.F("viz.clamp-zero", Format(o.Eps)), i18n.T("viz.clamp-zero-short"))
	case PanelGrad:
		line(0, i18n.F("viz.grad-range", Format(d.gradLo), Format(d.gradHi)),
			fmt.Sprintf("%s … %s", Format(d.gradLo), Format(d.gradHi)))
		line(1, i18n.F("viz.symlog", Format(d.gradThresh)), "symlog")
	}
}

// withAlpha returns c with alpha a, not premultiplied.
func withAlpha(c color.RGBA, a uint8) color.NRGBA { return color.NRGBA{c.R, c.G, c.B, a} }
