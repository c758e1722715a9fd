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
	Help string // the catalogue key of what it does (i18n.T(Help) says it)
	do   func(a *App) (Action, error)
}

// Shortcuts lists the page's keys, for the help overlay and for Key.
func Shortcuts() []Shortcut { return shortcuts }

var shortcuts = []Shortcut{
	{"ArrowRight", "key.next-class", func(a *App) (Action, error) { return a.stepClass(1) }},
	{"ArrowLeft", "key.prev-class", func(a *App) (Action, error) { return a.stepClass(-1) }},
	{"ArrowDown", "key.next-image", func(a *App) (Action, error) { return a.stepImage(1) }},
	{"ArrowUp", "key.prev-image", func(a *App) (Action, error) { return a.stepImage(-1) }},
	{"a", "key.all-classes", func(a *App) (Action, error) {
		v := a.View
		if v.Class < 0 {
			v.Class = 0
		} else {
			v.Class = -1
		}
		a.SetView(v)
		return ActionNone, nil
	}},
	{"c", "key.corner", func(a *App) (Action, error) {
		v := a.View
		v.Corner = loss.BottomRight - v.Corner
		a.SetView(v)
		return ActionNone, nil
	}},
	{"s", "key.stack", func(a *App) (Action, error) {
		v := a.View
		v.Stack = (v.Stack + 1) % a.in.Stacks
		a.SetView(v)
		return ActionNone, nil
	}},
	{"k", "key.next-chunk", func(a *App) (Action, error) {
		if c := a.chunks; c != nil {
			return ActionNone, a.SetChunk((c.at + 1) % len(c.dumps))
		}
		return ActionNone, nil
	}},
	{"Tab", "key.next-object", func(a *App) (Action, error) {
		n := len(a.objects())
		if n > 0 {
			a.Select((a.Selected + 1) % n)
		}
		return ActionNone, nil
	}},
	{"Escape", "key.clear", func(a *App) (Action, error) { a.Select(-1); return ActionNone, nil }},
	{"n", "key.add", func(a *App) (Action, error) { return ActionNone, a.AddObject() }},
	{"Delete", "key.delete", func(a *App) (Action, error) {
		return ActionNone, a.DeleteObject(a.Selected)
	}},
	{"r", "key.reset", func(a *App) (Action, error) { return ActionNone, a.UseScene(nil) }},
	{"]", "key.next-step", func(a *App) (Action, error) { return a.stepRun(1) }},
	{"[", "key.prev-step", func(a *App) (Action, error) { return a.stepRun(-1) }},
	{"b", "key.compare", func(a *App) (Action, error) {
		a.ToggleBase()
		return ActionNone, nil
	}},
	{"l", "key.log", func(a *App) (Action, error) {
		a.TimelineLog = !a.TimelineLog
		a.tlVersion++
		return ActionNone, nil
	}},
	{"u", "key.unweighted", func(a *App) (Action, error) {
		a.TimelinePerStack = !a.TimelinePerStack
		a.tlVersion++
		return ActionNone, nil
	}},
	{"e", "key.export", func(*App) (Action, error) { return ActionExport, nil }},
	{"?", "key.help", func(*App) (Action, error) { return ActionHelp, nil }},
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
