//go:build js && wasm

package main

import (
	"strings"
	"syscall/js"

	"github.com/cornerloss/cornerloss/viz/i18n"
)

// pickLang sets the page's language before anything is built: ?lang= in the
// URL first, then the browser's languages, then English. It sets <html lang>,
// translates the static text of index.html and fills the language picker.
func pickLang() {
	l, ok := i18n.Parse(linkQuery().Get("lang"))
	if !ok {
		l = browserLang()
	}
	if l == i18n.EN {
		// index.html is served in English (TestStaticPageIsEnglish): its
		// text stays as it is, with no DOM writes before the first frame.
		i18n.Set(l)
	} else {
		setLang(l)
	}

	pick := byID("lang")
	var b strings.Builder
	for _, o := range i18n.Langs() {
		sel := ""
		if o == l {
			sel = " selected"
		}
		// Each language by its own name, marked as written in it.
		b.WriteString(`<option value="` + string(o) + `" lang="` + o.HTML() + `"` + sel + `>` + escape(i18n.In(o, "lang.name")) + `</option>`)
	}
	pick.html(b.String())
}

// setLang makes l the page's language: <html lang> and the static text of
// index.html (the elements marked data-i18n, data-i18n-tip and
// data-i18n-label).
func setLang(l i18n.Lang) {
	i18n.Set(l)
	document.Get("documentElement").Set("lang", l.HTML())
	each := func(sel string, f func(e js.Value, key string)) {
		list := document.Call("querySelectorAll", "["+sel+"]")
		for i := range list.Length() {
			e := list.Index(i)
			f(e, e.Call("getAttribute", sel).String())
		}
	}
	each("data-i18n", func(e js.Value, k string) { e.Set("textContent", i18n.T(k)) })
	each("data-i18n-tip", func(e js.Value, k string) { e.Call("setAttribute", "title", i18n.T(k)) })
	each("data-i18n-label", func(e js.Value, k string) { e.Call("setAttribute", "aria-label", i18n.T(k)) })
}

// bindLang switches the language in place when the picker changes: a
// reload would lose a loaded dump or run, which the link cannot hold. The
// link gets ?lang= so that it opens in the language it was shared in.
func (p *page) bindLang(g *game) {
	p.on(byID("lang").v, "change", func(ev js.Value) {
		l, ok := i18n.Parse(ev.Get("target").Get("value").String())
		if !ok || l == i18n.Current() {
			return
		}
		g.relabel(l)
		loc, q := js.Global().Get("location"), linkQuery()
		q.Set("lang", string(l))
		js.Global().Get("history").Call("replaceState", nil, "", loc.Get("pathname").String()+"?"+q.Encode()+loc.Get("hash").String())
	})
}

// relabel says everything on the page again in l, keeping its state: the
// static text, the controls (rebuilt, with their values), the key help,
// the numbers' texts, the status line, the hover box and every canvas
// panel and the timeline (redrawn).
func (g *game) relabel(l i18n.Lang) {
	setLang(l)
	p := g.page
	p.buildControls(g)
	p.tourGroups()
	p.keyList()
	p.texts = map[string]string{}
	p.shown = -1
	p.showStatus()
	if p.dump != nil {
		p.showDump(p.dump)
	}
	g.app.Relabel()
	if g.hover != nil {
		g.hover = g.app.Hover()
		p.showHover(g.hover, g.cursor)
	}
	p.refresh(g.app)
	p.body.attr("data-lang", string(l))
}

// browserLang returns the first of navigator.languages the page speaks.
func browserLang() i18n.Lang {
	nav := js.Global().Get("navigator")
	if ls := nav.Get("languages"); ls.Truthy() {
		for i := range ls.Length() {
			if l, ok := i18n.Parse(ls.Index(i).String()); ok {
				return l
			}
		}
	}
	if l, ok := i18n.Parse(nav.Get("language").String()); ok {
		return l
	}
	return i18n.EN
}
