//go:build js && wasm

package main

import (
	"image"
	"strconv"
	"syscall/js"

	"github.com/cornerloss/cornerloss/viz"
)

// timelineCanvas is the run's timeline, painted on a 2D <canvas> of its
// own laid over its strip of Ebitengine's canvas (app.TimelineRect), not
// drawn on the WebGL canvas: a frame that changes a WebGL canvas costs the
// compositor a readback of it, which in headless Chromium (software GL)
// takes 250-800 ms of a core, so while a run loads the timeline would be
// the long frames and take a core from the workers. Painting a 2D canvas
// is a copy of its pixels. It takes no pointer events: hover and clicks
// reach Ebitengine's canvas under it, which hit-tests the strip as before.
type timelineCanvas struct {
	c      el
	ctx    js.Value
	data   js.Value // ImageData of the canvas's size
	rgba   *image.RGBA
	at     image.Rectangle // the strip on the page, CSS pixels
	paints int             // paints so far (data-timeline-paints)
}

// begin starts a paint of tl into the strip r of the canvas whose top-left
// is at off on the page, for show once its stages are done; an empty r
// hides the canvas and gives nil.
func (t *timelineCanvas) begin(tl *viz.Timeline, r image.Rectangle, off image.Point) *viz.TimelinePaint {
	hide := r.Empty() || tl == nil
	if hide && !t.c.ok() {
		// No run yet: nothing to hide, and no canvas to make (its
		// getContext took 7 ms of the page's first frame).
		return nil
	}
	if !t.c.ok() {
		// Made on the first run, after Ebitengine's canvas: that one stays
		// the page's first canvas (query("canvas")).
		t.c = create("canvas")
		t.c.attr("id", "timeline")
		t.c.attr("aria-hidden", "true") // its values are in #run and the hover box
		document.Get("body").Call("appendChild", t.c.v)
		t.ctx = t.c.v.Call("getContext", "2d")
	}
	if hide {
		t.c.hidden(true)
		t.at = image.Rectangle{}
		return nil
	}
	t.place(r.Add(off))
	if t.rgba == nil || t.rgba.Rect.Size() != r.Size() {
		t.rgba = image.NewRGBA(image.Rectangle{Max: r.Size()})
		t.c.set("width", r.Dx())
		t.c.set("height", r.Dy())
		t.data = t.ctx.Call("createImageData", r.Dx(), r.Dy())
	}
	return viz.NewTimelinePaint(t.rgba, t.rgba.Bounds(), tl)
}

// show puts the finished paint on the canvas.
func (t *timelineCanvas) show() {
	js.CopyBytesToJS(t.data.Get("data"), t.rgba.Pix)
	t.ctx.Call("putImageData", t.data, 0, 0)
	t.c.hidden(false)
	t.paints++
	t.c.attr("data-paints", strconv.Itoa(t.paints))
}

// place puts the canvas over the strip at (page coordinates), when it moved.
func (t *timelineCanvas) place(at image.Rectangle) {
	if at == t.at {
		return
	}
	t.at = at
	t.c.style("left", strconv.Itoa(at.Min.X)+"px")
	t.c.style("top", strconv.Itoa(at.Min.Y)+"px")
	t.c.style("width", strconv.Itoa(at.Dx())+"px")
	t.c.style("height", strconv.Itoa(at.Dy())+"px")
}

// follow keeps the canvas over its strip when Ebitengine's canvas moved on
// the page (a resize, presentation mode) without the timeline changing.
func (t *timelineCanvas) follow(r image.Rectangle, off image.Point) {
	if t.c.ok() && !t.at.Empty() && !r.Empty() {
		t.place(r.Add(off))
	}
}
