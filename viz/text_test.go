package viz

import (
	"image"
	"image/color"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestTextWidth(t *testing.T) {
	if w := TextWidth(""); w != 0 {
		t.Errorf(`TextWidth("") = %d`, w)
	}
	if a, b, ab := TextWidth("1e-3"), TextWidth("0.25"), TextWidth("1e-30.25"); ab != a+b || a <= 0 {
		t.Errorf("widths %d + %d != %d", a, b, ab)
	}
	// Digits share one advance so that tick labels line up.
	for r := '0'; r <= '9'; r++ {
		if TextWidth(string(r)) != TextWidth("0") {
			t.Errorf("digit %c is %d wide, 0 is %d", r, TextWidth(string(r)), TextWidth("0"))
		}
	}
	if TextWidth("\u4e16") != TextWidth("?") {
		t.Errorf("a rune the font lacks is not drawn as '?'")
	}
}

// TestLabelBox draws every glyph and checks that its ink stays inside the
// line box, give or take the one pixel that 'j' and friends overhang to the
// left, and that the box is not taller than needed.
func TestLabelBox(t *testing.T) {
	var all []rune
	for _, g := range fontGlyphs {
		all = append(all, g.r)
	}
	for _, r := range all {
		s := string(r) + string(r)
		img := canvas(40, 40, paper)
		Label(img, 10, 10, s, color.Black)
		box := image.Rect(10-1, 10, 10+TextWidth(s)+1, 10+LineHeight)
		ink := inked(img, paper)
		if !ink.In(box) {
			t.Errorf("%q: ink %v outside the line box %v", s, ink, box)
		}
	}
	img := canvas(2000, 40, paper)
	Label(img, 10, 10, string(all), color.Black)
	ink := inked(img, paper)
	// The box is the ink's extent plus one row of leading at the bottom.
	if ink.Min.Y != 10 || ink.Max.Y != 10+LineHeight-1 {
		t.Errorf("the glyphs' ink spans rows [%d, %d), want [10, %d)", ink.Min.Y, ink.Max.Y, 10+LineHeight-1)
	}
}

func TestLabelClips(t *testing.T) {
	img := canvas(60, 30, paper)
	sub := img.SubImage(image.Rect(20, 10, 40, 20)).(*image.RGBA)
	for _, p := range []image.Point{{0, 0}, {15, 5}, {35, 15}, {-100, -100}, {1 << 20, 3}} {
		Label(sub, p.X, p.Y, "Wg_0.25|", color.Black)
	}
	if ink := inked(img, paper); !ink.In(sub.Rect) {
		t.Errorf("ink %v outside the clip %v", ink, sub.Rect)
	}
}

func TestPlace(t *testing.T) {
	w := TextWidth("0.25")
	for _, tc := range []struct {
		h, v   Align
		x, y   int
		anchor string
	}{
		{Start, Start, 50, 20, "top-left"},
		{End, Start, 50 - w, 20, "top-right"},
		{Center, End, 50 - w/2, 20 - LineHeight, "bottom-centre"},
	} {
		if x, y := Place("0.25", 50, 20, tc.h, tc.v); x != tc.x || y != tc.y {
			t.Errorf("%s: Place = %d, %d, want %d, %d", tc.anchor, x, y, tc.x, tc.y)
		}
	}
	// Centre: the digits' ink is centred on the anchor row, within a pixel.
	img := canvas(60, 40, paper)
	LabelAt(img, 30, 20, Center, Center, "0", color.Black)
	ink := inked(img, paper)
	if mid := (ink.Min.Y + ink.Max.Y) / 2; mid < 19 || mid > 21 {
		t.Errorf("digit ink rows %d..%d are not centred on row 20", ink.Min.Y, ink.Max.Y-1)
	}
	if mid := (ink.Min.X + ink.Max.X) / 2; mid < 29 || mid > 31 {
		t.Errorf("digit ink columns %d..%d are not centred on column 30", ink.Min.X, ink.Max.X-1)
	}
}

// inked returns the bounds of the pixels of img that differ from bg.
func inked(img *image.RGBA, bg color.RGBA) image.Rectangle {
	var r image.Rectangle
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if img.RGBAAt(x, y) != bg {
				r = r.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	return r
}

// TestLabelAsPlain: Label gives, byte for byte, what blending each
// glyph's coverage pixel by pixel gives (ink.over, every pixel tested
// against the clip, no shortcut for the solid ones), over a random
// background, clipped by sub-images on every side, in opaque and
// translucent colours, with glyphs of the Latin and Chinese sets.
func TestLabelAsPlain(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	texts := []string{"Wg_0.25|j", "focal term · tl · class 2", "dL/dlogit −1e-4", "焦点损失 · 类别"}
	colors := []color.Color{textColor, dimColor, white, halo, color.NRGBA{0xd6, 0x27, 0x28, 120}}
	bg := image.NewRGBA(image.Rect(0, 0, 200, 40))
	for trial := range 200 {
		for i := range bg.Pix {
			bg.Pix[i] = uint8(rng.IntN(256))
		}
		clip := image.Rect(rng.IntN(60), rng.IntN(20), 140+rng.IntN(60), 20+rng.IntN(20))
		got := image.NewRGBA(bg.Rect)
		copy(got.Pix, bg.Pix)
		want := image.NewRGBA(bg.Rect)
		copy(want.Pix, bg.Pix)
		s, c := texts[trial%len(texts)], colors[trial%len(colors)]
		x, y := rng.IntN(80)-10, rng.IntN(30)-8
		Label(got.SubImage(clip).(*image.RGBA), x, y, s, c)
		k, pen := inkOf(c), x
		for _, r := range s {
			g := lookup(r)
			for j := range int(g.h) {
				for i := range int(g.w) {
					p := image.Pt(pen+int(g.x)+i, y+fontAscent+int(g.y)+j)
					if a := fontMask[int(g.off)+j*int(g.w)+i]; a != 0 && p.In(clip) {
						k.over(want.Pix[want.PixOffset(p.X, p.Y):], uint32(a))
					}
				}
			}
			pen += int(g.adv)
		}
		if !slices.Equal(got.Pix, want.Pix) {
			t.Fatalf("trial %d: Label(%q at %d,%d in %v, %v) differs from the plain blend", trial, s, x, y, clip, c)
		}
	}
}
