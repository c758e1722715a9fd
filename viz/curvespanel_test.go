package viz

import (
	"image"
	"image/color"
	"math"
	"testing"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/scene"
	"github.com/cornerloss/cornerloss/viz/i18n"
	"github.com/cornerloss/cornerloss/viz/viztest"
)

// TestCurvesHoveredPoint: the hovered pixel is drawn where its p and its
// focal term put it on the plot, and moves when the hover moves.
func TestCurvesHoveredPoint(t *testing.T) {
	f := sceneFrame(t, scene.Default(), 0, 0, 0, loss.TopLeft)
	f.Selected = -1
	r := image.Rect(0, 0, 420, 600) // tall: the three plots stacked
	for _, px := range []image.Point{f.Objects[0].Corner[loss.TopLeft], {3, 120}} {
		f.Hover, f.Hovered = px, true
		img := image.NewRGBA(r)
		DrawPanel(img, r, PanelCurves, f)
		body := image.Rect(pad, pad+titleH, r.Max.X-pad, r.Max.Y-pad)
		cell := split(body, 3, 0, false)
		in := image.Rect(cell.Min.X+TextWidth("10")+6, cell.Min.Y+LineHeight+3, cell.Max.X-4, cell.Max.Y-LineHeight-4)
		i := px.Y*f.Maps.Width + px.X
		// Independent of the panel: p from the maps, the term from the
		// maps' weight and p (log(p)·w on a positive, log(1-p)·w on a negative).
		p := float64(f.Maps.Prob[i])
		term := f.Maps.Weight[i] * ln(1-p)
		if f.Maps.Target[i] == 1 {
			term = f.Maps.Weight[i] * ln(p)
		}
		pl := plot{r: in, x0: 0, x1: 1, y0: 0, y1: focalTop}
		cx, cy := pl.at(p, min(-term, focalTop))
		if got := img.RGBAAt(int(cx), int(cy)); got != hoverCurve.(color.RGBA) {
			t.Errorf("pixel %v (p %g, term %g): %v at (%.0f, %.0f), want the hover colour", px, p, term, got, cx, cy)
		}
	}
}

// TestSnapshotCurves draws the curves panel alone, wide and tall, under
// both conventions: mmdet's focal curves have no clamp.
func TestSnapshotCurves(t *testing.T) {
	f := sceneFrame(t, scene.Default(), 1, 0, 1, loss.TopLeft)
	f.Selected = 1
	img := canvas(900, 260+520, paper)
	DrawPanel(img, image.Rect(0, 0, 900, 260), PanelCurves, f)
	DrawPanel(img, image.Rect(0, 260, 450, 780), PanelCurves, f)
	in, set, err := scene.Default().Build()
	if err != nil {
		t.Fatal(err)
	}
	o := loss.DefaultOptions()
	o.Convention = loss.MMDet
	res, err := loss.Evaluate(in, o)
	if err != nil {
		t.Fatal(err)
	}
	m := NewFrame(res, 1, 0, 1, loss.TopLeft, ObjectsFromTargets(set, 0))
	m.Selected = 1
	DrawPanel(img, image.Rect(450, 260, 900, 780), PanelCurves, m)
	viztest.CheckGolden(t, "curves", img)
}

func ln(x float64) float64 { return math.Log(x) }

// TestCurvesOneOfThree: a curves panel too small for three plots draws the
// frame's Curve alone: smooth-L1 passes through (−1.5, 1) on its plot, the
// push hinge through (0.5, 0.5) on its own, and the focal curves through
// neither place.
func TestCurvesOneOfThree(t *testing.T) {
	f := sceneFrame(t, scene.Default(), 0, 0, 0, loss.TopLeft)
	f.Selected = -1
	// Tall, and wide (a tablet's page with a run: three plots side by side
	// would be 70 pixels wide, too narrow for their titles and legend).
	for _, r := range []image.Rectangle{image.Rect(0, 0, 290, 170), image.Rect(0, 0, 296, 150)} {
		curvesOneOfThree(t, f, r)
	}
}

func curvesOneOfThree(t *testing.T, f *Frame, r image.Rectangle) {
	t.Helper()
	body := image.Rect(pad, pad+titleH, r.Max.X-pad, r.Max.Y-pad)
	in := image.Rect(body.Min.X+TextWidth("10")+6, body.Min.Y+LineHeight+3, body.Max.X-4, body.Max.Y-LineHeight-4)
	at := func(x0, x1, y0, y1, x, y float64) image.Point {
		fx, fy := (x-x0)/(x1-x0), (y-y0)/(y1-y0)
		return image.Pt(in.Min.X+int(fx*float64(in.Dx())), in.Max.Y-int(fy*float64(in.Dy())))
	}
	on := map[Curve]image.Point{
		CurveSmoothL1: at(-2, 2, 0, 1.5, -1.5, 1),
		CurveHinge:    at(0, 2, 0, 1, 0.5, 0.5),
	}
	for _, c := range []Curve{CurveFocal, CurveSmoothL1, CurveHinge} {
		f.Curve = c
		img := canvas(r.Dx(), r.Dy(), paper)
		DrawPanel(img, r, PanelCurves, f)
		for k, p := range on {
			near := false
			for dy := -2; dy <= 2; dy++ {
				for dx := -2; dx <= 2; dx++ {
					if px := img.RGBAAt(p.X+dx, p.Y+dy); px.R < 0x60 && px.G < 0x60 && px.B < 0x60 {
						near = true
					}
				}
			}
			if near != (k == c) {
				t.Errorf("%v: Curve %d: a dark curve at %v (on plot %d): %v", r.Size(), c, p, k, near)
			}
		}
	}
}

// TestCurvesLayerAsDrawn: the curves panel drawn over the layer it keeps
// (the axes and curves, redrawn only when what they depend on changes) is
// the panel drawn afresh, pixel for pixel, through hovers, edits of the
// options and the weights, the language, the selection and the panel's
// size; and a redraw that changes none of them copies the layer.
func TestCurvesLayerAsDrawn(t *testing.T) {
	defer i18n.Set(i18n.Current())
	f := sceneFrame(t, scene.Default(), 0, 0, 0, loss.TopLeft)
	steps := []struct {
		name   string
		size   image.Point
		change func()
	}{
		{"first", image.Pt(600, 300), func() {}},
		{"again", image.Pt(600, 300), func() {}},
		{"hover", image.Pt(600, 300), func() { f.Hover, f.Hovered = f.Objects[0].Corner[loss.TopLeft], true }},
		{"hover moved", image.Pt(600, 300), func() { f.Hover = image.Pt(3, 20) }},
		{"alpha", image.Pt(600, 300), func() { f.Result.Options.Alpha = 3 }},
		{"weights", image.Pt(600, 300), func() { f.Result.Options.PushWeight, f.Result.Options.RegrWeight = 0.5, 2 }},
		{"mmdet", image.Pt(600, 300), func() { f.Result.Options.Convention = loss.MMDet }},
		{"chinese", image.Pt(600, 300), func() { i18n.Set(i18n.ZH) }},
		{"english", image.Pt(600, 300), func() { i18n.Set(i18n.EN) }},
		{"selected", image.Pt(600, 300), func() { f.Hovered, f.Selected = false, 1 }},
		{"offsets", image.Pt(600, 300), func() { f.Offsets[0].Pred[0][0] += 0.7 }},
		{"tall", image.Pt(420, 600), func() {}},
		{"one plot", image.Pt(200, 200), func() { f.Curve = CurveHinge }},
		{"focal alone", image.Pt(200, 200), func() { f.Curve = CurveFocal }},
	}
	for _, st := range steps {
		st.change()
		r := image.Rectangle{Max: st.size}
		got := image.NewRGBA(r)
		DrawPanel(got, r, PanelCurves, f)
		kept := f.curves
		f.curves = curvesLayer{}
		want := image.NewRGBA(r)
		DrawPanel(want, r, PanelCurves, f)
		f.curves = kept
		if n := differing(got, want); n > 0 {
			t.Errorf("%s: %d pixels differ from the panel drawn afresh", st.name, n)
		}
	}
	// Unchanged, a redraw copies the layer: a pixel marked in it shows.
	r := image.Rect(0, 0, 200, 200)
	body := f.curves.img.Rect
	mark := color.RGBA{1, 2, 3, 255}
	f.curves.img.SetRGBA(body.Min.X, body.Min.Y, mark)
	got := image.NewRGBA(r)
	DrawPanel(got, r, PanelCurves, f)
	if c := got.RGBAAt(body.Min.X, body.Min.Y); c != mark {
		t.Errorf("an unchanged redraw drew the plots again (pixel %v, want the layer's %v)", c, mark)
	}
}

// differing counts the pixels where a and b differ.
func differing(a, b *image.RGBA) int {
	n := 0
	for i := 0; i < len(a.Pix); i += 4 {
		if [4]uint8(a.Pix[i:i+4]) != [4]uint8(b.Pix[i:i+4]) {
			n++
		}
	}
	return n
}
