package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// dumpsFixture makes a site folder and, beside it, a dumps folder holding
// two dumps, a hidden temporary file, a non-dump, a subfolder, a symlink
// inside and one pointing outside; and a secret file outside the folder.
// It returns the handler serve -dumps builds.
func dumpsFixture(t testing.TB) (h http.Handler, dir string) {
	t.Helper()
	base := t.TempDir()
	site := filepath.Join(base, "site")
	dir = filepath.Join(base, "dumps")
	for _, d := range []string{site, dir, filepath.Join(dir, "sub")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]string{
		filepath.Join(site, "index.html"):            "<html>site</html>",
		filepath.Join(base, "secret.npz"):            "SECRET",
		filepath.Join(dir, "step_000500.npz"):        "DUMP500",
		filepath.Join(dir, "step_001000.npz"):        "DUMP1000",
		filepath.Join(dir, ".step_001500.npz.tmp"):   "SECRET partial",
		filepath.Join(dir, ".hidden.npz"):            "SECRET hidden",
		filepath.Join(dir, "notes.txt"):              "SECRET notes",
		filepath.Join(dir, "sub", "step_000700.npz"): "SECRET sub",
	}
	for p, s := range files {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	mtime := time.UnixMilli(1764600000000)
	if err := os.Chtimes(filepath.Join(dir, "step_000500.npz"), mtime, mtime); err != nil {
		t.Fatal(err)
	}
	for link, target := range map[string]string{
		"escape.npz":  filepath.Join(base, "secret.npz"),
		"escape2.npz": "../secret.npz",
		"inside.npz":  "step_000500.npz",
	} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Skipf("no symlinks here: %v", err)
		}
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	return withDumps(siteHandler(site), dumpsHandler(root)), dir
}

// get sends a raw request target (as a client could send it, unnormalised).
func get(h http.Handler, target string) *httptest.ResponseRecorder {
	u, err := url.ParseRequestURI(target)
	if err != nil {
		panic(err)
	}
	r := &http.Request{Method: http.MethodGet, URL: u, RequestURI: target, Header: http.Header{}, Host: "x", Body: http.NoBody}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestServeDumpsListing(t *testing.T) {
	h, dir := dumpsFixture(t)
	w := get(h, "/dumps/")
	if w.Code != 200 || w.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("listing: %d %s", w.Code, w.Header().Get("Content-Type"))
	}
	var list []dumpEntry
	if err := json.Unmarshal(w.Body.Bytes(), &list); err != nil {
		t.Fatal(err)
	}
	want := []dumpEntry{{"step_000500.npz", 7, 1764600000000}, {"step_001000.npz", 8, 0}}
	if len(list) != len(want) {
		t.Fatalf("listing %+v, want only the two dumps", list)
	}
	st, _ := os.Stat(filepath.Join(dir, "step_001000.npz"))
	want[1].MTime = st.ModTime().UnixMilli()
	for i := range want {
		if list[i] != want[i] {
			t.Errorf("entry %d: %+v, want %+v", i, list[i], want[i])
		}
	}
	// A dump written after the listing appears in the next one.
	if err := os.WriteFile(filepath.Join(dir, "step_001500.npz"), []byte("DUMP1500"), 0o644); err != nil {
		t.Fatal(err)
	}
	if w := get(h, "/dumps/"); !strings.Contains(w.Body.String(), "step_001500.npz") {
		t.Errorf("new dump not listed: %s", w.Body)
	}
	// The site is still there.
	if w := get(h, "/"); w.Code != 200 || !strings.Contains(w.Body.String(), "site") {
		t.Errorf("site: %d %q", w.Code, w.Body)
	}
}

func TestServeDumpsFiles(t *testing.T) {
	h, _ := dumpsFixture(t)
	w := get(h, "/dumps/step_000500.npz")
	if w.Code != 200 || w.Body.String() != "DUMP500" {
		t.Errorf("dump: %d %q", w.Code, w.Body)
	}
	for _, target := range []string{
		"/dumps/../secret.npz",
		"/dumps/%2e%2e/secret.npz",
		"/dumps/%2E%2E%2Fsecret.npz",
		"/dumps/..%2fsecret.npz",
		"/dumps/..%5csecret.npz",
		"/dumps/sub%2fstep_000700.npz",
		"/dumps/sub/step_000700.npz",
		"/dumps//etc/passwd",
		"/dumps/" + url.PathEscape("/etc/passwd"),
		"/dumps/escape.npz",
		"/dumps/escape2.npz",
		"/dumps/inside.npz",
		"/dumps/.hidden.npz",
		"/dumps/.step_001500.npz.tmp",
		"/dumps/notes.txt",
		"/dumps/step_000500.npz%00.txt",
		"/dumps/step_000500.npz%00",
		"/dumps/.",
		"/dumps/..",
		"/dumps",
		"/dumpsx/step_000500.npz",
		"/dumps/nosuch.npz",
	} {
		w := get(h, target)
		if w.Code != http.StatusNotFound || strings.Contains(w.Body.String(), "SECRET") || strings.Contains(w.Body.String(), "DUMP") {
			t.Errorf("%s: %d %q, want 404", target, w.Code, w.Body)
		}
	}
}

// TestServeDumpsOverHTTP: a real server on 127.0.0.1 (the client's path
// goes through net/http's parser too).
func TestServeDumpsOverHTTP(t *testing.T) {
	h, _ := dumpsFixture(t)
	srv := httptest.NewServer(h)
	defer srv.Close()
	for target, want := range map[string]int{
		"/dumps/step_001000.npz":   200,
		"/dumps/../secret.npz":     404,
		"/dumps/%2e%2e/secret.npz": 404,
		"/dumps/escape.npz":        404,
	} {
		// Written by hand so that the client does not clean the path.
		conn, err := dial(srv.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(conn, "GET "+target+" HTTP/1.0\r\nHost: x\r\n\r\n")
		b, _ := io.ReadAll(conn)
		conn.Close()
		if !bytes.Contains(b, []byte(http.StatusText(want))) || bytes.Contains(b, []byte("SECRET")) {
			t.Errorf("%s: %q, want %d", target, firstLine(b), want)
		}
	}
}

func firstLine(b []byte) string {
	line, _, _ := bytes.Cut(b, []byte("\r\n"))
	return string(line)
}

// FuzzServeDumps: whatever the request path, no byte of a file outside the
// folder (or hidden, or in a subfolder) is ever served, and a 200 is a
// listing or one of the folder's dumps.
func FuzzServeDumps(f *testing.F) {
	for _, s := range []string{"/dumps/", "/dumps/step_000500.npz", "/dumps/../secret.npz", "/dumps/%2e%2e%2fsecret.npz",
		"/dumps/escape.npz", "/dumps/sub/step_000700.npz", "/dumps/.hidden.npz", "/dumps/a%00.npz", "/secret.npz"} {
		f.Add(s)
	}
	h, _ := dumpsFixture(f)
	f.Fuzz(func(t *testing.T, target string) {
		if !strings.HasPrefix(target, "/") {
			target = "/dumps/" + target
		}
		if _, err := url.ParseRequestURI(target); err != nil {
			return
		}
		w := get(h, target)
		body := w.Body.String()
		if strings.Contains(body, "SECRET") {
			t.Fatalf("%q served %q", target, body)
		}
		if w.Code == 200 && strings.HasPrefix(target, "/dumps") && !strings.HasPrefix(body, "[") && body != "DUMP500" && body != "DUMP1000" && body != "" {
			t.Fatalf("%q: 200 with %q", target, body)
		}
	})
}

func dial(addr string) (net.Conn, error) { return net.Dial("tcp", addr) }

func TestServeDumpsMissingFolder(t *testing.T) {
	site := t.TempDir()
	page := `<meta http-equiv="Content-Security-Policy" content="default-src 'self'">`
	if err := os.WriteFile(filepath.Join(site, "index.html"), []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "nosuch")
	code, _, errOut := runCLI("serve", "-dir", site, "-dumps", missing, "-addr", "127.0.0.1:0")
	if code != 1 || !strings.Contains(errOut, missing) {
		t.Errorf("exit %d, stderr %q; want 1 naming the folder", code, errOut)
	}
}
