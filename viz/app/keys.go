package app

import "github.com/cornerloss/cornerloss/loss"

// Action is something a shortcut asks of the page itself.
type Action int

const (
	ActionNone   Action = iota
	ActionExport        // save the canvas as PNG
	ActionHelp          // show or hide the shortcut list
)

// Shortcut is one key of the page.
type Shortcut struct {
	Key  string // KeyboardEvent.key
	Help string
	do   func(a *App) (Action, error)
}

// Shortcuts lists the page's keys, for the help overlay and for Key.
func Shortcuts() []Shortcut { return shortcuts }

var shortcuts = []Shortcut{
	{"ArrowRight", "next class", func(a *App) (Action, error) { return a.stepClass(1) }},
	{"ArrowLeft", "previous class", func(a *App) (Action, error) { return a.stepClass(-1) }},
	{"ArrowDown", "next image", func(a *App) (Action, error) { return a.stepImage(1) }},
	{"ArrowUp", "previous image", func(a *App) (Action, error) { return a.stepImage(-1) }},
	{"a", "all classes / one class", func(a *App) (Action, error) {
		v := a.View
		if v.Class < 0 {
			v.Class = 0
		} else {
			v.Class = -1
		}
		a.SetView(v)
		return ActionNone, nil
	}},
	{"c", "top-left / bottom-right corner", func(a *App) (Action, error) {
		v := a.View
		v.Corner = loss.BottomRight - v.Corner
		a.SetView(v)
		return ActionNone, nil
	}},
	{"s", "next stack", func(a *App) (Action, error) {
		v := a.View
		v.Stack = (v.Stack + 1) % a.in.Stacks
		a.SetView(v)
		return ActionNone, nil
	}},
	{"k", "next chunk of a step split over devices", func(a *App) (Action, error) {
		if c := a.chunks; c != nil {
			return ActionNone, a.SetChunk((c.at + 1) % len(c.dumps))
		}
		return ActionNone, nil
	}},
	{"Tab", "select the next object", func(a *App) (Action, error) {
		n := len(a.objects())
		if n > 0 {
			a.Select((a.Selected + 1) % n)
		}
		return ActionNone, nil
	}},
	{"Escape", "clear the selection", func(a *App) (Action, error) { a.Select(-1); return ActionNone, nil }},
	{"n", "add an object (scene)", func(a *App) (Action, error) { return ActionNone, a.AddObject() }},
	{"Delete", "delete the selected object (scene)", func(a *App) (Action, error) {
		return ActionNone, a.DeleteObject(a.Selected)
	}},
	{"r", "back to the default scene", func(a *App) (Action, error) { return ActionNone, a.UseScene(nil) }},
	{"]", "next step of the run", func(a *App) (Action, error) { return a.stepRun(1) }},
	{"[", "previous step of the run", func(a *App) (Action, error) { return a.stepRun(-1) }},
	{"b", "compare: the open step becomes A, open another as B (again: stop)", func(a *App) (Action, error) {
		a.ToggleBase()
		return ActionNone, nil
	}},
	{"l", "timeline: log / linear scale", func(a *App) (Action, error) {
		a.TimelineLog = !a.TimelineLog
		a.tlVersion++
		return ActionNone, nil
	}},
	{"u", "timeline: weighted terms / unweighted per stack", func(a *App) (Action, error) {
		a.TimelinePerStack = !a.TimelinePerStack
		a.tlVersion++
		return ActionNone, nil
	}},
	{"e", "export the view as PNG", func(*App) (Action, error) { return ActionExport, nil }},
	{"?", "show or hide these keys", func(*App) (Action, error) { return ActionHelp, nil }},
}

// Key runs the shortcut for a KeyboardEvent.key; unknown keys do nothing.
// Backspace deletes like Delete.
func (a *App) Key(key string) (Action, bool, error) {
	if key == "Backspace" {
		key = "Delete"
	}
	for _, s := range shortcuts {
		if s.Key == key {
			act, err := s.do(a)
			return act, true, err
		}
	}
	return ActionNone, false, nil
}

func (a *App) stepClass(d int) (Action, error) {
	v := a.View
	n := a.in.Classes + 1 // -1 (all) then 0 … C-1
	v.Class = (v.Class+1+d+n)%n - 1
	a.SetView(v)
	return ActionNone, nil
}

func (a *App) stepImage(d int) (Action, error) {
	v := a.View
	v.Image = (v.Image + d + a.in.Batch) % a.in.Batch
	a.SetView(v)
	return ActionNone, nil
}
