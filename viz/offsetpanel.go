package viz

import (
	"fmt"
	"image"
	"image/color"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/viz/i18n"
)

// The offsets panel's colours: the true offset dark, the prediction red,
// the smooth-L1 bars orange.
var (
	trueColor color.Color = color.RGBA{0x22, 0x22, 0x28, 0xff}
	predColor color.Color = color.RGBA{0xe0, 0x1b, 0x24, 0xff}
	lossColor color.Color = color.RGBA{0xf0, 0x8c, 0x00, 0xff}
	cellColor color.Color = color.RGBA{0xf2, 0xf2, 0xf4, 0xff}
)

// offsetGrid is how the offsets panel arranges its objects: a cell per
// object with a label and two unit-pixel squares (tl, br) of side sq.
type offsetGrid struct {
	sq         int  // side of a unit pixel
	margin     int  // around it, for offsets a little outside the pixel
	text       bool // labels and numbers shown
	labelW     int  // the label column
	box        int  // room for one corner: the square and its margin, or its number
	cell       image.Point
	cols, rows int
}

// square returns where the cell at puts the unit pixel of corner k.
func (g offsetGrid) square(at image.Point, k int) image.Rectangle {
	m := at.Add(image.Pt(g.labelW+k*g.box+g.margin, g.margin))
	return image.Rectangle{Min: m, Max: m.Add(image.Pt(g.sq, g.sq))}
}

// offsetSides are the square sides tried, largest first.
var offsetSides = [...]int{96, 80, 64, 52, 44, 36, 30, 24, 18, 14, 10, 8}

// arrangeOffsets returns the largest arrangement of n objects that fits
// in a w×h area, or the smallest one when none does.
func arrangeOffsets(n, w, h, lastSlot int) offsetGrid {
	var g offsetGrid
	for _, sq := range offsetSides {
		g = offsetGrid{sq: sq, margin: sq/10 + 2, text: sq >= 24}
		g.box = sq + 2*g.margin
		header := 0
		if g.text {
			g.labelW = TextWidth(slotName(lastSlot)) + 6
			g.box = max(g.box, TextWidth("8.88e-8")+8) // the widest Format of a loss
			header = LineHeight
		}
		g.cell = image.Pt(g.labelW+2*g.box+12, sq+2*g.margin+2)
		if g.text {
			g.cell.Y += LineHeight
		}
		g.cols = max(0, w/g.cell.X)
		g.rows = max(0, (h-header)/g.cell.Y)
		if g.cols*g.rows >= n {
			break
		}
	}
	return g
}

// drawOffsets draws the offsets panel's body in r: for each object and each
// corner, the unit pixel holding the corner with the true offset (gt_regr)
// and the predicted one as arrows from its top-left, and the smooth-L1 of
// the pair as a bar and a number.
func drawOffsets(dst *image.RGBA, r image.Rectangle, f *Frame) {
	o := &f.Offsets
	n := len(o[loss.TopLeft].Slots)
	if n == 0 {
		message(dst, r, i18n.F("viz.no-objects-offset", f.Image))
		return
	}
	tl, br := Format(o[loss.TopLeft].Sum), Format(o[loss.BottomRight].Sum)
	by := i18n.T("viz.by-objects")
	if f.Result.Options.Convention == loss.MMDet {
		by = i18n.T("viz.by-pixels") // one term per pixel: a shared corner counts once
	}
	Label(dst, r.Min.X, r.Min.Y, firstFit(r.Dx(),
		i18n.F("viz.offset-sums", tl, br, by),
		fmt.Sprintf("smooth-L1 Σ tl %s · br %s", tl, br),
		fmt.Sprintf("Σ tl %s · br %s", tl, br)), dimColor)
	// The grid of objects, then a row or two of legend under it.
	area := image.Rect(r.Min.X, r.Min.Y+LineHeight+6, r.Max.X, r.Max.Y-2*LineHeight-4)
	slots := o[loss.TopLeft].Slots
	g := arrangeOffsets(n, area.Dx(), area.Dy(), slots[n-1])
	if g.cols == 0 || g.rows == 0 {
		return
	}
	rows := min(g.rows, (n+g.cols-1)/g.cols)
	shown := min(n, g.cols*rows)
	if shown < n {
		shown-- // the last cell says how many are left out
	}
	top := area.Min.Y
	if g.text {
		for c := range min(g.cols, (shown+rows-1)/rows) {
			for k, name := range [...]string{"tl", "br"} {
				sq := g.square(image.Pt(area.Min.X+c*g.cell.X, top), k)
				LabelAt(dst, (sq.Min.X+sq.Max.X)/2, top, Center, Start, name, dimColor)
			}
		}
		top += LineHeight
	}
	maxLoss := 0.0
	for _, c := range loss.Corners {
		for _, v := range o[c].Loss {
			maxLoss = max(maxLoss, v)
		}
	}
	sel := -1
	if f.Selected >= 0 && f.Selected < len(f.Objects) {
		sel = f.Objects[f.Selected].Slot
	}
	for i := range shown {
		at := image.Pt(area.Min.X+i/rows*g.cell.X, top+i%rows*g.cell.Y)
		slot := slots[i]
		if slot == sel {
			FillRect(dst, image.Rectangle{Min: at, Max: at.Add(g.cell)}.Inset(-1), highlight)
		}
		if g.text {
			LabelAt(dst, at.X, at.Y+g.margin+g.sq/2, Start, Center, slotName(slot), objectColor(slot))
		}
		for k, c := range loss.Corners {
			sq := g.square(at, k)
			unitPixel(dst, sq, o[c].Target[i], o[c].Pred[i])
			l := o[c].Loss[i]
			below := sq.Max.Y + g.margin
			if maxLoss > 0 && l > 0 {
				FillRect(dst, image.Rect(sq.Min.X, below-2, sq.Min.X+max(1, int(l/maxLoss*float64(g.sq))), below), lossColor)
			}
			if g.text {
				Label(dst, sq.Min.X, below, Format(l), dimColor)
			}
		}
	}
	if shown < n {
		at := image.Pt(area.Min.X+shown/rows*g.cell.X, top+shown%rows*g.cell.Y)
		Label(dst, at.X, at.Y, fit(i18n.F("viz.more", n-shown), g.cell.X), dimColor)
	}
	legend(dst, image.Rect(r.Min.X, top+rows*g.cell.Y+4, r.Max.X, r.Max.Y),
		legendItem{mark: arrowMark(trueColor), text: i18n.T("legend.true-offset")},
		legendItem{mark: arrowMark(predColor), text: i18n.T("legend.predicted")},
		legendItem{mark: func(dst *image.RGBA, cx, cy float64) {
			FillRect(dst, image.Rect(int(cx)-5, int(cy)-1, int(cx)+6, int(cy)+2), lossColor)
		}, text: "smooth-L1"},
	)
}

// unitPixel draws the pixel holding a corner as the square sq, and the
// true and predicted sub-pixel offsets as arrows from its top-left corner.
// An offset outside the pixel is drawn up to a tenth of it beyond.
func unitPixel(dst *image.RGBA, sq image.Rectangle, want, got [2]float32) {
	FillRect(dst, sq, cellColor)
	frame(dst, sq, edgeColor)
	u := float64(sq.Dx())
	x0, y0 := float64(sq.Min.X), float64(sq.Min.Y)
	tip := func(v [2]float32) (float64, float64) {
		clamp := func(t float32) float64 { return min(max(float64(t), -0.1), 1.1) }
		return x0 + clamp(v[0])*u, y0 + clamp(v[1])*u
	}
	tx, ty := tip(want)
	px, py := tip(got)
	if u < 16 {
		Disk(dst, tx, ty, 1.5, trueColor)
		Disk(dst, px, py, 1.5, predColor)
		return
	}
	Arrow(dst, x0, y0, tx, ty, 1.5, trueColor)
	Arrow(dst, x0, y0, px, py, 1.5, predColor)
}

// arrowMark returns a legend symbol: a short arrow of colour c.
func arrowMark(c color.Color) func(*image.RGBA, float64, float64) {
	return func(dst *image.RGBA, cx, cy float64) {
		Arrow(dst, cx-5, cy+4, cx+5, cy-4, 1.5, c)
	}
}
