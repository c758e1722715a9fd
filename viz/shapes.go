package viz

import (
	"image"
	"image/color"
	"math"
)

// The shapes below take coordinates in pixels, continuous: pixel (i, j)
// covers [i, i+1)×[j, j+1), so a 1-pixel line through x = i+0.5 is crisp.
// They are anti-aliased, blended over dst with c's alpha, and clipped to
// dst.Bounds().

// FillRect fills r with c, blending when c is translucent.
func FillRect(dst *image.RGBA, r image.Rectangle, c color.Color) {
	r = r.Intersect(dst.Rect)
	if r.Empty() {
		return
	}
	k := inkOf(c)
	if k.a == 0 {
		return
	}
	n := 4 * r.Dx()
	if k.a != 0xffff {
		// What paint gives at full coverage, without a call per pixel.
		for y := r.Min.Y; y < r.Max.Y; y++ {
			i := dst.PixOffset(r.Min.X, y)
			for row := dst.Pix[i : i+n]; len(row) >= 4; row = row[4:] {
				k.over(row, 255)
			}
		}
		return
	}
	fillRows(dst, r, [4]uint8{uint8(k.r >> 8), uint8(k.g >> 8), uint8(k.b >> 8), 255})
}

// fillOpaque is FillRect with a colour's bytes, without the color.Color a
// call boxes (the classes strip fills 16 000 cells a paint).
func fillOpaque(dst *image.RGBA, r image.Rectangle, c [4]uint8) {
	if c[3] != 0xff {
		FillRect(dst, r, color.RGBA{c[0], c[1], c[2], c[3]})
		return
	}
	if r = r.Intersect(dst.Rect); !r.Empty() {
		fillRows(dst, r, c)
	}
}

// fillRows fills r, inside dst, with the opaque c: the first row filled,
// the others copied from it, one copy a row.
func fillRows(dst *image.RGBA, r image.Rectangle, c [4]uint8) {
	n := 4 * r.Dx()
	first := dst.PixOffset(r.Min.X, r.Min.Y)
	line := dst.Pix[first : first+n]
	put(line, c)
	for y := r.Min.Y + 1; y < r.Max.Y; y++ {
		i := dst.PixOffset(r.Min.X, y)
		copy(dst.Pix[i:i+n], line)
	}
}

// Line strokes the segment from (x0, y0) to (x1, y1), width pixels wide, with
// round caps.
func Line(dst *image.RGBA, x0, y0, x1, y1, width float64, c color.Color) {
	h := width / 2
	seg := newSegment(x0, y0, x1, y1)
	paintRows(dst, box(x0, y0, x1, y1, h+1), c, capsuleRows(x0, y0, x1, y1, h+1), func(x, y float64) float64 {
		return h + 0.5 - seg.dist(x, y)
	})
}

// Circle strokes the circle of radius r about (cx, cy), width pixels wide.
func Circle(dst *image.RGBA, cx, cy, r, width float64, c color.Color) {
	b, rows, cov := ring(cx, cy, r, width)
	paintRows(dst, b, c, rows, cov)
}

// ring is Circle's shape, for paintRows or a stamp.
func ring(cx, cy, r, width float64) (image.Rectangle, span, func(x, y float64) float64) {
	h := width / 2
	return box(cx-r, cy-r, cx+r, cy+r, h+1), ringRows(cx, cy, r-h-1, r+h+1), func(x, y float64) float64 {
		return h + 0.5 - math.Abs(dist(x-cx, y-cy)-r)
	}
}

// circle is Circle through s: the first call records the ring in s, and
// every call paints it from s where it can. A stamp serves one radius and
// width.
func (s *stamp) circle(dst *image.RGBA, cx, cy, r, width float64, c color.Color) {
	s.draw(dst, cx, cy, c, func() (image.Rectangle, span, func(x, y float64) float64) { return ring(cx, cy, r, width) })
}

// Disk fills the circle of radius r about (cx, cy).
func Disk(dst *image.RGBA, cx, cy, r float64, c color.Color) {
	paint(dst, box(cx-r, cy-r, cx+r, cy+r, 1), c, func(x, y float64) float64 {
		return r + 0.5 - dist(x-cx, y-cy)
	})
}

// Cross draws a "+" marker centred on (cx, cy), with arms reaching arm pixels
// from the centre, width pixels wide.
func Cross(dst *image.RGBA, cx, cy, arm, width float64, c color.Color) {
	h := width / 2
	paint(dst, box(cx-arm, cy-arm, cx+arm, cy+arm, h+1), c, func(x, y float64) float64 {
		// One coverage for the union, so the centre is not blended twice.
		return h + 0.5 - min(segmentDist(x, y, cx-arm, cy, cx+arm, cy), segmentDist(x, y, cx, cy-arm, cx, cy+arm))
	})
}

// Arrow draws a shaft from (x0, y0) to (x1, y1), width pixels wide, ending in
// a filled head at (x1, y1) whose length grows with the width but never
// exceeds half the arrow. An arrow shorter than a pixel draws a dot.
func Arrow(dst *image.RGBA, x0, y0, x1, y1, width float64, c color.Color) {
	dx, dy := x1-x0, y1-y0
	n := math.Hypot(dx, dy)
	if n < 1 {
		Disk(dst, x1, y1, max(width, 1.5), c)
		return
	}
	ux, uy := dx/n, dy/n
	head := min(max(4*width, 6), n/2)
	bx, by := x1-ux*head, y1-uy*head // centre of the head's base
	half := head * 0.45
	// The head's corners: the tip and the base's two ends.
	corners := [3][2]float64{{x1, y1}, {bx - uy*half, by + ux*half}, {bx + uy*half, by - ux*half}}
	tri := newTriangle(corners)
	h := width / 2
	sx, sy := bx+ux*0.5, by+uy*0.5 // where the shaft ends, inside the head
	shaftRows := capsuleRows(x0, y0, sx, sy, h+1)
	// The head covers pixels within half a pixel of the triangle.
	hb := [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, p := range corners {
		hb = [4]float64{min(hb[0], p[0]-1), min(hb[1], p[1]-1), max(hb[2], p[0]+1), max(hb[3], p[1]+1)}
	}
	rows := func(y float64) (lo, hi, _, _ float64) {
		lo, hi, _, _ = shaftRows(y)
		if y >= hb[1] && y <= hb[3] {
			lo, hi = min(lo, hb[0]), max(hi, hb[2])
		}
		return lo, hi, 0, 0
	}
	seg := newSegment(x0, y0, sx, sy)
	paintRows(dst, box(x0, y0, x1, y1, head+1), c, rows, func(x, y float64) float64 {
		shaft := h + 0.5 - seg.dist(x, y)
		if head := tri.cover(x, y); head > shaft {
			return head
		}
		return shaft
	})
}

// capsuleRows spans the points within r of the segment (x0, y0)–(x1, y1):
// on the row at y, those near the part of the segment within r of the row.
func capsuleRows(x0, y0, x1, y1, r float64) span {
	return func(y float64) (lo, hi, _, _ float64) {
		ta, tb := 0.0, 1.0
		if dy := y1 - y0; dy != 0 {
			ta, tb = (y-r-y0)/dy, (y+r-y0)/dy
			if ta > tb {
				ta, tb = tb, ta
			}
			ta, tb = maxf(ta, 0), minf(tb, 1)
		} else if math.Abs(y-y0) > r {
			return 1, 0, 0, 0
		}
		if ta > tb {
			return 1, 0, 0, 0
		}
		xa, xb := x0+ta*(x1-x0), x0+tb*(x1-x0)
		return minf(xa, xb) - r, maxf(xa, xb) + r, 0, 0
	}
}

// ringRows spans the points between the radii rin and rout of (cx, cy).
func ringRows(cx, cy, rin, rout float64) span {
	return func(y float64) (lo, hi, holeLo, holeHi float64) {
		dy := math.Abs(y - cy)
		if dy > rout {
			return 1, 0, 0, 0
		}
		o := math.Sqrt(rout*rout - dy*dy)
		if dy >= rin {
			return cx - o, cx + o, 0, 0
		}
		in := math.Sqrt(rin*rin - dy*dy)
		return cx - o, cx + o, cx - in, cx + in
	}
}

// segmentDist returns the distance from (x, y) to the segment (x0, y0)–(x1, y1).
func segmentDist(x, y, x0, y0, x1, y1 float64) float64 {
	return newSegment(x0, y0, x1, y1).dist(x, y)
}

// segment is a segment ready for distances: what segmentDist computes of
// the segment alone, computed once for all the pixels of a shape (and the
// distance small enough to inline in a shape's coverage).
type segment struct{ x0, y0, dx, dy, l float64 }

func newSegment(x0, y0, x1, y1 float64) segment {
	dx, dy := x1-x0, y1-y0
	return segment{x0, y0, dx, dy, dx*dx + dy*dy}
}

// dist returns the distance from (x, y) to s.
func (s segment) dist(x, y float64) float64 {
	px, py := x-s.x0, y-s.y0
	// Compared by hand: the builtin float min and max are calls in wasm.
	// A segment of length 0 is its first point.
	t := (px*s.dx + py*s.dy) / s.l
	if !(s.l > 0) || t < 0 {
		t = 0
	} else if t > 1 {
		t = 1
	}
	return dist(px-t*s.dx, py-t*s.dy)
}

// dist is the length of (dx, dy). The shapes' coordinates are saturated
// far inside float64's range, so the plain square root is safe, and in
// wasm it is much cheaper than math.Hypot's scaling.
func dist(dx, dy float64) float64 { return math.Sqrt(dx*dx + dy*dy) }

// triangle is a filled triangle ready for coverage tests: a corner of each
// edge and the edge's unit normal pointing inside.
type triangle struct {
	at, in [3][2]float64
	ok     bool // false for a degenerate triangle, which covers nothing
}

func newTriangle(p [3][2]float64) triangle {
	t := triangle{at: p, ok: true}
	// Orient the edges so that the inside is on the left.
	area := (p[1][0]-p[0][0])*(p[2][1]-p[0][1]) - (p[1][1]-p[0][1])*(p[2][0]-p[0][0])
	for i := range 3 {
		a, b := p[i], p[(i+1)%3]
		ex, ey := b[0]-a[0], b[1]-a[1]
		l := math.Hypot(ex, ey)
		if l == 0 {
			t.ok = false
			return t
		}
		nx, ny := -ey/l, ex/l
		if area < 0 {
			nx, ny = -nx, -ny
		}
		t.in[i] = [2]float64{nx, ny}
	}
	return t
}

// cover approximates the share of the pixel centred on (x, y) inside the
// triangle: 0.5 plus the signed distance to the nearest edge.
func (t *triangle) cover(x, y float64) float64 {
	if !t.ok {
		return 0
	}
	d := math.Inf(1)
	for i := range 3 {
		s := (x-t.at[i][0])*t.in[i][0] + (y-t.at[i][1])*t.in[i][1]
		if s < d {
			d = s
		}
	}
	return d + 0.5
}

// box returns the pixels within pad of the rectangle spanned by two points;
// it is empty when a coordinate is NaN.
func box(x0, y0, x1, y1, pad float64) image.Rectangle {
	return image.Rect(
		pixel(math.Floor(minf(x0, x1)-pad)), pixel(math.Floor(minf(y0, y1)-pad)),
		pixel(math.Ceil(maxf(x0, x1)+pad)), pixel(math.Ceil(maxf(y0, y1)+pad)),
	)
}

// pixel converts a whole coordinate to int, saturating far outside any image
// and sending NaN to 0, so that box never overflows.
func pixel(v float64) int {
	const far = 1 << 24
	// Compared by hand, small enough to inline: the builtin float min
	// and max are calls in wasm.
	switch {
	case v != v:
		return 0
	case v < -far:
		return -far
	case v > far:
		return far
	}
	return int(v)
}
