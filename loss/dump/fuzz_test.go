package dump

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/golden"
)

// fuzzMaxBytes is the reader's budget under fuzzing. The reader refuses a
// dump that would decode to more before allocating any of it (TestBudget
// holds it to that), so no input can make a fuzz run allocate more, and the
// targets need not measure memory per input (runtime.ReadMemStats, which
// the old FuzzRead called twice an input, stops the world). The tiny dumps
// the seeds hold decode to a few hundred bytes.
const fuzzMaxBytes = 64 << 10

// FuzzReadNPZ feeds arbitrary bytes to the reader as an .npz. It must never
// panic, and must return an *Error naming a problem or a valid input within
// the budget.
func FuzzReadNPZ(f *testing.F) {
	for _, files := range tinyDumps(f) {
		f.Add(uncheckedZip(f, files))
	}
	// One deflated, as numpy.savez_compressed writes, and one with the
	// checksums kept.
	files := tinyDumps(f)[0]
	f.Add(zipOf(f, files, zip.Deflate))
	f.Add(zipOf(f, files, zip.Store))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ReadNPZ("fuzz.npz", data, Options{MaxBytes: fuzzMaxBytes})
		checkFuzz(t, d, err)
	})
}

// FuzzReadNPY feeds arbitrary bytes to the reader as the one .npy array
// which (modulo the number of arrays) of an otherwise valid tiny dump.
func FuzzReadNPY(f *testing.F) {
	for _, files := range tinyDumps(f) {
		for _, file := range files {
			f.Add(uint8(slices.Index(schema, strings.TrimSuffix(file.Name, ".npy"))), file.Data)
		}
	}
	for i, seed := range npySeeds(f) {
		f.Add(uint8(i), seed)
	}
	base := tinyDumps(f)[0]
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		name := schema[int(which)%len(schema)]
		d, err := ReadNPYFiles(with(base, name, data), Options{MaxBytes: fuzzMaxBytes})
		checkFuzz(t, d, err)
	})
}

// FuzzReadNPYFiles feeds arbitrary bytes to the reader as several .npy
// files, as dropped on the page: the bytes are split into named files (see
// splitFiles), so names can be missing, repeated, foreign or odd.
func FuzzReadNPYFiles(f *testing.F) {
	for _, files := range tinyDumps(f) {
		f.Add(joinFiles(files))
	}
	base := tinyDumps(f)[0]
	for i, seed := range npySeeds(f) {
		f.Add(joinFiles(with(base, schema[i%len(schema)], seed)))
	}
	f.Add(joinFiles(with(base, "extra", []byte("not an array"))))
	f.Add(joinFiles(append(slices.Clone(base), File{Name: "notes.txt", Data: []byte("x")}, base[0])))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ReadNPYFiles(splitFiles(data), Options{MaxBytes: fuzzMaxBytes})
		checkFuzz(t, d, err)
	})
}

// checkFuzz holds one read to the reader's contract: an *Error with a
// problem, or an input that Validate accepts and whose arrays fit the
// budget.
func checkFuzz(t *testing.T, d *Dump, err error) {
	if err != nil {
		var e *Error
		if !errors.As(err, &e) || e.Problem == "" {
			t.Fatalf("error %q (%T) is not an *Error with a problem", err, err)
		}
		return
	}
	if err := d.Input.Validate(); err != nil {
		t.Fatalf("read without error but Validate says %v", err)
	}
	if n := inputBytes(d.Input); n > fuzzMaxBytes {
		t.Fatalf("read %d bytes of arrays, over the %d budget", n, fuzzMaxBytes)
	}
	_ = d.Summary()
}

// inputBytes is what the arrays of an input take in memory.
func inputBytes(in *loss.Input) int64 {
	var n int
	for _, c := range loss.Corners {
		for _, v := range [][]float32{in.Heat[c], in.GTHeat[c], in.Tag[c], in.Regr[c], in.GTRegr[c], in.TagMap[c], in.RegrMap[c]} {
			n += 4 * len(v)
		}
		n += 8 * len(in.Inds[c])
	}
	return int64(n + len(in.Mask))
}

// npySeeds are single arrays that reach the reader's refusals: dtypes,
// orders, pickles, structured dtypes, dicts out of order, header lengths.
func npySeeds(t testing.TB) [][]byte {
	return [][]byte{
		npyOf(t, []float64{1, 2, 3, 4, 5, 6}, []int{2, 3}, "<f4", false),
		npyOf(t, []float64{1, 2, 3, 4, 5, 6}, []int{3, 2}, ">f8", true),
		npyOf(t, []float64{1, 0, 1}, []int{3}, "|b1", false),
		npyOf(t, []float64{7, 8}, []int{2}, "<i4", false),
		npyOf(t, []float64{0.5}, []int{1, 1}, "<f2", false),
		npyRaw(npyDict("|O", false, []int{1}), []byte("\x80\x04\x95\x05\x00\x00\x00\x00\x00\x00\x00K\x01.")),
		npyRaw("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", make([]byte, 4)),
		npyRaw("{'shape': (2,), 'fortran_order': False, 'descr': '<f4', }", make([]byte, 8)),
		npyHeaderOnly(2, 0xfffffff0, "{}\n", nil),
		npyHeaderOnly(1, 8, "{'descr'", nil),
	}
}

// tinyDumps returns the goldens cut down to tiny valid dumps (see cutDown),
// and the first of them again in other dtypes, byte and memory orders, so
// that every decoding path has a seed a few KB long: whole goldens (up to
// 220 KB) made the fuzzer minimise each new input for its full minute.
func tinyDumps(t testing.TB) [][]File {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(golden.Dir(), "*.npz"))
	if err != nil || len(paths) == 0 {
		t.Fatal("no golden npz", err)
	}
	var dumps [][]File
	for _, p := range paths {
		dumps = append(dumps, cutDown(t, readGolden(t, strings.TrimSuffix(filepath.Base(p), ".npz")), nil))
	}
	for _, descr := range []map[string]string{
		{"tl_heats": ">f8", "br_heats": "<f2", "tl_tags": "=f4", "gt_tl_heat": ">f4", "gt_mask": "|b1", "tl_inds": "<i4", "br_inds": ">u2"},
		{"tl_heats": "<f4 F", "gt_br_regr": ">f8 F", "gt_mask": "<i8 F", "br_inds": "<i8 F", "br_regrs": "<f2 F"},
	} {
		dumps = append(dumps, cutDown(t, readGolden(t, filepath.Base(strings.TrimSuffix(paths[0], ".npz"))), descr))
	}
	return dumps
}

// cutDown returns a dump of the stacks, images and slot count of d, capped
// at two each, one class, and a 3×4 map sampled from d's: the first two
// slots of each image keep their mask and offsets, their corners moved to
// where the sampling puts them, and tags and offsets stay maps when d's
// were. descr overrides an array's stored type; " F" after it stores the
// array in Fortran order.
func cutDown(t testing.TB, d *Dump, descr map[string]string) []File {
	t.Helper()
	in := d.Input
	const h, w, c = 3, 4, 1
	s, b, k := min(in.Stacks, 2), min(in.Batch, 2), min(in.Slots, 2)
	// pixel maps a cut-down pixel to its source pixel.
	pixel := func(y, x int) int { return (y*in.Height/h)*in.Width + x*in.Width/w }
	maps := func(v []float32, stacks, planes, keep int) ([]float64, []int) {
		var out []float64
		for si := range stacks {
			for bi := range b {
				for ci := range keep {
					plane := ((si*in.Batch+bi)*planes + ci) * in.Pixels()
					for y := range h {
						for x := range w {
							out = append(out, float64(v[plane+pixel(y, x)]))
						}
					}
				}
			}
		}
		return out, []int{stacks, b, keep, h, w}
	}
	slots := func(v []float32, stacks, per int) []float64 {
		var out []float64
		for si := range stacks {
			for bi := range b {
				for j := range k {
					for e := range per {
						out = append(out, float64(v[((si*in.Batch+bi)*in.Slots+j)*per+e]))
					}
				}
			}
		}
		return out
	}
	arrays := map[string][]float64{}
	shapes := map[string][]int{}
	for _, corner := range loss.Corners {
		p := corner.String()
		arrays[p+"_heats"], shapes[p+"_heats"] = maps(in.Heat[corner], s, in.Classes, c)
		gt, shape := maps(in.GTHeat[corner], 1, in.Classes, c)
		arrays["gt_"+p+"_heat"], shapes["gt_"+p+"_heat"] = gt, shape[1:]
		if d.TagsFromMaps {
			arrays[p+"_tags"], shapes[p+"_tags"] = maps(in.TagMap[corner], s, 1, 1)
		} else {
			arrays[p+"_tags"], shapes[p+"_tags"] = slots(in.Tag[corner], s, 1), []int{s, b, k, 1}
		}
		if d.RegrsFromMaps {
			arrays[p+"_regrs"], shapes[p+"_regrs"] = maps(in.RegrMap[corner], s, 2, 2)
		} else {
			arrays[p+"_regrs"], shapes[p+"_regrs"] = slots(in.Regr[corner], s, 2), []int{s, b, k, 2}
		}
		arrays["gt_"+p+"_regr"], shapes["gt_"+p+"_regr"] = slots(in.GTRegr[corner], 1, 2), []int{b, k, 2}
		var inds []float64
		for i := range b {
			for j := range k {
				at := int(in.Inds[corner][i*in.Slots+j])
				inds = append(inds, float64(min(at/in.Width*h/in.Height, h-1)*w+min(at%in.Width*w/in.Width, w-1)))
			}
		}
		arrays[p+"_inds"], shapes[p+"_inds"] = inds, []int{b, k}
	}
	var mask []float64
	for i := range b {
		for j := range k {
			mask = append(mask, float64(in.Mask[i*in.Slots+j]))
		}
	}
	arrays["gt_mask"], shapes["gt_mask"] = mask, []int{b, k}
	var files []File
	for _, n := range schema {
		dt, fortran := d.arrayInfo(n).Descr, false
		if o, ok := descr[n]; ok {
			dt, fortran = strings.CutSuffix(o, " F")
		}
		files = append(files, File{Name: n + ".npy", Data: npyOf(t, arrays[n], shapes[n], dt, fortran)})
	}
	return files
}

// uncheckedZip stores files uncompressed with a zero CRC, which
// archive/zip does not check: mutations of the payload then reach the
// decoders instead of failing the checksum.
func uncheckedZip(t testing.TB, files []File) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, f := range files {
		w, err := zw.CreateRaw(&zip.FileHeader{Name: f.Name, Method: zip.Store,
			CompressedSize64: uint64(len(f.Data)), UncompressedSize64: uint64(len(f.Data))})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(f.Data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// joinFiles and splitFiles frame several files in one fuzz input: per
// file, the name's length (one byte), the name, the data's length (two
// bytes, little-endian) and the data. A short last field takes what is
// left, so every input splits into some files.
func joinFiles(files []File) []byte {
	var b []byte
	for _, f := range files {
		b = append(b, byte(len(f.Name)))
		b = append(b, f.Name...)
		b = binary.LittleEndian.AppendUint16(b, uint16(len(f.Data)))
		b = append(b, f.Data...)
	}
	return b
}

func splitFiles(b []byte) []File {
	var files []File
	take := func(n int) []byte {
		n = min(n, len(b))
		v := b[:n]
		b = b[n:]
		return v
	}
	for len(b) > 0 {
		name := string(take(int(take(1)[0])))
		n := 0
		if l := take(2); len(l) == 2 {
			n = int(binary.LittleEndian.Uint16(l))
		}
		files = append(files, File{Name: name, Data: take(n)})
	}
	return files
}
