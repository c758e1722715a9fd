//go:build js && wasm

package main

import (
	"bytes"
	"image/png"
	"syscall/js"

	"github.com/cornerloss/cornerloss/viz"
	"github.com/cornerloss/cornerloss/viz/i18n"
)

// exportPNG saves what the canvas shows as a PNG download, rendered by the
// same viz code rather than read back from WebGL (whose buffer is not kept).
func (g *game) exportPNG() {
	img := viz.Render(g.app.Frame(), g.size)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		g.page.setStatus(&i18n.Wrapped{Lead: i18n.M("status.export-failed"), Detail: err.Error()}, true)
		return
	}
	arr := js.Global().Get("Uint8Array").New(buf.Len())
	js.CopyBytesToJS(arr, buf.Bytes())
	blob := js.Global().Get("Blob").New([]any{arr}, map[string]any{"type": "image/png"})
	url := js.Global().Get("URL").Call("createObjectURL", blob)
	a := create("a")
	a.set("href", url)
	a.set("download", "cornerloss.png")
	a.v.Call("click")
	// Free the blob once the browser has had time to start the download.
	var release js.Func
	release = js.FuncOf(func(js.Value, []js.Value) any {
		js.Global().Get("URL").Call("revokeObjectURL", url)
		release.Release()
		return nil
	})
	js.Global().Call("setTimeout", release, 10000)
	g.page.setStatus(i18n.M("status.exported"), false)
}
