package app

import (
	"fmt"
	"math"
	"strconv"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/scene"
	"github.com/cornerloss/cornerloss/loss/target"
	"github.com/cornerloss/cornerloss/viz/i18n"
)

// Kind is the kind of input a control is.
type Kind int

const (
	Number Kind = iota // <input type=number>
	Range              // <input type=range>, acts while it moves
	Select             // <select>
	Button             // <button>
)

// Group names a section of the control panel.
type Group string

const (
	GroupLoss       Group = "loss"
	GroupView       Group = "view"
	GroupTargets    Group = "targets"
	GroupPrediction Group = "prediction"
	GroupObject     Group = "object"
)

// Text returns the group's legend in the page's language.
func (g Group) Text() string { return i18n.T("group." + string(g)) }

// Choice is one option of a Select.
type Choice struct{ Value, Label string }

// Control is one input of the control panel. The wasm layer builds the DOM
// from this table and routes every change through Set; the page's stable
// hooks (#pull-weight, #push-weight, #regr-weight, #convention) are here.
type Control struct {
	ID       string
	Group    Group
	Kind     Kind
	Min, Max float64 // Number and Range
	Step     float64
	Choices  func(a *App) []Choice        // Select
	Get      func(a *App) string          // current value; nil for buttons
	Set      func(a *App, v string) error // apply a new value (or press a button)
	Enabled  func(a *App) bool            // nil: always
}

// Text returns the control's label in the page's language; its text lives
// in the catalogues of package i18n under "ctl." and its ID.
func (c Control) Text() string { return i18n.T(c.Key()) }

// Key is the catalogue key of the control's label.
func (c Control) Key() string { return "ctl." + c.ID }

// Tip returns the control's tooltip in the page's language, or "".
func (c Control) Tip() string {
	if k := "ctl." + c.ID + ".tip"; i18n.Has(k) {
		return i18n.T(k)
	}
	return ""
}

// Controls lists every control of the panel, in display order.
func Controls() []Control { return controls }

// ControlByID finds a control.
func ControlByID(id string) (Control, bool) {
	for _, c := range controls {
		if c.ID == id {
			return c, true
		}
	}
	return Control{}, false
}

var controls = []Control{
	optNumber("pull-weight", 0, 10, 0.01,
		func(o *loss.Options) *float64 { return &o.PullWeight }),
	optNumber("push-weight", 0, 10, 0.01,
		func(o *loss.Options) *float64 { return &o.PushWeight }),
	optNumber("regr-weight", 0, 10, 0.01,
		func(o *loss.Options) *float64 { return &o.RegrWeight }),
	optRange("alpha", 0, 6, 0.1,
		func(o *loss.Options) *float64 { return &o.Alpha }),
	optRange("beta", 0, 10, 0.1,
		func(o *loss.Options) *float64 { return &o.Beta }),
	optNumber("eps", 1e-8, 0.49, 1e-5,
		func(o *loss.Options) *float64 { return &o.Eps }),
	{
		ID: "convention", Group: GroupLoss, Kind: Select,
		Choices: func(*App) []Choice {
			return []Choice{{"reference", i18n.T("choice.reference")}, {"mmdet", i18n.T("choice.mmdet")}}
		},
		Get: func(a *App) string { return a.Options.Convention.String() },
		Set: func(a *App, v string) error {
			c, err := loss.ParseConvention(v)
			if err != nil {
				return err
			}
			o := a.Options
			o.Convention = c
			return a.SetOptions(o)
		},
	},

	{
		ID: "chunk", Group: GroupView, Kind: Select,
		Choices: func(a *App) []Choice {
			if a.chunks == nil {
				return []Choice{{"0", "–"}}
			}
			var ch []Choice
			for i, c := range a.chunks.step.Chunks {
				ch = append(ch, Choice{strconv.Itoa(i), fmt.Sprintf("%d (%s)", c, a.chunks.names[i])})
			}
			return ch
		},
		Get: func(a *App) string {
			if a.chunks == nil {
				return "0"
			}
			return strconv.Itoa(a.chunks.at)
		},
		Set: func(a *App, s string) error {
			i, err := strconv.Atoi(s)
			if err != nil {
				return err
			}
			return a.SetChunk(i)
		},
		Enabled: func(a *App) bool { return a.chunks != nil },
	},
	viewNumber("image", func(a *App) int { return a.in.Batch }, func(v *View) *int { return &v.Image }),
	viewNumber("stack", func(a *App) int { return a.in.Stacks }, func(v *View) *int { return &v.Stack }),
	{
		ID: "class", Group: GroupView, Kind: Select,
		Choices: func(a *App) []Choice {
			ch := []Choice{{"-1", i18n.T("choice.all-classes")}}
			for c := range a.in.Classes {
				ch = append(ch, Choice{strconv.Itoa(c), strconv.Itoa(c)})
			}
			return ch
		},
		Get: func(a *App) string { return strconv.Itoa(a.View.Class) },
		Set: func(a *App, s string) error {
			c, err := strconv.Atoi(s)
			if err != nil {
				return err
			}
			v := a.View
			v.Class = c
			a.SetView(v)
			return nil
		},
	},
	{
		ID: "corner", Group: GroupView, Kind: Select,
		Choices: func(*App) []Choice { return []Choice{{"tl", i18n.T("choice.tl")}, {"br", i18n.T("choice.br")}} },
		Get:     func(a *App) string { return a.View.Corner.String() },
		Set: func(a *App, s string) error {
			v := a.View
			v.Corner = loss.TopLeft
			if s == "br" {
				v.Corner = loss.BottomRight
			}
			a.SetView(v)
			return nil
		},
	},

	sceneRange("gaussian-iou", GroupTargets, 0.05, 0.95, 0.05,
		func(s *scene.Scene) *float64 { return &s.Target.GaussianIOU }),
	{
		ID: "radius-formula", Group: GroupTargets, Kind: Select, Enabled: hasScene,
		Choices: func(*App) []Choice {
			return []Choice{{"fixed", i18n.T("choice.fixed")}, {"buggy", i18n.T("choice.buggy")}}
		},
		Get: func(a *App) string {
			if a.Scene == nil {
				return "fixed"
			}
			return a.Scene.Target.Formula.String()
		},
		Set: func(a *App, v string) error {
			f, err := target.ParseFormula(v)
			if err != nil {
				return err
			}
			return a.EditScene(func(s *scene.Scene) error { s.Target.Formula = f; return nil })
		},
	},
	sceneInt("gaussian-radius", GroupTargets, -1, 20,
		func(s *scene.Scene) *int { return &s.Target.GaussianRadius }),
	sceneInt("stacks", GroupTargets, 1, 4, func(s *scene.Scene) *int { return &s.Stacks }),
	sceneRange("background", GroupPrediction, -14, 2, 0.1,
		func(s *scene.Scene) *float64 { return &s.Background }),
	sceneRange("noise", GroupPrediction, 0, 4, 0.05,
		func(s *scene.Scene) *float64 { return &s.Noise }),
	sceneRange("blur", GroupPrediction, 0, 6, 0.1,
		func(s *scene.Scene) *float64 { return &s.Blur }),
	{
		ID: "blobs", Group: GroupPrediction, Kind: Number, Min: 0, Max: 20, Step: 1, Enabled: hasScene,
		Get: func(a *App) string {
			if a.Scene == nil || a.View.Image >= len(a.Scene.Blobs) {
				return "0"
			}
			return strconv.Itoa(len(a.Scene.Blobs[a.View.Image]))
		},
		Set: func(a *App, v string) error {
			n, err := intIn(v, 0, 20)
			if err != nil {
				return err
			}
			return a.EditScene(func(s *scene.Scene) error { s.SetBlobs(a.View.Image, n); return nil })
		},
	},

	{
		ID: "object", Group: GroupObject, Kind: Select,
		Choices: func(a *App) []Choice {
			ch := []Choice{{"-1", i18n.T("choice.none")}}
			for k, o := range a.objects() {
				ch = append(ch, Choice{strconv.Itoa(k), fmt.Sprintf(i18n.T("choice.object"), k, o.Class)})
			}
			return ch
		},
		Get: func(a *App) string { return strconv.Itoa(a.Selected) },
		Set: func(a *App, v string) error {
			k, err := strconv.Atoi(v)
			if err != nil {
				return err
			}
			a.Select(k)
			return nil
		},
	},
	{
		ID: "add-object", Group: GroupObject, Kind: Button, Enabled: hasScene,
		Set: func(a *App, _ string) error { return a.AddObject() },
	},
	{
		ID: "delete-object", Group: GroupObject, Kind: Button, Enabled: hasSelection,
		Set: func(a *App, _ string) error { return a.DeleteObject(a.Selected) },
	},
	{
		ID: "obj-class", Group: GroupObject, Kind: Select, Enabled: hasSelection,
		Choices: func(a *App) []Choice {
			var ch []Choice
			for c := range a.in.Classes {
				ch = append(ch, Choice{strconv.Itoa(c), strconv.Itoa(c)})
			}
			return ch
		},
		Get: func(a *App) string {
			if o, ok := a.selectedObject(); ok {
				return strconv.Itoa(o.Box.Class)
			}
			return "0"
		},
		Set: func(a *App, v string) error {
			c, err := intIn(v, 0, a.in.Classes-1)
			if err != nil {
				return err
			}
			return a.EditObject(func(o *scene.Object) error { o.Box.Class = c; return nil })
		},
	},
	objRange("obj-peak", 0.01, 0.99, 0.01, func(o *scene.Object) *float64 { return &o.Peak }),
	objRange("obj-shift-x", -6, 6, 0.5, func(o *scene.Object) *float64 { return &o.Shift[0] }),
	objRange("obj-shift-y", -6, 6, 0.5, func(o *scene.Object) *float64 { return &o.Shift[1] }),
	objRange("obj-tag-tl", -5, 5, 0.05, func(o *scene.Object) *float64 { return &o.Tag[loss.TopLeft] }),
	objRange("obj-tag-br", -5, 5, 0.05, func(o *scene.Object) *float64 { return &o.Tag[loss.BottomRight] }),
	objRange("obj-off-tl-x", -0.5, 1.5, 0.05, func(o *scene.Object) *float64 { return &o.Offset[loss.TopLeft][0] }),
	objRange("obj-off-tl-y", -0.5, 1.5, 0.05, func(o *scene.Object) *float64 { return &o.Offset[loss.TopLeft][1] }),
	objRange("obj-off-br-x", -0.5, 1.5, 0.05, func(o *scene.Object) *float64 { return &o.Offset[loss.BottomRight][0] }),
	objRange("obj-off-br-y", -0.5, 1.5, 0.05, func(o *scene.Object) *float64 { return &o.Offset[loss.BottomRight][1] }),
}

func hasScene(a *App) bool     { return a.Scene != nil }
func hasSelection(a *App) bool { _, ok := a.selectedObject(); return ok }

// selectedObject returns the scene object selected, if any.
func (a *App) selectedObject() (scene.Object, bool) {
	if a.Scene == nil || a.Selected < 0 || a.Selected >= len(a.Scene.Images[a.View.Image]) {
		return scene.Object{}, false
	}
	return a.Scene.Images[a.View.Image][a.Selected], true
}

func optNumber(id string, lo, hi, step float64, f func(*loss.Options) *float64) Control {
	return Control{
		ID: id, Group: GroupLoss, Kind: Number, Min: lo, Max: hi, Step: step,
		Get: func(a *App) string { return formatValue(*f(&a.Options)) },
		Set: func(a *App, v string) error {
			x, err := floatIn(v, lo, hi)
			if err != nil {
				return err
			}
			o := a.Options
			*f(&o) = x
			return a.SetOptions(o)
		},
	}
}

func optRange(id string, lo, hi, step float64, f func(*loss.Options) *float64) Control {
	c := optNumber(id, lo, hi, step, f)
	c.Kind = Range
	return c
}

func viewNumber(id string, n func(*App) int, f func(*View) *int) Control {
	return Control{
		ID: id, Group: GroupView, Kind: Number, Min: 0, Max: 1e6, Step: 1,
		Get: func(a *App) string { v := a.View; return strconv.Itoa(*f(&v)) },
		Set: func(a *App, s string) error {
			i, err := intIn(s, 0, n(a)-1)
			if err != nil {
				return err
			}
			v := a.View
			*f(&v) = i
			a.SetView(v)
			return nil
		},
	}
}

func sceneRange(id string, g Group, lo, hi, step float64, f func(*scene.Scene) *float64) Control {
	return Control{
		ID: id, Group: g, Kind: Range, Min: lo, Max: hi, Step: step, Enabled: hasScene,
		Get: func(a *App) string {
			if a.Scene == nil {
				return formatValue(lo)
			}
			return formatValue(*f(a.Scene))
		},
		Set: func(a *App, v string) error {
			x, err := floatIn(v, lo, hi)
			if err != nil {
				return err
			}
			return a.EditScene(func(s *scene.Scene) error { *f(s) = x; return nil })
		},
	}
}

func sceneInt(id string, g Group, lo, hi int, f func(*scene.Scene) *int) Control {
	return Control{
		ID: id, Group: g, Kind: Number, Min: float64(lo), Max: float64(hi), Step: 1, Enabled: hasScene,
		Get: func(a *App) string {
			if a.Scene == nil {
				return strconv.Itoa(lo)
			}
			return strconv.Itoa(*f(a.Scene))
		},
		Set: func(a *App, v string) error {
			x, err := intIn(v, lo, hi)
			if err != nil {
				return err
			}
			return a.EditScene(func(s *scene.Scene) error { *f(s) = x; return nil })
		},
	}
}

func objRange(id string, lo, hi, step float64, f func(*scene.Object) *float64) Control {
	return Control{
		ID: id, Group: GroupObject, Kind: Range, Min: lo, Max: hi, Step: step, Enabled: hasSelection,
		Get: func(a *App) string {
			o, ok := a.selectedObject()
			if !ok {
				return formatValue(lo)
			}
			return formatValue(*f(&o))
		},
		Set: func(a *App, v string) error {
			x, err := floatIn(v, lo, hi)
			if err != nil {
				return err
			}
			return a.EditObject(func(o *scene.Object) error { *f(o) = x; return nil })
		},
	}
}

func floatIn(s string, lo, hi float64) (float64, error) {
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(x) {
		return 0, i18n.Err("err.not-number", s)
	}
	if x < lo || x > hi {
		return 0, i18n.Err("err.outside", x, lo, hi)
	}
	return x, nil
}

func intIn(s string, lo, hi int) (int, error) {
	x, err := strconv.Atoi(s)
	if err != nil {
		return 0, i18n.Err("err.not-whole", s)
	}
	if x < lo || x > hi {
		return 0, i18n.Err("err.outside", x, lo, hi)
	}
	return x, nil
}

// formatValue prints a control's value without float noise.
func formatValue(x float64) string { return strconv.FormatFloat(x, 'g', 6, 64) }

// Apply sets control id to v, reporting an unknown id or a disabled control.
func (a *App) Apply(id, v string) error {
	c, ok := ControlByID(id)
	if !ok {
		return fmt.Errorf("unknown control %q", id)
	}
	if c.Enabled != nil && !c.Enabled(a) {
		return i18n.Err("ctl.unavailable", i18n.M(c.Key()))
	}
	if err := c.Set(a, v); err != nil {
		return i18n.Err("err.control", i18n.M(c.Key()), i18n.Said("err.lead", err))
	}
	return nil
}
