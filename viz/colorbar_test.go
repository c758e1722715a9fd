package viz

import (
	"image"
	"testing"
)

// TestColorbarStaysInside draws colorbars in rectangles from roomy to tiny,
// some hanging off the image: no ink may land outside r.
func TestColorbarStaysInside(t *testing.T) {
	scales := []Scale{Linear(0, 1), Log(1e-12, 10), Symmetric(3e-4), SymLog(2, 1e-6), Linear(5, 5)}
	for _, r := range []image.Rectangle{
		image.Rect(10, 10, 90, 250), image.Rect(10, 10, 300, 60), image.Rect(10, 10, 30, 200),
		image.Rect(10, 10, 200, 25), image.Rect(10, 10, 14, 14), image.Rect(10, 10, 11, 40),
		image.Rect(10, 10, 60, 12), image.Rect(-20, -20, 40, 100), image.Rect(250, 200, 400, 400),
	} {
		for _, s := range scales {
			for _, title := range []string{"", "focal term across twelve decades"} {
				img := canvas(320, 280, paper)
				DrawColorbar(img, r, Magma, s, title)
				if ink := inked(img, paper); !ink.In(r) {
					t.Errorf("r %v, %+v, title %q: ink %v outside r", r, s, title, ink)
				}
			}
		}
	}
}

// TestColorbarLabelsApart checks that labels do not touch: in the label
// column every run of inked rows (vertical) or columns (horizontal) is one
// label, no taller or wider than a label can be.
func TestColorbarLabelsApart(t *testing.T) {
	for _, s := range []Scale{Linear(0, 1), Log(1e-12, 10), SymLog(2, 1e-6), Linear(-3.7, 12.2)} {
		widest := 0
		for _, tk := range s.Ticks(20) {
			widest = max(widest, TextWidth(tk.Label))
		}
		for _, size := range []int{90, 150, 400} {
			img := canvas(70, size, paper)
			DrawColorbar(img, img.Rect, Viridis, s, "")
			runs := inkRuns(img, image.Rect(16+tickLen+labelGap, 0, 70, size), false)
			for _, run := range runs {
				if run[1]-run[0]+1 > LineHeight-1 {
					t.Errorf("%+v, height %d: labels merge over rows %v", s, size, run)
				}
			}
			if len(runs) < 2 {
				t.Errorf("%+v, height %d: %d labels", s, size, len(runs))
			}
			img = canvas(size, 50, paper)
			DrawColorbar(img, img.Rect, Viridis, s, "")
			runs = inkRuns(img, image.Rect(0, 16+tickLen+labelGap, size, 50), true)
			for _, run := range runs {
				if run[1]-run[0]+1 > widest+1 {
					t.Errorf("%+v, width %d: labels merge over columns %v", s, size, run)
				}
			}
			if len(runs) < 2 {
				t.Errorf("%+v, width %d: %d labels", s, size, len(runs))
			}
		}
	}
}

// inkRuns returns the runs of rows (or columns, when across) of r that hold
// ink, each separated from the next by at least one clear line.
func inkRuns(img *image.RGBA, r image.Rectangle, across bool) [][2]int {
	var runs [][2]int
	lines, span := r.Dy(), r.Dx()
	if across {
		lines, span = span, lines
	}
	in := false
	for i := range lines {
		inked := false
		for j := range span {
			x, y := r.Min.X+j, r.Min.Y+i
			if across {
				x, y = r.Min.X+i, r.Min.Y+j
			}
			if img.RGBAAt(x, y) != paper {
				inked = true
				break
			}
		}
		if inked && !in {
			runs = append(runs, [2]int{i, i})
		}
		if inked {
			runs[len(runs)-1][1] = i
		}
		in = inked
	}
	return runs
}
