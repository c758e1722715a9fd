package target

import (
	"math"
	"testing"
)

// The want values were computed by the reference's gaussian_radius (Python
// float64, both versions) and are compared bit for bit: Build truncates the
// radius, so one ulp can change a bump.
func TestRadiusReference(t *testing.T) {
	for _, c := range []struct {
		h, w  int
		iou   float64
		f     Formula
		roots [3]float64
		int   int
	}{
		{10, 10, 0.3, Fixed, [3]float64{3.2063377951324252, 2.2613872124741694, 4.128709291752769}, 2},
		{10, 10, 0.3, Buggy, [3]float64{16.793662204867573, 30.954451150103324, 4.954451150103322}, 4},
		{3, 7, 0.3, Fixed, [3]float64{1.2996881628290171, 0.8953193464118787, 1.8011626335213131}, 0},
		{3, 7, 0.3, Buggy, [3]float64{8.700311837170982, 16.418722614352486, 2.1613951602255757}, 2},
		{1, 1, 0.3, Fixed, [3]float64{0.32063377951324257, 0.2261387212474169, 0.41287092917527685}, 0},
		{128, 128, 0.3, Fixed, [3]float64{41.04112377769505, 28.945756319669364, 52.847478934435436}, 28},
		{128, 128, 0.3, Buggy, [3]float64{214.95887622230495, 396.2169747213226, 63.41697472132252}, 63},
		{40, 17, 0.7, Fixed, [3]float64{2.189355766154261, 1.9186375448614754, 2.3608290839784045}, 1},
		{40, 17, 0.7, Buggy, [3]float64{54.810644233845736, 106.3254498205541, 6.610321435139532}, 6},
		{2, 31, 0.5, Fixed, [3]float64{0.6386213293631577, 0.4838877164954667, 0.8912526493911113}, 0},
		{2, 31, 0.5, Buggy, [3]float64{32.36137867063684, 64.06444913401813, 1.7825052987822225}, 1},
		// Zero-size boxes: every root the fixed formula keeps is 0.
		{0, 5, 0.3, Fixed, [3]float64{0, 0, 0}, 0},
		{0, 5, 0.3, Buggy, [3]float64{5, 10, 0}, 0},
		{5, 0, 0.7, Buggy, [3]float64{5, 10, 0}, 0},
		{0, 0, 0.3, Fixed, [3]float64{0, 0, 0}, 0},
		{0, 0, 0.3, Buggy, [3]float64{0, 0, 0}, 0},
	} {
		got := roots(c.h, c.w, c.iou, c.f)
		if got != c.roots {
			t.Errorf("roots(%d, %d, %v, %v) = %v, want %v", c.h, c.w, c.iou, c.f, got, c.roots)
		}
		r := Radius(c.h, c.w, c.iou, c.f)
		if want := min(c.roots[0], c.roots[1], c.roots[2]); r != want {
			t.Errorf("Radius(%d, %d, %v, %v) = %v, want %v", c.h, c.w, c.iou, c.f, r, want)
		}
		if int(r) != c.int {
			t.Errorf("int(Radius(%d, %d, %v, %v)) = %d, want %d", c.h, c.w, c.iou, c.f, int(r), c.int)
		}
	}
}

// TestRadiusByHand checks the 10×10, t = 0.3 roots against their closed
// forms: b1 = 20, c1 = 70/1.3; b2 = 40, c2 = 70 so sq2 = √480 = 4√30;
// a3 = 1.2, b3 = -12, c3 = -70 so sq3 = √(144 + 336) = √480 too.
func TestRadiusByHand(t *testing.T) {
	want := [3]float64{
		(20 - math.Sqrt(400-4*70/1.3)) / 2,
		5 - math.Sqrt(30)/2,
		(-12 + 4*math.Sqrt(30)) / 2.4,
	}
	got := roots(10, 10, 0.3, Fixed)
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Errorf("root %d = %v, want %v", i+1, got[i], want[i])
		}
	}
	// The smallest root is the "both corners inside" one: radius 2.
	if r := Radius(10, 10, 0.3, Fixed); r != got[1] {
		t.Errorf("Radius = %v, want r2 = %v", r, got[1])
	}
}

// TestRadiusBuggy checks the reference document's statement on the 2018
// formula: with every root taken as (b + sq)/2 the minimum is always the
// third root, which is 4t times the fixed third root (the fixed one divides
// by 2·a3 = 8t). Mathematically r3 ≤ (h+w)(√t - t) ≤ (h+w)/4, below
// r1 ≥ (h+w)/2 and r2 ≥ h+w.
func TestRadiusBuggy(t *testing.T) {
	for _, iou := range []float64{0.1, 0.3, 0.5, 0.7, 0.9, 1} {
		for h := 0; h <= 40; h += 3 {
			for w := 0; w <= 60; w += 7 {
				b := roots(h, w, iou, Buggy)
				f := roots(h, w, iou, Fixed)
				r := Radius(h, w, iou, Buggy)
				if r != b[2] || b[0] < b[2] || b[1] < b[2] {
					t.Errorf("h=%d w=%d t=%v: buggy roots %v, Radius %v: want the third the smallest", h, w, iou, b, r)
				}
				if want := 4 * iou * f[2]; math.Abs(r-want) > 1e-12*max(1, want) {
					t.Errorf("h=%d w=%d t=%v: buggy radius %v, want 4t·r3 = %v", h, w, iou, r, want)
				}
				if Radius(h, w, iou, Fixed) < 0 || r < 0 {
					t.Errorf("h=%d w=%d t=%v: negative radius", h, w, iou)
				}
			}
		}
	}
}

func TestFormulaText(t *testing.T) {
	for _, f := range []Formula{Fixed, Buggy} {
		b, err := f.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var g Formula
		if err := g.UnmarshalText(b); err != nil || g != f {
			t.Errorf("%v: round trip gave %v, %v", f, g, err)
		}
	}
	if _, err := ParseFormula("Fixed"); err == nil {
		t.Error(`ParseFormula("Fixed"): no error`)
	}
}
