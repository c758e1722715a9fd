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
