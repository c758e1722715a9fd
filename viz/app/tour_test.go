package app

import (
	"image"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/dump"
	"github.com/cornerloss/cornerloss/loss/golden"
	"github.com/cornerloss/cornerloss/viz"
	"github.com/cornerloss/cornerloss/viz/i18n"
)

// tourActions performs each step's action through the page's own edits
// (the controls and the object edits a click or a drag ends in), by ID.
var tourActions = map[string]func(t *testing.T, a *App){
	"targets":  func(t *testing.T, a *App) { apply(t, a, "radius-formula", "buggy") },
	"sigmoid":  func(t *testing.T, a *App) { apply(t, a, "background", "-10") },
	"positive": func(t *testing.T, a *App) { apply(t, a, "obj-shift-x", "1") },
	"negative": func(t *testing.T, a *App) { apply(t, a, "beta", "0") },
	"normalise": func(t *testing.T, a *App) {
		for len(a.Scene.Images[0]) > 0 {
			must(t, a.DeleteObject(0))
		}
	},
	"pull":       func(t *testing.T, a *App) { apply(t, a, "obj-tag-br", "0") },
	"push":       func(t *testing.T, a *App) { apply(t, a, "obj-tag-tl", "0") },
	"one-object": func(t *testing.T, a *App) { must(t, a.DeleteObject(1)) },
	"offsets":    func(t *testing.T, a *App) { apply(t, a, "obj-off-tl-x", "1.5") },
	"weights":    func(t *testing.T, a *App) { apply(t, a, "pull-weight", "1") },
}

func apply(t *testing.T, a *App, id, v string) {
	t.Helper()
	must(t, a.Apply(id, v))
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestTourSteps: every step's preset builds, its action is not done on the
// preset and is done after the edit that performs it; its words exist in
// every language, its formula typesets, its live values are there.
func TestTourSteps(t *testing.T) {
	steps := TourSteps()
	if len(steps) < 8 || len(steps) > 12 {
		t.Fatalf("%d steps, want about nine", len(steps))
	}
	for n, st := range steps {
		t.Run(st.ID, func(t *testing.T) {
			a := New()
			a.SetCanvas(image.Pt(1280, 720))
			must(t, a.StartTour(n+1))
			if a.Tour() != n+1 {
				t.Fatalf("tour %d after StartTour(%d)", a.Tour(), n+1)
			}
			if a.Scene == nil || a.in.Batch < 2 {
				t.Fatalf("preset: want a scene of at least two images (the reference needs a batch of two)")
			}
			if a.TourDone() {
				t.Fatal("done on the preset")
			}
			if a.TourLive() == "" || !strings.Contains(MathML(a.TourFormula()), "<math") {
				t.Fatalf("live %q, formula %q", a.TourLive(), a.TourFormula())
			}
			act, ok := tourActions[st.ID]
			if !ok {
				t.Fatal("no action in the test")
			}
			act(t, a)
			if !a.TourDone() {
				t.Fatalf("not done after the action; live: %s", a.TourLive())
			}
			if a.TourLive() == "" {
				t.Fatal("no live values after the action")
			}
			for _, l := range i18n.Langs() {
				for _, part := range []string{"title", "text", "action", "done"} {
					k := "tour." + st.ID + "." + part
					if s := i18n.In(l, k); s == k || s == "" {
						t.Errorf("%s: no %s", l, k)
					}
				}
			}
		})
	}
}

// TestTourEffects checks that each step's action does what its text says.
func TestTourEffects(t *testing.T) {
	at := func(id string) *App {
		for n, st := range TourSteps() {
			if st.ID == id {
				a := New()
				must(t, a.StartTour(n+1))
				return a
			}
		}
		t.Fatalf("no step %q", id)
		return nil
	}
	t.Run("targets: the 2018 radius is larger", func(t *testing.T) {
		a := at("targets")
		r0 := a.set.Objects[0][0].Radius
		tourActions["targets"](t, a)
		if r1 := a.set.Objects[0][0].Radius; r1 <= r0 {
			t.Errorf("radius %d with the 2018 formula, %d with the fixed one", r1, r0)
		}
	})
	t.Run("sigmoid: clamped pixels have no gradient", func(t *testing.T) {
		a := at("sigmoid")
		tourActions["sigmoid"](t, a)
		m := a.frame.Maps
		n := 0
		for i, c := range m.Clamped {
			if c != 0 {
				n++
				if m.Grad[i] != 0 {
					t.Fatalf("pixel %d: clamped, gradient %g", i, m.Grad[i])
				}
			}
		}
		if n == 0 {
			t.Error("no clamped pixel in the viewed plane")
		}
	})
	t.Run("normalise: no positive pixel is a spike", func(t *testing.T) {
		a := at("normalise")
		f0 := a.result.Weighted.Focal()
		tourActions["normalise"](t, a)
		if f1 := a.result.Weighted.Focal(); !(f1 > 2*f0) {
			t.Errorf("focal %g without positives, %g with three objects", f1, f0)
		}
		if !hasQuirk(a, loss.QuirkNoPositives) {
			t.Error("no-positives not flagged")
		}
	})
	t.Run("push: closer means push more", func(t *testing.T) {
		a := at("push")
		p0 := a.result.Weighted.Push
		tourActions["push"](t, a)
		if p1 := a.result.Weighted.Push; !(p1 > p0) {
			t.Errorf("push %g after, %g before", p1, p0)
		}
	})
	t.Run("one-object: the constant push has zero gradient", func(t *testing.T) {
		a := at("one-object")
		tourActions["one-object"](t, a)
		e := a.result.Embedding(0, 0)
		if len(e.Mean) != 1 || math.Abs(e.PushSum-1.000166) > 1e-6 {
			t.Errorf("%d objects, push %.7g: want 1 and 1.000166", len(e.Mean), e.PushSum)
		}
		// Pull's gradient stays (the tags differ); push adds nothing to it.
		d := e.TL[0] - e.BR[0]
		if g := e.GradTL[0] + e.GradBR[0]; math.Abs(g) > 1e-9 || d != 0 && e.GradTL[0] == 0 {
			t.Errorf("gradients %g, %g", e.GradTL[0], e.GradBR[0])
		}
	})
	t.Run("negative: β 0 weights the near-corner negatives fully", func(t *testing.T) {
		a := at("negative")
		f0 := a.result.Weighted.Focal()
		tourActions["negative"](t, a)
		if f1 := a.result.Weighted.Focal(); !(f1 > f0) {
			t.Errorf("focal %g with β = 0, %g with β = 4", f1, f0)
		}
	})
}

func hasQuirk(a *App, name string) bool {
	for _, q := range a.result.Quirks() {
		if q.Name == name {
			return true
		}
	}
	return false
}

// TestTourLeave: leaving the walk keeps the scene as the walk left it and
// highlights every panel again.
func TestTourLeave(t *testing.T) {
	a := New()
	must(t, a.StartTour(3))
	if a.Highlighted(viz.PanelEmbedding) || !a.Highlighted(viz.PanelFocal) {
		t.Error("step 3 should highlight the focal panel and dim the embeddings")
	}
	if a.GroupInTour(GroupTargets) || !a.GroupInTour(GroupObject) {
		t.Error("step 3 uses the object's controls only")
	}
	tourActions["positive"](t, a)
	s := a.Scene.Clone()
	v := a.Version()
	a.LeaveTour()
	if a.Tour() != 0 || a.Version() == v {
		t.Fatalf("tour %d, version unchanged: %v", a.Tour(), a.Version() == v)
	}
	if !a.Scene.Equal(s) {
		t.Error("leaving the walk changed the scene")
	}
	for p := range viz.NumPanels {
		if !a.Highlighted(p) {
			t.Errorf("panel %v dimmed outside the walk", p)
		}
	}
}

// TestTourFragment: the step travels in the link after the state, and a
// link with the state resumes the step over it, done or not.
func TestTourFragment(t *testing.T) {
	for _, c := range []struct {
		in    string
		state string
		step  int
	}{
		{"abc&tour=3", "abc", 3},
		{"tour=10", "", 10},
		{"abc", "abc", 0},
		{"abc&tour=99", "abc", 0},
		{"abc&tour=x", "abc", 0},
		{"abctour=3", "abctour=3", 0},
		{"", "", 0},
	} {
		if s, n := SplitTourFragment(c.in); s != c.state || n != c.step {
			t.Errorf("%q: %q, %d; want %q, %d", c.in, s, n, c.state, c.step)
		}
	}
	a := New()
	must(t, a.StartTour(6))
	tourActions["pull"](t, a)
	link := a.TourFragment(a.URLState())
	state, n := SplitTourFragment(link)
	if n != 6 {
		t.Fatalf("link %q: step %d", link, n)
	}
	b := New()
	must(t, b.RestoreURLState(state))
	b.ResumeTour(n)
	if b.Tour() != 6 || !b.TourDone() {
		t.Errorf("resumed at %d, done %v", b.Tour(), b.TourDone())
	}
	// A dump ends the walk: its steps are about the synthetic scene.
	c, err := golden.Load("small_two_images")
	must(t, err)
	data, err := os.ReadFile(c.NPZ())
	must(t, err)
	must(t, b.LoadDump([]dump.File{{Name: "small_two_images.npz", Data: data}}, dump.Options{}))
	if b.Tour() != 0 || b.TourFragment("") != "" {
		t.Errorf("a dump left the walk at step %d", b.Tour())
	}
	if got := New().TourFragment("abc"); got != "abc" {
		t.Errorf("outside the walk: %q", got)
	}
}
