package viz

import (
	"image"
	"image/color"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestStampAsShape: a ring or a hollow cross painted from a stamp recorded
// at another centre gives the pixels drawing the shape there gives, bit
// for bit, over a patterned background (so any difference in coverage
// shows in the blend), at centres on pixel centres and pixel corners,
// clipped by the image's edges, in translucent and opaque colours; and at
// a centre a fraction of a pixel off, the stamp declines and the shape is
// drawn.
func TestStampAsShape(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	bg := image.NewRGBA(image.Rect(3, -2, 67, 50))
	for i := range bg.Pix {
		bg.Pix[i] = uint8(rng.IntN(256))
	}
	colors := []color.Color{halo, white, objectColor(3)}
	for trial := range 200 {
		zoom := 1 + rng.IntN(4)
		arm := markerArm(zoom)
		r, width := arm+2, []float64{3.5, 1.5}[trial%2]
		gap := float64(zoom)/2 + 1.5
		frac := []float64{0, 0.5}[rng.IntN(2)]
		at := func() (float64, float64) {
			return float64(rng.IntN(80)-5) + frac, float64(rng.IntN(60)-8) + frac
		}
		var ringStamp, crossStamp stamp
		rx, ry := at()
		rb, rows, rcov := ring(rx, ry, r, width)
		ringStamp.record(rx, ry, rb, rows, rcov)
		b, cov := hollowCrossShape(rx, ry, gap, arm, width)
		crossStamp.record(rx, ry, b, nil, cov)
		cx, cy := at()
		if trial%10 == 9 {
			cx += 0.25 // not a whole number of pixels away
		}
		c := colors[trial%len(colors)]
		want, got := clone(bg), clone(bg)
		Circle(want, cx, cy, r, width, c)
		ok := ringStamp.paint(got, cx, cy, c)
		if ok == (trial%10 == 9) {
			t.Fatalf("trial %d: paint at (%v, %v) from (%v, %v) said %v", trial, cx, cy, rx, ry, ok)
		}
		if !ok {
			ringStamp.circle(got, cx, cy, r, width, c)
		}
		if !slices.Equal(got.Pix, want.Pix) {
			t.Fatalf("trial %d: ring r=%v w=%v at (%v, %v) from a stamp of (%v, %v) differs from Circle", trial, r, width, cx, cy, rx, ry)
		}
		want, got = clone(bg), clone(bg)
		hollowCross(want, cx, cy, gap, arm, width, c)
		crossStamp.hollowCross(got, cx, cy, gap, arm, width, c)
		if !slices.Equal(got.Pix, want.Pix) {
			t.Fatalf("trial %d: cross at (%v, %v) from a stamp of (%v, %v) differs from hollowCross", trial, cx, cy, rx, ry)
		}
	}
}

func clone(m *image.RGBA) *image.RGBA {
	c := *m
	c.Pix = slices.Clone(m.Pix)
	return &c
}
