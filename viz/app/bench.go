package app

import (
	"image"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/scene"
)

// BenchScene sets up the bench scene shared by the page's ?bench=coco mode
// and the native benchmarks: CornerNet's COCO shape, one image, one stack, 80
// classes at 128×128, viewing the class of its first object.
func (a *App) BenchScene() error {
	s := scene.COCO(1, 1)
	if err := a.UseScene(s); err != nil {
		return err
	}
	a.SetView(View{Class: s.Images[0][0].Box.Class})
	if a.size == (image.Point{}) {
		a.SetCanvas(image.Pt(1600, 900))
	}
	return nil
}

// BenchEdit is one interactive edit the benchmarks time. Do applies it for
// the i-th time; consecutive calls alternate between two states so each is
// a real change.
type BenchEdit struct {
	Name string
	Do   func(a *App, i int) error
}

// BenchEdits lists the edits whose budget is a few milliseconds: they touch
// part of the scene and recompute only that.
func BenchEdits() []BenchEdit {
	alt := func(i int, v ...string) string { return v[i%len(v)] }
	return []BenchEdit{
		{"move-box", func(a *App, i int) error { return a.MoveBox(0, float64(i%2*4-2), 1) }},
		{"resize-box", func(a *App, i int) error {
			// The bottom-right corner right of and below the top-left one,
			// which stays put: two real sizes, never a clamped box.
			tl := a.Frame().Objects[0].Exact[loss.TopLeft]
			return a.MoveCorner(0, loss.BottomRight, tl[0]+20+float64(i%2*3), tl[1]+40)
		}},
		{"embedding", func(a *App, i int) error { a.Select(0); return a.Apply("obj-tag-tl", alt(i, "0.5", "0.7")) }},
		{"offset", func(a *App, i int) error { a.Select(0); return a.Apply("obj-off-tl-x", alt(i, "0.2", "0.4")) }},
		{"weight", func(a *App, i int) error { return a.Apply("pull-weight", alt(i, "0.1", "0.2")) }},
		{"beta", func(a *App, i int) error { return a.Apply("beta", alt(i, "4", "3")) }},
		{"alpha", func(a *App, i int) error { return a.Apply("alpha", alt(i, "2", "2.5")) }},
	}
}
