package viz

import (
	"image/color"
	"math"
)

// Colormap turns a normalised value t in [0, 1] into a colour through a
// 256-entry table, sampled the way matplotlib samples a listed colormap:
// entry ⌊256·t⌋, with t = 1 taking the last entry. NaN takes the map's bad
// colour, a hue the map itself never shows.
type Colormap struct {
	name string
	lut  [256][4]uint8 // opaque RGBA
	bad  [4]uint8
}

// The published maps. Viridis and Magma are perceptually uniform sequential
// maps with lightness rising from 0 to 1; CoolWarm is Moreland's diverging map
// for signed values, light grey at 0.5 and equally dark at both ends.
var (
	Viridis  = listed("viridis", &viridisData, color.RGBA{255, 0, 255, 255})
	Magma    = listed("magma", &magmaData, color.RGBA{0, 255, 0, 255})
	CoolWarm = segmented("coolwarm", &coolwarmData, color.RGBA{0, 255, 0, 255})
)

// listed builds a Colormap from a 256-row table of sRGB values in [0, 1].
func listed(name string, rows *[256][3]float64, bad color.RGBA) *Colormap {
	m := &Colormap{name: name, bad: [4]uint8{bad.R, bad.G, bad.B, 255}}
	for i, rgb := range rows {
		m.lut[i] = [4]uint8{to8(rgb[0]), to8(rgb[1]), to8(rgb[2]), 255}
	}
	return m
}

// segmented builds a Colormap from evenly spaced control points, interpolated
// linearly in sRGB at t = i/255 as matplotlib's LinearSegmentedColormap does
// for N = 256.
func segmented(name string, points *[33][3]float64, bad color.RGBA) *Colormap {
	m := &Colormap{name: name, bad: [4]uint8{bad.R, bad.G, bad.B, 255}}
	last := len(points) - 1
	for i := range m.lut {
		x := float64(i) / 255 * float64(last)
		j := min(int(x), last-1)
		f := x - float64(j)
		var c [4]uint8
		for k := range 3 {
			c[k] = to8(points[j][k] + f*(points[j+1][k]-points[j][k]))
		}
		c[3] = 255
		m.lut[i] = c
	}
	return m
}

// to8 rounds a channel in [0, 1] to 8 bits.
func to8(v float64) uint8 { return uint8(math.Round(min(max(v, 0), 1) * 255)) }

// Name returns the map's name as matplotlib spells it: "viridis", "magma",
// "coolwarm".
func (m *Colormap) Name() string { return m.name }

// At returns the colour for t, clamped to [0, 1]; NaN gives Bad.
func (m *Colormap) At(t float64) color.RGBA {
	c := m.rgba(t)
	return color.RGBA{c[0], c[1], c[2], c[3]}
}

// Bad returns the colour drawn for NaN.
func (m *Colormap) Bad() color.RGBA {
	return color.RGBA{m.bad[0], m.bad[1], m.bad[2], m.bad[3]}
}

// rgba returns the table entry for t as raw RGBA bytes.
func (m *Colormap) rgba(t float64) [4]uint8 {
	switch {
	case t != t:
		return m.bad
	case t <= 0:
		return m.lut[0]
	case t >= 1:
		return m.lut[255]
	}
	return m.lut[int(t*256)]
}

// Fill colours values through the scale s into dst, four bytes (RGBA, opaque)
// per value, as image.RGBA lays out one row; each pixel is exactly
// At(s.Norm(v)). It panics if dst is shorter than 4·len(values), like an
// out-of-range slice.
func (m *Colormap) Fill(dst []uint8, values []float32, s Scale) {
	m.fill(dst[:4*len(values)], values, s, 1)
}
