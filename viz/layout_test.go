package viz

import (
	"fmt"
	"image"
	"image/color"
	"testing"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/scene"
)

// gridSizes are the canvases Grid must handle: laptop to large desktop, a
// few odd ones, and ones too small for any map.
var gridSizes = []image.Point{
	{800, 600}, {1024, 768}, {1280, 720}, {1280, 800}, {1366, 768}, {1440, 900},
	{1600, 900}, {1920, 1080}, {2560, 1440}, {3840, 2160},
	{900, 1400}, {1000, 500}, {601, 433}, {300, 200}, {10, 10}, {0, 0},
}

// TestGrid checks every size against several map shapes: no two panels
// overlap, every panel stays inside the canvas, and the maps get the zoom
// promised for a 128×128 map.
func TestGrid(t *testing.T) {
	shapes := [][2]int{{128, 128}, {32, 32}, {24, 24}, {40, 48}, {32, 40}, {96, 160}, {1, 1}}
	sizes := append([]image.Point{}, gridSizes...)
	for w := 800; w <= 2560; w += 97 {
		sizes = append(sizes, image.Pt(w, w*9/16), image.Pt(w, w*3/4))
	}
	for _, sz := range sizes {
		for _, sh := range shapes {
			g := Grid(sz, sh[0], sh[1])
			canvas := image.Rectangle{Max: sz}
			for p, r := range g {
				if !r.In(canvas) && !r.Empty() {
					t.Errorf("%v %v: %s at %v leaves the canvas", sz, sh, Panel(p).Title(), r)
				}
				if r.Empty() && sz.X >= 100 && sz.Y >= 100 {
					t.Errorf("%v %v: %s is empty", sz, sh, Panel(p).Title())
				}
				for q := p + 1; q < len(g); q++ {
					if r.Overlaps(g[q]) {
						t.Errorf("%v %v: %s %v overlaps %s %v", sz, sh, Panel(p).Title(), r, Panel(q).Title(), g[q])
					}
				}
			}
		}
	}
	for _, tc := range []struct {
		size image.Point
		zoom int
	}{
		{image.Pt(800, 600), 1}, {image.Pt(1024, 768), 1}, {image.Pt(1600, 900), 2},
		{image.Pt(1920, 1080), 2}, {image.Pt(2560, 1440), 2},
	} {
		g := Grid(tc.size, 128, 128)
		for _, p := range MapPanels {
			if _, z := MapRect(g[p], 128, 128); z != tc.zoom {
				t.Errorf("%v: %s at zoom %d, want %d", tc.size, p.Title(), z, tc.zoom)
			}
		}
		for _, p := range otherPanels {
			if d := g[p].Size(); d.X < minOther.X || d.Y < minOther.Y {
				t.Errorf("%v: %s is %v, smaller than %v", tc.size, p.Title(), d, minOther)
			}
		}
	}
}

// TestMapRect draws panels whose target plane is 0 but for one pixel, in
// rectangles anywhere on the canvas, and checks that the pixel's block is
// where MapRect says and nowhere else.
func TestMapRect(t *testing.T) {
	for _, tc := range []struct {
		h, w int
		r    image.Rectangle
		x, y int
		cut  image.Point // a canvas smaller than the panel, when set
	}{
		{128, 128, image.Rect(0, 0, 330, 320), 0, 0, image.Point{}},
		{128, 128, image.Rect(337, 411, 337+330, 411+320), 127, 127, image.Point{}},
		{128, 128, image.Rect(50, 60, 260, 260), 64, 3, image.Point{}},
		{24, 24, image.Rect(13, 7, 13+316, 7+303), 5, 17, image.Point{}},
		{40, 48, image.Rect(1000, 1, 1000+400, 1+300), 47, 39, image.Point{}},
		{32, 40, image.Rect(3, 500, 3+900, 500+260), 0, 31, image.Point{}},
		{128, 128, image.Rect(-40, -30, -40+330, -30+320), 100, 90, image.Pt(200, 250)},
	} {
		name := fmt.Sprintf("%dx%d in %v", tc.h, tc.w, tc.r)
		f := planeFrame(t, tc.h, tc.w)
		f.Maps.Target[tc.y*tc.w+tc.x] = 1
		f.Refresh()
		dst := canvas(tc.r.Max.X+10, tc.r.Max.Y+10, paper)
		if tc.cut != (image.Point{}) {
			dst = canvas(tc.cut.X, tc.cut.Y, paper)
		}
		DrawPanel(dst, tc.r, PanelTarget, f)
		plane, zoom := MapRect(tc.r, tc.h, tc.w)
		if zoom < 1 || plane.Dx() != tc.w*zoom || plane.Dy() != tc.h*zoom {
			t.Fatalf("%s: MapRect %v at zoom %d", name, plane, zoom)
		}
		if !plane.In(tc.r) {
			t.Errorf("%s: map %v leaves the panel", name, plane)
		}
		hot, cold := Viridis.At(1), Viridis.At(0)
		block := image.Rectangle{Min: plane.Min.Add(image.Pt(tc.x*zoom, tc.y*zoom))}
		block.Max = block.Min.Add(image.Pt(zoom, zoom))
		seen := plane.Intersect(dst.Rect)
		if !block.In(seen) {
			t.Fatalf("%s: block %v is not on the canvas", name, block)
		}
		for y := seen.Min.Y; y < seen.Max.Y; y++ {
			for x := seen.Min.X; x < seen.Max.X; x++ {
				want := cold
				if (image.Point{x, y}).In(block) {
					want = hot
				}
				if got := dst.RGBAAt(x, y); got != want {
					t.Fatalf("%s: pixel %d,%d = %v, want %v (block %v)", name, x, y, got, want, block)
				}
			}
		}
	}
}

// planeFrame returns a frame of h×w maps with no objects, no predicted
// corners and a target of 0 everywhere, for tests that read the map back.
func planeFrame(t *testing.T, h, w int) *Frame {
	t.Helper()
	s := scene.Default()
	s.Target.OutputSize = [2]int{h, w}
	s.Target.InputSize = [2]int{4 * h, 4 * w}
	s.Images = [][]scene.Object{{}}
	s.Blobs = nil
	f := sceneFrame(t, s, 0, 0, 0, loss.TopLeft)
	clear(f.Maps.Target)
	clear(f.Maps.Prob)
	return f
}

// TestDrawPanelStaysInside draws every panel of several frames into a
// rectangle away from the origin and checks that nothing outside it changed.
func TestDrawPanelStaysInside(t *testing.T) {
	sentinel := color.RGBA{1, 2, 3, 255}
	for name, f := range testFrames(t) {
		for p := range NumPanels {
			for _, r := range []image.Rectangle{image.Rect(31, 17, 31+340, 17+330), image.Rect(5, 9, 5+150, 9+90)} {
				dst := canvas(400, 380, sentinel)
				DrawPanel(dst, r, p, f)
				b := dst.Bounds()
				for y := b.Min.Y; y < b.Max.Y; y++ {
					for x := b.Min.X; x < b.Max.X; x++ {
						if !(image.Point{x, y}).In(r) && dst.RGBAAt(x, y) != sentinel {
							t.Fatalf("%s: %s in %v drew at %d,%d", name, p.Title(), r, x, y)
						}
					}
				}
			}
		}
	}
}

// TestPanelKinds: MapPanels and otherPanels hold every panel once, and
// IsMap says which list a panel is in.
func TestPanelKinds(t *testing.T) {
	seen := map[Panel]int{}
	for _, p := range MapPanels {
		seen[p]++
		if !p.IsMap() {
			t.Errorf("%s is in MapPanels but not IsMap", p.Title())
		}
	}
	for _, p := range otherPanels {
		seen[p]++
		if p.IsMap() {
			t.Errorf("%s is IsMap but not in MapPanels", p.Title())
		}
	}
	for p := range NumPanels {
		if seen[p] != 1 {
			t.Errorf("%s is listed %d times", p.Title(), seen[p])
		}
	}
	if Panel(-1).IsMap() || NumPanels.IsMap() {
		t.Error("a panel outside the range is a map")
	}
}

// TestGridTablet: on the canvas a 1024×768 page leaves beside its side
// panel (and at 1280×720), every 128×128 map shows whole, colorbar and
// footer inside its cell, and the other panels get at least their smallest
// usable size.
func TestGridTablet(t *testing.T) {
	for _, sz := range []image.Point{{644, 768}, {704, 768}, {900, 720}} {
		g := Grid(sz, 128, 128)
		for _, p := range MapPanels {
			l := layoutHeat(g[p], 128, 128)
			if l.zoom < 1 || !l.plane.In(g[p]) || !l.bar.In(g[p]) || !l.foot.In(g[p]) {
				t.Errorf("%v: %s's map %v, bar %v, footer %v leave its cell %v", sz, p.Title(), l.plane, l.bar, l.foot, g[p])
			}
		}
		for _, p := range otherPanels {
			if d := g[p].Size(); d.X < minOther.X || d.Y < minOther.Y {
				t.Errorf("%v: %s is %v, under %v", sz, p.Title(), d, minOther)
			}
		}
	}
}

// TestGridOf: presentation mode's layout gives each chosen panel its own
// cell inside the canvas, the others nothing, and four 128×128 maps on a
// 704×768 canvas zoom 2.
func TestGridOf(t *testing.T) {
	panels := []Panel{PanelTarget, PanelFocal, PanelGrad, PanelCurves}
	sz := image.Pt(704, 768)
	g := GridOf(sz, 128, 128, panels)
	chosen := map[Panel]bool{}
	for _, p := range panels {
		chosen[p] = true
	}
	for p, r := range g {
		switch {
		case chosen[Panel(p)] && (r.Empty() || !r.In(image.Rectangle{Max: sz})):
			t.Errorf("%s at %v", Panel(p).Title(), r)
		case !chosen[Panel(p)] && !r.Empty():
			t.Errorf("%s is not chosen but has %v", Panel(p).Title(), r)
		}
		for q := p + 1; q < len(g); q++ {
			if r.Overlaps(g[q]) {
				t.Errorf("%s %v overlaps %s %v", Panel(p).Title(), r, Panel(q).Title(), g[q])
			}
		}
	}
	if _, z := MapRect(g[PanelTarget], 128, 128); z != 2 {
		t.Errorf("target map at zoom %d, want 2", z)
	}
}

// TestTimelineShort: at every height from the page's shortest timeline
// strip up, the timeline's rows and chart end above its legend, and the
// legend inside the panel: a short strip drops the lower rows instead of
// drawing them over the legend (as it did under 275 pixels).
func TestTimelineShort(t *testing.T) {
	for _, w := range []int{704, 900, 1540} {
		for h := 150; h <= 420; h++ {
			r := image.Rect(0, 1000, w, 1000+h)
			l := layoutTimeline(r)
			bottom := l.plot.Max.Y
			if len(l.rows) > 0 {
				bottom = l.rows[len(l.rows)-1].Max.Y
			}
			if bottom > l.legend.Min.Y || !l.legend.In(r) || l.plot.Dy() < 3*LineHeight {
				t.Fatalf("%dx%d: chart %v, rows end at %d, legend %v", w, h, l.plot, bottom, l.legend)
			}
		}
	}
}
