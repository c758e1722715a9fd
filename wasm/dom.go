//go:build js && wasm

package main

import (
	"fmt"
	"net/url"
	"strings"
	"syscall/js"
)

// The page's DOM surface is small (find, create, attributes, text, events),
// so it calls syscall/js directly. A DOM library would cost more than a
// megabyte of gzip here: ebiten's shader templates make the linker keep
// every exported method of every type stored in an interface, and a DOM
// binding has hundreds (see README, "Page size").

// el is one DOM element.
type el struct{ v js.Value }

var document = js.Global().Get("document")

// linkQuery returns the query of the page's link as it is now (?lang=zh,
// ?workers=2, ...).
func linkQuery() url.Values {
	q, _ := url.ParseQuery(strings.TrimPrefix(js.Global().Get("location").Get("search").String(), "?"))
	return q
}

func byID(id string) el             { return el{document.Call("getElementById", id)} }
func query(sel string) el           { return el{document.Call("querySelector", sel)} }
func create(tag string) el          { return el{document.Call("createElement", tag)} }
func (e el) ok() bool               { return e.v.Truthy() }
func (e el) get(p string) js.Value  { return e.v.Get(p) }
func (e el) set(p string, v any)    { e.v.Set(p, v) }
func (e el) attr(name, v string)    { e.v.Call("setAttribute", name, v) }
func (e el) removeAttr(name string) { e.v.Call("removeAttribute", name) }
func (e el) text(s string)          { e.v.Set("textContent", s) }
func (e el) html(s string)          { e.v.Set("innerHTML", s) }
func (e el) appendChild(c el)       { e.v.Call("appendChild", c.v) }
func (e el) style(name, v string)   { e.v.Get("style").Call("setProperty", name, v) }

// hidden shows or hides the element.
func (e el) hidden(h bool) { e.v.Set("hidden", h) }

func queryAll(sel string) []el {
	list := document.Call("querySelectorAll", sel)
	out := make([]el, list.Length())
	for i := range out {
		out[i] = el{list.Index(i)}
	}
	return out
}

// listen adds an event listener to target. f runs in the JS callback: it
// must only queue work or touch the DOM, never block, and its panics are
// caught here (an escaped panic would end the Go runtime and the page).
func listen(target js.Value, typ string, f func(ev js.Value)) {
	target.Call("addEventListener", typ, js.FuncOf(func(this js.Value, args []js.Value) any {
		defer func() {
			if r := recover(); r != nil {
				consoleWarn(fmt.Sprintf("cornerloss: %s handler: %v", typ, r))
			}
		}()
		f(args[0])
		return nil
	}))
}

func consoleWarn(msg string) { js.Global().Get("console").Call("warn", msg) }
