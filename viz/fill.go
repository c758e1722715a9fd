package viz

import "math"

// fill writes the colour of each value zoom times in a row into dst, which
// must hold exactly 4·zoom·len(values) bytes. The scale's kind is switched on
// once, outside the loops, so a pixel costs a multiply-add (or a log10), a
// clamp and one 4-byte table copy.
func (m *Colormap) fill(dst []uint8, values []float32, s Scale, zoom int) {
	s = s.resolved()
	w := 4 * zoom
	dst = dst[:w*len(values)]
	if e := s.edges; e != nil {
		for i, v := range values {
			c := m.bad
			if v == v {
				c = m.lut[e.find(v)]
			}
			put(dst[i*w:i*w+w], c)
		}
		return
	}
	switch s.kind {
	case linear:
		for i, v := range values {
			put(dst[i*w:i*w+w], m.rgba((float64(v)-s.off)*s.mul))
		}
	case logarithmic:
		for i, v := range values {
			t := 0.0
			if float64(v) > s.lo || v != v {
				t = (math.Log10(float64(v)) - s.off) * s.mul
			}
			put(dst[i*w:i*w+w], m.rgba(t))
		}
	case symmetric:
		for i, v := range values {
			put(dst[i*w:i*w+w], m.rgba(float64(v)*s.mul+0.5))
		}
	case symlog:
		for i, v := range values {
			put(dst[i*w:i*w+w], m.rgba(symlogY(float64(v), s.thresh)*s.mul+0.5))
		}
	}
}

// put repeats the colour c across px, a whole number of RGBA pixels.
func put(px []uint8, c [4]uint8) {
	for j := 0; j+4 <= len(px); j += 4 {
		*(*[4]uint8)(px[j:]) = c
	}
}
