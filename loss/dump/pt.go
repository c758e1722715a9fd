package dump

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strings"
)

// A .pt file (torch.save) joins the reader as a source of entries: its
// pickle is read into tensors (ptpickle.go), the tensors are matched to
// the schema's names by the form the file holds, and each array becomes an
// entry whose header is known already and whose payload is the tensor's
// elements in row-major order, read straight from the storage's bytes.
// From there on a .pt goes through the same checks as an .npz.

// ptMagic is how a legacy .pt starts: PROTO (any protocol), a FRAME from
// protocol 4 on, then LONG1 of 10 bytes holding torch's magic number
// 0x1950a86a20f9469cfc6c.
const ptMagic = "\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19"

// ptProtocol is the legacy format's version, the second pickle.
const ptProtocol = 1001

// maxBroadcast bounds how many times a tensor may repeat its storage's
// elements (stride 0, as expand makes): a few stored bytes must not ask for
// gigabytes, as a deflated .npz cannot inflate more than about 1000-fold.
const maxBroadcast = 1024

// maxDims bounds a tensor's dimensions; the schema needs at most 5.
const maxDims = 16

// ptForms is what the message for an unreadable form lists.
const ptForms = "(xs, preds, ys) as a tuple or list, as in CornerNet's Network.forward; " +
	`a dict {"xs": xs, "preds": preds, "ys": ys}; or a dict of the schema's arrays ("tl_heats", ...)`

// ptStorage is one storage: its type, where its bytes are, and how many
// elements it holds.
type ptStorage struct {
	dtype dtype
	key   string
	numel int64
	root  *ptStorage // a legacy view of root, from element base
	data  io.ReaderAt
	base  int64 // element of data where this storage starts
}

// ptTensor is a view of a storage.
type ptTensor struct {
	st           *ptStorage
	offset       int64
	size, stride []int64
	count        int64
	extent       int64 // elements of the storage it spans, from offset
}

// isLegacyPT sniffs the legacy format.
func isLegacyPT(r io.ReaderAt) bool {
	var b [2 + 9 + len(ptMagic)]byte
	n, _ := r.ReadAt(b[:], 0)
	if n < 2+len(ptMagic) || b[0] != 0x80 {
		return false
	}
	rest := b[2:n]
	if rest[0] == 0x95 && len(rest) >= 9+len(ptMagic) { // FRAME and its 8-byte length
		rest = rest[9:]
	}
	return string(rest[:len(ptMagic)]) == ptMagic
}

// ptPickle returns the data.pkl of a PyTorch zip archive ("NAME/data.pkl",
// any NAME), or nil for another zip.
func ptPickle(zr *zip.Reader) (*zip.File, string, error) {
	var found *zip.File
	for _, f := range zr.File {
		dir, ok := strings.CutSuffix(f.Name, "/data.pkl")
		if !ok || strings.Contains(dir, "/") {
			continue
		}
		if found != nil {
			return nil, "", fmt.Errorf("two data.pkl in one archive (%s and %s)", found.Name, f.Name)
		}
		found = f
	}
	if found == nil {
		return nil, "", nil
	}
	return found, strings.TrimSuffix(found.Name, "data.pkl"), nil
}

// ptZipEntries reads a PyTorch zip archive (torch.save since 1.6).
func ptZipEntries(file string, r io.ReaderAt, size int64, zr *zip.Reader, pkl *zip.File, prefix string) ([]entry, []string, error) {
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[f.Name] = f
	}
	data, err := readPickleEntry(pkl)
	if err != nil {
		return nil, nil, ptError(file, err)
	}
	// PyTorch 2.1 and later record the writer's byte order.
	if f, ok := files[prefix+"byteorder"]; ok && f.UncompressedSize64 < 16 {
		if rc, err := f.Open(); err == nil {
			order, _ := io.ReadAll(rc)
			rc.Close()
			if string(order) == "big" {
				return nil, nil, ptError(file, errors.New("written on a big-endian machine: not supported"))
			}
		}
	}
	storages := map[string]*ptStorage{}
	persist := func(pid any) (any, error) {
		st, err := storageOf(pid, storages, 5)
		if err != nil || st.data != nil {
			return st, err
		}
		f, ok := files[prefix+"data/"+st.key]
		if !ok {
			return nil, fmt.Errorf("storage %s is not in the archive (no %sdata/%s)", st.key, prefix, st.key)
		}
		if f.Method != zip.Store {
			return nil, fmt.Errorf("storage %s is compressed (zip method %d): torch.save stores storages as they are, and a compressed one is not read", st.key, f.Method)
		}
		if want := mulSat(st.numel, int64(st.dtype.size)); f.UncompressedSize64 != uint64(want) || f.CompressedSize64 != f.UncompressedSize64 {
			return nil, fmt.Errorf("storage %s holds %d bytes, its %d %v elements need %d", st.key, f.UncompressedSize64, st.numel, st.dtype, want)
		}
		off, err := f.DataOffset()
		if err != nil {
			return nil, fmt.Errorf("storage %s: %w", st.key, err)
		}
		if off > size || int64(f.UncompressedSize64) > size-off {
			return nil, fmt.Errorf("truncated: storage %s needs %d bytes at %d, the file has %d", st.key, f.UncompressedSize64, off, size)
		}
		st.data = io.NewSectionReader(r, off, int64(f.UncompressedSize64))
		return st, nil
	}
	top, _, err := unpickle(data, persist)
	if err != nil {
		return nil, nil, ptError(file, fmt.Errorf("data.pkl: %w", err))
	}
	return ptEntries(file, top)
}

// readPickleEntry reads data.pkl, at most maxPickleBytes of it.
func readPickleEntry(f *zip.File) ([]byte, error) {
	if f.UncompressedSize64 > maxPickleBytes {
		return nil, fmt.Errorf("%s declares %d bytes, over the %d-byte limit for the pickle", f.Name, f.UncompressedSize64, maxPickleBytes)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.Name, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, maxPickleBytes+1))
	switch {
	case errors.Is(err, zip.ErrChecksum):
		return nil, fmt.Errorf("%s: checksum mismatch: the archive is corrupt", f.Name)
	case err != nil:
		return nil, fmt.Errorf("%s: %w", f.Name, truncated(err, "pickle"))
	case len(data) > maxPickleBytes:
		return nil, fmt.Errorf("%s holds more than its declared %d bytes", f.Name, f.UncompressedSize64)
	}
	return data, nil
}

// ptLegacyEntries reads the legacy format (_use_new_zipfile_serialization=False,
// and every torch.save before PyTorch 1.6): five pickles (magic number,
// protocol version, system info, the object, the storage keys), then each
// storage as its element count (int64) and its bytes, in key order.
func ptLegacyEntries(file string, r io.ReaderAt, size int64) ([]entry, []string, error) {
	// The pickles come first; read a prefix, longer until they fit.
	for n := min(size, 64<<10); ; n = min(size, 4*n) {
		buf := make([]byte, n)
		if _, err := r.ReadAt(buf, 0); err != nil && !errors.Is(err, io.EOF) {
			return nil, nil, ptError(file, fmt.Errorf("reading: %w", err))
		}
		entries, warnings, err := ptLegacy(file, r, size, buf)
		if errors.Is(err, errTruncated) && n < size && n < 4*maxPickleBytes {
			continue
		}
		if errors.Is(err, errTruncated) {
			err = fmt.Errorf("truncated in the pickles (%d bytes read)", n)
		}
		if err != nil {
			return nil, nil, ptError(file, err)
		}
		return entries, warnings, nil
	}
}

func ptLegacy(file string, r io.ReaderAt, size int64, buf []byte) ([]entry, []string, error) {
	pos := 0
	next := func(what string, persist func(any) (any, error)) (any, error) {
		v, n, err := unpickle(buf[pos:], persist)
		if err != nil {
			if errors.Is(err, errTruncated) {
				return nil, err
			}
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		if n > maxPickleBytes {
			return nil, fmt.Errorf("%s: the pickle is over the %d-byte limit", what, maxPickleBytes)
		}
		pos += n
		return v, nil
	}
	if _, err := next("magic number", nil); err != nil {
		return nil, nil, err
	}
	v, err := next("protocol version", nil)
	if err != nil {
		return nil, nil, err
	}
	if v != int64(ptProtocol) {
		return nil, nil, fmt.Errorf("protocol version %s, want %d", describe(v), ptProtocol)
	}
	info, err := next("system info", nil)
	if err != nil {
		return nil, nil, err
	}
	if d, ok := info.(*pyDict); ok {
		if le, ok := d.get("little_endian"); ok && le == false {
			return nil, nil, errors.New("written on a big-endian machine: not supported")
		}
	}
	storages := map[string]*ptStorage{}
	top, err := next("object pickle", func(pid any) (any, error) { return storageOf(pid, storages, 6) })
	if err != nil {
		return nil, nil, err
	}
	v, err = next("storage keys", nil)
	if err != nil {
		return nil, nil, err
	}
	keys, ok := v.(*pyList)
	if !ok {
		return nil, nil, fmt.Errorf("storage keys: %s, want a list", describe(v))
	}
	at := int64(pos)
	for _, k := range keys.items {
		key, _ := k.(string)
		st, ok := storages[key]
		if !ok || st.root != nil {
			return nil, nil, fmt.Errorf("storage key %s: no such storage in the object", describe(k))
		}
		if st.data != nil {
			return nil, nil, fmt.Errorf("storage %s stored twice", key)
		}
		var n [8]byte
		if _, err := r.ReadAt(n[:], at); err != nil {
			return nil, nil, fmt.Errorf("storage %s: truncated before its size", key)
		}
		numel := int64(0)
		for i := 7; i >= 0; i-- {
			numel = numel<<8 | int64(n[i])
		}
		if numel != st.numel {
			return nil, nil, fmt.Errorf("storage %s holds %d elements, its tensors claim %d", key, numel, st.numel)
		}
		at += 8
		nbytes := mulSat(numel, int64(st.dtype.size))
		if nbytes > size-at {
			return nil, nil, fmt.Errorf("truncated: storage %s needs %d bytes, %d are left", key, nbytes, size-at)
		}
		st.data = io.NewSectionReader(r, at, nbytes)
		at += nbytes
	}
	if at != size {
		return nil, nil, fmt.Errorf("%d bytes after the last storage", size-at)
	}
	for key, st := range storages {
		if st.root != nil {
			if st.root.data == nil {
				return nil, nil, fmt.Errorf("storage %s is a view of %s, which is not in the file", key, st.root.key)
			}
			st.data, st.base = st.root.data, st.base+st.root.base
		} else if st.data == nil {
			return nil, nil, fmt.Errorf("storage %s is not in the file", key)
		}
	}
	return ptEntries(file, top)
}

// storageOf turns a persistent id into its storage: ("storage", type, key,
// location, numel) in the zip format, with a sixth item, None or the view
// (view_key, offset, view_size), in the legacy one.
func storageOf(pid any, storages map[string]*ptStorage, items int) (*ptStorage, error) {
	t, ok := pid.(pyTuple)
	if !ok || len(t) != items || t[0] != "storage" {
		return nil, fmt.Errorf("persistent id %s, want (\"storage\", ...) of %d items", describe(pid), items)
	}
	g, ok := t[1].(pyGlobal)
	dt, known := storageTypes[g.name]
	if !ok || g.module != "torch" || !known {
		return nil, fmt.Errorf("storage type %s, want one of torch's storage classes", describe(t[1]))
	}
	key, ok1 := t[2].(string)
	location, ok2 := t[3].(string)
	numel, ok3 := t[4].(int64)
	if !ok1 || !ok2 || !ok3 || numel < 0 {
		return nil, fmt.Errorf("storage id (%s, %s, %s): want a key, a location and a count", describe(t[2]), describe(t[3]), describe(t[4]))
	}
	if err := checkLocation(location); err != nil {
		return nil, fmt.Errorf("storage %s: %w", key, err)
	}
	st, ok := storages[key]
	if !ok {
		st = &ptStorage{dtype: dt, key: key, numel: numel}
		storages[key] = st
	} else if st.dtype != dt || st.numel != numel {
		return nil, fmt.Errorf("storage %s is %d %v elements and also %d %v", key, st.numel, st.dtype, numel, dt)
	}
	if items == 6 && t[5] != nil {
		return viewOf(st, t[5], storages)
	}
	return st, nil
}

// viewOf returns the legacy view (view_key, offset, view_size) of root.
func viewOf(root *ptStorage, meta any, storages map[string]*ptStorage) (*ptStorage, error) {
	m, ok := meta.(pyTuple)
	if !ok || len(m) != 3 {
		return nil, fmt.Errorf("storage view %s, want (key, offset, size)", describe(meta))
	}
	key, ok1 := m[0].(string)
	off, ok2 := m[1].(int64)
	n, ok3 := m[2].(int64)
	if !ok1 || !ok2 || !ok3 || off < 0 || n < 0 || off > root.numel || n > root.numel-off {
		return nil, fmt.Errorf("storage view (%s, %s, %s) of storage %s (%d elements)", describe(m[0]), describe(m[1]), describe(m[2]), root.key, root.numel)
	}
	v, ok := storages[key]
	if !ok {
		v = &ptStorage{dtype: root.dtype, key: key, numel: n, root: root, base: off}
		storages[key] = v
	} else if v.root != root || v.base != off || v.numel != n {
		return nil, fmt.Errorf("storage view %s declared twice, differently", key)
	}
	return v, nil
}

// checkLocation accepts the devices torch.save tags storages with; the
// bytes are the same, read as CPU data.
func checkLocation(loc string) error {
	dev, _, _ := strings.Cut(loc, ":")
	switch dev {
	case "cpu", "cuda", "mps", "xpu", "hpu":
		return nil
	}
	return fmt.Errorf("location %.40q, want cpu or a GPU (cuda:N)", loc)
}

// newTensor checks _rebuild_tensor's arguments against the storage: every
// element the view reaches must be stored.
func newTensor(storage, offset, size, stride any) (*ptTensor, error) {
	st, ok := storage.(*ptStorage)
	if !ok {
		return nil, fmt.Errorf("a tensor of %s, not a storage", describe(storage))
	}
	off, ok1 := offset.(int64)
	sz, ok2 := ints(size)
	sd, ok3 := ints(stride)
	if !ok1 || !ok2 || !ok3 || len(sz) != len(sd) {
		return nil, fmt.Errorf("a tensor of offset %s, size %s, stride %s: want an int and two tuples of ints of one length", describe(offset), describe(size), describe(stride))
	}
	if len(sz) > maxDims {
		return nil, fmt.Errorf("a tensor of %d dimensions (at most %d read)", len(sz), maxDims)
	}
	t := &ptTensor{st: st, offset: off, size: sz, stride: sd, count: 1}
	if off < 0 || slices.ContainsFunc(sz, isNeg) || slices.ContainsFunc(sd, isNeg) {
		return nil, fmt.Errorf("a tensor of shape %v, strides %v at offset %d: negative", sz, sd, off)
	}
	var last int64 // the highest element reached, from offset
	for i := range sz {
		t.count = mulSat(t.count, sz[i])
		if sz[i] > 0 {
			last = addSat(last, mulSat(sz[i]-1, sd[i]))
		}
	}
	if t.count == 0 {
		return t, nil
	}
	t.extent = addSat(last, 1)
	if off > st.numel || t.extent > st.numel-off {
		return nil, fmt.Errorf("a tensor of shape %v, strides %v at offset %d reaches past the %d elements of storage %s", sz, sd, off, st.numel, st.key)
	}
	if t.count > mulSat(maxBroadcast, t.extent) {
		return nil, fmt.Errorf("a tensor of shape %v (%d elements) repeats the %d elements it views more than %d times", sz, t.count, t.extent, maxBroadcast)
	}
	return t, nil
}

func isNeg(v int64) bool { return v < 0 }

// ints reads a tuple (or list) of ints.
func ints(v any) ([]int64, bool) {
	var items []any
	switch v := v.(type) {
	case pyTuple:
		items = v
	case *pyList:
		items = v.items
	default:
		return nil, false
	}
	out := make([]int64, len(items))
	for i, it := range items {
		n, ok := it.(int64)
		if !ok {
			return nil, false
		}
		out[i] = n
	}
	return out, true
}

// addSat adds non-negative numbers, staying at MaxInt64 past it.
func addSat(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// contiguous reports whether the tensor's elements lie in row-major order
// with no gaps.
func (t *ptTensor) contiguous() bool {
	want := int64(1)
	for i := len(t.size) - 1; i >= 0; i-- {
		if t.size[i] != 1 && t.stride[i] != want {
			return false
		}
		want *= t.size[i]
	}
	return true
}

// payload returns the tensor's elements in row-major order. A contiguous
// tensor is read straight from the storage; another one is gathered from
// the span of the storage it views.
func (t *ptTensor) payload() (io.Reader, error) {
	es := int64(t.st.dtype.size)
	start := (t.st.base + t.offset) * es
	if t.count == 0 {
		return bytes.NewReader(nil), nil
	}
	if t.contiguous() {
		return io.NewSectionReader(t.st.data, start, t.count*es), nil
	}
	span := make([]byte, t.extent*es)
	if _, err := t.st.data.ReadAt(span, start); err != nil {
		return nil, fmt.Errorf("storage %s: %w", t.st.key, truncated(err, "data"))
	}
	out := make([]byte, t.count*es)
	idx := make([]int64, len(t.size))
	src := int64(0)
	for o := int64(0); o < t.count*es; o += es {
		copy(out[o:o+es], span[src*es:])
		// Step the multi-index, last axis fastest.
		for a := len(t.size) - 1; a >= 0; a-- {
			idx[a]++
			src += t.stride[a]
			if idx[a] < t.size[a] {
				break
			}
			src -= idx[a] * t.stride[a]
			idx[a] = 0
		}
	}
	return bytes.NewReader(out), nil
}

// ptError is a problem with the .pt as a whole.
func ptError(file string, err error) error {
	return &Error{File: file, Problem: err.Error(), Err: err}
}

// ptEntries matches the object in the file to the schema by its form.
func ptEntries(file string, top any) ([]entry, []string, error) {
	var arrays map[string][]*ptTensor
	var warnings []string
	var err error
	step := true // preds give one tensor per stack
	switch v := top.(type) {
	case pyTuple:
		arrays, err = stepForm(v)
	case *pyList:
		arrays, err = stepForm(v.items)
	case *pyDict:
		if _, ok := v.get("preds"); ok {
			arrays, err = stepDict(v)
		} else {
			step = false
			arrays, warnings, err = namedForm(v)
		}
	default:
		err = errNotAStep
	}
	if err == errNotAStep {
		err = notAStep(top)
	}
	if err != nil {
		return nil, nil, ptError(file, err)
	}
	var entries []entry
	for _, name := range schema {
		if parts, ok := arrays[name]; ok {
			e, err := tensorEntry(file, name, parts, step && slices.Contains(predNames, name))
			if err != nil {
				return nil, nil, err
			}
			entries = append(entries, e)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(arrays)) { // a stable order for the warnings
		if !slices.Contains(schema, name) {
			e, err := tensorEntry(file, name, arrays[name], false)
			if err != nil {
				return nil, nil, err
			}
			entries = append(entries, e)
		}
	}
	return entries, warnings, nil
}

// The training step's lists, in CornerNet's order: preds holds these six
// per stack (Network.forward's outputs), ys the five targets of
// sample/coco.py, xs the images and the two index arrays.
var (
	predNames = []string{"tl_heats", "br_heats", "tl_tags", "br_tags", "tl_regrs", "br_regrs"}
	yNames    = []string{"gt_tl_heat", "gt_br_heat", "gt_mask", "gt_tl_regr", "gt_br_regr"}
	xNames    = []string{"tl_inds", "br_inds"}
)

func stepDict(d *pyDict) (map[string][]*ptTensor, error) {
	var parts [3]any
	for i, k := range []string{"xs", "preds", "ys"} {
		v, ok := d.get(k)
		if !ok {
			return nil, fmt.Errorf("the dict has preds but no %q: want %s", k, ptForms)
		}
		parts[i] = v
	}
	return stepForm(parts[:])
}

// stepForm reads (xs, preds, ys).
func stepForm(items []any) (map[string][]*ptTensor, error) {
	if len(items) != 3 {
		return nil, errNotAStep
	}
	out := map[string][]*ptTensor{}
	xs, err := sequence("xs", items[0])
	if err != nil {
		return nil, err
	}
	// xs is [images, tl_inds, br_inds]; the images may be None or left out.
	if len(xs) != 2 && len(xs) != 3 {
		return nil, fmt.Errorf("xs holds %d items, want [images, tl_inds, br_inds] (images may be None or left out)", len(xs))
	}
	for i, n := range xNames {
		at := len(xs) - 2 + i
		if out[n], err = tensorAt("xs", at, xs[at]); err != nil {
			return nil, err
		}
	}
	preds, err := sequence("preds", items[1])
	if err != nil {
		return nil, err
	}
	if len(preds) == 0 || len(preds)%len(predNames) != 0 {
		return nil, fmt.Errorf("preds holds %d tensors, want 6 per stack (tl_heat, br_heat, tl_tag, br_tag, tl_regr, br_regr)", len(preds))
	}
	for i, p := range preds {
		t, err := tensorAt("preds", i, p)
		if err != nil {
			return nil, err
		}
		n := predNames[i%len(predNames)]
		out[n] = append(out[n], t...)
	}
	ys, err := sequence("ys", items[2])
	if err != nil {
		return nil, err
	}
	if len(ys) != len(yNames) {
		return nil, fmt.Errorf("ys holds %d items, want the 5 targets [gt_tl_heat, gt_br_heat, gt_mask, gt_tl_regr, gt_br_regr]", len(ys))
	}
	for i, n := range yNames {
		if out[n], err = tensorAt("ys", i, ys[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func sequence(what string, v any) ([]any, error) {
	switch v := v.(type) {
	case pyTuple:
		return v, nil
	case *pyList:
		return v.items, nil
	}
	return nil, fmt.Errorf("%s is %s, want a list or tuple", what, describe(v))
}

func tensorAt(what string, i int, v any) ([]*ptTensor, error) {
	t, ok := v.(*ptTensor)
	if !ok {
		return nil, fmt.Errorf("%s[%d] is %s, want a tensor", what, i, describe(v))
	}
	return []*ptTensor{t}, nil
}

// namedForm reads a dict of the schema's arrays; other tensors are passed
// on (and warned about as extras), other values are warned about here.
func namedForm(d *pyDict) (map[string][]*ptTensor, []string, error) {
	out := map[string][]*ptTensor{}
	var warnings []string
	named := 0
	for i, k := range d.keys {
		name, ok := k.(string)
		if !ok {
			continue
		}
		if slices.Contains(schema, name) {
			named++
		}
		t, ok := d.vals[i].(*ptTensor)
		if !ok {
			if slices.Contains(schema, name) {
				return nil, nil, fmt.Errorf("%q is %s, want a tensor", name, describe(d.vals[i]))
			}
			if len(warnings) < maxExtras {
				warnings = append(warnings, fmt.Sprintf("%s: %s, not a tensor, ignored", name, describe(d.vals[i])))
			}
			continue
		}
		out[name] = []*ptTensor{t}
	}
	if named == 0 {
		return nil, nil, errNotAStep
	}
	return out, warnings, nil
}

// errNotAStep stands for notAStep(top) where top is not at hand.
var errNotAStep = errors.New("not a training step")

// notAStep explains that a valid .pt holds something else.
func notAStep(v any) error {
	found := describe(v)
	switch v := v.(type) {
	case *ptTensor:
		found = "a single tensor of shape " + fmt.Sprint(v.size)
	case *pyDict:
		var keys []string
		for _, k := range v.keys[:min(len(v.keys), 5)] {
			if s, ok := k.(string); ok {
				keys = append(keys, fmt.Sprintf("%.40q", s))
			} else {
				keys = append(keys, describe(k))
			}
		}
		found = fmt.Sprintf("a dict of %d entries (%s", len(v.keys), strings.Join(keys, ", "))
		if len(v.keys) > 5 {
			found += ", ..."
		}
		found += "), such as a model's state_dict"
	}
	return fmt.Errorf("the .pt holds %s, not a training step: want %s", found, ptForms)
}

// tensorEntry makes the entry of one array: a tensor, or one tensor per
// stack stacked on a new first axis.
func tensorEntry(file, name string, parts []*ptTensor, stack bool) (entry, error) {
	first := parts[0]
	for i, p := range parts[1:] {
		if p.st.dtype != first.st.dtype || !slices.Equal(p.size, first.size) {
			return entry{}, errorf(file, name, "stack %d is %v %v, stack 0 is %v %v", i+1, p.st.dtype, p.size, first.st.dtype, first.size)
		}
	}
	var shape []int
	if stack {
		shape = append(shape, len(parts))
	}
	for _, d := range first.size {
		shape = append(shape, int(d))
	}
	h := header{dtype: first.st.dtype, shape: shape}
	n, ok := elements(shape)
	if !ok {
		return entry{}, errorf(file, name, "shape %v has more than 2^63 elements", shape)
	}
	h.count = n
	return entry{
		file: file,
		name: name,
		size: mulSat(n, int64(h.dtype.size)),
		hdr:  &h,
		open: func() (io.ReadCloser, error) {
			return io.NopCloser(&partsReader{parts: parts}), nil
		},
	}, nil
}

// partsReader reads the payloads of parts one after the other, each made
// when the one before is done: one gathered view at a time is in memory,
// however many stacks view one big storage.
type partsReader struct {
	parts []*ptTensor
	cur   io.Reader
}

func (r *partsReader) Read(p []byte) (int, error) {
	for {
		if r.cur == nil {
			if len(r.parts) == 0 {
				return 0, io.EOF
			}
			c, err := r.parts[0].payload()
			if err != nil {
				return 0, err
			}
			r.cur, r.parts = c, r.parts[1:]
		}
		n, err := r.cur.Read(p)
		if err == io.EOF {
			r.cur = nil
			if n == 0 {
				continue
			}
			err = nil
		}
		return n, err
	}
}
