//go:build !js

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/cornerloss/cornerloss/loss/golden"
)

// outside is a second local server, another origin than the site's (the
// loopback address 127.0.0.2): it records every request that reaches it.
type outside struct {
	url  string
	mu   sync.Mutex
	hits []string
}

func newOutside(t *testing.T) *outside {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("no second loopback address: %v", err)
	}
	o := &outside{url: "http://" + ln.Addr().String()}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.mu.Lock()
		o.hits = append(o.hits, r.URL.Path)
		o.mu.Unlock()
		w.Header().Set("Access-Control-Allow-Origin", "*")
		fmt.Fprintln(w, "outside")
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return o
}

func (o *outside) requests() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.hits...)
}

// TestContentSecurityPolicy: under the page's policy the page works (it
// loads with no console error, reads a golden to the reference's totals,
// exports a PNG, runs a same-origin worker that fetches a site file),
// while every way out to another origin (fetch, no-cors fetch, beacon,
// image, WebSocket, a worker from a blob) is blocked and never reaches that
// origin's server, which the same browser reaches when navigated there. The
// only console messages about the policy are those refusals.
func TestContentSecurityPolicy(t *testing.T) {
	out := newOutside(t)
	b := newBrowser(t)
	b.open("")
	policyMessages := func() []string {
		var msgs []string
		for _, m := range b.messages() {
			if m.Source == "security" || strings.Contains(m.Text, "Content Security Policy") || strings.Contains(m.Text, "Content-Security-Policy") {
				msgs = append(msgs, m.String())
			}
		}
		return msgs
	}
	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors on load: %v", errs)
	}
	if msgs := policyMessages(); len(msgs) > 0 {
		t.Errorf("console messages about the policy on load: %v", msgs)
	}

	// Upload a golden: the reader and engine run as before.
	c, err := golden.Load("small_two_images")
	if err != nil {
		t.Fatal(err)
	}
	b.goldenWeights(c)
	b.upload(c.NPZ(), "ok")
	if got := b.value("loss-total"); !golden.Close(got, c.Loss) {
		t.Errorf("%s: loss %.10g, reference %.10g", c.Name, got, c.Loss)
	}
	b.screenshot("csp-golden")

	// Export a PNG: a blob: download, which the policy leaves alone.
	downloads := t.TempDir()
	progress := chromedp.Events(b.ctx, cdpbrowser.DownloadProgress)
	events := true
	b.do(chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
			Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: downloads, EventsEnabled: &events,
		})
		return err
	}), chromedp.Click(chromedp.CSS("#export-png")))
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	var saved string
	for ev, err := range progress {
		if err != nil || ctx.Err() != nil {
			t.Fatalf("no PNG downloaded: %v", err)
		}
		if ev.State == cdpbrowser.DownloadProgressStateCompleted {
			saved = filepath.Join(downloads, ev.GUID)
			break
		}
	}
	f, err := os.Open(saved)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil || img.Bounds().Dx() < 400 {
		t.Errorf("exported PNG: %v, %v", err, img)
	}
	if errs := b.errors(); len(errs) > 0 {
		t.Errorf("console errors after upload and export: %v", errs)
	}
	if msgs := policyMessages(); len(msgs) > 0 {
		t.Errorf("console messages about the policy after upload and export: %v", msgs)
	}

	// A same-origin worker runs and fetches a file of the site, as the
	// worker pool and serve -dumps do.
	worker := "csp-probe-worker.js"
	if err := os.WriteFile(filepath.Join(siteDir, worker), []byte(`fetch("style.css").then(r => postMessage("fetched " + r.status), e => postMessage("refused " + e));`), 0o644); err != nil {
		t.Fatal(err)
	}
	defer os.Remove(filepath.Join(siteDir, worker))
	got, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`new Promise(done => {
		const w = new Worker("`+worker+`");
		w.onmessage = e => done(e.data);
		w.onerror = e => done("worker error " + e.message);
		setTimeout(() => done("no answer"), 5000);
	})`, chromedp.EvalAwaitPromise))
	if err != nil || got != "fetched 200" {
		t.Errorf("same-origin worker: %q, %v", got, err)
	}

	// Every way out, tried from the page.
	host := strings.TrimPrefix(out.url, "http://")
	report, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`(async () => {
		const u = "`+out.url+`/", r = {violations: []};
		document.addEventListener("securitypolicyviolation", e => r.violations.push(e.effectiveDirective));
		try { await fetch(u + "fetch"); r.fetch = "reached"; } catch (e) { r.fetch = "blocked"; }
		try { await fetch(u + "no-cors", {mode: "no-cors"}); r.nocors = "reached"; } catch (e) { r.nocors = "blocked"; }
		try { r.beacon = navigator.sendBeacon(u + "beacon", "x") ? "queued" : "refused"; } catch (e) { r.beacon = "blocked"; }
		r.image = await new Promise(done => { const i = new Image(); i.onload = () => done("loaded"); i.onerror = () => done("blocked"); i.src = u + "image"; });
		r.ws = await new Promise(done => { try { const ws = new WebSocket("ws://`+host+`/ws"); ws.onopen = () => done("open"); ws.onerror = () => done("blocked"); } catch (e) { done("blocked"); } });
		r.blobWorker = await new Promise(done => {
			try {
				const w = new Worker(URL.createObjectURL(new Blob(["postMessage('ran')"], {type: "text/javascript"})));
				w.onmessage = () => done("ran"); w.onerror = () => done("blocked");
			} catch (e) { done("blocked"); }
			setTimeout(() => done("blocked"), 2000);
		});
		await new Promise(done => setTimeout(done, 500));
		return JSON.stringify(r);
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Fetch, NoCORS, Beacon, Image, WS, BlobWorker string
		Violations                                   []string
	}
	if err := json.Unmarshal([]byte(report), &r); err != nil {
		t.Fatal(err)
	}
	t.Logf("from the page: %s", report)
	for name, v := range map[string]string{"fetch": r.Fetch, "no-cors fetch": r.NoCORS, "image": r.Image, "WebSocket": r.WS, "blob worker": r.BlobWorker} {
		if v != "blocked" {
			t.Errorf("%s to another origin: %s, want blocked", name, v)
		}
	}
	for _, d := range []string{"connect-src", "img-src", "worker-src"} {
		if !strings.Contains(strings.Join(r.Violations, " "), d) {
			t.Errorf("no %s violation reported (got %v)", d, r.Violations)
		}
	}
	time.Sleep(time.Second) // a beacon is sent after the call returns
	if hits := out.requests(); len(hits) > 0 {
		t.Errorf("requests from the page reached the other origin: %v", hits)
	}
	// The policy's only messages are its refusals, which name what they
	// refused; a directive the browser cannot read would show here too.
	msgs := policyMessages()
	if len(msgs) == 0 {
		t.Error("no console message for the refusals: is the console read at all?")
	}
	for _, m := range msgs {
		if !strings.Contains(m, host) && !strings.Contains(m, "blob:") {
			t.Errorf("console message about the policy itself: %s", m)
		}
	}
	if errs := b.errors(); len(errs) > len(msgs) {
		t.Errorf("console errors beyond the refusals: %v", errs)
	}

	// The same browser reaches that server when it is the page.
	b.do(chromedp.Navigate(out.url + "/control"))
	if hits := out.requests(); !strings.Contains(strings.Join(hits, " "), "/control") {
		t.Errorf("the browser could not reach the other server at all (%v): the refusals prove nothing", hits)
	}
}
