package dump

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
)

// entry is one .npy array of a dump, not read yet.
type entry struct {
	file string // what errors name as the File
	name string // array name, without ".npy"
	size int64  // bytes of the whole .npy, header included
	open func() (io.ReadCloser, error)
	hdr  *header // known without reading (a .pt tensor): open gives the payload only
	zip  *zip.File
	// inflated, if set, opens the whole entry inflated elsewhere
	// (Options.Inflate) reading at most limit bytes: for the payload.
	inflated func(limit int64) (io.ReadCloser, error)
}

// header returns the entry's header, reading it unless it is known.
func (e entry) header() (header, error) {
	if e.hdr != nil {
		return *e.hdr, nil
	}
	r, err := e.open()
	if err != nil {
		return header{}, err
	}
	defer r.Close()
	return readHeader(r, e.size)
}

// zipEntries lists the arrays of an .npz archive. Entries that are not
// .npy files come back as warnings.
func zipEntries(file string, r io.ReaderAt, size int64) ([]entry, []string, error) {
	var magic [6]byte
	if n, _ := r.ReadAt(magic[:], 0); n == len(magic) && string(magic[:]) == npyMagic {
		return nil, nil, &Error{File: file, Problem: "a single .npy file holds one array: give all the dump's .npy files, their directory, or an .npz"}
	}
	if isLegacyPT(r) {
		return ptLegacyEntries(file, r, size)
	}
	zr, err := zip.NewReader(r, size)
	// Names are only keys here, never paths: an "insecure" one is harmless.
	if err != nil && !(errors.Is(err, zip.ErrInsecurePath) && zr != nil) {
		return nil, nil, &Error{File: file, Problem: fmt.Sprintf("not a valid .npz (zip) archive, nor a .pt, or a truncated one: %v", err), Err: err}
	}
	if pkl, prefix, err := ptPickle(zr); pkl != nil || err != nil {
		if err != nil {
			return nil, nil, ptError(file, err)
		}
		return ptZipEntries(file, r, size, zr, pkl, prefix)
	}
	var entries []entry
	var warnings []string
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, "/") {
			continue
		}
		name, ok := strings.CutSuffix(f.Name, ".npy")
		if !ok {
			warnings = append(warnings, fmt.Sprintf("%s: not an .npy array, ignored", f.Name))
			continue
		}
		if f.UncompressedSize64 > math.MaxInt64 {
			return nil, nil, errorf(file, name, "entry declares %d bytes", f.UncompressedSize64)
		}
		entries = append(entries, entry{file: file, name: name, size: int64(f.UncompressedSize64), open: f.Open, zip: f})
	}
	return entries, warnings, nil
}

// fileEntries lists .npy files given as paths.
func fileEntries(paths []string) ([]entry, []string, error) {
	var entries []entry
	var warnings []string
	for _, p := range paths {
		name, ok := strings.CutSuffix(filepath.Base(p), ".npy")
		if !ok {
			warnings = append(warnings, fmt.Sprintf("%s: not an .npy file, ignored", p))
			continue
		}
		st, err := os.Stat(p)
		if err != nil {
			return nil, nil, wrap(p, name, err)
		}
		if !st.Mode().IsRegular() {
			return nil, nil, errorf(p, name, "not a regular file")
		}
		entries = append(entries, entry{file: p, name: name, size: st.Size(), open: func() (io.ReadCloser, error) {
			return os.Open(p)
		}})
	}
	return entries, warnings, nil
}

// dirEntries lists the .npy files of a directory, by name; other files are
// not part of the dump and are passed over in silence. The directory is
// listed, not globbed, so a name such as "run[1]" is no pattern.
func dirEntries(dir string) ([]entry, []string, error) {
	des, err := os.ReadDir(dir) // sorted by name
	if err != nil {
		return nil, nil, wrap(dir, "", err)
	}
	var paths []string
	for _, de := range des {
		if strings.HasSuffix(de.Name(), ".npy") {
			paths = append(paths, filepath.Join(dir, de.Name()))
		}
	}
	if len(paths) == 0 {
		return nil, nil, &Error{File: dir, Problem: "no .npy files in the directory"}
	}
	return fileEntries(paths)
}

// memEntries lists .npy files held in memory.
func memEntries(files []File) ([]entry, []string) {
	var entries []entry
	var warnings []string
	for _, f := range files {
		name, ok := strings.CutSuffix(filepath.Base(f.Name), ".npy")
		if !ok {
			warnings = append(warnings, fmt.Sprintf("%s: not an .npy file, ignored", f.Name))
			continue
		}
		data := f.Data
		entries = append(entries, entry{file: f.Name, name: name, size: int64(len(data)), open: func() (io.ReadCloser, error) {
			return io.NopCloser(bytes.NewReader(data)), nil
		}})
	}
	return entries, warnings
}
