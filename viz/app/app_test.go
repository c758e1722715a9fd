package app

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/json"
	"image"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/dump"
	"github.com/cornerloss/cornerloss/loss/golden"
	"github.com/cornerloss/cornerloss/viz"
)

func TestDefaultScene(t *testing.T) {
	a := New()
	if a.Scene == nil || a.Result() == nil || a.Frame() == nil {
		t.Fatal("the default scene did not build")
	}
	if l := a.Result().Loss; !(l > 0) || math.IsInf(l, 0) {
		t.Fatalf("loss %v", l)
	}
	if a.URLState() == "" {
		t.Error("a scene must have a link state")
	}
}

// TestControlsRoundTrip: every control accepts the value it shows, and
// refuses values outside its range without changing anything.
func TestControlsRoundTrip(t *testing.T) {
	a := New()
	a.Select(0)
	for _, c := range Controls() {
		if c.Kind == Button || c.Enabled != nil && !c.Enabled(a) { // chunk: TestChunks
			continue
		}
		before := a.Result().Loss
		v := c.Get(a)
		if err := a.Apply(c.ID, v); err != nil {
			t.Errorf("%s: applying its own value %q: %v", c.ID, v, err)
		}
		if got := a.Result().Loss; got != before {
			t.Errorf("%s: re-applying %q changed the loss %v → %v", c.ID, v, before, got)
		}
		if c.Kind == Number || c.Kind == Range {
			for _, bad := range []string{"abc", "NaN", formatValue(c.Max + 1e6), formatValue(c.Min - 1e6)} {
				if err := a.Apply(c.ID, bad); err == nil {
					t.Errorf("%s: accepted %q", c.ID, bad)
				}
				if got := a.Result().Loss; got != before {
					t.Errorf("%s: refused %q but the loss changed", c.ID, bad)
				}
			}
		}
	}
	if err := a.Apply("no-such-control", "1"); err == nil {
		t.Error("an unknown control was accepted")
	}
}

func TestWeightControls(t *testing.T) {
	a := New()
	pull, total := a.Result().Weighted.Pull, a.Result().Loss
	if err := a.Apply("pull-weight", "1"); err != nil {
		t.Fatal(err)
	}
	if got := a.Result().Weighted.Pull; !golden.Close(got, 10*pull) {
		t.Errorf("pull %v at weight 1, want %v", got, 10*pull)
	}
	if got := a.Result().Loss; !golden.Close(got, total+9*pull) {
		t.Errorf("total %v, want %v", got, total+9*pull)
	}
	if err := a.Apply("convention", "mmdet"); err != nil || a.Options.Convention != loss.MMDet {
		t.Errorf("convention: %v, %v", err, a.Options.Convention)
	}
	if err := a.Apply("convention", "pytorch"); err == nil {
		t.Error("an unknown convention was accepted")
	}
}

// targetPanel returns a new app on a 1600×900 canvas viewing corner c of
// object 0's class, object 0, and where a point of the target map is on
// the canvas.
func targetPanel(c loss.Corner) (*App, viz.Object, func(x, y float64) image.Point) {
	a := New()
	a.SetCanvas(image.Pt(1600, 900))
	o := a.objects()[0]
	a.SetView(View{Class: o.Class, Corner: c})
	r, zoom := viz.MapRect(a.Grid()[viz.PanelTarget], a.in.Height, a.in.Width)
	return a, o, func(x, y float64) image.Point {
		return image.Pt(r.Min.X+int(x*float64(zoom)), r.Min.Y+int(y*float64(zoom)))
	}
}

// TestDragHeldAtMinimumSize: a corner dragged past the other one stops at
// the smallest box; holding it there (the page moves the pointer to the
// same place every frame) changes nothing, so nothing is redrawn and the
// sparkline does not fill with repeats.
func TestDragHeldAtMinimumSize(t *testing.T) {
	a, o, at := targetPanel(loss.BottomRight)
	e := o.Exact[loss.BottomRight]
	a.PointerDown(at(e[0], e[1]))
	if !a.Dragging() {
		t.Fatal("pressing on the corner started no drag")
	}
	tl := o.Exact[loss.TopLeft]
	if err := a.PointerMove(at(tl[0]-5, tl[1]-5)); err != nil { // past the top-left corner
		t.Fatal(err)
	}
	v, n := a.Version(), len(a.History())
	for i := range 5 {
		if err := a.PointerMove(at(tl[0]-5-float64(i), tl[1]-5)); err != nil {
			t.Fatal(err)
		}
	}
	if a.Version() != v || len(a.History()) != n {
		t.Errorf("holding the drag at the smallest box: version %d→%d, history %d→%d", v, a.Version(), n, len(a.History()))
	}
	a.PointerUp()
}

// TestDragCorner drags the top-left corner of object 0 on the target panel
// and checks that its targets moved with it.
func TestDragCorner(t *testing.T) {
	a, o, at := targetPanel(loss.TopLeft)
	e := o.Exact[loss.TopLeft]
	a.PointerDown(at(e[0], e[1]))
	if a.Selected != 0 || !a.Dragging() {
		t.Fatalf("pressing on the corner selected %d (dragging %v)", a.Selected, a.Dragging())
	}
	if err := a.PointerMove(at(e[0]+10.5, e[1]+6.5)); err != nil {
		t.Fatal(err)
	}
	a.PointerUp()
	moved := a.objects()[0]
	want := image.Pt(o.Corner[loss.TopLeft].X+10, o.Corner[loss.TopLeft].Y+6)
	if got := moved.Corner[loss.TopLeft]; got != want {
		t.Errorf("corner at %v after the drag, want %v", got, want)
	}
	sh := a.in.Shape
	if y := a.in.GTHeat[loss.TopLeft][sh.TargetIndex(0, o.Class, want.Y, want.X)]; y != 1 {
		t.Errorf("target at the new corner %v, want 1", y)
	}
	if got := a.in.Inds[loss.TopLeft][0]; got != int64(want.Y*sh.Width+want.X) {
		t.Errorf("tl_inds[0] %d, want %d", got, want.Y*sh.Width+want.X)
	}
	// The bottom-right corner did not move.
	if moved.Corner[loss.BottomRight] != o.Corner[loss.BottomRight] {
		t.Errorf("br corner moved from %v to %v", o.Corner[loss.BottomRight], moved.Corner[loss.BottomRight])
	}
}

func TestAddDeleteObject(t *testing.T) {
	a := New()
	n := len(a.Scene.Images[0])
	if err := a.AddObject(); err != nil {
		t.Fatal(err)
	}
	if len(a.Scene.Images[0]) != n+1 || a.Selected != n || a.Result().Images[0].Objects != n+1 {
		t.Fatalf("after add: %d objects, selected %d", len(a.Scene.Images[0]), a.Selected)
	}
	if err := a.DeleteObject(0); err != nil {
		t.Fatal(err)
	}
	if len(a.Scene.Images[0]) != n || a.Result().Images[0].Objects != n {
		t.Fatalf("after delete: %d objects", len(a.Scene.Images[0]))
	}
	if err := a.DeleteObject(99); err == nil {
		t.Error("deleting a missing object succeeded")
	}
}

// TestURLRoundTrip: a link rebuilds the same scene, options and view.
func TestURLRoundTrip(t *testing.T) {
	a := New()
	a.Select(1)
	for id, v := range map[string]string{"push-weight": "0.5", "obj-peak": "0.33", "background": "-6", "blobs": "3", "corner": "br"} {
		if err := a.Apply(id, v); err != nil {
			t.Fatal(id, err)
		}
	}
	a.MoveCorner(1, loss.TopLeft, 70.3, 20.7)
	state := a.URLState()
	b := New()
	if err := b.RestoreURLState(state); err != nil {
		t.Fatal(err)
	}
	if !near(b.Result().Loss, a.Result().Loss, 1e-5) {
		t.Errorf("restored loss %v, original %v", b.Result().Loss, a.Result().Loss)
	}
	if b.View != a.View || b.Selected != a.Selected || b.Options != a.Options {
		t.Errorf("restored view %+v sel %d opts %+v, want %+v %d %+v", b.View, b.Selected, b.Options, a.View, a.Selected, a.Options)
	}
	if again := b.URLState(); again != state {
		t.Error("the state of a restored link differs from the link")
	}
}

// TestURLStateReusesCompressor: the link state from the compressor URLState
// keeps is the one a new compressor gives, call after call, and the reused
// compressor leaves little garbage.
func TestURLStateReusesCompressor(t *testing.T) {
	a := New()
	fresh := func() string {
		var buf bytes.Buffer
		zw, _ := flate.NewWriter(&buf, flate.BestCompression)
		zw.Write(a.urlJSON())
		zw.Close()
		return base64.RawURLEncoding.EncodeToString(buf.Bytes())
	}
	a.Select(0)
	for i, edit := range [][2]string{{"", ""}, {"push-weight", "0.5"}, {"obj-peak", "0.33"}, {"blobs", "3"}, {"", ""}, {"corner", "br"}} {
		if edit[0] != "" {
			if err := a.Apply(edit[0], edit[1]); err != nil {
				t.Fatal(err)
			}
		}
		if got, want := a.URLState(), fresh(); got != want {
			t.Errorf("call %d: %q, want %q", i, got, want)
		}
	}
	a.URLState()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	a.URLState()
	runtime.ReadMemStats(&after)
	if d := after.TotalAlloc - before.TotalAlloc; d > 64<<10 {
		t.Errorf("URLState allocated %d bytes", d)
	}
}

// TestURLRejectsHostileState: a malformed or oversized link changes nothing.
func TestURLRejectsHostileState(t *testing.T) {
	a := New()
	good := a.URLState()
	before := a.Result().Loss
	for name, s := range map[string]string{
		"garbage":   "!!!not base64!!!",
		"not flate": "AAAA",
		"too long":  strings.Repeat("A", maxURLLen+1),
		"truncated": good[:len(good)/2],
	} {
		if err := a.RestoreURLState(s); err == nil {
			t.Errorf("%s: accepted", name)
		}
		if a.Result().Loss != before {
			t.Errorf("%s: the scene changed", name)
		}
	}
	// Well-formed states asking for too much, or for numbers a float-to-int
	// conversion would turn into something else.
	for name, f := range map[string]func(u *urlState){
		"huge map": func(u *urlState) { u.Target[2], u.Target[3] = 100000, 100000 },
		"over budget": func(u *urlState) {
			u.Stacks, u.Target[4], u.Target[2], u.Target[3] = 4, 128, 512, 512
			u.Images = make([][][]float64, 8)
		},
		"huge radius": func(u *urlState) { u.Target[6] = 1e300 },
		"half radius": func(u *urlState) { u.Target[6] = 2.5 },
		"huge seed":   func(u *urlState) { u.Pred[3] = 1e300 },
		"minus seed":  func(u *urlState) { u.Pred[3] = -1 },
		"huge blur":   func(u *urlState) { u.Pred[2] = 1e9 },
		"huge class":  func(u *urlState) { u.Images[0][0][4] = 1e19 },
		"blob corner": func(u *urlState) { u.Blobs[0][0][0] = 1e300 },
		"many blobs":  func(u *urlState) { u.Blobs[0] = slices.Repeat(u.Blobs[0][:1], 65) },
		"zero peak":   func(u *urlState) { u.Images[0][0][5] = 0 },
	} {
		var u urlState
		if err := json.Unmarshal(a.urlJSON(), &u); err != nil {
			t.Fatal(err)
		}
		f(&u)
		err := a.RestoreURLState(encodeURLState(t, u))
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if a.Result().Loss != before || a.URLState() != good {
			t.Errorf("%s: the scene changed", name)
		}
		if name == "over budget" && !strings.Contains(err.Error(), "GiB, more than the 512 MiB a scene may use") {
			t.Errorf("over budget: message %q does not say what is too large", err)
		}
	}
}

// encodeURLState writes u as URLState does.
func encodeURLState(t *testing.T, u urlState) string {
	js, err := json.Marshal(u)
	if err != nil {
		t.Fatal(err)
	}
	return new(urlCompressor).encode(js, flate.BestCompression)
}

func TestLoadDump(t *testing.T) {
	c, err := golden.Load("small_two_images")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(c.NPZ())
	if err != nil {
		t.Fatal(err)
	}
	a := New()
	before := a.Result().Loss
	if err := a.LoadDump([]dump.File{{Name: "cut.npz", Data: data[:len(data)/2]}}, dump.Options{}); err == nil {
		t.Fatal("a truncated dump was accepted")
	}
	if a.Scene == nil || a.Result().Loss != before {
		t.Fatal("a failed upload changed what is shown")
	}
	if !strings.Contains(a.Status(), "cut.npz") {
		t.Errorf("status %q does not name the file", a.Status())
	}
	if err := a.LoadDump([]dump.File{{Name: "small_two_images.npz", Data: data}}, dump.Options{}); err != nil {
		t.Fatal(err)
	}
	if !golden.Close(a.Result().Loss, c.Loss) {
		t.Errorf("dump loss %v, reference %v", a.Result().Loss, c.Loss)
	}
	if a.URLState() != "" {
		t.Error("a dump cannot travel in a link")
	}
	if err := a.MoveBox(0, 1, 1); err == nil {
		t.Error("a dump was edited like a scene")
	}
	// The view clamps to the dump's shape.
	a.SetView(View{Stack: 9, Image: 9, Class: 99})
	if v := a.View; v.Stack != 0 || v.Image != 1 || v.Class != 2 {
		t.Errorf("view %+v not clamped to S=1 B=2 C=3", v)
	}
}

func TestKeys(t *testing.T) {
	a := New()
	a.SetView(View{Class: 0})
	steps := []struct {
		key  string
		want func(*App) bool
	}{
		{"ArrowRight", func(a *App) bool { return a.View.Class == 1 }},
		{"ArrowLeft", func(a *App) bool { return a.View.Class == 0 }},
		{"ArrowLeft", func(a *App) bool { return a.View.Class == -1 }},
		{"ArrowLeft", func(a *App) bool { return a.View.Class == 2 }},
		{"a", func(a *App) bool { return a.View.Class == -1 }},
		{"c", func(a *App) bool { return a.View.Corner == loss.BottomRight }},
		{"s", func(a *App) bool { return a.View.Stack == 1 }},
		{"ArrowDown", func(a *App) bool { return a.View.Image == 1 }},
		{"Tab", func(a *App) bool { return a.Selected == 0 }},
		{"Escape", func(a *App) bool { return a.Selected == -1 }},
	}
	for i, s := range steps {
		if _, ok, err := a.Key(s.key); !ok || err != nil {
			t.Fatalf("step %d %s: handled %v, %v", i, s.key, ok, err)
		}
		if !s.want(a) {
			t.Fatalf("step %d %s: view %+v selected %d", i, s.key, a.View, a.Selected)
		}
	}
	if act, _, _ := a.Key("e"); act != ActionExport {
		t.Error("e does not export")
	}
	if _, ok, _ := a.Key("z"); ok {
		t.Error("an unbound key was handled")
	}
}

// TestHover: the hover reports the frame's own values at the pixel.
func TestHover(t *testing.T) {
	a := New()
	a.SetCanvas(image.Pt(1600, 900))
	r, zoom := viz.MapRect(a.Grid()[viz.PanelFocal], a.in.Height, a.in.Width)
	x, y := 17, 33
	if err := a.PointerMove(image.Pt(r.Min.X+x*zoom+1, r.Min.Y+y*zoom+1)); err != nil {
		t.Fatal(err)
	}
	h := a.Hover()
	if h == nil || h.X != x || h.Y != y || h.Panel != viz.PanelFocal {
		t.Fatalf("hover %+v, want pixel (%d, %d) of the focal panel", h, x, y)
	}
	m := a.Frame().Maps
	i := y*m.Width + x
	if h.Prob != m.Prob[i] || h.Neg != m.Neg[i] || h.Grad != m.Grad[i] || h.Target != m.Target[i] {
		t.Errorf("hover %+v differs from the maps at %d", h, i)
	}
	if s := h.String(); !strings.Contains(s, "dL/dlogit") {
		t.Errorf("hover text %q", s)
	}
	a.PointerMove(image.Pt(-5, -5))
	if a.Hover() != nil {
		t.Error("the hover stays off the maps")
	}
}

func near(a, b, rel float64) bool { return math.Abs(a-b) <= rel*math.Abs(b) }

// TestIncrementalEqualsFull drives the app through a long random sequence of
// the edits the page makes (drags, resizes, adds, deletes, peaks, tags,
// offsets, false positives, weights, α, β), each recomputing only what it
// touched, and checks after every edit that the totals equal a full build
// and evaluation of the same scene: bit for bit until α changes, whose
// background sums come from binned moments (1e-11 by construction), within
// 1e-10 after.
func TestIncrementalEqualsFull(t *testing.T) {
	a := New()
	rng := rand.New(rand.NewPCG(11, 12))
	alphaChanged := false
	for step := range 300 {
		var err error
		k := rng.IntN(max(1, len(a.Scene.Images[a.View.Image])))
		switch rng.IntN(10) {
		case 0, 1:
			err = a.MoveCorner(k, loss.Corners[rng.IntN(2)], rng.Float64()*127, rng.Float64()*127)
		case 2:
			err = a.MoveBox(k, rng.Float64()*20-10, rng.Float64()*20-10)
		case 3:
			if len(a.Scene.Images[a.View.Image]) < 12 {
				err = a.AddObject()
			}
		case 4:
			if len(a.Scene.Images[a.View.Image]) > 1 {
				err = a.DeleteObject(k)
			}
		case 5:
			a.Select(k)
			id := []string{"obj-peak", "obj-shift-x", "obj-tag-tl", "obj-tag-br", "obj-off-br-y", "obj-class"}[rng.IntN(6)]
			v := map[string]string{"obj-peak": "0.3", "obj-shift-x": "2", "obj-tag-tl": "-1.5", "obj-tag-br": "0.25", "obj-off-br-y": "0.9", "obj-class": "2"}[id]
			err = a.Apply(id, v)
		case 6:
			err = a.Apply("blobs", strconv.Itoa(rng.IntN(5)))
		case 7:
			err = a.Apply([]string{"pull-weight", "push-weight", "regr-weight"}[rng.IntN(3)], strconv.FormatFloat(rng.Float64()*2, 'g', 6, 64))
		case 8:
			err = a.Apply([]string{"alpha", "beta"}[rng.IntN(2)], []string{"2", "4", "1.5", "3"}[rng.IntN(4)])
		case 9:
			a.SetView(View{Image: rng.IntN(2), Class: rng.IntN(4) - 1, Corner: loss.Corners[rng.IntN(2)], Stack: rng.IntN(2)})
		}
		if err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
		in, _, err := a.Scene.Build()
		if err != nil {
			t.Fatal(err)
		}
		want, err := loss.Evaluate(in, a.Options)
		if err != nil {
			t.Fatal(err)
		}
		got := a.Result()
		if a.Options.Alpha != 2 {
			alphaChanged = true
		}
		same := got.Loss == want.Loss && got.Weighted == want.Weighted
		if alphaChanged {
			same = near(got.Loss, want.Loss, 1e-10) && near(got.Weighted.Focal(), want.Weighted.Focal(), 1e-10) &&
				got.Weighted.Pull == want.Weighted.Pull && got.Weighted.Push == want.Weighted.Push && got.Weighted.Regr() == want.Weighted.Regr()
		}
		if !same {
			t.Fatalf("step %d: incremental %v %+v, full %v %+v", step, got.Loss, got.Weighted, want.Loss, want.Weighted)
		}
	}
}

// TestDragTag drags object 1's top-left tag along the embedding panel's
// number line: the tag follows the pointer and the pull changes.
func TestDragTag(t *testing.T) {
	a := New()
	a.SetCanvas(image.Pt(1600, 900))
	r := a.Grid()[viz.PanelEmbedding]
	before := a.Scene.Images[0][1].Tag[loss.TopLeft]
	pull := a.Result().Weighted.Pull
	var grab image.Point
	found := false
	for y := r.Min.Y; y < r.Max.Y && !found; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if k, c, _, ok := viz.EmbeddingAt(r, a.Frame(), image.Pt(x, y)); ok && k == 1 && c == loss.TopLeft {
				grab, found = image.Pt(x, y), true
				break
			}
		}
	}
	if !found {
		t.Fatal("no tl marker of object 1 on the embedding panel")
	}
	a.PointerDown(grab)
	if a.Selected != 1 || !a.Dragging() {
		t.Fatalf("grabbing the marker selected %d (dragging %v)", a.Selected, a.Dragging())
	}
	if err := a.PointerMove(grab.Add(image.Pt(40, 0))); err != nil {
		t.Fatal(err)
	}
	a.PointerUp()
	after := a.Scene.Images[0][1].Tag[loss.TopLeft]
	if !(after > before) {
		t.Errorf("tag %v after dragging right, was %v", after, before)
	}
	if a.Result().Weighted.Pull == pull {
		t.Error("pull did not change")
	}
}

// TestLayoutFollowsMapSize: a dump with smaller maps gets a layout with a
// larger zoom, so its maps fill their panels.
func TestLayoutFollowsMapSize(t *testing.T) {
	a := New()
	a.SetCanvas(image.Pt(1600, 900))
	_, before := viz.MapRect(a.Grid()[viz.PanelTarget], a.in.Height, a.in.Width)
	c, _ := golden.Load("small_two_images")
	data, err := os.ReadFile(c.NPZ())
	if err != nil {
		t.Fatal(err)
	}
	if err := a.LoadDump([]dump.File{{Name: "x.npz", Data: data}}, dump.Options{}); err != nil {
		t.Fatal(err)
	}
	_, after := viz.MapRect(a.Grid()[viz.PanelTarget], a.in.Height, a.in.Width)
	if after <= before {
		t.Errorf("zoom %d for the 32×32 dump, %d for the 128×128 scene", after, before)
	}
}

// TestKeptMapsRenderAsFresh: edits that leave the viewed plane's pixels as
// they were (weights, tags, offsets, boxes of other classes) keep the
// frame's maps; after each, and after the edits that do not, the page
// renders byte for byte what a frame built afresh for the same state does.
func TestKeptMapsRenderAsFresh(t *testing.T) {
	a := New()
	size := image.Pt(1600, 900)
	check := func(what string) {
		t.Helper()
		v := a.View
		fresh := viz.NewFrame(a.Result(), v.Stack, v.Image, v.Class, v.Corner, a.objects())
		fresh.Selected = a.Selected
		if !equalRender(viz.Render(a.Frame(), size), viz.Render(fresh, size)) {
			t.Errorf("after %s the frame renders differently from a fresh one", what)
		}
	}
	// kept marks the maps' Σ pos, which only a recomputation of the maps
	// overwrites, runs the edit, checks whether the mark survived and puts
	// the value back.
	kept := func(want bool, what string, edit func() error) {
		t.Helper()
		m := a.Frame().Maps
		posSum := m.PosSum
		m.PosSum = -1
		version, n := a.Version(), len(a.History())
		if err := edit(); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if got := a.Frame().Maps == m && m.PosSum == -1; got != want {
			t.Errorf("%s: maps kept %v, want %v", what, got, want)
		} else if got {
			m.PosSum = posSum
		}
		if a.Version() == version || len(a.History()) != min(n+1, historyLen) {
			t.Errorf("%s: version %d → %d, history %d → %d", what, version, a.Version(), n, len(a.History()))
		}
		check(what)
	}
	apply := func(want bool, id, v string) {
		t.Helper()
		kept(want, id+" = "+v, func() error { return a.Apply(id, v) })
	}
	a.SetView(View{Class: 1})
	a.Select(1)
	apply(true, "pull-weight", "0.7")
	apply(true, "push-weight", "2.5")
	apply(true, "regr-weight", "0.3")
	apply(true, "obj-tag-tl", "-0.8")
	apply(true, "obj-tag-br", "3")
	apply(true, "obj-off-tl-x", "1.2")
	// Object 3 is of class 2, object 1 of the viewed class 1.
	kept(true, "moving a box of another class", func() error { return a.MoveBox(3, 5, -4) })
	kept(false, "moving a box of the viewed class", func() error { return a.MoveBox(1, 3, 2) })
	a.SetView(View{Class: -1, Corner: loss.BottomRight, Stack: 1})
	a.Select(0)
	apply(true, "push-weight", "0.05")
	apply(true, "obj-tag-br", "-2")
	apply(true, "obj-off-br-y", "0.1")
	apply(false, "alpha", "2.5")
	apply(false, "beta", "3")
	apply(false, "eps", "0.001")
	apply(false, "convention", "mmdet")
	apply(true, "pull-weight", "1")
	apply(true, "obj-tag-tl", "4")
	apply(true, "obj-tag-br", "-1.9") // object 0's mean meets object 2's: under mmdet, a new largest push
	apply(false, "obj-peak", "0.3")
}

func equalRender(a, b *image.RGBA) bool { return a.Rect == b.Rect && string(a.Pix) == string(b.Pix) }

// TestStatusShowsEveryWarning: a dump with several reader warnings (an
// array outside the schema, then heats that look like probabilities) has
// all of them in the status line, the probability one (the last) included.
func TestStatusShowsEveryWarning(t *testing.T) {
	c, err := golden.Load("small_two_images")
	if err != nil {
		t.Fatal(err)
	}
	orig, err := dump.ReadFile(c.NPZ(), dump.Options{})
	if err != nil {
		t.Fatal(err)
	}
	in := orig.Input
	for _, h := range in.Heat { // what _sigmoid leaves behind
		for i, x := range h {
			h[i] = float32(1 / (1 + math.Exp(-float64(x))))
		}
	}
	arrays := append(dump.Arrays(in), dump.Array{Name: "images", Shape: []int{1}, Data: []float32{0}})
	var buf bytes.Buffer
	if err := dump.WriteNPZ(&buf, arrays); err != nil {
		t.Fatal(err)
	}
	d, err := dump.ReadNPZ("after_loss.npz", buf.Bytes(), dump.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Warnings) < 2 {
		t.Fatalf("the reader gave %d warnings, want the extra array's and the probability one: %q", len(d.Warnings), d.Warnings)
	}
	a := New()
	if err := a.ShowDump("after_loss.npz", d); err != nil {
		t.Fatal(err)
	}
	for _, w := range d.Warnings {
		if !strings.Contains(a.Status(), w) {
			t.Errorf("status %q lacks the warning %q", a.Status(), w)
		}
	}
	for _, s := range []string{"images: not part of the schema", "_sigmoid"} {
		if !strings.Contains(a.Status(), s) {
			t.Errorf("status %q lacks %q", a.Status(), s)
		}
	}
}
