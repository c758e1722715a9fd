package target

import (
	"image"
	"math"
)

// eps is np.finfo(np.float64).eps, the cut-off of gaussian2D.
const eps = 0x1p-52

// kernelValue returns gaussian2D's value at offset (dx, dy) from the centre
// of a kernel of the given radius, with the reference's operation order:
// sigma = d/6, exp(-(x² + y²) / (2·sigma·sigma)) in float64.
//
// Reference quirk: values below eps·max are set to 0. The maximum is
// exp(0) = 1 and, with sigma = d/6, the smallest value is above exp(-9), so
// the cut never fires; it is kept so that a change of sigma stays faithful.
func kernelValue(radius, dx, dy int) float64 {
	d := 2*radius + 1
	sigma := float64(d) / 6
	x, y := float64(dx), float64(dy)
	v := math.Exp(-(x*x + y*y) / (2 * sigma * sigma))
	if v < eps {
		v = 0
	}
	return v
}

// Bounds returns the pixels of a height×width map that Draw writes for a
// bump of the given radius centred on (cx, cy): the window the reference's
// draw_gaussian slices out of the heatmap, clipped at the border. It is empty
// when the centre is outside the map.
func Bounds(height, width, cx, cy, radius int) image.Rectangle {
	if cx < 0 || cy < 0 || cx >= width || cy >= height || radius < 0 {
		return image.Rectangle{}
	}
	// draw_gaussian's left, right, top, bottom.
	left, right := min(cx, radius), min(width-cx, radius+1)
	top, bottom := min(cy, radius), min(height-cy, radius+1)
	return image.Rect(cx-left, cy-top, cx+right, cy+bottom)
}

// Draw matches the reference's draw_gaussian(heatmap, (cx, cy), radius): it
// raises the row-major height×width plane dst to the Gaussian bump of the
// given radius centred on (cx, cy), element-wise, clipped at the map border,
// so that overlapping bumps keep the larger value. The centre pixel becomes
// exactly 1.
//
// Reference quirk: the kernel is float64 and the heatmap float32; numpy's
// maximum writes float32(max(h, g)), which equals max(h, float32(g)).
//
// A centre outside the map draws nothing. (numpy's slicing would draw a
// partial bump without its peak for a centre just past the right or bottom
// edge and raise for a negative one; Build never passes such a centre.)
func Draw(dst []float32, height, width, cx, cy, radius int) {
	r := Bounds(height, width, cx, cy, radius)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := dst[y*width : (y+1)*width]
		for x := r.Min.X; x < r.Max.X; x++ {
			if g := float32(kernelValue(radius, x-cx, y-cy)); g > row[x] {
				row[x] = g
			}
		}
	}
}
