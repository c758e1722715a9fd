package viz

import (
	"fmt"
	"image/color"
	"math"
	"math/rand/v2"
	"testing"
)

func hex(s string) color.RGBA {
	var c color.RGBA
	fmt.Sscanf(s, "#%02x%02x%02x", &c.R, &c.G, &c.B)
	c.A = 255
	return c
}

// rgb8 rounds a published sRGB triple in [0, 1] to the 8-bit colour At gives.
func rgb8(r, g, b float64) color.RGBA { return color.RGBA{to8(r), to8(g), to8(b), 255} }

func TestColormapPublished(t *testing.T) {
	for _, tc := range []struct {
		m    *Colormap
		t    float64
		want color.RGBA
		src  string
	}{
		// The endpoints and middles everyone quotes.
		{Viridis, 0, hex("#440154"), "viridis(0)"},
		{Viridis, 1, hex("#fde725"), "viridis(1)"},
		{Viridis, 0.5, hex("#21918c"), "viridis(0.5)"},
		{Magma, 0, hex("#000004"), "magma(0)"},
		{Magma, 1, hex("#fcfdbf"), "magma(1)"},
		{Magma, 0.5, hex("#b73779"), "magma(0.5)"},
		// viridis.resampled(8).colors, printed in matplotlib's "Creating
		// Colormaps in Matplotlib" tutorial: viridis(i/7).
		{Viridis, 1.0 / 7, rgb8(0.275191, 0.194905, 0.496005), "tutorial row 1"},
		{Viridis, 2.0 / 7, rgb8(0.212395, 0.359683, 0.551710), "tutorial row 2"},
		{Viridis, 3.0 / 7, rgb8(0.153364, 0.497000, 0.557724), "tutorial row 3"},
		{Viridis, 4.0 / 7, rgb8(0.122312, 0.633153, 0.530398), "tutorial row 4"},
		{Viridis, 5.0 / 7, rgb8(0.288921, 0.758394, 0.428426), "tutorial row 5"},
		{Viridis, 6.0 / 7, rgb8(0.626579, 0.854645, 0.223353), "tutorial row 6"},
		// Rows of _cm_listed.py, hit mid-entry.
		{Viridis, 64.5 / 256, rgb8(0.229739, 0.322361, 0.545706), "_viridis_data[64]"},
		{Viridis, 192.5 / 256, rgb8(0.369214, 0.788888, 0.382914), "_viridis_data[192]"},
		{Magma, 64.5 / 256, rgb8(0.316654, 0.071690, 0.485380), "_magma_data[64]"},
		{Magma, 192.5 / 256, rgb8(0.986700, 0.535582, 0.382210), "_magma_data[192]"},
		// Moreland's end and middle points (CoolWarmFloat33 rows 0, 16, 32).
		{CoolWarm, 0, hex("#3b4cc0"), "coolwarm(0)"},
		{CoolWarm, 1, hex("#b40426"), "coolwarm(1)"},
		// matplotlib's coolwarm(0.5): entry 128, 1/16 of the way from row 16 to 17.
		{CoolWarm, 0.5, rgb8(0.867428, 0.864390, 0.862667), "coolwarm(0.5)"},
	} {
		if got := tc.m.At(tc.t); !near(got, tc.want, 1) {
			t.Errorf("%s: %s.At(%g) = %v, want %v", tc.src, tc.m.Name(), tc.t, got, tc.want)
		}
	}
}

func TestColormapClampAndBad(t *testing.T) {
	for _, m := range []*Colormap{Viridis, Magma, CoolWarm} {
		if m.At(-3) != m.At(0) || m.At(math.Inf(-1)) != m.At(0) {
			t.Errorf("%s: below 0 is not clamped to At(0)", m.Name())
		}
		if m.At(7) != m.At(1) || m.At(math.Inf(1)) != m.At(1) || m.At(1) != m.At(0.9999) {
			t.Errorf("%s: above 1 is not clamped to At(1)", m.Name())
		}
		bad := m.At(math.NaN())
		if bad != m.Bad() {
			t.Errorf("%s: At(NaN) = %v, want Bad %v", m.Name(), bad, m.Bad())
		}
		// Bad must be far from every colour of the map.
		for i := range 256 {
			if c := m.At(float64(i) / 255); near(c, bad, 60) {
				t.Errorf("%s: bad colour %v is close to entry %d %v", m.Name(), bad, i, c)
			}
		}
	}
}

func TestColormapLightness(t *testing.T) {
	for _, tc := range []struct {
		name string
		rows *[256][3]float64
		m    *Colormap
	}{{"viridis", &viridisData, Viridis}, {"magma", &magmaData, Magma}} {
		// The published rows rise strictly in L*.
		prev := -1.0
		for i, rgb := range tc.rows {
			l := lightness(rgb[0], rgb[1], rgb[2])
			if l <= prev {
				t.Errorf("%s row %d: L* %.3f does not exceed row %d's %.3f", tc.name, i, l, i-1, prev)
			}
			prev = l
		}
		// So do the 8-bit colours At returns, a few entries apart (neighbours
		// differ by less than 8-bit rounding can move L*).
		prev = -1
		for i := 0; i < 256; i += 4 {
			c := tc.m.At((float64(i) + 0.5) / 256)
			l := lightness(float64(c.R)/255, float64(c.G)/255, float64(c.B)/255)
			if l <= prev {
				t.Errorf("%s: At entry %d has L* %.3f, not above %.3f", tc.name, i, l, prev)
			}
			prev = l
		}
	}
}

func TestCoolWarmLightness(t *testing.T) {
	l := func(i int) float64 {
		c := CoolWarm.At((float64(i) + 0.5) / 256)
		return lightness(float64(c.R)/255, float64(c.G)/255, float64(c.B)/255)
	}
	for i := range 128 {
		// Mirror entries match within 3 L* units: Moreland matched the ends'
		// lightness and the two halves' ramps to the eye, not exactly.
		if d := math.Abs(l(i) - l(255-i)); d > 3 {
			t.Errorf("entries %d and %d: L* %.2f and %.2f differ by %.2f", i, 255-i, l(i), l(255-i), d)
		}
		// Lightness climbs to the centre from both ends.
		if i > 0 && (l(i) < l(i-1)-0.5 || l(255-i) < l(256-i)-0.5) {
			t.Errorf("entry %d: L* falls on the way to the centre", i)
		}
	}
	if l(127) < l(0)+30 {
		t.Errorf("centre L* %.1f is not far above the end's %.1f", l(127), l(0))
	}
}

func TestFillMatchesAt(t *testing.T) {
	values := []float32{-1, 0, 1e-13, 1e-6, 0.25, 0.5, 0.999, 1, 2, float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), -1e-4, 3e-4}
	for _, s := range []Scale{{}, Linear(0, 1), Linear(2, 2), Log(1e-12, 1), Symmetric(1e-4), Symmetric(0), SymLog(1, 1e-6), SymLog(0, 0)} {
		for _, m := range []*Colormap{Viridis, Magma, CoolWarm} {
			dst := make([]uint8, 4*len(values))
			m.Fill(dst, values, s)
			for i, v := range values {
				want := m.At(s.Norm(float64(v)))
				got := color.RGBA{dst[4*i], dst[4*i+1], dst[4*i+2], dst[4*i+3]}
				if got != want {
					t.Errorf("%s under %+v: Fill(%g) = %v, At(Norm) = %v", m.Name(), s, v, got, want)
				}
			}
		}
	}
}

// near reports whether every channel of a and b differs by at most tol.
// Published tables are floats; a colour rounds to 8 bits, so comparisons
// against a table value or a hex code quoted elsewhere allow 1.
func near(a, b color.RGBA, tol int) bool {
	d := func(x, y uint8) bool { return int(x)-int(y) <= tol && int(y)-int(x) <= tol }
	return d(a.R, b.R) && d(a.G, b.G) && d(a.B, b.B) && d(a.A, b.A)
}

// lightness returns CIELAB L* of an sRGB colour with channels in [0, 1]
// (D65 white, the sRGB transfer curve of IEC 61966-2-1).
func lightness(r, g, b float64) float64 {
	lin := func(c float64) float64 {
		if c <= 0.04045 {
			return c / 12.92
		}
		return math.Pow((c+0.055)/1.055, 2.4)
	}
	y := 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
	if y > 216.0/24389 {
		return 116*math.Cbrt(y) - 16
	}
	return 24389.0 / 27 * y
}

// TestFillSweep: Fill's fast paths give At(Norm(v)) byte for byte over a
// sweep: float32s a few ulps either side of every entry's boundary and of
// the domain's ends, and random bit patterns (NaN, ±Inf, subnormals, values
// far outside the domain), under every kind of scale and each colormap.
func TestFillSweep(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	scales := []Scale{{}, Linear(0, 1), Linear(-3, 7.5), Linear(2, 2), Linear(1e-30, 2e-30),
		Log(1e-12, 1), Log(3e-7, 0.02), Symmetric(1e-4), Symmetric(0), Symmetric(5e3),
		SymLog(1, 1e-6), SymLog(0, 0), SymLog(0.3, 1e-4), Log(1, 1),
		Log(1, 1.5), Log(1e-30, 1e30), SymLog(1e-3, 1e-4), SymLog(1e30, 1e-30)}
	for _, s := range scales {
		var values []float32
		lo, hi := s.Domain()
		for k := 0; k <= 256; k++ {
			v := float32(s.inverse(float64(k) / 256))
			if s.kind == linear || s.kind == unset {
				v = float32(lo + (hi-lo)*float64(k)/256)
			}
			for range 4 {
				v = math.Nextafter32(v, float32(math.Inf(-1)))
			}
			for range 9 {
				values = append(values, v)
				v = math.Nextafter32(v, float32(math.Inf(1)))
			}
		}
		for range 3000 {
			values = append(values, math.Float32frombits(rng.Uint32()))
		}
		values = append(values, float32(lo), float32(hi), 0, float32(math.Copysign(0, -1)))
		for _, m := range []*Colormap{Viridis, Magma, CoolWarm, clampMap} {
			dst := make([]uint8, 4*len(values))
			m.Fill(dst, values, s)
			for i, v := range values {
				want := m.At(s.Norm(float64(v)))
				if got := (color.RGBA{dst[4*i], dst[4*i+1], dst[4*i+2], dst[4*i+3]}); got != want {
					t.Fatalf("%s under %+v: Fill(%g) = %v, At(Norm) = %v", m.Name(), s, v, got, want)
				}
			}
		}
	}
}
