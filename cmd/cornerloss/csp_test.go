package main

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestServePolicy: serve sends the page's own Content-Security-Policy with
// every response (the page, its scripts, the wasm, precompressed or not,
// and a 404), as written in web/index.html, and refuses to serve a page
// that declares none.
func TestServePolicy(t *testing.T) {
	dir := t.TempDir()
	web, err := filepath.Glob(filepath.Join("..", "..", "web", "*"))
	if err != nil || len(web) == 0 {
		t.Fatal("no web/ files", err)
	}
	for _, f := range web {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"cornerloss.wasm", "cornerloss.wasm.gz"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("\x00asm"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	page, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}

	r, w := io.Pipe()
	go func() { w.CloseWithError(runServe([]string{"-addr", "127.0.0.1:0", "-dir", dir}, w, io.Discard)) }()
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, r)
	base := strings.TrimSpace(line[strings.Index(line, "http://"):])

	var policy string
	for _, path := range []string{"", "index.html", "start.js", "style.css", "cornerloss.wasm", "no-such-file", "../../etc/passwd"} {
		req, _ := http.NewRequest("GET", base+path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		got := resp.Header.Get("Content-Security-Policy")
		if got == "" {
			t.Errorf("/%s (%s): no Content-Security-Policy header", path, resp.Status)
		}
		if policy == "" {
			policy = got
		} else if got != policy {
			t.Errorf("/%s: policy %q, / had %q", path, got, policy)
		}
	}
	if !strings.Contains(string(page), `<meta http-equiv="Content-Security-Policy" content="`+policy+`">`) {
		t.Errorf("header %q is not the policy of index.html", policy)
	}
	for _, d := range []string{"default-src 'none'", "connect-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "worker-src 'self'"} {
		if !strings.Contains(policy, d) {
			t.Errorf("policy %q lacks %s", policy, d)
		}
	}

	bare := t.TempDir()
	if err := os.WriteFile(filepath.Join(bare, "index.html"), []byte("<!doctype html><title>x</title>"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runCLI("serve", "-addr", "127.0.0.1:0", "-dir", bare)
	if code != 1 || !strings.Contains(errOut, "index.html: no Content-Security-Policy meta tag") {
		t.Errorf("serving a page without a policy: exit %d, %q", code, errOut)
	}
}
