package target

import (
	"image"
	"math"
	"testing"
)

func TestKernel(t *testing.T) {
	// Sums of gaussian2D((d, d), d/6) as Python computes them; r = 1 is
	// 1 + 4e⁻² + 4e⁻⁴ (sigma = 1/2).
	sums := []float64{1, 1 + 4*math.Exp(-2) + 4*math.Exp(-4), 4.350453335877026, 8.518152004615523}
	for r := 0; r < 12; r++ {
		k := kernel(r)
		d := 2*r + 1
		if len(k) != d*d {
			t.Fatalf("r=%d: %d values, want %d", r, len(k), d*d)
		}
		if c := k[r*d+r]; c != 1 {
			t.Errorf("r=%d: centre %v, want exactly 1", r, c)
		}
		sum := 0.0
		for i := range d {
			for j := range d {
				v := k[i*d+j]
				// Symmetric in both axes and under transposition, bit for bit.
				for _, m := range []float64{k[(d-1-i)*d+j], k[i*d+d-1-j], k[j*d+i]} {
					if m != v {
						t.Fatalf("r=%d: kernel not symmetric at (%d, %d): %v vs %v", r, i, j, v, m)
					}
				}
				// The eps cut never fires with sigma = d/6: the corner is
				// above exp(-9).
				if v <= math.Exp(-9) || v > 1 {
					t.Errorf("r=%d: value %v at (%d, %d) outside (exp(-9), 1]", r, v, i, j)
				}
				sum += v
			}
		}
		if r < len(sums) && math.Abs(sum-sums[r]) > 1e-12 {
			t.Errorf("r=%d: sum %v, want %v", r, sum, sums[r])
		}
	}
}

// numpyDraw is draw_gaussian with Python's slice semantics spelled out:
// start and stop of each slice are wrapped when negative and clamped to the
// axis, and the two slices must have the same shape (numpy raises otherwise).
func numpyDraw(t *testing.T, dst []float32, height, width, x, y, r int) {
	k, d := kernel(r), 2*r+1
	left, right := min(x, r), min(width-x, r+1)
	top, bottom := min(y, r), min(height-y, r+1)
	y0, y1 := pySlice(y-top, y+bottom, height)
	x0, x1 := pySlice(x-left, x+right, width)
	ky0, ky1 := pySlice(r-top, r+bottom, d)
	kx0, kx1 := pySlice(r-left, r+right, d)
	if y1-y0 != ky1-ky0 || x1-x0 != kx1-kx0 {
		t.Fatalf("numpy would raise: heatmap slice %dx%d, kernel slice %dx%d", y1-y0, x1-x0, ky1-ky0, kx1-kx0)
	}
	for i := range y1 - y0 {
		for j := range x1 - x0 {
			p := &dst[(y0+i)*width+x0+j]
			*p = float32(max(float64(*p), k[(ky0+i)*d+kx0+j]))
		}
	}
}

// pySlice returns the indices a[start:stop] selects on an axis of length n.
func pySlice(start, stop, n int) (int, int) {
	norm := func(i int) int {
		if i < 0 {
			i += n
		}
		return min(max(i, 0), n)
	}
	lo, hi := norm(start), norm(stop)
	return lo, max(lo, hi)
}

func TestDrawClipping(t *testing.T) {
	const height, width = 7, 9
	for r := 0; r <= 10; r++ {
		for y := range height {
			for x := range width {
				got := make([]float32, height*width)
				want := make([]float32, height*width)
				Draw(got, height, width, x, y, r)
				numpyDraw(t, want, height, width, x, y, r)
				touched := image.Rectangle{}
				for i := range got {
					if got[i] != want[i] {
						t.Fatalf("r=%d centre (%d, %d): pixel %d = %v, numpy %v", r, x, y, i, got[i], want[i])
					}
					if got[i] != 0 {
						p := image.Pt(i%width, i/width)
						touched = touched.Union(image.Rectangle{p, p.Add(image.Pt(1, 1))})
					}
				}
				if b := Bounds(height, width, x, y, r); touched != b {
					t.Fatalf("r=%d centre (%d, %d): drew %v, Bounds %v", r, x, y, touched, b)
				}
				if got[y*width+x] != 1 {
					t.Fatalf("r=%d centre (%d, %d): peak %v, want exactly 1", r, x, y, got[y*width+x])
				}
			}
		}
	}
}

func TestDrawOutside(t *testing.T) {
	const height, width = 5, 6
	for _, c := range []image.Point{{-1, 2}, {2, -1}, {width, 2}, {2, height}, {width, height}} {
		plane := make([]float32, height*width)
		Draw(plane, height, width, c.X, c.Y, 2)
		for i, v := range plane {
			if v != 0 {
				t.Fatalf("centre %v outside the map: drew %v at %d", c, v, i)
			}
		}
		if b := Bounds(height, width, c.X, c.Y, 2); !b.Empty() {
			t.Errorf("centre %v: Bounds %v, want empty", c, b)
		}
	}
}

func TestDrawOverlapKeepsMax(t *testing.T) {
	const height, width = 12, 12
	a := make([]float32, height*width)
	Draw(a, height, width, 4, 5, 3)
	b := make([]float32, height*width)
	Draw(b, height, width, 6, 6, 2)
	// Both orders give the element-wise maximum.
	for _, order := range [][2][3]int{{{4, 5, 3}, {6, 6, 2}}, {{6, 6, 2}, {4, 5, 3}}} {
		both := make([]float32, height*width)
		for _, o := range order {
			Draw(both, height, width, o[0], o[1], o[2])
		}
		for i := range both {
			if want := max(a[i], b[i]); both[i] != want {
				t.Fatalf("order %v: pixel %d = %v, want max %v", order, i, both[i], want)
			}
		}
	}
	// Drawing never lowers a value already above the bump.
	p := make([]float32, height*width)
	for i := range p {
		p[i] = 0.5
	}
	Draw(p, height, width, 5, 5, 3)
	for i, v := range p {
		if v < 0.5 {
			t.Fatalf("pixel %d lowered to %v", i, v)
		}
	}
	if p[5*width+5] != 1 {
		t.Errorf("peak %v, want 1", p[5*width+5])
	}
}

// kernel returns gaussian2D((d, d), sigma=d/6) of the reference's
// sample/utils.py for d = 2·radius+1, row-major, in float64 as numpy computes
// it, from kernelValue. Its centre is exactly 1.
func kernel(radius int) []float64 {
	d := 2*radius + 1
	k := make([]float64, d*d)
	for i := range d {
		for j := range d {
			k[i*d+j] = kernelValue(radius, j-radius, i-radius)
		}
	}
	return k
}
