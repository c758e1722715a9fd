package main

import (
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

func runServe(args []string, stdout, _ io.Writer) error {
	fs := newFlagSet("serve", stdout)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	dir := fs.String("dir", "build/site", "the site folder `make site` writes")
	dumps := fs.String("dumps", "", "also serve the dumps directly in this `folder` under /dumps/, for the page to follow a run")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usagef("serve takes no arguments")
	}
	if _, err := os.Stat(filepath.Join(*dir, "index.html")); err != nil {
		return fmt.Errorf("%s: no index.html (run make site first)", *dir)
	}
	policy, err := pagePolicy(*dir)
	if err != nil {
		return err
	}
	h := siteHandler(*dir)
	follow := ""
	if *dumps != "" {
		root, err := os.OpenRoot(*dumps)
		if err != nil {
			return fmt.Errorf("%s: %w", *dumps, err)
		}
		defer root.Close()
		h, follow = withDumps(h, dumpsHandler(root)), "?dumps"
		fmt.Fprintf(stdout, "serving the dumps in %s under /dumps/\n", *dumps)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "serving %s on http://%s/%s\n", *dir, ln.Addr(), follow)
	return http.Serve(ln, withPolicy(policy, h))
}

// withDumps sends every path under /dumps to dumps, as it came (no
// ServeMux cleaning or redirect), and the rest to site.
func withDumps(site, dumps http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/dumps") || strings.HasPrefix(r.URL.EscapedPath(), "/dumps") {
			dumps.ServeHTTP(w, r)
			return
		}
		site.ServeHTTP(w, r)
	})
}

// siteHandler serves the static site: .wasm as application/wasm (the type
// WebAssembly.instantiateStreaming requires), and the precompressed .gz
// beside a file when the browser accepts gzip.
func siteHandler(dir string) http.Handler {
	mime.AddExtensionType(".wasm", "application/wasm")
	files := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		clean := filepath.Clean("/" + r.URL.Path)
		name := filepath.Join(dir, filepath.FromSlash(clean))
		// Not for "/": the site folder's own name plus .gz is outside it.
		if clean != "/" && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			if _, err := os.Stat(name + ".gz"); err == nil {
				if ct := mime.TypeByExtension(filepath.Ext(name)); ct != "" {
					w.Header().Set("Content-Type", ct)
				}
				w.Header().Set("Content-Encoding", "gzip")
				w.Header().Add("Vary", "Accept-Encoding")
				http.ServeFile(w, r, name+".gz")
				return
			}
		}
		files.ServeHTTP(w, r)
	})
}
