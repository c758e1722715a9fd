//go:build !js

// Package e2e tests the page in a real headless Chromium: it builds the
// site, serves it on loopback and drives it with chromedp. Without a
// Chromium the tests skip, unless CORNERLOSS_REQUIRE_BROWSER=1 (as in CI),
// where they fail.
package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

var (
	siteURL  string // where the site is served
	siteDir  string // the folder served there
	chrome   string // the browser binary
	artifact string // where screenshots go
	setupErr error
)

func TestMain(m *testing.M) {
	code := func() int {
		var cleanup func()
		cleanup, setupErr = setup()
		if cleanup != nil {
			defer cleanup()
		}
		return m.Run()
	}()
	os.Exit(code)
}

// moduleRoot is the repository root, from this file's path.
func moduleRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// setup finds a browser, builds the site and serves it.
func setup() (func(), error) {
	chrome = findChrome()
	if chrome == "" {
		return nil, errNoBrowser
	}
	root := moduleRoot()
	artifact = filepath.Join(root, "build", "e2e")
	if err := os.MkdirAll(artifact, 0o755); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "cornerloss-site")
	if err != nil {
		return nil, err
	}
	cleanup := func() { os.RemoveAll(dir) }
	siteDir = dir
	if err := buildSite(root, dir); err != nil {
		return cleanup, err
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	siteURL, siteDir = srv.URL, dir
	return func() { srv.Close(); cleanup() }, nil
}

// browserTimeout bounds a test's browser session; a benchmark of a long
// load may raise it.
var browserTimeout = 3 * time.Minute

var errNoBrowser = fmt.Errorf("no Chromium found (set CHROME or install chromium)")

func findChrome() string {
	if c := os.Getenv("CHROME"); c != "" {
		return c
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// buildSite does what `make site` does, into dir.
func buildSite(root, dir string) error {
	for out, pkg := range map[string]string{"cornerloss.wasm": "./wasm", "worker.wasm": "./wasm/worker"} {
		if err := buildWasm(root, pkg, filepath.Join(dir, out)); err != nil {
			return err
		}
	}
	// The yardstick of BenchmarkPageLoad, in minimal/.
	minimal := filepath.Join(root, "wasm", "e2e", "testdata", "minimal")
	if err := os.MkdirAll(filepath.Join(dir, "minimal"), 0o755); err != nil {
		return err
	}
	if err := buildWasm(root, "./wasm/e2e/testdata/minimal", filepath.Join(dir, "minimal", "minimal.wasm")); err != nil {
		return err
	}
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return err
	}
	copies := map[string]string{
		filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js"): "wasm_exec.js",
	}
	web, _ := filepath.Glob(filepath.Join(root, "web", "*"))
	for _, f := range web {
		copies[f] = filepath.Base(f)
	}
	copies[filepath.Join(minimal, "index.html")] = filepath.Join("minimal", "index.html")
	for src, name := range copies {
		if err := copyFile(src, filepath.Join(dir, name)); err != nil {
			return err
		}
	}
	return nil
}

// buildWasm builds the main package pkg as the site's wasm is built;
// CORNERLOSS_UNSTRIPPED=1 keeps the symbols, for a profile's names.
func buildWasm(root, pkg, out string) error {
	ldflags := "-ldflags=-s -w"
	if os.Getenv("CORNERLOSS_UNSTRIPPED") == "1" {
		ldflags = "-ldflags="
	}
	cmd := exec.Command("go", "build", "-trimpath", ldflags, "-o", out, pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("building %s: %v\n%s", pkg, err, msg)
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// browser starts a headless Chromium for one test and collects what the
// page writes to its console. The flags are what a root, GPU-less machine
// needs: no sandbox (root), no GPU process, WebGL2 through SwiftShader
// (newer Chromium builds want enable-unsafe-swiftshader for it), and no
// background traffic (QUIC, component updates, sync), so the page's own
// requests are the only ones.
type browser struct {
	ctx     context.Context
	quit    func() // ends the browser (also done when the test ends)
	t       testing.TB
	mu      sync.Mutex
	console []chromedp.ConsoleMessage
}

func newBrowser(t testing.TB) *browser {
	t.Helper()
	if setupErr != nil {
		if setupErr == errNoBrowser && os.Getenv("CORNERLOSS_REQUIRE_BROWSER") != "1" {
			t.Skip(setupErr)
		}
		t.Fatal(setupErr)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chrome),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("enable-unsafe-swiftshader", true),
		chromedp.Flag("use-gl", "angle"),
		chromedp.Flag("use-angle", "swiftshader"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1700, 1000),
	}
	// CORNERLOSS_JS_FLAGS passes V8 flags (such as
	// --trace-wasm-compilation-times, which names each function V8
	// compiles, its tier and its module) and CORNERLOSS_BROWSER_LOG names
	// the file that gets the browser's output: how the README's traces of
	// compiling were taken.
	if f := os.Getenv("CORNERLOSS_JS_FLAGS"); f != "" {
		opts = append(opts, chromedp.Flag("js-flags", f))
	}
	if name := os.Getenv("CORNERLOSS_BROWSER_LOG"); name != "" {
		f, err := os.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		opts = append(opts, chromedp.CombinedOutput(f))
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, browserTimeout)
	end := func() { cancelT(); cancelC(); cancelA() }
	t.Cleanup(end)
	b := &browser{ctx: ctx, quit: end, t: t}
	if err := chromedp.Do(ctx); err != nil { // start the browser and the tab
		t.Fatal(err)
	}
	go func() {
		for m, err := range chromedp.Console(ctx) {
			if err != nil {
				return
			}
			b.mu.Lock()
			b.console = append(b.console, m)
			b.mu.Unlock()
		}
	}()
	return b
}

// do runs steps, failing the test on error.
func (b *browser) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatal(err)
	}
}

// eval evaluates a JS expression.
func eval[T any](b *browser, expr string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// waitFor polls a JS condition until it holds.
func (b *browser) waitFor(cond string, timeout time.Duration) {
	b.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool]("!!("+cond+")"))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			status, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.getElementById("status") ? document.getElementById("status").textContent : ""`))
			b.t.Fatalf("timed out waiting for %s (status %q, console %v)", cond, status, b.messages())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// open loads the page and waits for the first drawn frame.
func (b *browser) open(query string) {
	b.t.Helper()
	b.do(chromedp.Navigate(siteURL + "/" + query))
	b.waitFor(`document.body.dataset.ready === "1"`, 60*time.Second)
}

// settled waits for the page to have warmed its upload path and a run's
// worker (data-upload-warm and data-run-warm "1"; data-upload-warm "off"
// with ?warm=off, at the moment it would have started), then a second
// more: a person picks a file no sooner, and the pick then times the
// upload or the run, not the start-up's compiles.
// warmedUp holds once the page's warm-up is over (wasm/warm.go): off, or
// failed, or both of its parts done (the upload's and the run worker's,
// which it starts).
const warmedUp = `document.body.dataset.uploadWarm === "off" ||
	(document.body.dataset.uploadWarm !== undefined && document.body.dataset.uploadWarm !== "1") ||
	(document.body.dataset.uploadWarm === "1" && document.body.dataset.runWarm !== undefined)`

func (b *browser) settled() {
	b.t.Helper()
	b.waitFor(warmedUp, 60*time.Second)
	w := eval[[]string](b, `[document.body.dataset.uploadWarm, document.body.dataset.runWarm || ""]`)
	if w[0] != "off" && (w[0] != "1" || w[1] != "1") {
		b.t.Fatalf("the warm-up failed: upload %q, run's worker %q", w[0], w[1])
	}
	time.Sleep(time.Second)
}

func (b *browser) messages() []chromedp.ConsoleMessage {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]chromedp.ConsoleMessage(nil), b.console...)
}

// errors returns the console errors and exceptions so far.
func (b *browser) errors() []string {
	var errs []string
	for _, m := range b.messages() {
		if m.Type == chromedp.ConsoleError || m.IsException() {
			errs = append(errs, m.String())
		}
	}
	return errs
}

// screenshot saves the page as build/e2e/NAME.png and returns the path.
func (b *browser) screenshot(name string) string {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatal(err)
	}
	p := filepath.Join(artifact, name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot: %s", p)
	return p
}
