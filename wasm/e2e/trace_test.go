//go:build !js

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/cdp/jsonv2"
	"github.com/chromedp/cdproto/tracing"
	"github.com/chromedp/chromedp"
)

// TestTraceRun records a Chromium trace (every process: the page, its
// workers, the compositor, the GPU process) while a run of COCO-sized
// dumps loads, into the JSON file named by CORNERLOSS_TRACE (open it in
// chrome://tracing or Perfetto); it skips without it. CORNERLOSS_TRACE_DUMPS
// sets the run's size (4), CORNERLOSS_TRACE_QUERY the page's query
// (?workers=2); CORNERLOSS_TRACE_UPLOAD=1 has it pick one dump in the
// file input instead, until it is shown (=5x1: the COCO-shaped dump of
// batch 5 and one stack, not 2 and 2); CORNERLOSS_TRACE_SAMPLES=1 adds
// V8's samples. What it showed is in the README ("Where a run's time
// goes"): the compositor's readbacks of the WebGL canvas (GLES2 ReadPixels)
// and the WebAssembly tier-up on the renderer's thread pool
// (wasm.TopTierCompilation).
func TestTraceRun(t *testing.T) {
	out := os.Getenv("CORNERLOSS_TRACE")
	if out == "" {
		t.Skip("CORNERLOSS_TRACE not set")
	}
	n := 4
	if s := os.Getenv("CORNERLOSS_TRACE_DUMPS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n < 1 {
			t.Fatalf("CORNERLOSS_TRACE_DUMPS=%q", s)
		}
	}
	src := ""
	if up := os.Getenv("CORNERLOSS_TRACE_UPLOAD"); up != "" && up != "1" {
		var batch, stacks int
		if _, err := fmt.Sscanf(up, "%dx%d", &batch, &stacks); err != nil || batch < 1 || stacks < 1 {
			t.Fatalf("CORNERLOSS_TRACE_UPLOAD=%q, want 1 or BxS", up)
		}
		src = cocoDumpOf(t, batch, stacks)
	} else {
		src = cocoDump(t)
	}
	dir := t.TempDir()
	for i := range n {
		if err := os.Link(src, filepath.Join(dir, fmt.Sprintf("step_%06d.npz", (i+1)*500))); err != nil {
			t.Fatal(err)
		}
	}
	b := newBrowser(t)
	b.open(os.Getenv("CORNERLOSS_TRACE_QUERY"))
	b.settled()
	var mu sync.Mutex
	var events []jsonv2.Value
	done := make(chan struct{})
	if err := chromedp.Listen(b.ctx, func(ev any) {
		switch e := ev.(type) {
		case *tracing.EventDataCollected:
			mu.Lock()
			events = append(events, e.Value...)
			mu.Unlock()
		case *tracing.EventTracingComplete:
			close(done)
		}
	}); err != nil {
		t.Fatal(err)
	}
	categories := []string{"devtools.timeline", "toplevel", "gpu", "cc", "viz", "v8", "blink", "benchmark",
		"disabled-by-default-devtools.timeline", "v8.wasm", "disabled-by-default-v8.wasm.detailed"}
	if os.Getenv("CORNERLOSS_TRACE_SAMPLES") == "1" {
		// V8's sampling profiler on every thread, the workers' too: the
		// trace's ProfileChunk events (with CORNERLOSS_UNSTRIPPED=1 for
		// the WebAssembly functions' names).
		categories = append(categories, "disabled-by-default-v8.cpu_profiler")
	}
	b.target(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, tracing.Start, tracing.StartParams{TraceConfig: &tracing.TraceConfig{IncludedCategories: categories}})
		return err
	})
	if name := os.Getenv("CORNERLOSS_BROWSER_LOG"); name != "" {
		if fi, err := os.Stat(name); err == nil {
			t.Logf("%s: %d bytes before the trace", name, fi.Size()) // where its lines for the traced load start
		}
	}
	if os.Getenv("CORNERLOSS_TRACE_UPLOAD") != "" {
		b.do(chromedp.SetUploadFiles(chromedp.CSS("#dump-input"), []string{src}))
		b.waitFor(`document.body.dataset.uploadMs !== undefined`, 30*time.Minute)
	} else {
		b.do(chromedp.SetUploadFiles(chromedp.CSS("#run-input"), []string{dir}))
		b.waitFor(`document.body.dataset.runState === "ok"`, 30*time.Minute)
	}
	b.target(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, tracing.End, cdp.Empty{})
		return err
	})
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		t.Fatal("the trace did not complete")
	}
	mu.Lock()
	j, err := json.Marshal(events)
	mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, j, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("marks %v", eval[map[string]string](b, `Object.assign({}, document.body.dataset)`))
}

// target runs f, which calls the DevTools protocol, on the page's target,
// failing the test on error.
func (b *browser) target(f func(ctx context.Context, t *chromedp.Target) error) {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.Func(f)); err != nil {
		b.t.Fatal(err)
	}
}
