package viz

import (
	"image"
	"image/color"
	"math"
)

// ink is a colour ready for blending: alpha-premultiplied 16-bit channels, as
// color.Color's RGBA method returns them.
type ink struct{ r, g, b, a uint32 }

// inkOf converts c, clamping its channels to its alpha: a color.RGBA such as
// {255, 255, 255, 160} is not premultiplied (use color.NRGBA for that), and
// unclamped it would overflow the blend.
func inkOf(c color.Color) ink {
	r, g, b, a := c.RGBA()
	return ink{min(r, a), min(g, a), min(b, a), a}
}

// over blends k onto the RGBA pixel p (4 bytes) with coverage cov in [0, 255],
// the Porter-Duff "over" that image/draw applies through a glyph mask.
func (k ink) over(p []uint8, cov uint32) {
	const m = 1<<16 - 1
	ma := cov | cov<<8
	a := (m - k.a*ma/m) * 0x101
	p = p[:4]
	p[0] = uint8((uint32(p[0])*a/m + k.r*ma/m) >> 8)
	p[1] = uint8((uint32(p[1])*a/m + k.g*ma/m) >> 8)
	p[2] = uint8((uint32(p[2])*a/m + k.b*ma/m) >> 8)
	p[3] = uint8((uint32(p[3])*a/m + k.a*ma/m) >> 8)
}

// coverage converts a fraction of a pixel to [0, 255], clamping it.
func coverage(f float64) uint32 {
	switch {
	case f <= 0 || f != f:
		return 0
	case f >= 1:
		return 255
	}
	return uint32(f*255 + 0.5)
}

// paint blends c over each pixel of box ∩ dst.Bounds() with the coverage that
// cov gives for the pixel's centre. It serves the overlay shapes, which touch
// a few hundred pixels each; planes go through Colormap.fill instead.
func paint(dst *image.RGBA, box image.Rectangle, c color.Color, cov func(x, y float64) float64) {
	paintRows(dst, box, c, nil, cov)
}

// span says which pixel centres of the row at y a thin shape can cover:
// those with x in [lo, hi] but not in the hole (holeLo, holeHi). It may
// say more than the shape covers, never less; lo > hi means none.
type span func(y float64) (lo, hi, holeLo, holeHi float64)

// paintRows is paint for shapes much thinner than their box (a long
// diagonal line, a ring): it evaluates cov only where rows says the shape
// can reach, which gives the same pixels for a fraction of the work. A nil
// rows means the whole box.
func paintRows(dst *image.RGBA, box image.Rectangle, c color.Color, rows span, cov func(x, y float64) float64) {
	box = box.Intersect(dst.Rect)
	k := inkOf(c)
	if k.a == 0 {
		return
	}
	run := func(x0, x1, y int) {
		i := dst.PixOffset(x0, y)
		for x := x0; x < x1; x, i = x+1, i+4 {
			if a := coverage(cov(float64(x)+0.5, float64(y)+0.5)); a > 0 {
				k.over(dst.Pix[i:], a)
			}
		}
	}
	for y := box.Min.Y; y < box.Max.Y; y++ {
		if rows == nil {
			run(box.Min.X, box.Max.X, y)
			continue
		}
		lo, hi, hlo, hhi := rows(float64(y) + 0.5)
		if !(lo <= hi) {
			continue
		}
		// Pixel x has its centre at x+0.5: the centres in [lo, hi] are
		// the x in [lo-0.5, hi-0.5].
		x0 := max(box.Min.X, pixel(math.Ceil(lo-0.5)))
		x1 := min(box.Max.X, pixel(math.Floor(hi-0.5))+1)
		if hlo < hhi {
			h0 := max(x0, pixel(math.Floor(hlo-0.5))+1) // first centre past holeLo
			h1 := min(x1, pixel(math.Ceil(hhi-0.5)))    // first centre at or past holeHi
			if h0 < h1 {
				run(x0, h0, y)
				run(h1, x1, y)
				continue
			}
		}
		run(x0, x1, y)
	}
}

// stamp is the coverage one shape gives the pixels around its centre,
// recorded once and painted at other centres. The rings of a map's
// predicted corners, and its objects' crosses, have one size each and sit
// at pixel centres on the zoomed map, whose coordinates are multiples of
// ½: a pixel's offset from such a centre is then exact, and so is its
// coverage, the same number for every centre a whole number of pixels
// away. Painting the stamp gives, to the bit, what drawing the shape there
// gives, for a fraction of the work (TestStampAsShape).
type stamp struct {
	cx, cy float64 // the centre it was recorded at
	px     []stampPixel
	done   bool // recorded
	ok     bool // recorded at a centre it can be painted from
}

// stampPixel is a pixel of a stamp, relative to the recorded centre's
// pixel, with its coverage (never 0).
type stampPixel struct {
	dx, dy int32
	a      uint32
}

// halfStep reports whether v is a multiple of ½ small enough that a pixel
// centre's offset from it is exact.
func halfStep(v float64) bool { return math.Abs(v) < 1<<20 && 2*v == math.Trunc(2*v) }

// record makes s the stamp of the shape centred on (cx, cy) that paintRows
// would draw with box, rows and cov.
func (s *stamp) record(cx, cy float64, box image.Rectangle, rows span, cov func(x, y float64) float64) {
	s.cx, s.cy, s.px, s.done, s.ok = cx, cy, s.px[:0], true, halfStep(cx) && halfStep(cy)
	if !s.ok {
		return
	}
	ox, oy := int(math.Floor(cx)), int(math.Floor(cy))
	// paintRows visits the pixels, on an image with no pixels of its own:
	// the coverage is recorded instead of blended.
	paintRows(&image.RGBA{Rect: box}, box, color.White, rows, func(x, y float64) float64 {
		if a := coverage(cov(x, y)); a > 0 {
			s.px = append(s.px, stampPixel{int32(math.Floor(x) - float64(ox)), int32(math.Floor(y) - float64(oy)), a})
		}
		return 0
	})
}

// paint blends c through s centred on (cx, cy), clipped to dst, and
// reports whether it could: false when s is empty or (cx, cy) is not a
// whole number of pixels from where s was recorded.
func (s *stamp) paint(dst *image.RGBA, cx, cy float64, c color.Color) bool {
	if !s.ok || !halfStep(cx) || !halfStep(cy) || cx-s.cx != math.Trunc(cx-s.cx) || cy-s.cy != math.Trunc(cy-s.cy) {
		return false
	}
	k := inkOf(c)
	if k.a == 0 {
		return true
	}
	ox, oy := int(math.Floor(cx)), int(math.Floor(cy))
	r := dst.Rect
	for _, p := range s.px {
		x, y := ox+int(p.dx), oy+int(p.dy)
		if x >= r.Min.X && x < r.Max.X && y >= r.Min.Y && y < r.Max.Y {
			k.over(dst.Pix[dst.PixOffset(x, y):], p.a)
		}
	}
	return true
}

// shape is a shape as paintRows takes it: its box, its rows (nil for
// every pixel of the box) and its coverage.
type shape func() (image.Rectangle, span, func(x, y float64) float64)

// draw paints sh centred on (cx, cy) through s: the first call records sh
// in s, and every call paints it from s where it can, else draws it.
func (s *stamp) draw(dst *image.RGBA, cx, cy float64, c color.Color, sh shape) {
	if !s.done {
		b, rows, cov := sh()
		s.record(cx, cy, b, rows, cov)
	}
	if !s.paint(dst, cx, cy, c) {
		b, rows, cov := sh()
		paintRows(dst, b, c, rows, cov)
	}
}
