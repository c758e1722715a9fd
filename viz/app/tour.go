package app

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/scene"
	"github.com/cornerloss/cornerloss/loss/target"
	"github.com/cornerloss/cornerloss/viz"
)

// The guided walk through the loss: its steps in the order CornerNet's
// loss is taught (targets, sigmoid and clamp, positive and negative focal,
// normalisation, pull, push and its one-object quirk, offsets, weights and
// stacks). Each step sets up a preset scene, highlights the panels it
// talks about, shows one of loss.Formulas with live values, and asks for
// one action that Done recognises from the state alone, so a link to a
// step with its scene (or a reload) knows whether the action is done.

// TourStep is one stop of the walk. Its words are in the catalogues under
// "tour.<ID>.": title, text (what the reference does there), action (what
// to try) and done (what changed and why).
type TourStep struct {
	ID      string
	Panels  []viz.Panel // highlighted on the canvas; the others are dimmed (none: all)
	Groups  []Group     // control groups the action uses; the others are dimmed
	Formula func(loss.Formulas) string
	Preset  func() *scene.Scene
	Options func(o *loss.Options) // changes to the default options; nil for none
	Select  int                   // object of image 0 selected after the preset, -1 for none
	Curve   viz.Curve             // the curves panel's plot where it has room for one
	Live    func(a *App) string   // the formula's values now: symbols and numbers, the same in every language
	Done    func(a *App) bool
}

// TourSteps returns the walk's steps, in order; step n of the page is
// TourSteps()[n-1].
func TourSteps() []TourStep { return tourSteps }

// The objects of the presets, on CornerNet's 511 → 128 maps. a's top-left
// x lands at 100·128/511 = 25.05: a true offset of 0.05, so that a
// predicted offset past 1.05 is an error past 1, where smooth-L1 turns
// linear. Tags: a and d are 2.1 apart (no push between them), and
// bringing d's top-left tag to 0 brings their means within 1.
var (
	tourA = scene.Object{Box: target.Box{X0: 100, Y0: 120, X1: 330, Y1: 300}, Peak: 0.7,
		Tag: [2]float64{0.2, 0.4}, Offset: [2][2]float64{{0.5, 0.5}, {0.5, 0.5}}}
	tourD = scene.Object{Box: target.Box{X0: 300, Y0: 330, X1: 470, Y1: 480}, Peak: 0.6,
		Tag: [2]float64{2.6, 2.2}, Offset: [2][2]float64{{0.4, 0.6}, {0.5, 0.3}}}
	tourE = scene.Object{Box: target.Box{X0: 380, Y0: 40, X1: 500, Y1: 150}, Peak: 0.5,
		Tag: [2]float64{4.5, 4.6}, Offset: [2][2]float64{{0.5, 0.5}, {0.5, 0.5}}}
	tourB = scene.Object{Box: target.Box{X0: 60, Y0: 60, X1: 200, Y1: 220}, Peak: 0.5,
		Tag: [2]float64{-3, -3.2}, Offset: [2][2]float64{{0.5, 0.5}, {0.5, 0.5}}}
	tourC = scene.Object{Box: target.Box{X0: 260, Y0: 240, X1: 460, Y1: 450}, Peak: 0.8,
		Tag: [2]float64{-5, -4.9}, Offset: [2][2]float64{{0.5, 0.5}, {0.5, 0.5}}}
)

// tourScene is the walk's scene: one class, one stack, two images (the
// reference needs a batch of two; its second image holds the given
// objects), a quiet background near p = 0.01.
func tourScene(img0, img1 []scene.Object) *scene.Scene {
	p := target.DefaultParams()
	p.Categories = 1
	return &scene.Scene{
		Target:     p,
		Stacks:     1,
		Images:     [][]scene.Object{img0, img1},
		Background: -4.6,
		Noise:      0.5,
		Blur:       1.2,
		Seed:       1,
	}
}

// tourDefault is the scene most steps start from: a and d in the viewed
// image, b and c in the other.
func tourDefault() *scene.Scene {
	return tourScene([]scene.Object{tourA, tourD}, []scene.Object{tourB, tourC})
}

// tourDefaultWith returns a preset: tourDefault changed by f.
func tourDefaultWith(f func(s *scene.Scene)) func() *scene.Scene {
	return func() *scene.Scene {
		s := tourDefault()
		f(s)
		return s
	}
}

var tourSteps = []TourStep{
	{
		ID:      "targets",
		Panels:  []viz.Panel{viz.PanelTarget, viz.PanelWeight},
		Groups:  []Group{GroupTargets},
		Formula: func(f loss.Formulas) string { return f.Target },
		Preset:  tourDefault,
		Select:  0,
		Live: func(a *App) string {
			o, ok := a.tourTarget(0)
			if !ok {
				return ""
			}
			return fmt.Sprintf("r = %d,  σ = %.4g,  %s", o.Radius, float64(2*o.Radius+1)/6, a.Scene.Target.Formula)
		},
		Done: func(a *App) bool { return a.Scene != nil && a.Scene.Target.Formula == target.Buggy },
	},
	{
		ID:      "sigmoid",
		Panels:  []viz.Panel{viz.PanelProb, viz.PanelClamped, viz.PanelGrad, viz.PanelCurves},
		Groups:  []Group{GroupPrediction},
		Formula: func(f loss.Formulas) string { return f.Prob },
		Preset:  tourDefaultWith(func(s *scene.Scene) { s.Background = -6 }),
		Select:  -1,
		Live: func(a *App) string {
			r := a.result
			bg := ""
			if a.Scene != nil {
				bg = fmt.Sprintf(",  logit_bg = %g", a.Scene.Background)
			}
			return fmt.Sprintf("ε = %g,  log((1−ε)/ε) = %.4g,  N_clamp = %d%s", r.Options.Eps,
				math.Log((1-r.Options.Eps)/r.Options.Eps), r.Clamped[0]+r.Clamped[1], bg)
		},
		Done: func(a *App) bool { return a.result.Clamped[0]+a.result.Clamped[1] > 0 },
	},
	{
		ID:      "positive",
		Panels:  []viz.Panel{viz.PanelProb, viz.PanelFocal, viz.PanelCurves},
		Groups:  []Group{GroupObject},
		Formula: func(f loss.Formulas) string { return f.Focal },
		Preset:  tourDefault,
		Select:  0,
		Live: func(a *App) string {
			o, ok := a.tourTarget(0)
			if !ok {
				return ""
			}
			m, q := a.frame.Maps, o.Corner[a.View.Corner]
			i := q.Y*m.Width + q.X
			p := float64(m.Prob[i])
			return fmt.Sprintf("y = %g,  p = %.4g,  (1−p)^α log p = %.4g,  N_pos = %d,  focal = %.6g", m.Target[i], p,
				math.Pow(1-p, a.Options.Alpha)*math.Log(p), a.result.NumPos[a.View.Corner], a.result.Weighted.Focal())
		},
		Done: func(a *App) bool {
			o, ok := a.tourObject(0)
			return ok && o.Shift != [2]float64{}
		},
	},
	{
		ID:      "negative",
		Panels:  []viz.Panel{viz.PanelWeight, viz.PanelFocal, viz.PanelCurves},
		Groups:  []Group{GroupLoss},
		Formula: func(f loss.Formulas) string { return f.Focal },
		Preset:  tourDefaultWith(func(s *scene.Scene) { s.Images[0][0].Shift = [2]float64{1, 0} }),
		Select:  0,
		Live: func(a *App) string {
			o, ok := a.tourTarget(0)
			so, ok2 := a.tourObject(0)
			if !ok || !ok2 {
				return ""
			}
			m, q := a.frame.Maps, o.Corner[a.View.Corner]
			x, y := q.X+int(so.Shift[0]), q.Y+int(so.Shift[1])
			if x < 0 || y < 0 || x >= m.Width || y >= m.Height {
				return ""
			}
			i := y*m.Width + x
			return fmt.Sprintf("β = %g,  y = %.4g,  (1−y)^β = %.4g,  p = %.4g,  focal = %.6g", a.Options.Beta, m.Target[i],
				math.Pow(1-float64(m.Target[i]), a.Options.Beta), m.Prob[i], a.result.Weighted.Focal())
		},
		Done: func(a *App) bool { return a.Options.Beta <= 1 },
	},
	{
		ID:      "normalise",
		Panels:  []viz.Panel{viz.PanelTarget, viz.PanelFocal},
		Groups:  []Group{GroupObject},
		Formula: func(f loss.Formulas) string { return f.Focal },
		Preset: func() *scene.Scene {
			s := tourScene([]scene.Object{tourA, tourD, tourE}, nil)
			s.Background, s.Noise = -2.19, 0.3 // CornerNet's initial bias: p ≈ 0.1
			return s
		},
		Select: 0,
		Live: func(a *App) string {
			r := a.result
			return fmt.Sprintf("N_pos = %d (tl), %d (br),  focal = %.6g", r.NumPos[0], r.NumPos[1], r.Weighted.Focal())
		},
		Done: func(a *App) bool { return a.result.NumPos[0]+a.result.NumPos[1] == 0 },
	},
	{
		ID:      "pull",
		Panels:  []viz.Panel{viz.PanelEmbedding},
		Groups:  []Group{GroupObject},
		Formula: func(f loss.Formulas) string { return f.Pull },
		Preset:  tourDefaultWith(func(s *scene.Scene) { s.Images[0][0].Tag = [2]float64{0, 2} }),
		Select:  0,
		Live: func(a *App) string {
			e := a.result.Embedding(a.View.Stack, a.View.Image)
			if len(e.Pull) == 0 {
				return ""
			}
			return fmt.Sprintf("e_t = %.4g,  e_b = %.4g,  ē = %.4g,  pull_0 = %.4g,  pull = %.6g", e.TL[0], e.BR[0], e.Mean[0], e.Pull[0], a.result.Weighted.Pull)
		},
		Done: func(a *App) bool {
			o, ok := a.tourObject(0)
			return ok && math.Abs(o.Tag[0]-o.Tag[1]) <= 0.25
		},
	},
	{
		ID:      "push",
		Panels:  []viz.Panel{viz.PanelEmbedding, viz.PanelPush, viz.PanelCurves},
		Groups:  []Group{GroupObject},
		Formula: func(f loss.Formulas) string { return f.Push },
		Preset:  tourDefault,
		Select:  1,
		Curve:   viz.CurveHinge,
		Live: func(a *App) string {
			e := a.result.Embedding(a.View.Stack, a.View.Image)
			if len(e.Mean) < 2 {
				return ""
			}
			return fmt.Sprintf("|ē_0 − ē_1| = %.4g,  relu(1 − |ē_0 − ē_1|) = %.4g,  push = %.6g", e.Dist[1],
				math.Max(0, 1-e.Dist[1]), a.result.Weighted.Push)
		},
		Done: func(a *App) bool {
			e := a.result.Embedding(a.View.Stack, a.View.Image)
			return len(e.Mean) >= 2 && e.Dist[1] < 1
		},
	},
	{
		ID:      "one-object",
		Panels:  []viz.Panel{viz.PanelEmbedding, viz.PanelPush},
		Groups:  []Group{GroupObject},
		Formula: func(f loss.Formulas) string { return f.Push },
		Preset:  tourDefault,
		Select:  -1,
		Live: func(a *App) string {
			e := a.result.Embedding(a.View.Stack, a.View.Image)
			var g []string
			for k := range e.GradTL {
				g = append(g, fmt.Sprintf("%.3g", e.GradTL[k]), fmt.Sprintf("%.3g", e.GradBR[k]))
			}
			return fmt.Sprintf("N_b = %d,  push_b = %.7g,  ∂(pull + push)/∂e = (%s)", len(e.Mean), e.PushSum, strings.Join(g, ", "))
		},
		Done: func(a *App) bool {
			for _, q := range a.result.Quirks() {
				if q.Name == loss.QuirkOneObject && q.Image == a.View.Image {
					return true
				}
			}
			return false
		},
	},
	{
		ID:      "offsets",
		Panels:  []viz.Panel{viz.PanelOffsets, viz.PanelCurves},
		Groups:  []Group{GroupObject},
		Formula: func(f loss.Formulas) string { return f.Regr },
		Preset:  tourDefault,
		Select:  0,
		Curve:   viz.CurveSmoothL1,
		Live: func(a *App) string {
			o := a.result.Offsets(a.View.Stack, a.View.Image, loss.TopLeft)
			if len(o.Pred) == 0 {
				return ""
			}
			return fmt.Sprintf("ô − o = (%.3g, %.3g),  SmoothL1 = %.4g,  N = %d", o.Pred[0][0]-o.Target[0][0],
				o.Pred[0][1]-o.Target[0][1], o.Loss[0], a.result.OffsetCount(loss.TopLeft))
		},
		Done: func(a *App) bool {
			for _, c := range loss.Corners {
				o := a.result.Offsets(a.View.Stack, a.View.Image, c)
				for k := range o.Pred {
					for d := range 2 {
						if math.Abs(float64(o.Pred[k][d]-o.Target[k][d])) >= 1 {
							return true
						}
					}
				}
			}
			return false
		},
	},
	{
		ID:      "weights",
		Groups:  []Group{GroupLoss, GroupTargets},
		Formula: func(f loss.Formulas) string { return f.Total },
		Preset:  tourDefaultWith(func(s *scene.Scene) { s.Stacks = 2 }),
		Select:  -1,
		Live: func(a *App) string {
			o, r := a.Options, a.result
			return fmt.Sprintf("nstack = %d,  w_pull = %g,  w_push = %g,  w_regr = %g,  L = %.6g", r.Shape.Stacks,
				o.PullWeight, o.PushWeight, o.RegrWeight, r.Loss)
		},
		Done: func(a *App) bool {
			d := loss.DefaultOptions()
			o := a.Options
			return o.PullWeight != d.PullWeight || o.PushWeight != d.PushWeight || o.RegrWeight != d.RegrWeight ||
				a.in.Stacks != 2
		},
	},
}

// tourCurve is the curves panel's plot where it has room for one: the
// walk's step's, the focal curves outside the walk.
func (a *App) tourCurve() viz.Curve {
	st, _ := a.TourStep()
	return st.Curve
}

// tourObject returns object k of the viewed image of the scene.
func (a *App) tourObject(k int) (scene.Object, bool) {
	if a.Scene == nil || k >= len(a.Scene.Images[a.View.Image]) {
		return scene.Object{}, false
	}
	return a.Scene.Images[a.View.Image][k], true
}

// tourTarget returns where the sampler placed object k of the viewed image.
func (a *App) tourTarget(k int) (target.Object, bool) {
	if a.set == nil || k >= len(a.set.Objects[a.View.Image]) {
		return target.Object{}, false
	}
	return a.set.Objects[a.View.Image][k], true
}

// Tour returns the step of the walk on screen (1-based), 0 outside it.
func (a *App) Tour() int { return a.tour }

// TourStep returns the step on screen; ok is false outside the walk.
func (a *App) TourStep() (TourStep, bool) {
	if a.tour < 1 || a.tour > len(tourSteps) {
		return TourStep{}, false
	}
	return tourSteps[a.tour-1], true
}

// StartTour goes to step n of the walk (1-based, clamped to the steps)
// and sets up its scene: the preset, the default options with the step's
// changes, the first image, stack and class, and the object it talks about.
func (a *App) StartTour(n int) error {
	n = min(max(n, 1), len(tourSteps))
	st := tourSteps[n-1]
	o := loss.DefaultOptions()
	if st.Options != nil {
		st.Options(&o)
	}
	prev := a.Options
	a.Options = o // the scene is built under the step's options
	if err := a.UseScene(st.Preset()); err != nil {
		a.Options = prev
		return err
	}
	a.tour = n
	a.tourMoved()
	a.SetView(View{Class: 0, Corner: loss.TopLeft})
	a.Select(st.Select)
	return nil
}

// ResumeTour shows step n over the state already on screen (a link that
// carried the scene with the step): no preset, so the action stays done
// if it was.
func (a *App) ResumeTour(n int) {
	if n < 1 || n > len(tourSteps) {
		return
	}
	a.tour = n
	a.tourMoved()
	a.version++
}

// LeaveTour returns to the free page; the scene stays as the walk left it.
func (a *App) LeaveTour() {
	if a.tour != 0 {
		a.tour = 0
		a.tourMoved()
		a.version++
	}
}

// TourDone reports whether the step's action is done.
func (a *App) TourDone() bool {
	st, ok := a.TourStep()
	return ok && st.Done(a)
}

// TourLive returns the step's live values, "" outside the walk.
func (a *App) TourLive() string {
	st, ok := a.TourStep()
	if !ok {
		return ""
	}
	return st.Live(a)
}

// TourFormula returns the step's formula under the current convention.
func (a *App) TourFormula() string {
	st, ok := a.TourStep()
	if !ok {
		return ""
	}
	return st.Formula(a.Options.Convention.Formulas())
}

// Highlighted reports whether panel p is one the walk's step talks about;
// outside the walk, and in a step that names no panel, every panel is.
func (a *App) Highlighted(p viz.Panel) bool {
	st, ok := a.TourStep()
	if !ok || len(st.Panels) == 0 {
		return true
	}
	for _, q := range st.Panels {
		if q == p {
			return true
		}
	}
	return false
}

// GroupInTour reports whether control group g is one the step's action
// uses; outside the walk every group is.
func (a *App) GroupInTour(g Group) bool {
	st, ok := a.TourStep()
	if !ok {
		return true
	}
	for _, h := range st.Groups {
		if h == g {
			return true
		}
	}
	return false
}

// tourParam is how the link names the step: "#<state>&tour=3", or
// "#tour=3" alone for the step's own preset.
const tourParam = "tour="

// SplitTourFragment separates the walk's step from the rest of a link's
// fragment; step is 0 when the fragment names none (or a step outside
// the walk).
func SplitTourFragment(fragment string) (state string, step int) {
	state = fragment
	i := strings.LastIndex(fragment, tourParam)
	if i < 0 || (i > 0 && fragment[i-1] != '&') {
		return fragment, 0
	}
	n, err := strconv.Atoi(fragment[i+len(tourParam):])
	state = strings.TrimSuffix(fragment[:i], "&")
	if err != nil || n < 1 || n > len(tourSteps) {
		return state, 0
	}
	return state, n
}

// TourFragment returns what the link adds for the walk: "&tour=N" (or
// "tour=N" when there is no state before it), "" outside the walk.
func (a *App) TourFragment(state string) string {
	if a.tour == 0 {
		return state
	}
	if state == "" {
		return tourParam + strconv.Itoa(a.tour)
	}
	return state + "&" + tourParam + strconv.Itoa(a.tour)
}
