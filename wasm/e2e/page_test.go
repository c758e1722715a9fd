//go:build !js

package e2e

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"image"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/cornerloss/cornerloss/loss/golden"
)

// TestPageLoadsAndDraws: the default scene opens with no console error,
// shows numbers and draws a canvas that is not blank, and the page asks
// for nothing but its own files.
func TestPageLoadsAndDraws(t *testing.T) {
	b := newBrowser(t)
	var mu sync.Mutex
	var requests []string
	go func() {
		for ev, err := range chromedp.Events(b.ctx, network.RequestWillBeSent) {
			if err != nil {
				return
			}
			mu.Lock()
			requests = append(requests, ev.Request.URL)
			mu.Unlock()
		}
	}()
	b.open("")
	// The start-up marks (load_test.go's startupMarks), in order.
	marks := eval[[]float64](b, `["tWasmMs", "tMainMs", "tSceneMs", "tDomMs", "firstFrameMs"].map(k => +(document.body.dataset[k] || NaN))`)
	for i, m := range marks {
		if !(m > 0) || i > 0 && m < marks[i-1] {
			t.Errorf("start-up marks (wasm, main, scene, dom, first frame) %v: not positive and in order", marks)
			break
		}
	}
	// Chromium runs WebAssembly SIMD: the engine's rows take it.
	if simd := eval[string](b, `document.body.dataset.simd`); simd != "1" {
		t.Errorf("body[data-simd] %q: the engine's SIMD rows did not load in the page", simd)
	}
	total := b.value("loss-total")
	if !(total > 0) {
		t.Errorf("loss-total %v, want a positive number", total)
	}
	sum := b.value("loss-focal") + b.value("loss-pull") + b.value("loss-push") + b.value("loss-regr")
	if !golden.Close(sum, total) {
		t.Errorf("terms sum to %v, total %v", sum, total)
	}
	shot := b.screenshot("default-scene")
	if n := distinctColours(t, shot, image.Rect(400, 0, 1700, 1000)); n < 50 {
		t.Errorf("the canvas area has %d distinct colours: nothing drawn?", n)
	}
	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
	// compile.js compiles the module on a worker's thread; ?compile=page on
	// the page's, as before: the same page either way.
	if on := eval[string](b, `document.body.dataset.wasmCompiledOn`); on != "worker" {
		t.Errorf("body[data-wasm-compiled-on] %q, want worker", on)
	}
	b.open("?compile=page")
	if on := eval[string](b, `document.body.dataset.wasmCompiledOn`); on != "page" {
		t.Errorf("?compile=page: body[data-wasm-compiled-on] %q, want page", on)
	}
	if got := b.value("loss-total"); got != total {
		t.Errorf("?compile=page: loss-total %v, compiled on a worker %v", got, total)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, u := range requests {
		if !strings.HasPrefix(u, siteURL) && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "blob:") {
			t.Errorf("the page requested %s, outside its own site", u)
		}
	}
}

// TestGoldenUploads uploads every reference dump through #dump-input with
// its weights set and checks the totals against the reference.
func TestGoldenUploads(t *testing.T) {
	cases, err := golden.Cases()
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t)
	b.open("")
	for _, c := range cases {
		b.goldenWeights(c)
		b.upload(c.NPZ(), "ok")
		for _, x := range []struct {
			id   string
			want float64
		}{{"loss-total", c.Loss}, {"loss-focal", c.Focal}, {"loss-pull", c.Pull}, {"loss-push", c.Push}, {"loss-regr", c.Regr}} {
			if got := b.value(x.id); !golden.Close(got, x.want) {
				t.Errorf("%s: #%s = %.10g, reference %.10g", c.Name, x.id, got, x.want)
			}
		}
	}
	b.screenshot("golden-" + cases[len(cases)-1].Name)
	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
}

// goldenWeights sets the page's weights to the golden case's.
func (b *browser) goldenWeights(c golden.Case) {
	b.t.Helper()
	b.setNumber("pull-weight", c.Weights.Pull)
	b.setNumber("push-weight", c.Weights.Push)
	b.setNumber("regr-weight", c.Weights.Regr)
}

// TestSameFilePickedTwice: a file picked, rewritten on disk (a new training
// step dumped under the same name) and picked again is read again: the
// totals are the new step's.
func TestSameFilePickedTwice(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "step.npz")
	b := newBrowser(t)
	b.open("")
	for _, name := range []string{"small_two_images", "empty_image_in_batch"} {
		c, err := golden.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(c.NPZ())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		b.goldenWeights(c)
		b.upload(path, "ok")
		if got := b.value("loss-total"); !golden.Close(got, c.Loss) {
			t.Errorf("step.npz holding %s: total %.10g, reference %.10g", name, got, c.Loss)
		}
	}
}

// TestStoppedRuntimeShowsBanner: when the Go runtime stops (here through
// the debug=1 hook, which panics outside any recovery), the page says so
// and offers a reload.
func TestStoppedRuntimeShowsBanner(t *testing.T) {
	b := newBrowser(t)
	b.open("?debug=1")
	if eval[bool](b, `!document.getElementById("banner").hidden`) {
		t.Fatal("the banner shows on a working page")
	}
	// The call itself fails (the runtime dies under it): only the page's
	// reaction matters.
	chromedp.Do(b.ctx, chromedp.Evaluate[chromedp.Void](`window.cornerlossStop()`))
	b.waitFor(`document.body.dataset.stopped === "1"`, 20*time.Second)
	visible := eval[bool](b, `(() => { const e = document.getElementById("banner");
		const r = e.getBoundingClientRect();
		return !e.hidden && getComputedStyle(e).display !== "none" && r.width > 0 && r.height > 0
			&& /Reload/.test(e.textContent); })()`)
	if !visible {
		t.Error("the runtime stopped but the reload banner is not visible")
	}
	b.screenshot("stopped")
}

// TestBadUploadKeepsPage: a bad file sets data-state=error with a message
// naming the problem, leaves the previous numbers, and a good file
// afterwards works.
func TestBadUploadKeepsPage(t *testing.T) {
	good, err := golden.Load("small_two_images")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(good.NPZ())
	if err != nil {
		t.Fatal(err)
	}
	bad := map[string][]byte{
		"truncated.npz": src[:len(src)/2],
		"garbage.npz":   []byte("not a zip"),
		// A header claiming terabytes, and a pickled object array, in place
		// of tl_heats.
		"terabytes.npz": replaceEntry(t, src, "tl_heats.npy", npyHeader("<f4", "(1000000, 1000000, 1000)")),
		"pickled.npz":   replaceEntry(t, src, "tl_heats.npy", append(npyHeader("|O", "(2,)"), "\x80\x04\x95cos\nsystem\n."...)),
		// A byte of tl_heats's deflated data changed: the CRC says so.
		"corrupt.npz": corruptEntry(t, src, "tl_heats.npy"),
		// tl_heats inflating to 64 MB more than its declared size (a zip
		// bomb, in small): refused at the declared size.
		"bomb.npz": bombEntry(t, src, "tl_heats.npy", 64<<20),
	}
	// inflate-worker.js inflates, or the page's thread (?inflate=page):
	// the same messages.
	for _, query := range []string{"", "?inflate=page"} {
		badUploads(t, query, good, bad)
	}
}

// badUploads opens the page at query, picks each bad file, then a good one.
func badUploads(t *testing.T, query string, good golden.Case, bad map[string][]byte) {
	dir := t.TempDir()
	b := newBrowser(t)
	b.open(query)
	before := b.value("loss-total")
	for name, data := range bad {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		b.upload(p, "error")
		status := eval[string](b, `document.getElementById("status").textContent`)
		if !strings.Contains(status, name) {
			t.Errorf("%s: status %q does not name the file", name, status)
		}
		if !strings.HasPrefix(name, "truncated") && !strings.HasPrefix(name, "garbage") {
			if !strings.Contains(status, "tl_heats") {
				t.Errorf("%s: status %q does not name the array", name, status)
			}
		}
		t.Logf("%s: %s", name, status)
		if got := b.value("loss-total"); got != before {
			t.Errorf("%s: total changed from %v to %v after a failed upload", name, before, got)
		}
	}
	if query == "" {
		b.screenshot("bad-upload")
	}
	b.setNumber("pull-weight", good.Weights.Pull)
	b.upload(good.NPZ(), "ok")
	if got := b.value("loss-total"); !golden.Close(got, good.Loss) {
		t.Errorf("after the bad files: total %v, reference %v", got, good.Loss)
	}
}

// TestEditingAWeightChangesTotals: changing #pull-weight rescales pull and
// the total follows.
func TestEditingAWeightChangesTotals(t *testing.T) {
	b := newBrowser(t)
	b.open("")
	pull, total := b.value("loss-pull"), b.value("loss-total")
	b.setNumber("pull-weight", 1) // from 0.1
	b.waitFor(fmt.Sprintf(`Number(document.getElementById("loss-total").dataset.value) !== %v`, total), 10*time.Second)
	if got := b.value("loss-pull"); !golden.Close(got, 10*pull) {
		t.Errorf("pull %v at weight 1, want 10 × %v", got, pull)
	}
	if got, want := b.value("loss-total"), total+9*pull; !golden.Close(got, want) {
		t.Errorf("total %v, want %v", got, want)
	}
	// Switching the convention recomputes everything; mmdet sums the two
	// stacks of the default scene where the reference averages them.
	before := b.value("loss-total")
	b.setSelect("convention", "mmdet")
	b.waitFor(fmt.Sprintf(`Number(document.getElementById("loss-total").dataset.value) !== %v`, before), 10*time.Second)
	// (Not exactly twice: mmdet divides by N, the reference by N + 1e-4.)
	if got := b.value("loss-pull"); math.Abs(got-2*10*pull) > 1e-3*got {
		t.Errorf("mmdet pull %v, want about twice the reference's %v (stacks summed)", got, 10*pull)
	}
}

// replaceEntry rewrites an npz with one entry's bytes replaced.
func replaceEntry(t *testing.T, src []byte, name string, data []byte) []byte {
	t.Helper()
	return rewriteEntry(t, src, name, func(zw *zip.Writer, f *zip.File) {
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	})
}

// rewriteEntry copies an npz, entry name written by write instead.
func rewriteEntry(t *testing.T, src []byte, name string, write func(zw *zip.Writer, f *zip.File)) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(src), int64(len(src)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if f.Name == name {
			write(zw, f)
		} else if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// corruptEntry returns a copy of an npz with one byte in the middle of an
// entry's stored data inverted.
func corruptEntry(t *testing.T, src []byte, name string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(src), int64(len(src)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name != name {
			continue
		}
		off, err := f.DataOffset()
		if err != nil {
			t.Fatal(err)
		}
		out := bytes.Clone(src)
		out[off+int64(f.CompressedSize64)/2] ^= 0xff
		return out
	}
	t.Fatalf("no %s", name)
	return nil
}

// bombEntry returns a copy of an npz whose entry name inflates to extra
// bytes more than it declares (its size and CRC are those of its data).
func bombEntry(t *testing.T, src []byte, name string, extra int) []byte {
	t.Helper()
	return rewriteEntry(t, src, name, func(zw *zip.Writer, f *zip.File) {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		var deflated bytes.Buffer
		fw, _ := flate.NewWriter(&deflated, flate.BestSpeed)
		fw.Write(data)
		fw.Write(make([]byte, extra))
		fw.Close()
		h := f.FileHeader
		h.CompressedSize64 = uint64(deflated.Len())
		w, err := zw.CreateRaw(&h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(deflated.Bytes())
	})
}

// npyHeader returns a version 1 .npy header for descr and shape.
func npyHeader(descr, shape string) []byte {
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, shape)
	for (10+len(dict)+1)%64 != 0 {
		dict += " "
	}
	dict += "\n"
	h := []byte("\x93NUMPY\x01\x00")
	h = append(h, byte(len(dict)), byte(len(dict)>>8))
	return append(h, dict...)
}

// exec runs a JS statement in the page.
func (b *browser) exec(js string) {
	b.t.Helper()
	b.do(chromedp.Evaluate[chromedp.Void](js))
}

// value reads a total's full-precision data-value.
func (b *browser) value(id string) float64 {
	b.t.Helper()
	s := eval[string](b, `document.getElementById("`+id+`").dataset.value`)
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		b.t.Fatalf("#%s data-value %q: %v", id, s, err)
	}
	return v
}

// setNumber types a value into a number input and fires change, as a
// person leaving the field does, then waits until the page applied it.
func (b *browser) setNumber(id string, v float64) {
	b.t.Helper()
	s := strconv.FormatFloat(v, 'g', -1, 64)
	b.do(chromedp.Evaluate[chromedp.Void](`(() => { const e = document.getElementById("` + id + `");
		e.value = "` + s + `"; e.dispatchEvent(new Event("change", {bubbles: true})); })()`))
	b.settle()
}

func (b *browser) setSelect(id, v string) {
	b.t.Helper()
	b.do(chromedp.Evaluate[chromedp.Void](`(() => { const e = document.getElementById("` + id + `");
		e.value = "` + v + `"; e.dispatchEvent(new Event("change", {bubbles: true})); })()`))
	b.settle()
}

// settle waits for two animation frames: the page applies queued events in
// its next update.
func (b *browser) settle() {
	b.t.Helper()
	b.do(chromedp.Evaluate[chromedp.Void](`new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))`, chromedp.EvalAsValue, chromedp.EvalAwaitPromise))
}

// upload gives path to #dump-input and waits for the page to report state.
func (b *browser) upload(path, state string) {
	b.t.Helper()
	name := filepath.Base(path)
	b.do(chromedp.Evaluate[chromedp.Void](`document.body.dataset.dump = ""; document.body.dataset.state = ""`))
	b.do(chromedp.SetUploadFiles(chromedp.CSS("#dump-input"), []string{path}))
	b.waitFor(`document.body.dataset.dump === "`+name+`" && document.body.dataset.state !== ""`, 60*time.Second)
	if got := eval[string](b, `document.body.dataset.state`); got != state {
		status := eval[string](b, `document.getElementById("status").textContent`)
		b.t.Fatalf("%s: data-state %q, want %q (status %q)", name, got, state, status)
	}
	b.settle()
}

// readPNG reads a screenshot.
func readPNG(t *testing.T, path string) image.Image {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// distinctColours counts the colours of a screenshot inside r.
func distinctColours(t *testing.T, shot string, r image.Rectangle) int {
	img := readPNG(t, shot)
	seen := map[[3]uint32]bool{}
	r = r.Intersect(img.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y += 3 {
		for x := r.Min.X; x < r.Max.X; x += 3 {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			seen[[3]uint32{cr >> 8, cg >> 8, cb >> 8}] = true
		}
	}
	return len(seen)
}

// TestIdleFramesDrawNothing: once the page has drawn, frames with no change
// draw nothing (the page counts the frames that did draw). Idle starts once
// the step workers, started after the first frame, have taken the step and
// answered (their first answer is shown, a draw).
// TestUploadWarmUp: once settled, the page runs a dump of its own through
// the upload's path and a run's worker (wasm/warm.go) and nothing a person
// sees changes: totals, status, link, canvas; its memory grows little; and
// an upload after it reads as before.
func TestUploadWarmUp(t *testing.T) {
	b := newBrowser(t)
	b.open("")
	snapshot := `JSON.stringify([document.getElementById("loss-total").dataset.value,
		document.getElementById("status").textContent, location.href,
		document.body.dataset.draws, document.body.dataset.dump || ""])`
	before := eval[string](b, snapshot)
	if w := eval[string](b, `document.body.dataset.uploadWarm || ""`); w != "" {
		t.Fatalf("warmed before the page settled: %q", w)
	}
	b.waitFor(warmedUp, time.Minute)
	if w := eval[[]string](b, `[document.body.dataset.uploadWarm, document.body.dataset.runWarm]`); w[0] != "1" || w[1] != "1" {
		t.Fatalf("data-upload-warm, data-run-warm = %q, want 1 and 1", w)
	}
	// What the page keeps of it: the memory it grew to (wasm memory does
	// not shrink). A warm-up written with a compressor per entry and a
	// scratch App alive throughout grew it by 24 MB.
	if grew := eval[float64](b, `+document.body.dataset.uploadWarmGrowth`); !(grew <= 12e6) {
		t.Errorf("the warm-up grew the page's memory by %.1f MB", grew/1e6)
	}
	if after := eval[string](b, snapshot); after != before {
		t.Errorf("the warm-up changed the page: %s, then %s", before, after)
	}
	cases, err := golden.Cases()
	if err != nil {
		t.Fatal(err)
	}
	c := cases[len(cases)-1]
	b.goldenWeights(c)
	b.upload(c.NPZ(), "ok")
	if got := b.value("loss-total"); !golden.Close(got, c.Loss) {
		t.Errorf("after the warm-up, %s: total %.10g, reference %.10g", c.Name, got, c.Loss)
	}
	// A run now starts its workers on the module the warm-up compiled.
	b.sampleRun()
	if m := eval[string](b, `document.body.dataset.runModule`); m != "page" {
		t.Errorf("a run after the warm-up: data-run-module %q, want page", m)
	}
	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
}

func TestIdleFramesDrawNothing(t *testing.T) {
	b := newBrowser(t)
	b.open("")
	b.waitFor(`document.body.dataset.stepWorkers !== undefined && document.body.dataset.stepPending !== "1"`, 30*time.Second)
	time.Sleep(300 * time.Millisecond)
	before := eval[string](b, `document.body.dataset.draws`)
	time.Sleep(700 * time.Millisecond) // some 40 frames
	if after := eval[string](b, `document.body.dataset.draws`); after != before {
		t.Errorf("idle frames drew: %s draws, then %s", before, after)
	}
	b.setNumber("pull-weight", 0.5)
	b.waitFor(`document.body.dataset.draws !== "`+before+`"`, 5*time.Second)
}

// TestSIMDRowsOff: ?simd=off leaves the engine's SIMD rows out, in the page
// and its workers, and the default scene's terms are the same to the bit
// (data-value holds each number as Go prints it, shortest round-trip).
func TestSIMDRowsOff(t *testing.T) {
	terms := `["total", "focal", "pull", "push", "regr"].map(k => document.getElementById("loss-" + k).dataset.value).join(" ")`
	b := newBrowser(t)
	b.open("")
	simd := eval[string](b, terms)
	if got := eval[string](b, `document.body.dataset.simd`); got != "1" {
		t.Fatalf("body[data-simd] %q without ?simd=off", got)
	}
	b.open("?simd=off")
	if got := eval[string](b, `document.body.dataset.simd`); got != "0" {
		t.Fatalf("body[data-simd] %q with ?simd=off", got)
	}
	if f := strings.Fields(simd); len(f) != 5 {
		t.Fatalf("the terms' data-value %q: want five numbers", simd)
	}
	if plain := eval[string](b, terms); plain != simd {
		t.Fatalf("terms with SIMD rows %q, without %q", simd, plain)
	}
}

// TestCompileWorkerFails serves the site with a compile-worker.js that
// throws: the page compiles its module on its own thread instead
// (compile.js) and shows the same scene.
func TestCompileWorkerFails(t *testing.T) {
	dir := filepath.Join(siteDir, "compile-worker-fails")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	files, err := os.ReadDir(siteDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f.IsDir() || f.Name() == "compile-worker.js" {
			continue
		}
		if err := os.Symlink(filepath.Join(siteDir, f.Name()), filepath.Join(dir, f.Name())); err != nil && !os.IsExist(err) {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "compile-worker.js"), []byte(`throw new Error("a compile worker that fails");`), 0o644); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t)
	b.open("")
	want := b.value("loss-total")
	b.open("compile-worker-fails/")
	if on := eval[string](b, `document.body.dataset.wasmCompiledOn`); on != "page" {
		t.Errorf("a failing compile worker: body[data-wasm-compiled-on] %q, want page", on)
	}
	if got := b.value("loss-total"); got != want {
		t.Errorf("a failing compile worker: loss-total %v, want %v", got, want)
	}
}
