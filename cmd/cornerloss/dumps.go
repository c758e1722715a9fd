package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// dumpExts are the extensions serve -dumps lists and serves.
var dumpExts = []string{".npz", ".npy", ".pt", ".pth"}

// dumpEntry is one file of the listing GET /dumps/ returns.
type dumpEntry struct {
	Name  string `json:"name"`
	Size  int64  `json:"size"`
	MTime int64  `json:"mtime"` // modification time, ms since the Unix epoch
}

// dumpsHandler serves a live run for the page (which follows it when its
// URL has the query parameter dumps):
//
//	GET /dumps/      JSON [{"name","size","mtime"}], sorted by name: the
//	                 regular files directly in the folder with a dump
//	                 extension whose names do not start with '.'
//	GET /dumps/NAME  the bytes of one of those files
//
// Anything else under /dumps/ is 404: no subfolder, no "..", no encoded
// slash, no symlink, no hidden or temporary file (an atomic writer's
// .step.npz.tmp is skipped until it is renamed). Files are opened through
// an os.Root, so nothing outside the folder can be reached even if a check
// here were wrong. A file still being written in place shows a growing
// size and mtime in the listing: the client retries a file that changes.
func dumpsHandler(root *os.Root) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		name, ok := strings.CutPrefix(r.URL.Path, "/dumps/")
		if !ok {
			http.NotFound(w, r)
			return
		}
		if name == "" {
			listDumps(w, root)
			return
		}
		esc := strings.ToLower(r.URL.EscapedPath())
		if !servable(name) || strings.Contains(esc, "%2f") || strings.Contains(esc, "%5c") {
			http.NotFound(w, r)
			return
		}
		// Lstat: a symlink is refused even when it points inside the
		// folder, as the listing leaves it out.
		st, err := root.Lstat(name)
		if err != nil || !st.Mode().IsRegular() {
			http.NotFound(w, r)
			return
		}
		f, err := root.Open(name)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		defer f.Close()
		w.Header().Set("Content-Type", "application/octet-stream")
		http.ServeContent(w, r, name, st.ModTime(), f)
	})
}

// servable reports whether name may be a dump directly in the folder: a
// plain name with a dump extension, not hidden.
func servable(name string) bool {
	return name != "" && !strings.HasPrefix(name, ".") && !strings.ContainsAny(name, "/\\\x00") &&
		filepath.IsLocal(name) && slices.Contains(dumpExts, strings.ToLower(filepath.Ext(name)))
}

// listDumps writes the listing of the folder.
func listDumps(w http.ResponseWriter, root *os.Root) {
	d, err := root.Open(".")
	if err != nil {
		http.Error(w, "cannot read the dumps folder", http.StatusInternalServerError)
		return
	}
	entries, err := d.ReadDir(-1)
	d.Close()
	if err != nil {
		http.Error(w, "cannot read the dumps folder", http.StatusInternalServerError)
		return
	}
	list := []dumpEntry{}
	for _, e := range entries {
		if !servable(e.Name()) || !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil { // removed since ReadDir
			continue
		}
		list = append(list, dumpEntry{e.Name(), info.Size(), info.ModTime().UnixMilli()})
	}
	slices.SortFunc(list, func(a, b dumpEntry) int { return strings.Compare(a.Name, b.Name) })
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(list)
}
