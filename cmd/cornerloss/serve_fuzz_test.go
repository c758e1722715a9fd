package main

import (
	"bufio"
	"compress/gzip"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzSitePath requests arbitrary paths (any encoding, dot segments,
// backslashes, NULs) from serve's site handler, with gzip accepted: it must
// answer without panicking and never with a file outside the site folder,
// plain or the precompressed .gz beside it.
func FuzzSitePath(f *testing.F) {
	root := f.TempDir()
	site := filepath.Join(root, "site")
	if err := os.Mkdir(site, 0o755); err != nil {
		f.Fatal(err)
	}
	const secret = "outside-the-site"
	for name, data := range map[string]string{
		filepath.Join(root, "secret"): secret, filepath.Join(root, "site.gz"): secret,
		filepath.Join(site, "index.html"): "<!doctype html>", filepath.Join(site, "app.js"): "// app",
	} {
		if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
			f.Fatal(err)
		}
	}
	gz, err := os.Create(filepath.Join(root, "secret.gz"))
	if err != nil {
		f.Fatal(err)
	}
	zw := gzip.NewWriter(gz)
	zw.Write([]byte(secret))
	zw.Close()
	gz.Close()

	for _, p := range []string{"/", "/index.html", "/app.js", "/../secret", "/%2e%2e/secret", "/..%2fsecret", "/..\\secret",
		"//secret", "/./../site/../secret", "/app.js%00", "/%2e%2e%2f%2e%2e%2fsecret", "/", "/../site"} {
		f.Add(p)
	}
	h := siteHandler(site)
	f.Fuzz(func(t *testing.T, path string) {
		req, err := http.ReadRequest(bufio.NewReader(strings.NewReader("GET " + path + " HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n")))
		if err != nil {
			return // the server refuses such a request line before any handler
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		body := w.Body.Bytes()
		if w.Header().Get("Content-Encoding") == "gzip" {
			if zr, err := gzip.NewReader(w.Body); err == nil {
				var b strings.Builder
				buf := make([]byte, 512)
				for {
					n, err := zr.Read(buf)
					b.Write(buf[:n])
					if err != nil {
						break
					}
				}
				body = []byte(b.String())
			}
		}
		if strings.Contains(string(body), secret) {
			t.Fatalf("GET %q served a file outside the site: %d %q", path, w.Code, body)
		}
	})
}
