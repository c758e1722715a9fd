package viz

import (
	"fmt"
	"image"
	"image/color"
	"strings"

	"github.com/cornerloss/cornerloss/viz/i18n"
)

// The panels' colours: dark text on white panels over a light grey canvas.
// Those passed to the drawing functions are stored as color.Color, so a
// call converts nothing to the interface and allocates nothing.
var (
	canvasColor             = color.RGBA{0xe9, 0xe9, 0xec, 0xff}
	panelColor              = color.RGBA{0xff, 0xff, 0xff, 0xff}
	edgeColor   color.Color = color.RGBA{0xc4, 0xc4, 0xcc, 0xff}
	textColor   color.Color = color.RGBA{0x20, 0x20, 0x24, 0xff}
	dimColor    color.Color = color.RGBA{0x6a, 0x6a, 0x72, 0xff}
	highlight   color.Color = color.RGBA{0xff, 0xf4, 0xc2, 0xff} // the selected object's row
	halo        color.Color = color.NRGBA{0, 0, 0, 150}          // under markers on maps
	white       color.Color = color.RGBA{0xff, 0xff, 0xff, 0xff}
)

// palette colours objects by slot, the same in every panel (matplotlib's
// tab10, whose hues stay apart for the colour-blind better than most).
var palette = [...]color.RGBA{
	{0x1f, 0x77, 0xb4, 0xff}, {0xff, 0x7f, 0x0e, 0xff}, {0x2c, 0xa0, 0x2c, 0xff},
	{0xd6, 0x27, 0x28, 0xff}, {0x94, 0x67, 0xbd, 0xff}, {0x8c, 0x56, 0x4b, 0xff},
	{0xe3, 0x77, 0xc2, 0xff}, {0x7f, 0x7f, 0x7f, 0xff}, {0xbc, 0xbd, 0x22, 0xff},
	{0x17, 0xbe, 0xcf, 0xff},
}

// objectColor returns the colour of the object in slot k.
func objectColor(slot int) color.RGBA { return palette[slot%len(palette)] }

// Title returns the panel's name as its title line starts, in the page's
// language.
func (p Panel) Title() string {
	if k, ok := panelKeys[p]; ok {
		return i18n.T(k)
	}
	return fmt.Sprintf(i18n.T("panel.other"), int(p))
}

// panelKeys names each panel's title in the i18n catalogues.
var panelKeys = map[Panel]string{
	PanelTarget: "panel.target", PanelProb: "panel.prob", PanelFocal: "panel.focal",
	PanelWeight: "panel.weight", PanelClamped: "panel.clamped", PanelGrad: "panel.grad",
	PanelEmbedding: "panel.embedding", PanelPush: "panel.push", PanelOffsets: "panel.offsets",
	PanelCurves: "panel.curves",
}

// MapPanels lists the panels that draw a heatmap of the frame's plane, in
// the order Grid lays them out.
var MapPanels = [...]Panel{PanelTarget, PanelProb, PanelFocal, PanelWeight, PanelClamped, PanelGrad}

// IsMap reports whether the panel draws a heatmap of the frame's plane: is
// one of MapPanels.
func (p Panel) IsMap() bool {
	for _, m := range MapPanels {
		if p == m {
			return true
		}
	}
	return false
}

// DrawPanel draws panel p of frame f inside r of dst: background and
// border, a title line naming the view, and the content. r need not start
// at (0, 0); the panel is laid out in r and clipped to r ∩ dst.Bounds(),
// outside which nothing changes. A heatmap panel puts its map where
// MapRect(r, …) says. The first call on a frame fills its
// cache (see Frame.Refresh); later calls allocate no image, only small
// values: labels, titles, per-object colours.
func DrawPanel(dst *image.RGBA, r image.Rectangle, p Panel, f *Frame) {
	// Lay out in r, draw in r ∩ dst.
	clip := r.Intersect(dst.Rect)
	if clip.Empty() {
		return
	}
	dst = dst.SubImage(clip).(*image.RGBA)
	problem := "nothing to show"
	switch {
	case f == nil:
	case p < 0 || p >= NumPanels:
		problem = "no such panel"
	default:
		f.ready()
		problem = f.d.problem
	}
	// The background, but not under the map, which covers it.
	var hole image.Rectangle
	if problem == "" && p.IsMap() {
		hole, _ = MapRect(r, f.Maps.Height, f.Maps.Width)
	}
	fillAround(dst, r, hole, panelColor)
	frame(dst, r, edgeColor)
	title(dst, r, p, f)
	body := image.Rect(r.Min.X+pad, r.Min.Y+pad+titleH, r.Max.X-pad, r.Max.Y-pad)
	switch {
	case problem != "":
		message(dst, body, problem)
	case p.IsMap():
		drawMap(dst, r, p, f)
	case p == PanelEmbedding:
		drawEmbedding(dst, body, f)
	case p == PanelPush:
		drawPush(dst, body, f)
	case p == PanelOffsets:
		drawOffsets(dst, body, f)
	case p == PanelCurves:
		drawCurves(dst, body, f)
	}
}

// fillAround fills r with c except for hole.
func fillAround(dst *image.RGBA, r, hole image.Rectangle, c color.Color) {
	hole = hole.Intersect(r)
	if hole.Empty() {
		FillRect(dst, r, c)
		return
	}
	FillRect(dst, image.Rect(r.Min.X, r.Min.Y, r.Max.X, hole.Min.Y), c)
	FillRect(dst, image.Rect(r.Min.X, hole.Max.Y, r.Max.X, r.Max.Y), c)
	FillRect(dst, image.Rect(r.Min.X, hole.Min.Y, hole.Min.X, hole.Max.Y), c)
	FillRect(dst, image.Rect(hole.Max.X, hole.Min.Y, r.Max.X, hole.Max.Y), c)
}

// Render draws every panel of f on one image of the given size, laid out
// by Grid: what `cornerloss render` writes and the page exports.
func Render(f *Frame, size image.Point) *image.RGBA {
	size = image.Pt(max(size.X, 0), max(size.Y, 0))
	img := image.NewRGBA(image.Rectangle{Max: size})
	FillRect(img, img.Rect, canvasColor)
	h, w := 1, 1
	if f != nil && f.Result != nil {
		h, w = f.Result.Shape.Height, f.Result.Shape.Width
	}
	for p, r := range Grid(size, h, w) {
		DrawPanel(img, r, Panel(p), f)
	}
	return img
}

// title draws the panel's title line: its name and the view, shortened
// until it fits.
func title(dst *image.RGBA, r image.Rectangle, p Panel, f *Frame) {
	w := r.Dx() - 2*pad
	var forms []string
	if f == nil || f.Result == nil {
		forms = []string{p.Title()}
	} else {
		forms = viewTitles(p, f)
	}
	Label(dst, r.Min.X+pad, r.Min.Y+pad, firstFit(w, forms...), textColor)
}

// viewTitles returns the title of p for f, from the longest form to the
// shortest: "focal term · tl · class 2 · image 0 · stack 0/1".
func viewTitles(p Panel, f *Frame) []string {
	sh := f.Result.Shape
	stack := fmt.Sprintf(i18n.T("view.stack"), f.Stack, sh.Stacks-1)
	image := fmt.Sprintf(i18n.T("view.image"), f.Image, sh.Batch-1)
	short := fmt.Sprintf("s%d i%d", f.Stack, f.Image)
	if !p.IsMap() {
		return []string{
			join(p.Title(), image, stack),
			join(p.Title(), short),
		}
	}
	class := fmt.Sprintf(i18n.T("view.class"), f.Class)
	c := fmt.Sprintf("c%d", f.Class)
	if f.Class < 0 {
		class, c = i18n.T("view.all-classes"), i18n.T("view.all")
	}
	corner := f.Corner.String()
	if f.compared() {
		return []string{
			join("B − A: "+p.Title(), corner, class, short),
			join("B − A: "+p.Title(), corner, c, short),
		}
	}
	return []string{
		join(p.Title(), corner, class, image, stack),
		join(p.Title(), corner, class, short),
		join(p.Title(), corner, c, short),
	}
}

func join(parts ...string) string { return strings.Join(parts, " · ") }

// message writes s in the middle of r, for a panel with nothing to plot.
func message(dst *image.RGBA, r image.Rectangle, s string) {
	s = fit(s, r.Dx())
	LabelAt(dst, (r.Min.X+r.Max.X)/2, (r.Min.Y+r.Max.Y)/2, Center, Center, s, dimColor)
}

// firstFit returns the first of forms no wider than w, or the last one
// shortened to w.
func firstFit(w int, forms ...string) string {
	for _, s := range forms {
		if TextWidth(s) <= w {
			return s
		}
	}
	return fit(forms[len(forms)-1], w)
}

// legendItem is one entry of a legend line: a small symbol, then text.
type legendItem struct {
	mark  func(dst *image.RGBA, cx, cy float64) // draws the symbol about its centre
	text  string
	color color.Color // of the text; dimColor when nil
}

// legendMark is the room a legend symbol takes, with the gap after it.
const legendMark = 16

// legend draws items in rows inside r, from its top-left corner: an item
// that does not fit what is left of a row starts the next one, and items
// past the last row that fits are left out. It returns the y under the last
// row drawn.
func legend(dst *image.RGBA, r image.Rectangle, items ...legendItem) int {
	x, y := r.Min.X, r.Min.Y
	for _, it := range items {
		w := TextWidth(it.text)
		if it.mark != nil {
			w += legendMark
		}
		if x+w > r.Max.X && x > r.Min.X {
			x, y = r.Min.X, y+LineHeight
		}
		if y+LineHeight > r.Max.Y {
			return y
		}
		if it.mark != nil {
			cy := float64(y) + float64(fontAscent) - float64(digitHeight)/2
			it.mark(dst, float64(x)+5, cy)
			x += legendMark
		}
		c := it.color
		if c == nil {
			c = dimColor
		}
		Label(dst, x, y, fit(it.text, r.Max.X-x), c)
		x += TextWidth(it.text) + 10
	}
	return y + LineHeight
}

// swatch returns a legend symbol: a filled square of colour c with a thin
// dark edge.
func swatch(c color.Color) func(*image.RGBA, float64, float64) {
	return func(dst *image.RGBA, cx, cy float64) {
		b := image.Rect(int(cx)-5, int(cy)-5, int(cx)+5, int(cy)+5)
		FillRect(dst, b, c)
		frame(dst, b, dimColor)
	}
}

// haloLabel draws s at (x, y) in c over a dark halo, readable on any map.
func haloLabel(dst *image.RGBA, x, y int, s string, c color.Color) {
	for _, d := range [...]image.Point{{-1, 0}, {1, 0}, {0, -1}, {0, 1}} {
		Label(dst, x+d.X, y+d.Y, s, halo)
	}
	Label(dst, x, y, s, c)
}
