package dump

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cornerloss/cornerloss/loss"
)

// DefaultMaxBytes caps the decoded arrays of a dump when Options.MaxBytes is
// zero: well past CornerNet-104 at batch 8 (about 250 MB), well inside the
// 4 GiB a wasm page can address.
const DefaultMaxBytes = 2 << 30

// Options tunes reading.
type Options struct {
	// MaxBytes caps the bytes of the decoded arrays (in the engine's
	// types); a dump that needs more fails before any allocation.
	// Zero means DefaultMaxBytes.
	MaxBytes int64
	// Progress, if set, is called at least every 256 KiB read, with
	// total the sum of the stored sizes of the schema's arrays; the last
	// call has done == total.
	Progress func(done, total int64)
	// Inflate, if set, inflates the payload of a deflated .npz entry
	// instead of compress/flate: the page hands it to the browser's own
	// inflater, several times faster than compress/flate compiled to
	// WebAssembly. It gets the compressed bytes and a limit, and returns
	// a reader of the inflated bytes as they come (it may stop after
	// limit of them), which the reader closes. The reader still checks
	// the sizes and the CRC as archive/zip does, and reads headers
	// through compress/flate (a few bytes each), so nothing is inflated
	// before the budget is checked.
	Inflate Inflater
	// HeatPlane, if set, takes the heat logits plane by plane as they are
	// decoded (tl_heats, then br_heats, each in its order; x the plane's
	// logits, y its targets, both valid only during the call) and the
	// Dump holds no heats (Input.Heat is nil): a loss.Scanner's Plane,
	// so that a run's summary never holds a dump's logits whole. Every
	// check and error stays as without it.
	HeatPlane func(sh loss.Shape, c loss.Corner, stack, image, class int, x, y []float32)
	// Cleared makes the arrays as make does, cleared before they are
	// decoded into, rather than uncleared (see uncleared): the page's
	// ?alloc=cleared, to compare.
	Cleared bool
	// Buffers, if set, gives the arrays the memory of the last read with
	// the same Buffers, whose Dump must no longer be used (see Buffers).
	Buffers *Buffers
}

// Inflater inflates raw deflate data: see Options.Inflate.
type Inflater func(compressed *io.SectionReader, limit int64) (io.ReadCloser, error)

// Dump is a dump read and checked.
type Dump struct {
	Input    *loss.Input // complete, and valid by Input.Validate
	Arrays   []ArrayInfo // the schema's arrays, as stored, in schema order
	Warnings []string    // extra arrays, mask quirks; most start with the array name
	// TagsFromMaps and RegrsFromMaps say the dump held full maps, gathered
	// at tl_inds/br_inds into Input.Tag/Regr and kept in Input.TagMap/RegrMap.
	TagsFromMaps, RegrsFromMaps bool
	// Step and Chunk are the optional integer scalars step (the training
	// iteration) and chunk (the device, when one step is split over
	// several); nil when the dump does not hold them.
	Step, Chunk *int64
}

// ArrayInfo describes one stored array.
type ArrayInfo struct {
	Name    string // e.g. "tl_heats"
	Dtype   string // NumPy name, e.g. "float32"
	Descr   string // NumPy descr as stored, byte order included, e.g. "<f4"
	Shape   []int  // as stored
	Fortran bool   // stored in column-major order
}

// Line is the array's row in a dump's summary (Dump.Summary, and the
// page's in its language): name, dtype, descr and shape in columns, then
// order, what the summary says of a Fortran-order array.
//
// The shape is written by hand, as fmt's %v writes a []int: %v of a slice
// goes through fmt's reflection (pp.printValue), which the page then
// compiled with its optimising tier in every upload (0.74 s of a core in
// V8's log of the 36 MB dump, 2026-12-02).
func (a ArrayInfo) Line(order string) string {
	b := make([]byte, 0, 64)
	pad := func(s string, w int) {
		b = append(b, s...)
		for range w - utf8.RuneCountInString(s) { // as fmt pads
			b = append(b, ' ')
		}
		b = append(b, ' ')
	}
	b = append(b, "  "...)
	pad(a.Name, 11)
	pad(a.Dtype, 8)
	pad(a.Descr, 6)
	b = append(b, '[')
	for i, n := range a.Shape {
		if i > 0 {
			b = append(b, ' ')
		}
		b = strconv.AppendInt(b, int64(n), 10)
	}
	b = append(b, ']')
	return string(append(b, order...))
}

// File is one .npy file held in memory, as a browser upload gives it.
type File struct {
	Name string // e.g. "tl_heats.npy"; the array name is the base without ".npy"
	Data []byte
}

// IsNPY reports whether a file name is an .npy array's, one array of a
// dump given as several files: the callers that choose between ReadNPZ and
// ReadNPYFiles (the page, the CLI) ask here, as the reader names arrays.
func IsNPY(name string) bool { return strings.HasSuffix(name, ".npy") }

// ReadFile reads a dump from an .npz file or from a directory of NAME.npy
// files.
func ReadFile(path string, opt Options) (*Dump, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, wrap(path, "", err)
	}
	if st.IsDir() {
		entries, warnings, err := dirEntries(path)
		if err != nil {
			return nil, err
		}
		return readEntries(path, entries, warnings, opt)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, wrap(path, "", err)
	}
	defer f.Close()
	entries, warnings, err := zipEntries(path, f, st.Size())
	if err != nil {
		return nil, err
	}
	return readEntries(path, entries, warnings, opt)
}

// ReadNPZ reads a dump from the bytes of an .npz file; name is what errors
// call the file.
func ReadNPZ(name string, data []byte, opt Options) (*Dump, error) {
	return ReadNPZAt(name, bytes.NewReader(data), int64(len(data)), opt)
}

// ReadNPZAt reads a dump from an .npz of the given size behind r, reading
// only what it decodes: the page reads an upload straight from the
// browser's buffer, so the file's bytes never have to sit in Go's memory
// beside the arrays decoded from them.
func ReadNPZAt(name string, r io.ReaderAt, size int64, opt Options) (*Dump, error) {
	entries, warnings, err := zipEntries(name, r, size)
	if err != nil {
		return nil, err
	}
	if opt.Inflate != nil {
		for i := range entries {
			if f := entries[i].zip; f != nil && f.Method == zip.Deflate {
				entries[i].inflated = inflatedPayload(r, f, opt.Inflate)
			}
		}
	}
	return readEntries(name, entries, warnings, opt)
}

// ReadNPYFiles reads a dump from .npy files held in memory. Errors about
// the dump as a whole (an array missing) have an empty File.
func ReadNPYFiles(files []File, opt Options) (*Dump, error) {
	entries, warnings := memEntries(files)
	return readEntries("", entries, warnings, opt)
}

// ReadNPYPaths reads a dump from .npy files given by path.
func ReadNPYPaths(paths []string, opt Options) (*Dump, error) {
	entries, warnings, err := fileEntries(paths)
	if err != nil {
		return nil, err
	}
	dir := ""
	if len(paths) > 0 {
		dir = filepath.Dir(paths[0])
	}
	return readEntries(dir, entries, warnings, opt)
}

// Summary describes the dump for the page and the CLI: shape, objects per
// image, where tags and offsets came from, each array's dtype and shape,
// and the warnings.
func (d *Dump) Summary() string {
	var b strings.Builder
	in := d.Input
	fmt.Fprintf(&b, "shape: %v\n", in.Shape)
	if sc := d.Scalars(); sc != "" {
		fmt.Fprintf(&b, "%s\n", sc)
	}
	fmt.Fprintf(&b, "objects per image:")
	for img := range in.Batch {
		n := 0
		for _, v := range in.Mask[img*in.Slots : (img+1)*in.Slots] {
			if v != 0 {
				n++
			}
		}
		fmt.Fprintf(&b, " %d", n)
	}
	b.WriteString("\n")
	source := map[bool]string{true: "maps, gathered at tl_inds/br_inds", false: "gathered"}
	fmt.Fprintf(&b, "tags: %s; offsets: %s\n", source[d.TagsFromMaps], source[d.RegrsFromMaps])
	for _, a := range d.Arrays {
		order := ""
		if a.Fortran {
			order = ", Fortran order"
		}
		b.WriteString(a.Line(order) + "\n")
	}
	for _, w := range d.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", w)
	}
	return b.String()
}
