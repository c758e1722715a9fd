package viz

import (
	"image"
	"image/color"
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
	box = box.Intersect(dst.Rect)
	k := inkOf(c)
	if k.a == 0 {
		return
	}
	for y := box.Min.Y; y < box.Max.Y; y++ {
		i := dst.PixOffset(box.Min.X, y)
		for x := box.Min.X; x < box.Max.X; x, i = x+1, i+4 {
			if a := coverage(cov(float64(x)+0.5, float64(y)+0.5)); a > 0 {
				k.over(dst.Pix[i:], a)
			}
		}
	}
}
