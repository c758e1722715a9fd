//go:build js && wasm

package main

import (
	"net/url"
	"strings"
	"syscall/js"

	"github.com/cornerloss/cornerloss/viz/i18n"
)

// pickLang sets the page's language before anything is built: ?lang= in the
// URL first, then the browser's languages, then English. It sets <html lang>,
// translates the static text of index.html (the elements marked data-i18n,
// data-i18n-tip and data-i18n-label) and fills the language picker.
func pickLang() {
	loc := js.Global().Get("location")
	q, _ := url.ParseQuery(strings.TrimPrefix(loc.Get("search").String(), "?"))
	l, ok := i18n.Parse(q.Get("lang"))
	if !ok {
		l = browserLang()
	}
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

	pick := byID("lang")
	var b strings.Builder
	for _, o := range i18n.Langs() {
		sel := ""
		if o == l {
			sel = " selected"
		}
		b.WriteString(`<option value="` + string(o) + `"` + sel + `>` + escape(i18n.In(o, "lang.name")) + `</option>`)
	}
	pick.html(b.String())
	// Switching reloads with ?lang= set: the scene is in the hash, which the
	// reload keeps, and every label is built once, in one language.
	listen(pick.v, "change", func(ev js.Value) {
		q.Set("lang", ev.Get("target").Get("value").String())
		loc.Call("replace", loc.Get("pathname").String()+"?"+q.Encode()+loc.Get("hash").String())
	})
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
