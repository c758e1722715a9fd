package viz

import (
	"encoding/binary"
	"math"
)

// fill writes the colour of each value zoom times in a row into dst, which
// must hold exactly 4·zoom·len(values) bytes. The scale's kind is switched on
// once, outside the loops, so a pixel costs a multiply-add (or a log10, or a
// table look-up), a clamp and one 4-byte store; the row is coloured at zoom
// 1 and then spread in place, which keeps the loops free of calls.
func (m *Colormap) fill(dst []uint8, values []float32, s Scale, zoom int) {
	s = s.resolved()
	n := len(values)
	dst = dst[:4*zoom*n]
	row := dst[:4*n]
	// Each pixel is one 32-bit load from the table and one 32-bit store,
	// the bad colour picked by a conditional move: colouring through
	// rgba's [4]uint8, copied through memory, took 16.7 ns a pixel in
	// wasm under Node against 4.3 (BenchmarkFill/linear).
	bad := binary.LittleEndian.Uint32(m.bad[:])
	if e := s.edges; e != nil {
		for i, v := range values {
			c := binary.LittleEndian.Uint32(m.lut[e.find(v)][:])
			if v != v {
				c = bad
			}
			binary.LittleEndian.PutUint32(row[4*i:], c)
		}
		spread(dst, n, zoom)
		return
	}
	switch s.kind {
	case linear:
		// Each kind keeps Norm's order of operations, so that t rounds as
		// Norm's does.
		off, mul := s.off, s.mul
		for i, v := range values {
			binary.LittleEndian.PutUint32(row[4*i:], m.word((float64(v)-off)*mul, bad))
		}
	case symmetric:
		mul := s.mul
		for i, v := range values {
			binary.LittleEndian.PutUint32(row[4*i:], m.word(float64(v)*mul+0.5, bad))
		}
	case logarithmic:
		for i, v := range values {
			t := 0.0
			if float64(v) > s.lo || v != v {
				t = (math.Log10(float64(v)) - s.off) * s.mul
			}
			binary.LittleEndian.PutUint32(row[4*i:], m.word(t, bad))
		}
	case symlog:
		for i, v := range values {
			binary.LittleEndian.PutUint32(row[4*i:], m.word(symlogY(float64(v), s.thresh)*s.mul+0.5, bad))
		}
	}
	spread(dst, n, zoom)
}

// word returns rgba(t) as one little-endian word, bad (the packed bad
// colour) for NaN: the same entry, TestFillSweep checks.
func (m *Colormap) word(t float64, bad uint32) uint32 {
	k := 0
	if t > 0 {
		k = 255
		if t < 1 {
			k = int(t * 256)
		}
	}
	c := binary.LittleEndian.Uint32(m.lut[k&255][:])
	if t != t {
		c = bad
	}
	return c
}

// spread widens the n pixels at the start of dst to zoom copies of each, in
// place: from the last pixel back, so that none is overwritten before it is
// read.
func spread(dst []uint8, n, zoom int) {
	switch zoom {
	case 1:
	case 2:
		for i := n - 1; i >= 0; i-- {
			u := uint64(binary.LittleEndian.Uint32(dst[4*i:]))
			binary.LittleEndian.PutUint64(dst[8*i:], u|u<<32)
		}
	default:
		w := 4 * zoom
		for i := n - 1; i >= 0; i-- {
			put(dst[i*w:i*w+w], *(*[4]uint8)(dst[4*i:]))
		}
	}
}

// put repeats the colour c across px, a whole number of RGBA pixels: two
// pixels a store for a zoom block, by doubling copies for a long row.
func put(px []uint8, c [4]uint8) {
	if len(px) < 64 {
		u := uint64(binary.LittleEndian.Uint32(c[:]))
		u |= u << 32
		for ; len(px) >= 8; px = px[8:] {
			binary.LittleEndian.PutUint64(px, u)
		}
		if len(px) >= 4 {
			binary.LittleEndian.PutUint32(px, uint32(u))
		}
		return
	}
	px = px[:len(px)&^3]
	*(*[4]uint8)(px) = c
	for n := 4; n < len(px); n *= 2 {
		copy(px[n:], px[:n])
	}
}
