package viz

import (
	"encoding/binary"
	"image"
	"image/color"
	"slices"
)

//go:generate go run ./internal/fontgen -o font_data.go

// LineHeight is the height in pixels of one line of text as Label draws it.
const LineHeight = fontHeight

// Align says where text sits against its anchor point.
type Align uint8

const (
	Start  Align = iota // left of the anchor, or below it
	Center              // centred; vertically, on the digits' middle
	End                 // right of the anchor, or above it
)

// glyph is one bitmap glyph: the advance, the offset of its coverage box from
// the pen on the baseline, the box size, and where its rows start in fontMask.
type glyph struct {
	r         rune
	adv, x, y int8
	w, h      uint8
	off       uint32 // the Chinese glyphs took the mask past 64 KiB
}

// digitHeight is the height of '0' above the baseline, for centring numbers.
var digitHeight = -int(lookup('0').y)

// lookup returns the glyph for r, or '?' when the font lacks it.
func lookup(r rune) *glyph {
	if r >= ' ' && r <= '~' {
		return &fontGlyphs[r-' ']
	}
	// The rest are sorted by rune (fontgen sorts them): search them.
	rest := fontGlyphs['~'-' '+1:]
	if i, ok := slices.BinarySearchFunc(rest, r, func(g glyph, r rune) int { return int(g.r - r) }); ok {
		return &rest[i]
	}
	if onMissing != nil {
		onMissing(r)
	}
	return &fontGlyphs['?'-' ']
}

// onMissing, when set, hears of each rune the font lacks: tests use it to
// catch text that would print as '?'.
var onMissing func(rune)

// TextWidth returns the advance of s in pixels, the width Label covers.
func TextWidth(s string) int {
	w := 0
	for _, r := range s {
		w += int(lookup(r).adv)
	}
	return w
}

// Label draws s in colour c with its line box's top-left corner at (x, y);
// the box is TextWidth(s) by LineHeight pixels (a 'j' overhangs its left edge
// by a pixel). Drawing is clipped to dst.Bounds(), so a sub-image clips it to
// a rectangle.
func Label(dst *image.RGBA, x, y int, s string, c color.Color) {
	k := inkOf(c)
	if k.a == 0 {
		return
	}
	b := dst.Rect
	base := y + fontAscent
	solid := k.a == 0xffff
	full := binary.LittleEndian.Uint32([]uint8{uint8(k.r >> 8), uint8(k.g >> 8), uint8(k.b >> 8), 0xff})
	for _, r := range s {
		g := lookup(r)
		x0, y0 := x+int(g.x), base+int(g.y)
		w := int(g.w)
		// The glyph's rows and columns inside dst, found once: the loop
		// over a row then tests nothing but the coverage.
		i0, i1 := max(0, b.Min.X-x0), min(w, b.Max.X-x0)
		for j := max(0, b.Min.Y-y0); i0 < i1 && j < min(int(g.h), b.Max.Y-y0); j++ {
			at := int(g.off) + j*w
			row := fontMask[at+i0 : at+i1]
			p := dst.Pix[dst.PixOffset(x0+i0, y0+j):]
			p = p[:4*len(row)]
			for i := range len(row) {
				switch a := row[i]; {
				case a == 0:
				case a == 0xff && solid:
					binary.LittleEndian.PutUint32(p[4*i:], full) // what over gives, without its divisions
				default:
					k.over(p[4*i:], uint32(a))
				}
			}
		}
		x += int(g.adv)
	}
}

// Place returns the top-left corner at which Label puts s so that the anchor
// (x, y) sits as h and v say: Start puts the text right of x and below y, End
// left of x and above y, Center centres it (vertically on the digits).
func Place(s string, x, y int, h, v Align) (int, int) {
	switch h {
	case Center:
		x -= TextWidth(s) / 2
	case End:
		x -= TextWidth(s)
	}
	switch v {
	case Center:
		y -= fontAscent - (digitHeight+1)/2
	case End:
		y -= LineHeight
	}
	return x, y
}

// LabelAt draws s aligned on the anchor (x, y) as Place describes.
func LabelAt(dst *image.RGBA, x, y int, h, v Align, s string, c color.Color) {
	x, y = Place(s, x, y, h, v)
	Label(dst, x, y, s, c)
}
