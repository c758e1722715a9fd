package main

import (
	"fmt"
	"html"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
)

// metaPolicy finds the Content-Security-Policy a page declares.
var metaPolicy = regexp.MustCompile(`(?is)<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"`)

// pagePolicy returns the Content-Security-Policy of the site's index.html.
// The page owns its policy (static hosts send no headers, so it must carry
// it); serve reads it from there rather than keeping a copy, and refuses a
// page without one, whose "nothing leaves your browser" nothing enforces.
func pagePolicy(dir string) (string, error) {
	name := filepath.Join(dir, "index.html")
	page, err := os.ReadFile(name)
	if err != nil {
		return "", err
	}
	m := metaPolicy.FindSubmatch(page)
	if m == nil {
		return "", fmt.Errorf("%s: no Content-Security-Policy meta tag", name)
	}
	return html.UnescapeString(string(m[1])), nil
}

// withPolicy sends policy as a header with every response of h: the browser
// then applies it from the first byte, and to files other than the page
// (a worker's script takes the policy of its own response).
func withPolicy(policy string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", policy)
		h.ServeHTTP(w, r)
	})
}
