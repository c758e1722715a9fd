//go:build !js

package e2e

import (
	"context"
	"fmt"
	"image"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/viz"
	"github.com/cornerloss/cornerloss/viz/app"
)

// touch sends one touch event through the browser's input pipeline, as a
// finger on a touch screen does (no touch point for the end).
func (b *browser) touch(typ input.DispatchTouchEventType, x, y float64) {
	b.t.Helper()
	p := input.DispatchTouchEventParams{Type: typ, TouchPoints: []*input.TouchPoint{}}
	if typ != input.DispatchTouchEventTypeTouchEnd {
		p.TouchPoints = []*input.TouchPoint{{X: x, Y: y}}
	}
	b.do(chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, input.DispatchTouchEvent, p)
		return err
	}))
	b.settle()
}

// fingerDrag puts a finger down at (x0, y0), moves it in steps to (x1, y1)
// and lifts it.
func (b *browser) fingerDrag(x0, y0, x1, y1 float64) {
	b.t.Helper()
	b.touch(input.DispatchTouchEventTypeTouchStart, x0, y0)
	for i := 1; i <= 6; i++ {
		f := float64(i) / 6
		b.touch(input.DispatchTouchEventTypeTouchMove, x0+f*(x1-x0), y0+f*(y1-y0))
	}
	b.touch(input.DispatchTouchEventTypeTouchEnd, x1, y1)
}

// sceneOnPage returns an app laid out like the page's canvas, holding the
// scene of the page's link.
func sceneOnPage(t *testing.T, b *browser) *app.App {
	t.Helper()
	w := eval[float64](b, `document.querySelector("canvas").getBoundingClientRect().width`)
	h := eval[float64](b, `document.querySelector("canvas").getBoundingClientRect().height`)
	a := app.New()
	a.SetCanvas(image.Pt(int(w), int(h)))
	if hash := strings.TrimPrefix(eval[string](b, `location.hash`), "#"); hash != "" {
		if err := a.RestoreURLState(hash); err != nil {
			t.Fatalf("the page's link: %v", err)
		}
	}
	return a
}

// waitHashChange waits until the page's link differs from old.
func (b *browser) waitHashChange(old string) {
	b.t.Helper()
	b.waitFor(fmt.Sprintf(`location.hash !== %q && location.hash !== ""`, old), 10*time.Second)
}

// TestTouch: on a touch screen (1024×768) a finger moves a box, resizes it
// by a corner and drags an embedding marker, each read back from the page's
// link; a tap on a map shows the pixel's values, as hovering does.
func TestTouch(t *testing.T) {
	b := newBrowser(t)
	b.do(chromedp.EmulateViewport(1024, 768, chromedp.EmulateTouch))
	b.open("")
	b.settle()
	if ta := eval[string](b, `getComputedStyle(document.querySelector("canvas")).touchAction`); ta != "none" {
		t.Errorf("canvas touch-action %q, want none", ta)
	}
	a := sceneOnPage(t, b)
	objs := a.Scene.Images[0]
	// An object whose centre lies in no other box: a press there grabs it.
	k := -1
	for i, o := range objs {
		cx, cy := (o.Box.X0+o.Box.X1)/2, (o.Box.Y0+o.Box.Y1)/2
		alone := true
		for j, p := range objs {
			alone = alone && (j == i || cx < p.Box.X0 || cx > p.Box.X1 || cy < p.Box.Y0 || cy > p.Box.Y1)
		}
		if alone {
			k = i
			break
		}
	}
	if k < 0 {
		t.Fatal("no object's centre is free of other boxes")
	}
	before := objs[k].Box
	fo := a.Frame().Objects[k]
	tl, br := fo.Exact[loss.TopLeft], fo.Exact[loss.BottomRight]
	hash := eval[string](b, `location.hash`)

	// Move: the finger on the box's centre, 10 map pixels right, 6 down.
	cx, cy := (tl[0]+br[0])/2, (tl[1]+br[1])/2
	x0, y0 := mapPoint(b, viz.PanelTarget, cx, cy)
	x1, y1 := mapPoint(b, viz.PanelTarget, cx+10, cy+6)
	b.fingerDrag(x0, y0, x1, y1)
	b.waitHashChange(hash)
	if sel := eval[string](b, `document.getElementById("object").value`); sel != fmt.Sprint(k) {
		t.Errorf("selected object %q after a finger on object %d", sel, k)
	}
	moved := sceneOnPage(t, b).Scene.Images[0][k].Box
	// The same size, to the link's 6 significant digits.
	if !(moved.X0 > before.X0+1 && moved.Y0 > before.Y0+1) || math.Abs((moved.X1-moved.X0)-(before.X1-before.X0)) > 0.01 {
		t.Errorf("finger move: box %+v → %+v, want it moved right and down at the same size", before, moved)
	}

	// Resize: the finger on the top-left corner, 5 map pixels up and left.
	a = sceneOnPage(t, b)
	e := a.Frame().Objects[k].Exact[loss.TopLeft]
	x0, y0 = mapPoint(b, viz.PanelTarget, e[0], e[1])
	x1, y1 = mapPoint(b, viz.PanelTarget, e[0]-5, e[1]-5)
	hash = eval[string](b, `location.hash`)
	b.fingerDrag(x0, y0, x1, y1)
	b.waitHashChange(hash)
	resized := sceneOnPage(t, b).Scene.Images[0][k].Box
	if !(resized.X0 < moved.X0-1 && resized.Y0 < moved.Y0-1) || resized.X1 != moved.X1 || resized.Y1 != moved.Y1 {
		t.Errorf("finger resize: box %+v → %+v, want the top-left corner up and left, the other fixed", moved, resized)
	}

	// Embedding: find object k's top-left marker on the embedding panel
	// (where the page's own hit test finds it) and drag it 40 px right.
	a = sceneOnPage(t, b)
	tagBefore := a.Scene.Images[0][k].Tag[loss.TopLeft]
	r := a.Grid()[viz.PanelEmbedding]
	found := image.Point{-1, -1}
	for y := r.Min.Y; y < r.Max.Y && found.X < 0; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if o, c, _, ok := viz.EmbeddingAt(r, a.Frame(), image.Pt(x, y)); ok && o == k && c == loss.TopLeft {
				found = image.Pt(x, y)
				break
			}
		}
	}
	if found.X < 0 {
		t.Fatalf("object %d's tl marker is not on the embedding panel", k)
	}
	top := eval[float64](b, `document.querySelector("canvas").getBoundingClientRect().top`)
	ex, ey := canvasLeft(b)+float64(found.X)+2, top+float64(found.Y)+1
	hash = eval[string](b, `location.hash`)
	b.fingerDrag(ex, ey, ex+40, ey)
	b.waitHashChange(hash)
	if tag := sceneOnPage(t, b).Scene.Images[0][k].Tag[loss.TopLeft]; !(tag > tagBefore) {
		t.Errorf("finger on the embedding marker: tl tag %v → %v, want it larger", tagBefore, tag)
	}

	// A tap on a background pixel of the focal map shows its values, and
	// they stay once the finger is lifted.
	hx, hy := mapPoint(b, viz.PanelFocal, 100.5, 60.5)
	b.touch(input.DispatchTouchEventTypeTouchStart, hx, hy)
	b.touch(input.DispatchTouchEventTypeTouchEnd, hx, hy)
	b.waitFor(`!document.getElementById("hover").hidden && document.getElementById("hover").textContent.includes("x 100  y 60")`, 10*time.Second)
	b.settle()
	if text := eval[string](b, `document.getElementById("hover").textContent`); !strings.Contains(text, "dL/dlogit") {
		t.Errorf("tap: hover box %q", text)
	}
	b.screenshot("touch-1024x768")
	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
}
