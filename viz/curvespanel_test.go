package viz

import (
	"image"
	"image/color"
	"math"
	"testing"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/scene"
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
