package viz

import (
	"image"
	"image/color"
	"math"
)

// DrawColorbar draws the key for colouring by m under s inside r: the title
// on the first line, then a gradient strip with a tick mark and a label at
// each of s.Ticks. A rectangle taller than wide gets a vertical strip, low
// values at the bottom and labels on its right; a wider one gets a horizontal
// strip with labels below. The number of ticks follows the strip's length,
// a label that would touch its neighbour is left out, and nothing is drawn
// outside r. Text and marks are near-black, or near-white when dst's pixel at
// r.Min (the background the caller painted) is dark.
func DrawColorbar(dst *image.RGBA, r image.Rectangle, m *Colormap, s Scale, title string) {
	r = r.Intersect(dst.Rect)
	if r.Empty() {
		return
	}
	sub := dst.SubImage(r).(*image.RGBA)
	var fg color.Color = contrast(dst.RGBAAt(r.Min.X, r.Min.Y))
	top := r.Min.Y
	if title != "" {
		Label(sub, r.Min.X, top, fit(title, r.Dx()), fg)
		top += LineHeight + 2
	}
	body := image.Rect(r.Min.X, top, r.Max.X, r.Max.Y)
	if r.Dy() > r.Dx() {
		verticalBar(sub, body, m, s, fg)
	} else {
		horizontalBar(sub, body, m, s, fg)
	}
}

const (
	tickLen  = 4 // tick mark length in pixels
	labelGap = 2 // pixels between a tick mark and its label
)

// verticalBar draws the strip down the left of r with labels on its right.
func verticalBar(dst *image.RGBA, r image.Rectangle, m *Colormap, s Scale, fg color.Color) {
	// Digits centred on the end ticks reach half their height past the strip.
	pad := (digitHeight+1)/2 + 1
	bar := image.Rect(r.Min.X, r.Min.Y+pad-1, r.Min.X+min(16, max(6, r.Dx()/4)), r.Max.Y-pad+1)
	strip := bar.Inset(1) // the gradient, inside a one-pixel frame
	if strip.Dy() < 2 {
		return
	}
	frame(dst, bar, fg)
	paint := strip.Intersect(dst.Rect) // a narrow r cuts the strip
	for y := paint.Min.Y; y < paint.Max.Y; y++ {
		t := 1 - (float64(y-strip.Min.Y)+0.5)/float64(strip.Dy())
		i := dst.PixOffset(paint.Min.X, y)
		put(dst.Pix[i:i+4*paint.Dx()], m.rgba(t))
	}

	n := max(3, min(11, strip.Dy()/(digitHeight+10)))
	x := bar.Max.X + tickLen + labelGap
	last := math.MaxInt // top of the last label's ink, labels going up
	for _, tk := range s.Ticks(n) {
		y := strip.Max.Y - 1 - int(math.Round(s.Norm(tk.Value)*float64(strip.Dy()-1)))
		FillRect(dst, image.Rect(bar.Max.X, y, bar.Max.X+tickLen, y+1), fg)
		inkTop := y - digitHeight/2
		if inkTop+digitHeight+2 >= last {
			continue // it would touch the label below
		}
		LabelAt(dst, x, y, Start, Center, tk.Label, fg)
		last = inkTop
	}
}

// horizontalBar draws the strip across the top of r with labels below it.
func horizontalBar(dst *image.RGBA, r image.Rectangle, m *Colormap, s Scale, fg color.Color) {
	h := min(16, max(6, r.Dy()-LineHeight-tickLen-labelGap))
	bar := image.Rect(r.Min.X, r.Min.Y, r.Max.X, r.Min.Y+h)
	strip := bar.Inset(1)
	if strip.Dx() < 2 {
		return
	}
	frame(dst, bar, fg)
	if paint := strip.Intersect(dst.Rect); !paint.Empty() { // a low r cuts the strip
		first := dst.Pix[dst.PixOffset(paint.Min.X, paint.Min.Y):][:4*paint.Dx()]
		for x := range paint.Dx() {
			t := (float64(x) + 0.5) / float64(strip.Dx())
			*(*[4]uint8)(first[4*x:]) = m.rgba(t)
		}
		for y := paint.Min.Y + 1; y < paint.Max.Y; y++ {
			copy(dst.Pix[dst.PixOffset(paint.Min.X, y):], first)
		}
	}

	lo, hi := s.Domain()
	wide := max(TextWidth(Format(lo)), TextWidth(Format(hi)), TextWidth("0.25")) + 8
	n := max(3, min(11, strip.Dx()/wide))
	y := bar.Max.Y + tickLen + labelGap
	last := math.MinInt // right edge of the last label
	for _, tk := range s.Ticks(n) {
		x := strip.Min.X + int(math.Round(s.Norm(tk.Value)*float64(strip.Dx()-1)))
		FillRect(dst, image.Rect(x, bar.Max.Y, x+1, bar.Max.Y+tickLen), fg)
		w := TextWidth(tk.Label)
		lx := min(max(x-w/2, r.Min.X), r.Max.X-w) // keep the end labels inside r
		if lx < last+6 {
			continue
		}
		Label(dst, lx, y, tk.Label, fg)
		last = lx + w
	}
}

// frame outlines r with a one-pixel line along its inside edge.
func frame(dst *image.RGBA, r image.Rectangle, c color.Color) {
	FillRect(dst, image.Rect(r.Min.X, r.Min.Y, r.Max.X, r.Min.Y+1), c)
	FillRect(dst, image.Rect(r.Min.X, r.Max.Y-1, r.Max.X, r.Max.Y), c)
	FillRect(dst, image.Rect(r.Min.X, r.Min.Y+1, r.Min.X+1, r.Max.Y-1), c)
	FillRect(dst, image.Rect(r.Max.X-1, r.Min.Y+1, r.Max.X, r.Max.Y-1), c)
}

// contrast returns near-black ink for a light or transparent background and
// near-white ink for a dark one.
func contrast(bg color.RGBA) color.RGBA {
	// Rec. 709 luma on the premultiplied channels, out of 255.
	if bg.A >= 128 && 0.2126*float64(bg.R)+0.7152*float64(bg.G)+0.0722*float64(bg.B) < 128 {
		return color.RGBA{0xe8, 0xe8, 0xe8, 0xff}
	}
	return color.RGBA{0x20, 0x20, 0x20, 0xff}
}

// fit shortens s with an ellipsis until it is at most w pixels wide.
func fit(s string, w int) string {
	if TextWidth(s) <= w {
		return s
	}
	rs := []rune(s)
	for len(rs) > 0 && TextWidth(string(rs))+TextWidth("…") > w {
		rs = rs[:len(rs)-1]
	}
	return string(rs) + "…"
}
