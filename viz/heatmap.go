package viz

import "image"

// Heatmap draws the plane src, h rows of w values in row-major order, into r
// of dst through the scale s and the colormap m. Each value becomes a
// zoom×zoom block, with zoom the largest whole factor that fits r (at least
// 1); the plane sits at r's top-left corner and is clipped to r and to
// dst.Bounds(). Heatmap returns the rectangle the whole plane covers, clipped
// or not, so that overlays can place plane point (x, y) at pixel
// (rect.Min.X + x·zoom, rect.Min.Y + y·zoom), zoom = rect.Dx()/w.
//
// It allocates nothing and calls no interface per pixel: a source row is
// coloured once into dst, then copied down the block's other rows. It panics
// if len(src) < w·h.
func Heatmap(dst *image.RGBA, r image.Rectangle, src []float32, w, h int, m *Colormap, s Scale) image.Rectangle {
	if w <= 0 || h <= 0 {
		return image.Rectangle{Min: r.Min, Max: r.Min}
	}
	src = src[:w*h]
	zoom := max(1, min(r.Dx()/w, r.Dy()/h))
	plane := image.Rectangle{Min: r.Min, Max: r.Min.Add(image.Pt(w*zoom, h*zoom))}
	clip := plane.Intersect(r).Intersect(dst.Rect)
	if clip.Empty() {
		return plane
	}
	n := 4 * clip.Dx()
	whole := clip.Min.X == plane.Min.X && clip.Max.X == plane.Max.X
	for y := clip.Min.Y; y < clip.Max.Y; {
		row := (y - plane.Min.Y) / zoom
		first := dst.PixOffset(clip.Min.X, y)
		line := dst.Pix[first : first+n]
		if whole {
			m.fill(line, src[row*w:row*w+w], s, zoom)
		} else {
			// The clip cuts blocks at the row's ends: colour pixel by pixel.
			var px [4]uint8
			last := -1
			for x := clip.Min.X; x < clip.Max.X; x++ {
				if col := (x - plane.Min.X) / zoom; col != last {
					m.fill(px[:], src[row*w+col:row*w+col+1], s, 1)
					last = col
				}
				*(*[4]uint8)(line[4*(x-clip.Min.X):]) = px
			}
		}
		// Copy the coloured row down the rest of the block.
		end := min(plane.Min.Y+(row+1)*zoom, clip.Max.Y)
		for y++; y < end; y++ {
			i := dst.PixOffset(clip.Min.X, y)
			copy(dst.Pix[i:i+n], line)
		}
	}
	return plane
}
