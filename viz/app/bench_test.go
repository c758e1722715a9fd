package app

import (
	"fmt"
	"image"
	"testing"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/viz"
)

func benchApp(b *testing.B, conv loss.Convention) *App {
	a := New()
	if err := a.BenchScene(); err != nil {
		b.Fatal(err)
	}
	o := a.Options
	o.Convention = conv
	if err := a.SetOptions(o); err != nil {
		b.Fatal(err)
	}
	return a
}

// BenchmarkNew is the page's start on its default scene: build it, evaluate
// it, and make the viewed maps (as WebAssembly, what runs between main and
// the scene's mark on a first visit, there in V8's baseline code: run it
// under node --liftoff --no-wasm-tier-up to see that).
func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		New()
	}
}

// BenchmarkRecompute is the page's full recompute (?bench=coco): every row
// of every plane, the terms, and the maps of the viewed class, under each
// convention.
func BenchmarkRecompute(b *testing.B) {
	for _, conv := range []loss.Convention{loss.Reference, loss.MMDet} {
		b.Run(conv.String(), func(b *testing.B) {
			a := benchApp(b, conv)
			b.ReportAllocs()
			for b.Loop() {
				a.Recompute()
			}
		})
	}
}

// BenchmarkEdit times the interactive edits, each recomputing only what it
// touched, and the α and β edits under mmdet too.
func BenchmarkEdit(b *testing.B) {
	for _, e := range BenchEdits() {
		convs := []loss.Convention{loss.Reference}
		if e.Name == "alpha" || e.Name == "beta" {
			convs = append(convs, loss.MMDet)
		}
		for _, conv := range convs {
			name := e.Name
			if conv != loss.Reference {
				name += "-" + conv.String()
			}
			b.Run(name, func(b *testing.B) {
				a := benchApp(b, conv)
				i := 0
				for b.Loop() {
					if err := e.Do(a, i); err != nil {
						b.Fatal(err)
					}
					i++
				}
			})
		}
	}
}

// TestBenchEditsChange: each bench edit is a real change at every call, so
// the benchmarks time recomputations rather than edits clamped to nothing.
func TestBenchEditsChange(t *testing.T) {
	for _, e := range BenchEdits() {
		a := New()
		if err := a.BenchScene(); err != nil {
			t.Fatal(err)
		}
		// The first call may set what is already there; from the second on,
		// each undoes the one before.
		var prev float64
		for i := range 5 {
			if err := e.Do(a, i); err != nil {
				t.Fatalf("%s, call %d: %v", e.Name, i, err)
			}
			l := a.Result().Loss
			if i > 0 && l == prev {
				t.Errorf("%s, call %d: the total stayed %v", e.Name, i, l)
			}
			prev = l
		}
	}
	a := New()
	if err := a.BenchScene(); err != nil {
		t.Fatal(err)
	}
	o := a.Frame().Objects[0]
	for i := range 2 {
		BenchEdits()[1].Do(a, i)
		n := a.Frame().Objects[0]
		if n.Exact[loss.TopLeft] != o.Exact[loss.TopLeft] || !(n.Exact[loss.BottomRight][0] > n.Exact[loss.TopLeft][0]+10) {
			t.Errorf("resize-box, call %d: the box went from %v to %v", i, o.Exact, n.Exact)
		}
	}
}

// BenchmarkRedraw renders every panel of the bench scene into its own
// buffer, as the page's redraw does (?bench=coco's data-bench-draw-ms, less
// the upload to the GPU), and each panel alone.
func BenchmarkRedraw(b *testing.B) {
	a := benchApp(b, loss.Reference)
	grid := a.Grid()
	var bufs [viz.NumPanels]*image.RGBA
	for p, r := range grid {
		bufs[p] = image.NewRGBA(image.Rectangle{Max: r.Size()})
	}
	draw := func(b *testing.B, panels ...int) {
		b.ReportAllocs()
		for b.Loop() {
			for _, p := range panels {
				viz.DrawPanel(bufs[p], bufs[p].Bounds(), viz.Panel(p), a.Frame())
			}
		}
	}
	all := make([]int, viz.NumPanels)
	for p := range all {
		all[p] = p
	}
	b.Run("all", func(b *testing.B) { draw(b, all...) })
	for p := range all {
		b.Run(fmt.Sprint("panel=", p), func(b *testing.B) { draw(b, p) })
	}
}
