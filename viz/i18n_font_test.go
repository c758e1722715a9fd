package viz

import (
	"image"
	"image/color"
	"testing"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/scene"
	"github.com/cornerloss/cornerloss/viz/i18n"
	"github.com/cornerloss/cornerloss/viz/viztest"
)

// TestCatalogueGlyphs: every rune of every catalogue has a glyph (no '?'
// in its place, no tofu), has ink unless it is a space, and its ink stays
// inside the line box Label promises, so Chinese is never clipped.
func TestCatalogueGlyphs(t *testing.T) {
	var missing []rune
	onMissing = func(r rune) { missing = append(missing, r) }
	defer func() { onMissing = nil }()
	for _, l := range i18n.Langs() {
		for _, r := range i18n.Runes(l) {
			g := lookup(r)
			if g.r != r {
				t.Errorf("%s: %q (U+%04X) has no glyph", l, r, r)
				continue
			}
			if r == ' ' || r == '\u3000' {
				continue
			}
			img := image.NewRGBA(image.Rect(0, 0, 40, 3*LineHeight))
			Label(img, 10, LineHeight, string(r), color.Black)
			inked := false
			for y := range img.Rect.Dy() {
				for x := range img.Rect.Dx() {
					if img.RGBAAt(x, y).A == 0 {
						continue
					}
					inked = true
					if y < LineHeight || y >= 2*LineHeight || x >= 10+TextWidth(string(r))+1 {
						t.Errorf("%s: %q inks (%d,%d), outside its box", l, r, x-10, y-LineHeight)
					}
				}
			}
			if !inked {
				t.Errorf("%s: %q draws nothing", l, r)
			}
		}
	}
	if len(missing) > 0 {
		t.Errorf("runes without glyphs: %q", string(missing))
	}
}

// TestSnapshotRenderChinese renders the default scene with the Chinese
// catalogue: titles and legends in Chinese, the same layout as English.
func TestSnapshotRenderChinese(t *testing.T) {
	defer i18n.Set(i18n.Current())
	i18n.Set(i18n.ZH)
	f := sceneFrame(t, scene.Default(), 1, 0, 1, loss.TopLeft)
	f.Selected = 1
	viztest.CheckGolden(t, "render_scene_default_zh", Render(f, image.Pt(1280, 720)))
}
