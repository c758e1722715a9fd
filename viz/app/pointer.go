package app

import (
	"fmt"
	"image"
	"math"
	"strings"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/scene"
	"github.com/cornerloss/cornerloss/viz"
	"github.com/cornerloss/cornerloss/viz/i18n"
)

// drag is a pointer interaction in progress: a box or a corner on a map,
// or a tag along the embedding panel's number line.
type drag struct {
	active bool
	object int
	corner loss.Corner
	move   bool       // moving the whole box rather than one corner
	last   [2]float64 // previous map position, for moves

	tag      bool    // dragging the object's tag of this corner
	tagStart float64 // its value when grabbed
	x0       int     // the pointer's x then
	perPixel float64 // embedding units per pixel along the line
}

// handleReach is how close, in screen pixels, a press must be to a corner
// to grab it.
const handleReach = 8

// tagLimit bounds the embeddings a drag can set.
const tagLimit = 50

// SetCanvas lays the panels out for a canvas of the given size.
func (a *App) SetCanvas(size image.Point) {
	if size == a.size {
		return
	}
	a.size = size
	a.layout()
}

// layout lays the panels out for the canvas and the map size on screen;
// with a run, the timeline takes a strip along the bottom. Every panel
// changes: the page draws them all again.
func (a *App) layout() {
	if a.size == (image.Point{}) {
		return
	}
	a.tlOver = false
	size := a.size
	a.tlRect = a.timelineStrip()
	size.Y -= a.tlRect.Dy()
	a.grid = a.gridFor(size)
	a.version++
	a.tlVersion++
}

// timelineStrip is where the run's timeline goes on the canvas, empty
// without a run.
func (a *App) timelineStrip() image.Rectangle {
	if a.Run == nil || a.size == (image.Point{}) {
		return image.Rectangle{}
	}
	h := a.timelineFor(a.size)
	return image.Rect(0, a.size.Y-h, a.size.X, a.size.Y)
}

// Grid returns where each panel sits on the canvas.
func (a *App) Grid() [viz.NumPanels]image.Rectangle { return a.grid }

// mapAt finds the map under canvas point p: the panel, the position in
// output-map pixels (fractional) and the zoom.
func (a *App) mapAt(p image.Point) (viz.Panel, float64, float64, int, bool) {
	for _, pn := range viz.MapPanels {
		if a.grid[pn].Empty() {
			continue // not shown (presentation mode)
		}
		r, zoom := viz.MapRect(a.grid[pn], a.in.Height, a.in.Width)
		if p.In(r) && zoom > 0 {
			x := float64(p.X-r.Min.X) / float64(zoom)
			y := float64(p.Y-r.Min.Y) / float64(zoom)
			return pn, x, y, zoom, true
		}
	}
	return 0, 0, 0, 0, false
}

// visible reports whether object o is drawn in the current view.
func (a *App) visible(o viz.Object) bool { return a.View.Class < 0 || o.Class == a.View.Class }

// PointerDown starts a drag when p grabs a corner of the viewed corner type
// or lands inside a box of the scene, and selects that object; a press
// elsewhere on a map clears the selection.
func (a *App) PointerDown(p image.Point) {
	if p.In(a.tlRect) {
		if i, ok := viz.TimelineAt(a.tlRect, a.Timeline(), p); ok {
			if err := a.OpenStep(i); err != nil {
				a.status = i18n.Said("status.refused", err)
			}
		}
		return
	}
	if k, c, per, ok := viz.EmbeddingAt(a.grid[viz.PanelEmbedding], a.frame, p); ok && !a.grid[viz.PanelEmbedding].Empty() {
		a.Select(k)
		if o, ok := a.selectedObject(); ok {
			a.drag = drag{active: true, object: k, corner: c, tag: true, tagStart: o.Tag[c], x0: p.X, perPixel: per}
		}
		return
	}
	_, x, y, zoom, ok := a.mapAt(p)
	if !ok {
		return
	}
	objs := a.objects()
	best, bestD := -1, float64(handleReach)
	for k, o := range objs {
		if !a.visible(o) {
			continue
		}
		e := o.Exact[a.View.Corner]
		if d := math.Hypot(e[0]-x, e[1]-y) * float64(zoom); d <= bestD {
			best, bestD = k, d
		}
	}
	if best >= 0 {
		a.Select(best)
		a.drag = drag{active: a.Scene != nil, object: best, corner: a.View.Corner}
		return
	}
	smallest, area := -1, math.Inf(1)
	for k, o := range objs {
		tl, br := o.Exact[loss.TopLeft], o.Exact[loss.BottomRight]
		if a.visible(o) && x >= tl[0] && x <= br[0] && y >= tl[1] && y <= br[1] {
			if s := (br[0] - tl[0]) * (br[1] - tl[1]); s < area {
				smallest, area = k, s
			}
		}
	}
	a.Select(smallest)
	if smallest >= 0 {
		a.drag = drag{active: a.Scene != nil, object: smallest, move: true, last: [2]float64{x, y}}
	}
}

// PointerMove drags what PointerDown grabbed, or updates the hover.
func (a *App) PointerMove(p image.Point) error {
	if d := a.drag; d.active && d.tag {
		v := clamp(d.tagStart+float64(p.X-d.x0)*d.perPixel, -tagLimit, tagLimit)
		return a.EditObject(func(o *scene.Object) error { o.Tag[d.corner] = v; return nil })
	}
	if !a.drag.active && a.timelineHover(p) {
		return nil
	}
	if a.tlOver && p.In(a.tlRect) && !a.drag.active {
		a.hover = nil // the panels under the timeline are out of sight
		return nil
	}
	pn, x, y, _, ok := a.mapAt(p)
	if a.drag.active {
		if !ok {
			return nil
		}
		if a.drag.move {
			dx, dy := x-a.drag.last[0], y-a.drag.last[1]
			if dx == 0 && dy == 0 {
				return nil
			}
			a.drag.last = [2]float64{x, y}
			return a.MoveBox(a.drag.object, dx, dy)
		}
		return a.MoveCorner(a.drag.object, a.drag.corner, x, y)
	}
	if !ok {
		a.hover = nil
	} else {
		a.hover = a.hoverAt(pn, int(x), int(y))
	}
	// The curves panel marks the hovered pixel; the page redraws that panel
	// alone when the hover changes.
	if a.frame != nil {
		a.frame.Hover, a.frame.Hovered = image.Point{}, a.hover != nil
		if a.hover != nil {
			a.frame.Hover = image.Pt(a.hover.X, a.hover.Y)
		}
	}
	return nil
}

// PointerUp ends a drag.
func (a *App) PointerUp() { a.drag = drag{} }

// Dragging reports whether a drag is in progress.
func (a *App) Dragging() bool { return a.drag.active }

// Hover describes the pixel under the pointer, or the step under it on the
// timeline (Text); nil when it is off both.
type Hover struct {
	Text    string // over the timeline: the step's values; the rest is unset
	Panel   viz.Panel
	X, Y    int
	Class   int // the class shown there (for the all-classes view, the most probable)
	Logit   float32
	Target  float32
	Prob    float32
	Pos     float64 // contribution to the loss if positive
	Neg     float64 // contribution if negative
	Weight  float64
	Grad    float64
	Clamped int8
}

// Hover returns the pixel under the pointer, or nil.
func (a *App) Hover() *Hover { return a.hover }

func (a *App) hoverAt(pn viz.Panel, x, y int) *Hover {
	m := a.frame.Maps
	if a.resultIn != a.in || x < 0 || y < 0 || x >= m.Width || y >= m.Height { // a new step not evaluated yet: no hover
		return nil
	}
	i := y*m.Width + x
	cls := a.View.Class
	if cls < 0 {
		cls = a.argmaxClass(x, y)
	}
	return &Hover{Panel: pn, X: x, Y: y, Class: cls, Logit: m.Logit[i], Target: m.Target[i], Prob: m.Prob[i],
		Pos: m.Pos[i], Neg: m.Neg[i], Weight: m.Weight[i], Grad: m.Grad[i], Clamped: m.Clamped[i]}
}

// argmaxClass returns the class with the largest logit at (x, y) in the view.
func (a *App) argmaxClass(x, y int) int {
	sh, v := a.in.Shape, a.View
	best, bestL := 0, float32(math.Inf(-1))
	for c := range sh.Classes {
		if l := a.in.Heat[v.Corner][sh.HeatIndex(v.Stack, v.Image, c, y, x)]; l > bestL {
			best, bestL = c, l
		}
	}
	return best
}

// String formats the hover for the page's tooltip, one value a line.
func (h *Hover) String() string {
	if h.Text != "" {
		return h.Text
	}
	var b strings.Builder
	b.WriteString(i18n.F("hover.pixel", h.X, h.Y, h.Class) + "\n")
	b.WriteString(i18n.F("hover.target", h.Target) + "\n")
	fmt.Fprintf(&b, "logit     %.6g\n", h.Logit)
	fmt.Fprintf(&b, "p         %.6g", h.Prob)
	switch h.Clamped {
	case -1:
		b.WriteString(i18n.T("hover.clamped-lo"))
	case 1:
		b.WriteString(i18n.T("hover.clamped-hi"))
	}
	b.WriteString("\n")
	if h.Target == 1 {
		b.WriteString(i18n.F("hover.term-pos", h.Pos) + "\n")
	} else {
		b.WriteString(i18n.F("hover.term-neg", h.Neg) + "\n")
	}
	b.WriteString(i18n.F("hover.weight", h.Weight) + "\n")
	fmt.Fprintf(&b, "dL/dlogit %.6g", h.Grad)
	return b.String()
}
