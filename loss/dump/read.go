package dump

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/cornerloss/cornerloss/loss"
)

// reading is one dump on its way from entries to a loss.Input.
type reading struct {
	file    string // the dump as a whole, for errors that name no array
	opt     Options
	entries map[string]entry
	hdr     map[string]header
	// opened holds the payloads opened ahead through Options.Inflate
	// (openAhead), by array name, until read.
	opened map[string]io.ReadCloser
}

// maxExtras is how many arrays outside the schema get a warning each.
const maxExtras = 20

// readEntries checks every header, then the shapes, then the memory budget, and
// only then decodes; so a bad dump fails before anything large is made.
func readEntries(file string, entries []entry, warnings []string, opt Options) (*Dump, error) {
	if opt.MaxBytes <= 0 {
		opt.MaxBytes = DefaultMaxBytes
	}
	rd := &reading{file: file, opt: opt, entries: map[string]entry{}, hdr: map[string]header{}}
	for _, e := range entries {
		if prev, dup := rd.entries[e.name]; dup {
			if prev.file == e.file {
				return nil, errorf(e.file, e.name, "stored twice")
			}
			return nil, errorf(e.file, e.name, "given twice (%s and %s)", prev.file, e.file)
		}
		rd.entries[e.name] = e
	}
	for _, n := range schema {
		if _, ok := rd.entries[n]; !ok {
			return nil, errorf(file, n, "missing from the dump (found: %s)", found(entries))
		}
	}
	extras := 0
	for _, e := range entries {
		if !slices.Contains(schema, e.name) && !slices.Contains(optional, e.name) {
			if extras++; extras <= maxExtras {
				warnings = append(warnings, fmt.Sprintf("%s: not part of the schema, ignored", e.name))
			}
		}
	}
	if extras > maxExtras {
		warnings = append(warnings, fmt.Sprintf("%d more arrays not part of the schema, ignored", extras-maxExtras))
	}

	d := &Dump{Warnings: warnings}
	var total int64
	for _, n := range schema {
		h, err := rd.header(n)
		if err != nil {
			return nil, err
		}
		rd.hdr[n] = h
		total += rd.entries[n].size
		d.Arrays = append(d.Arrays, ArrayInfo{Name: n, Dtype: h.dtype.String(), Descr: h.dtype.descr, Shape: h.shape, Fortran: h.fortran})
	}
	l, err := rd.layoutOf()
	if err != nil {
		return nil, err
	}
	if err := rd.budget(l); err != nil {
		return nil, err
	}
	d.TagsFromMaps, d.RegrsFromMaps = l.tagMaps, l.regrMaps
	rd.openAhead(l)
	defer rd.closeAhead()
	p := newPayload(total+rd.optionalSize(), opt)
	if d.Input, err = rd.decode(l, p); err != nil {
		return nil, err
	}
	if d.Step, err = rd.scalar(p, "step"); err != nil {
		return nil, err
	}
	if d.Chunk, err = rd.scalar(p, "chunk"); err != nil {
		return nil, err
	}
	d.Warnings = append(d.Warnings, maskWarnings(d.Input.Mask, rd.hdr["gt_mask"])...)
	if msg := loss.ProbabilityWarning(d.Input); msg != "" {
		d.Warnings = append(d.Warnings, msg)
	}
	validate := d.Input.ValidateScanned // values scanned each array for NaN
	if opt.HeatPlane != nil {
		validate = d.Input.ValidateStreamed
	}
	if err := validate(); err != nil {
		return nil, rd.validation(err)
	}
	return d, nil
}

// header opens one array and reads its header only.
func (rd *reading) header(name string) (header, error) {
	h, err := rd.entries[name].header()
	if err != nil {
		return h, rd.wrap(name, err)
	}
	if err := roleOf(name).accepts(h.dtype); err != nil {
		return h, rd.wrap(name, err)
	}
	return h, rd.fits(name, h)
}

// fits refuses an array that alone would pass Options.MaxBytes once
// decoded, counting the disk-order copy a Fortran array needs.
func (rd *reading) fits(name string, h header) error {
	size := decodedSize(name, h)
	if h.count > rd.opt.MaxBytes/size {
		return rd.errorf(name, "shape %v needs %s decoded, over the %s limit", h.shape, bytesize(mulSat(h.count, size)), bytesize(rd.opt.MaxBytes))
	}
	return nil
}

// decodedSize returns the bytes one element of the array takes in memory
// while it is decoded.
func decodedSize(name string, h header) int64 {
	size := roleOf(name).size()
	if h.fortran {
		size *= 2
	}
	return size
}

// budget refuses a dump whose decoded arrays would together pass
// Options.MaxBytes, before any of them is allocated. The gathered tags and
// offsets count too: their size S·B·K multiplies dimensions of different
// arrays, so no single header bounds it. The sum is a float64, which
// cannot overflow and is exact long past any sane limit.
func (rd *reading) budget(l layout) error {
	var need float64
	for _, n := range schema {
		need += float64(rd.hdr[n].count * decodedSize(n, rd.hdr[n]))
	}
	gathered := 4 * float64(l.Stacks) * float64(l.Batch) * float64(l.Slots) * 2 // both corners
	if l.tagMaps {
		need += gathered
	}
	if l.regrMaps {
		need += 2 * gathered
	}
	if limit := rd.opt.MaxBytes; need > float64(limit) {
		return &Error{File: rd.file, Problem: fmt.Sprintf("the dump needs %s decoded, over the %s limit", bytesize(int64(min(need, math.MaxInt64))), bytesize(limit))}
	}
	return nil
}

// decode reads every payload and assembles the engine's input.
func (rd *reading) decode(l layout, p *payload) (*loss.Input, error) {
	in := &loss.Input{Shape: l.Shape}
	var err error
	for _, c := range loss.Corners {
		pre := c.String()
		if in.Inds[c], err = read1(rd, p, pre+"_inds", toInt64); err != nil {
			return nil, err
		}
		if err := checkInds(in.Inds[c], rd.hdr[pre+"_inds"].shape, l); err != nil {
			return nil, rd.wrap(pre+"_inds", err)
		}
	}
	if in.Mask, err = read1(rd, p, "gt_mask", toUint8); err != nil {
		return nil, err
	}
	for _, c := range loss.Corners {
		pre := c.String()
		// The targets before the logits: Options.HeatPlane takes each
		// plane of logits with its targets.
		if in.GTHeat[c], err = rd.values(p, "gt_"+pre+"_heat"); err != nil {
			return nil, err
		}
		if rd.opt.HeatPlane != nil {
			n := l.Pixels()
			err = rd.planes(p, pre+"_heats", l.Shape, func(stack, image, class int, x []float32) {
				rd.opt.HeatPlane(l.Shape, c, stack, image, class, x, in.GTHeat[c][l.TargetIndex(image, class, 0, 0):][:n])
			})
		} else {
			in.Heat[c], err = rd.values(p, pre+"_heats")
		}
		if err != nil {
			return nil, err
		}
		for _, v := range []struct {
			name string
			dst  *[]float32
		}{
			{"gt_" + pre + "_regr", &in.GTRegr[c]},
			{pre + "_tags", &in.Tag[c]},
			{pre + "_regrs", &in.Regr[c]},
		} {
			if *v.dst, err = rd.values(p, v.name); err != nil {
				return nil, err
			}
		}
		if l.tagMaps {
			in.TagMap[c], in.Tag[c] = in.Tag[c], gather(in.Tag[c], in.Inds[c], l, 1)
		}
		if l.regrMaps {
			in.RegrMap[c], in.Regr[c] = in.Regr[c], gather(in.Regr[c], in.Inds[c], l, 2)
		}
	}
	return in, nil
}

// values reads a value array and refuses NaN and infinities, naming the
// position as stored (Input.Validate would name the gathered one). A
// C-order array is scanned a piece at a time as it is decoded, between
// Options.Progress calls, where the page pauses to draw (a 21 MB array
// scanned whole held a frame for 30 ms more); the first NaN is reported
// once the payload was read to its end, as for the whole array.
func (rd *reading) values(p *payload, name string) ([]float32, error) {
	h := rd.hdr[name]
	if h.fortran { // its pieces come in disk order
		v, err := read1(rd, p, name, toFloat32)
		if err != nil {
			return nil, err
		}
		return v, rd.wrap(name, checkFinite(v, h.shape))
	}
	at, bad := 0, -1
	var badV float32
	scan := func(dst []float32, src []byte, d dtype) int {
		k := toFloat32(dst, src, d)
		if k < 0 && bad < 0 {
			if j, ok := loss.FirstNonFinite(dst); ok {
				bad, badV = at+j, dst[j]
			}
		}
		at += len(dst)
		return k
	}
	v, err := read1(rd, p, name, scan)
	if err != nil {
		return nil, err
	}
	if bad >= 0 {
		return v, rd.wrap(name, finiteError(badV, bad, h.shape))
	}
	return v, nil
}

// read1 decodes the payload of one array.
func read1[T element](rd *reading, p *payload, name string, conv converter[T]) ([]T, error) {
	r, err := rd.openPayload(p, name)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	v, err := decode(p, r, rd.hdr[name], conv)
	return v, rd.wrap(name, err)
}

// openAhead opens every inflated payload, in the order decode reads
// them, once every header and the budget passed: an Options.Inflate that
// inflates on another thread then works ahead, an entry or more, while
// this one decodes (one that inflates when read costs nothing here).
func (rd *reading) openAhead(l layout) {
	if rd.opt.Inflate == nil {
		return
	}
	rd.opened = map[string]io.ReadCloser{}
	names := []string{"tl_inds", "br_inds", "gt_mask"}
	for _, c := range loss.Corners {
		pre := c.String()
		names = append(names, "gt_"+pre+"_heat", pre+"_heats", "gt_"+pre+"_regr", pre+"_tags", pre+"_regrs")
	}
	for _, name := range names {
		if rd.entries[name].inflated == nil {
			continue // stored
		}
		if r, err := rd.openInflated(name); err == nil {
			rd.opened[name] = r // an error comes again when decode opens it
		}
	}
}

// closeAhead closes the payloads opened ahead and never read.
func (rd *reading) closeAhead() {
	for _, r := range rd.opened {
		r.Close()
	}
}

// openInflated opens an inflated entry up to one byte past its payload:
// enough to see an entry too long.
func (rd *reading) openInflated(name string) (io.ReadCloser, error) {
	h := rd.hdr[name]
	return rd.entries[name].inflated(h.offset + h.count*int64(h.dtype.size) + 1)
}

// openPayload opens one array's entry at its payload.
func (rd *reading) openPayload(p *payload, name string) (io.ReadCloser, error) {
	e := rd.entries[name]
	open := e.open
	if r, ok := rd.opened[name]; ok {
		delete(rd.opened, name)
		open = func() (io.ReadCloser, error) { return r, nil }
	} else if e.inflated != nil {
		open = func() (io.ReadCloser, error) { return rd.openInflated(name) }
	}
	r, err := open()
	if err != nil {
		return nil, rd.wrap(name, err)
	}
	// Skip the header: it was checked already, and the payload is read
	// here, not by npyio (see chunkBytes).
	h := rd.hdr[name]
	if _, err := io.CopyN(io.Discard, r, h.offset); err != nil {
		r.Close()
		return nil, rd.wrap(name, truncated(err, "header"))
	}
	p.tick(int(h.offset))
	return r, nil
}

// planes decodes a heats array plane by plane, each checked as values
// checks the whole array (the first NaN or infinity is reported once the
// payload was read to its end, as values reports it), and hands each to
// fn: one plane is in memory at a time. A Fortran-order array, whose
// planes are not contiguous on disk, is decoded whole first.
func (rd *reading) planes(p *payload, name string, sh loss.Shape, fn func(stack, image, class int, x []float32)) error {
	h, n := rd.hdr[name], sh.Pixels()
	emit := func(i int, x []float32) {
		fn(i/(sh.Batch*sh.Classes), i/sh.Classes%sh.Batch, i%sh.Classes, x)
	}
	if h.fortran {
		v, err := rd.values(p, name)
		if err != nil {
			return err
		}
		for i := range len(v) / n {
			emit(i, v[i*n:][:n])
		}
		return nil
	}
	r, err := rd.openPayload(p, name)
	if err != nil {
		return err
	}
	defer r.Close()
	var nonFinite error
	err = decodeEach(p, r, h, n, toFloat32, func(i int, x []float32) {
		if nonFinite != nil {
			return
		}
		if j, ok := loss.FirstNonFinite(x); ok {
			nonFinite = finiteError(x[j], i*n+j, h.shape)
			return
		}
		emit(i, x)
	})
	if err == nil {
		err = nonFinite
	}
	return rd.wrap(name, err)
}

// validation turns an Input.Validate error, which starts with the array
// name, into an *Error.
func (rd *reading) validation(err error) error {
	name, problem, ok := strings.Cut(err.Error(), ": ")
	if _, known := rd.entries[name]; !ok || !known {
		return &Error{File: rd.file, Problem: err.Error(), Err: err}
	}
	return &Error{File: rd.entries[name].file, Array: name, Problem: problem, Err: err}
}

// errorf builds an *Error for a named array of the dump.
func (rd *reading) errorf(name, format string, args ...any) error {
	return errorf(rd.entries[name].file, name, format, args...)
}

// wrap names the array in err.
func (rd *reading) wrap(name string, err error) error {
	return wrap(rd.entries[name].file, name, err)
}

// mulSat multiplies without overflowing: past MaxInt64 it stays there.
func mulSat(a, b int64) int64 {
	if b != 0 && a > math.MaxInt64/b {
		return math.MaxInt64
	}
	return a * b
}

// bytesize formats a byte count for people: "40.0 MiB".
func bytesize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	f, i := float64(n), -1
	for f >= unit && i < 5 {
		f /= unit
		i++
	}
	return fmt.Sprintf("%.1f %ciB", f, "KMGTPE"[i])
}
