//go:build js && wasm

package main

import (
	"slices"
	"strconv"
	"strings"
	"syscall/js"

	"github.com/cornerloss/cornerloss/viz/app"
)

// The control panel is written as one HTML string, with the app's values,
// choices and availability in it, and its events reach the page through
// three listeners on the form (delegation). Built element by element it
// took about 600 syscall/js calls and 30 listeners before the first frame,
// the DOM's largest share of a first visit (README, "Where a first visit's
// start-up goes").

// controlEl is one control's DOM, and what it holds (the page writes only
// what changed, and reads nothing back). Its elements are looked up when
// first written: most controls are never written again after the build.
type controlEl struct {
	c        app.Control
	input    el // input, select or button; zero until first used
	output   el // the value beside a range; zero until first used
	choices  string
	value    string // the input's value, as last set or read in an event
	known    bool   // value is known
	disabled int    // 0 unknown, 1 enabled, 2 disabled
}

// in returns the control's input, select or button.
func (ce *controlEl) in() el {
	if !ce.input.ok() {
		ce.input = byID(ce.c.ID)
	}
	return ce.input
}

// out returns the output beside a range input (its next sibling).
func (ce *controlEl) out() el {
	if !ce.output.ok() {
		ce.output = el{ce.in().get("nextElementSibling")}
	}
	return ce.output
}

// buildControls writes the control panel in the page's language, with the
// app's values, replacing what it held.
func (p *page) buildControls(g *game) {
	p.controls = nil
	p.control = map[string]*controlEl{}
	var groups []app.Group
	inGroup := map[app.Group][]*controlEl{}
	for _, c := range app.Controls() {
		ce := &controlEl{c: c}
		p.controls = append(p.controls, ce)
		p.control[c.ID] = ce
		if _, ok := inGroup[c.Group]; !ok {
			groups = append(groups, c.Group)
		}
		inGroup[c.Group] = append(inGroup[c.Group], ce)
	}
	var b strings.Builder
	for _, grp := range groups {
		b.WriteString(`<fieldset data-group="` + escape(string(grp)) + `"><legend>` + escape(grp.Text()) + `</legend>`)
		for _, ce := range inGroup[grp] {
			ce.writeHTML(&b, g.app)
		}
		b.WriteString(`</fieldset>`)
	}
	byID("controls").html(b.String())
}

// writeHTML writes the control's label and input, and records what they
// hold.
func (ce *controlEl) writeHTML(b *strings.Builder, a *app.App) {
	c := ce.c
	disabled := ""
	ce.disabled = 1
	if c.Enabled != nil && !c.Enabled(a) {
		disabled, ce.disabled = " disabled", 2
	}
	v := ""
	if c.Get != nil {
		v = c.Get(a)
	}
	b.WriteString(`<label`)
	if tip := c.Tip(); tip != "" {
		b.WriteString(` title="` + escape(tip) + `"`)
	}
	id := escape(c.ID)
	switch c.Kind {
	case app.Button:
		b.WriteString(` class="button"><button type="button" id="` + id + `"` + disabled + `>` + escape(c.Text()) + `</button></label>`)
	case app.Select:
		html, key, selected := options(c.Choices(a), v, true)
		b.WriteString(`>` + escape(c.Text()) + `<select id="` + id + `"` + disabled + `>` + html + `</select><span></span></label>`)
		ce.choices = key
		// A value that is no choice: the browser shows the first, and the
		// refresh writes the value as the page always did.
		ce.value, ce.known = v, selected
	default:
		typ := map[app.Kind]string{app.Number: "number", app.Range: "range"}[c.Kind]
		b.WriteString(`>` + escape(c.Text()) + `<input id="` + id + `" type="` + typ +
			`" min="` + formatAttr(c.Min) + `" max="` + formatAttr(c.Max) + `" step="` + formatAttr(c.Step) + `"`)
		if c.Get != nil {
			b.WriteString(` value="` + escape(v) + `"`)
			ce.value, ce.known = v, true
		}
		b.WriteString(disabled + `><output>`)
		if c.Kind == app.Range {
			b.WriteString(escape(v))
		}
		b.WriteString(`</output></label>`)
	}
}

// bindControls wires the control panel's events to the game, once: the
// listeners are the form's, so a rebuilt panel (another language) keeps
// them. A range applies as it moves, a number or a choice when it changes,
// a button when clicked.
func (p *page) bindControls(g *game) {
	form := byID("controls")
	for typ, kinds := range map[string][]app.Kind{"input": {app.Range}, "change": {app.Number, app.Select}, "click": {app.Button}} {
		p.on(form.v, typ, func(ev js.Value) {
			t := ev.Get("target")
			ce := p.control[t.Get("id").String()]
			if ce == nil || !slices.Contains(kinds, ce.c.Kind) {
				return
			}
			v := t.Get("value").String()
			ce.value, ce.known = v, true
			if err := g.app.Apply(ce.c.ID, v); err != nil {
				p.setStatus(err, true)
				p.setControl(ce, g.app, activeID()) // show the value that holds
			}
		})
	}
}

// options returns a select's options as HTML, with the first whose value
// is v marked selected when mark is set (and whether one was), and the
// key the page compares to tell that the choices changed.
func options(choices []app.Choice, v string, mark bool) (html, key string, selected bool) {
	var b, k strings.Builder
	for _, ch := range choices {
		k.WriteString(ch.Value + "\x00" + ch.Label + "\x00")
		b.WriteString(`<option value="` + escape(ch.Value) + `"`)
		if mark && !selected && ch.Value == v {
			b.WriteString(` selected`)
			selected = true
		}
		b.WriteString(`>` + escape(ch.Label) + `</option>`)
	}
	return b.String(), k.String(), selected
}

func formatAttr(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// activeID is the ID of the element that has the focus.
func activeID() string {
	a := document.Get("activeElement")
	if !a.Truthy() {
		return ""
	}
	return a.Get("id").String()
}

// setControl shows the app's value, choices and availability in a control.
// A number input the user is typing in (active: its ID) keeps what they
// typed.
func (p *page) setControl(ce *controlEl, a *app.App, active string) {
	enabled := ce.c.Enabled == nil || ce.c.Enabled(a)
	d := 2
	if enabled {
		d = 1
	}
	if d != ce.disabled {
		ce.in().set("disabled", !enabled)
		ce.disabled = d
	}
	if ce.c.Choices != nil {
		if html, key, _ := options(ce.c.Choices(a), "", false); key != ce.choices {
			ce.in().html(html)
			ce.choices = key
			ce.known = false // the browser picked an option
		}
	}
	if ce.c.Get == nil {
		return
	}
	v := ce.c.Get(a)
	typing := ce.c.Kind == app.Number && active == ce.c.ID
	if !typing && (!ce.known || ce.value != v) {
		ce.in().set("value", v)
		ce.value, ce.known = v, true
		if ce.c.Kind == app.Range {
			ce.out().text(v)
		}
	}
}
