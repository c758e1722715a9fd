//go:build js && wasm

package main

import (
	"net/url"
	"strings"
	"syscall/js"

	"github.com/cornerloss/cornerloss/viz/i18n"
)

// startup restores the scene from the link, or enters the bench mode.
func (g *game) startup() {
	loc := js.Global().Get("location")
	q, _ := url.ParseQuery(strings.TrimPrefix(loc.Get("search").String(), "?"))
	if q.Get("bench") == "coco" {
		g.bench = newBench(g)
		return
	}
	if q.Has("dumps") {
		g.followRun(strings.TrimPrefix(loc.Get("hash").String(), "#"))
		return
	}
	if h := strings.TrimPrefix(loc.Get("hash").String(), "#"); h != "" {
		if err := g.app.RestoreURLState(h); err != nil {
			g.page.setStatus(err.Error()+"; showing the default scene", true)
			return
		}
	}
	g.page.setStatus(i18n.T("page.ready"), false)
}
