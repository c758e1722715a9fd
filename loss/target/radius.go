package target

import (
	"fmt"
	"math"
)

// Formula selects which version of the reference's gaussian_radius computes
// the radius of the Gaussian bump from the box size.
type Formula int

const (
	// Fixed is the current reference (sample/utils.py since 2019): the three
	// roots (b1 - sq1)/2, (b2 - sq2)/8 and (b3 + sq3)/(8t). CornerNet uses it
	// with gaussian_iou 0.3.
	Fixed Formula = iota
	// Buggy is the original 2018 code, still in the CenterNet forks: every
	// root is (b + sq)/2, so the minimum is always the third one, 4t times
	// its fixed value. It is normally used with gaussian_iou 0.7.
	Buggy
)

// String returns the name used in scene files and on the command line.
func (f Formula) String() string {
	if f == Buggy {
		return "buggy"
	}
	return "fixed"
}

// ParseFormula reads "fixed" or "buggy".
func ParseFormula(s string) (Formula, error) {
	switch s {
	case "fixed":
		return Fixed, nil
	case "buggy":
		return Buggy, nil
	}
	return Fixed, fmt.Errorf("radius formula %q: want fixed or buggy", s)
}

// MarshalText implements encoding.TextMarshaler.
func (f Formula) MarshalText() ([]byte, error) { return []byte(f.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler with ParseFormula.
func (f *Formula) UnmarshalText(b []byte) error {
	v, err := ParseFormula(string(b))
	if err != nil {
		return err
	}
	*f = v
	return nil
}

// Radius returns gaussian_radius((h, w), iou) of the reference's
// sample/utils.py: the smallest radius by which a corner may move while a box
// of h×w output pixels keeps an IoU of at least iou with the true one.
// Build truncates it with int(); the result is never negative for h, w ≥ 0
// and 0 < iou ≤ 1.
func Radius(h, w int, iou float64, f Formula) float64 {
	r := roots(h, w, iou, f)
	return min(r[0], r[1], r[2])
}

// roots returns the three candidate radii of gaussian_radius: one corner
// inside the box, both inside, both outside. The order of every product and
// the int/float boundaries follow the Python source, so the float64 results
// agree to the bit.
func roots(h, w int, iou float64, f Formula) [3]float64 {
	t := iou
	hw := float64(h + w)

	// a1 = 1, b1 = h + w, c1 = w·h·(1 - t)/(1 + t); w·h is an exact int product.
	b1 := hw
	c1 := float64(w*h) * (1 - t) / (1 + t)
	sq1 := math.Sqrt(b1*b1 - 4*c1)

	// a2 = 4, b2 = 2(h + w), c2 = (1 - t)·w·h, multiplied left to right.
	b2 := 2 * hw
	c2 := (1 - t) * float64(w) * float64(h)
	sq2 := math.Sqrt(b2*b2 - float64(16*c2))

	// a3 = 4t, b3 = -2t(h + w), c3 = (t - 1)·w·h.
	a3 := 4 * t
	b3 := -2 * t * hw
	c3 := (t - 1) * float64(w) * float64(h)
	// The conversions round each product on its own, as Python does: they
	// forbid the compiler to fuse a multiply and a subtract (arm64, ppc64).
	sq3 := math.Sqrt(float64(b3*b3) - float64(4*a3*c3))

	if f == Buggy {
		// Reference quirk (2018 code): every root divided by 2 and the
		// first two taken with +sqrt. Kept because the CenterNet forks
		// still train with it.
		return [3]float64{(b1 + sq1) / 2, (b2 + sq2) / 2, (b3 + sq3) / 2}
	}
	return [3]float64{(b1 - sq1) / 2, (b2 - sq2) / 8, (b3 + sq3) / (2 * a3)}
}
