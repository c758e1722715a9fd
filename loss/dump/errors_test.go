package dump

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"math"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/golden"
)

// checkError wants an *Error naming array whose problem starts with problem.
func checkError(t *testing.T, err error, array, problem string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("got %v (%T), want an *Error", err, err)
	}
	if e.Array != array || !strings.HasPrefix(e.Problem, problem) {
		t.Errorf("got  %q\nwant %q", err, (&Error{Array: array, Problem: problem}).Error())
	}
	if first := strings.Fields(e.Problem)[0]; first != "NaN" && unicode.IsUpper(rune(first[0])) || strings.HasSuffix(e.Problem, ".") {
		t.Errorf("%q: want lowercase and no final period", e.Problem)
	}
}

// npyHeaderOnly builds an .npy with a header that is not checked at all.
func npyHeaderOnly(major byte, hlen uint32, dict string, payload []byte) []byte {
	b := []byte{0x93, 'N', 'U', 'M', 'P', 'Y', major, 0}
	if major == 1 {
		b = binary.LittleEndian.AppendUint16(b, uint16(hlen))
	} else {
		b = binary.LittleEndian.AppendUint32(b, hlen)
	}
	return append(append(b, dict...), payload...)
}

// edit changes one stored value of a golden array and stores it again.
func edit(t testing.TB, base, array string, flat int, v float64) []File {
	t.Helper()
	d := readGolden(t, base)
	vals, shape := stored(d, array)
	vals[flat] = v
	return with(goldenFiles(t, base), array, npyOf(t, vals, shape, d.arrayInfo(array).Descr, false))
}

// errorCase is a dump with one bad array and the problem it must report.
type errorCase struct {
	name    string
	files   []File
	array   string
	problem string
}

// TestErrors: each bad dump gives its error, the same with the heats
// streamed plane by plane to Options.HeatPlane (a run's summary).
func TestErrors(t *testing.T) {
	streamed := Options{HeatPlane: func(loss.Shape, loss.Corner, int, int, int, []float32, []float32) {}}
	for _, tc := range errorCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadNPYFiles(tc.files, Options{})
			checkError(t, err, tc.array, tc.problem)
			_, err = ReadNPYFiles(tc.files, streamed)
			checkError(t, err, tc.array, tc.problem)
		})
	}
}

// errorCases are the dumps of TestErrors; TestHeaderDict reads their
// header dicts too.
func errorCases(t testing.TB) []errorCase {
	const base = "small_two_images" // S=1 B=2 C=3 32x32 K=128
	files := goldenFiles(t, base)
	zeros := func(descr string, shape ...int) []byte {
		n, _ := elements(shape)
		return npyOf(t, make([]float64, n), shape, descr, false)
	}
	heats := files[0].Data
	nanHeats := edit(t, base, "tl_heats", 5, math.NaN())[0].Data
	huge := zeros("<u8", 2, 128)
	copy(huge[len(huge)-2*128*8:], []byte{0, 0, 0, 0, 0, 0, 0, 0x80})
	pickle := []byte("\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00\x8c\x02os\x8c\x06system\x93\x8c\x02id\x85R.")

	// The browser build reads header dicts with parseDict, which reads
	// keys in any order as NumPy does; npyio cannot (see header_npyio.go).
	// The same in both builds (readDict).
	outOfOrder := `malformed header dict (not NumPy's layout: want "descr': '<f4', 'fortran_..." at byte 2, found "shape': (2,), 'fortran_o...")`
	return []errorCase{
		{"missing", with(files, "tl_tags", nil), "tl_tags", "missing from the dump (found: tl_heats, tl_regrs, br_heats,"},
		{"batch", with(files, "gt_mask", zeros("|u1", 3, 128)), "gt_mask", "shape [3 128] does not match gt_tl_heat batch 2"},
		{"rank", with(files, "gt_mask", zeros("|u1", 2, 128, 1)), "gt_mask", "shape [2 128 1] has 3 dimensions, want [B K]"},
		{"empty heats", with(files, "tl_heats", zeros("<f4", 1, 2, 3, 0, 32)), "tl_heats", "shape [1 2 3 0 32] has an empty dimension"},
		{"no slots", with(files, "gt_mask", zeros("|u1", 2, 0)), "gt_mask", "shape [2 0] has no slots (K = 0)"},
		{"heats rank", with(files, "tl_heats", zeros("<f4", 2, 3, 32)), "tl_heats", "shape [2 3 32] has 3 dimensions, want [S B C H W] or [B C H W]"},
		{"heats differ", with(files, "br_heats", zeros("<f4", 1, 2, 3, 32, 31)), "br_heats", "shape [1 2 3 32 31] does not match tl_heats shape [1 2 3 32 32]"},
		{"classes", with(files, "gt_br_heat", zeros("<f4", 2, 4, 32, 32)), "gt_br_heat", "shape [2 4 32 32] does not match tl_heats classes 3"},
		{"slots", with(files, "br_inds", zeros("<i8", 2, 64)), "br_inds", "shape [2 64] does not match gt_mask slots 128"},
		{"offset pair", with(files, "gt_tl_regr", zeros("<f4", 2, 128, 3)), "gt_tl_regr", "shape [2 128 3] does not match 2 offsets (x, y)"},
		{"tag width", with(files, "br_tags", zeros("<f4", 1, 2, 128, 2)), "br_tags", "shape [1 2 128 2] does not match 1 embedding per corner"},
		{"tags rank", with(files, "tl_tags", zeros("<f4", 1, 2, 128, 1, 1, 1)), "tl_tags", "shape [1 2 128 1 1 1] has 6 dimensions, want gathered [S B K 1] or [S B K], or a map [S B 1 H W]"},
		{"regrs 3-D", with(files, "tl_regrs", zeros("<f4", 1, 2, 128)), "tl_regrs", "shape [1 2 128] has 3 dimensions, want gathered [S B K 2] or a map [S B 2 H W]"},
		{"map height", with(files, "tl_regrs", zeros("<f4", 1, 2, 2, 31, 32)), "tl_regrs", "shape [1 2 2 31 32] does not match tl_heats height 32"},
		{"map and gathered", with(files, "br_tags", zeros("<f4", 1, 2, 1, 32, 32)), "br_tags", "shape [1 2 1 32 32] is a map but tl_tags is gathered"},
		{"NaN", edit(t, base, "tl_heats", 1*3*32*32+2*32*32+3*32+4, math.NaN()), "tl_heats", "NaN at [0 1 2 3 4]"},
		{"Inf", edit(t, base, "gt_br_regr", 128*2+5*2+1, math.Inf(1)), "gt_br_regr", "+Inf at [1 5 1]"},
		{"Inf in a map", edit(t, "tag_maps_gathered", "tl_tags", 2*2*32*40-1, math.Inf(-1)), "tl_tags", "-Inf at [1 1 0 31 39]"},
		{"float32 overflow", with(files, "gt_tl_regr", npyOf(t, append(make([]float64, 2*128*2-1), 1e39), []int{2, 128, 2}, "<f8", false)),
			"gt_tl_regr", "float64 value at [1 127 1] does not fit in float32"},
		{"index outside", edit(t, base, "tl_inds", 128+3, 32*32), "tl_inds", "index 1024 at [1 3] is outside the 32x32 map (want 0 to 1023)"},
		{"negative index", edit(t, base, "br_inds", 0, -1), "br_inds", "index -1 at [0 0] is outside the 32x32 map"},
		{"target above 1", edit(t, base, "gt_tl_heat", 7, 1.5), "gt_tl_heat", "1.5 at [0 0 0 7] is outside [0, 1]"},
		{"terabytes", with(files, "tl_heats", npyRaw(npyDict("<f4", false, []int{1000000, 1000000, 1000}), nil)),
			"tl_heats", "truncated: shape [1000000 1000000 1000] of float32 needs 4000000000000000 bytes, 0 are stored"},
		{"past int64", with(files, "tl_heats", npyRaw(npyDict("<f8", false, []int{1 << 40, 1 << 40}), nil)),
			"tl_heats", "shape [1099511627776 1099511627776] has more than 2^63 elements"},
		{"past int64 bytes", with(files, "tl_heats", npyRaw(npyDict("<f8", false, []int{1 << 31, 1 << 31}), nil)),
			"tl_heats", "truncated: shape [2147483648 2147483648] of float64 needs more than 2^63 bytes, 0 are stored"},
		{"truncated payload", with(files, "tl_heats", heats[:len(heats)-100]), "tl_heats", "truncated: shape [1 2 3 32 32] of float32 needs 24576 bytes, 24476 are stored"},
		// The whole payload is read before its values are judged.
		{"NaN and truncated", with(files, "tl_heats", nanHeats[:len(nanHeats)-100]), "tl_heats", "truncated: shape [1 2 3 32 32] of float32 needs 24576 bytes, 24476 are stored"},
		{"NaN in the targets and the logits", with(edit(t, base, "gt_tl_heat", 9, math.NaN()), "tl_heats", nanHeats), "gt_tl_heat", "NaN at [0 0 0 9]"},
		{"trailing bytes", with(files, "tl_heats", append(bytes.Clone(heats), 0, 0, 0, 0)), "tl_heats", "shape [1 2 3 32 32] of float32 needs 24576 bytes, but 24580 bytes follow the header"},
		{"too short", with(files, "tl_heats", heats[:7]), "tl_heats", "7 bytes is too short for an .npy array"},
		{"truncated header", with(files, "tl_heats", heats[:100]), "tl_heats", "header length 118 is longer than the 90 bytes stored"},
		{"bad magic", with(files, "tl_heats", append([]byte("PK\x03\x04NUMPY"), heats[10:]...)), "tl_heats", "not an .npy array"},
		{"version 3", with(files, "tl_heats", npyHeaderOnly(3, 10, "{}\n", nil)), "tl_heats", "npy format version 3.0 is not supported"},
		{"header past entry", with(files, "tl_heats", npyHeaderOnly(1, 60000, "{'descr': '<f4', }\n", nil)), "tl_heats", "header length 60000 is longer than the 19 bytes stored"},
		{"header over limit", with(files, "tl_heats", npyHeaderOnly(2, 0xfffffff0, "{}\n", nil)), "tl_heats", "header length 4294967280 is over the 65536-byte limit"},
		{"no newline", with(files, "tl_heats", npyHeaderOnly(1, 62, npyDict("<f4", false, []int{1})+"   ", []byte{0, 0, 0, 0})), "tl_heats", "header does not end with a newline"},
		{"binary header", with(files, "tl_heats", npyHeaderOnly(1, 4, "{\x00}\n", nil)), "tl_heats", "header holds the byte 0x00"},
		{"keys out of order", with(files, "tl_heats", npyRaw("{'shape': (2,), 'fortran_order': False, 'descr': '<f4', }", make([]byte, 8))), "tl_heats", outOfOrder},
		{"no keys", with(files, "tl_heats", npyRaw("{}", nil)), "tl_heats", "malformed header dict (no 'descr' key)"},
		{"bad order", with(files, "tl_heats", npyRaw("{'descr': '<f4', 'fortran_order': 0, 'shape': (2,), }", make([]byte, 8))), "tl_heats", "malformed header dict ('fortran_order' is 0, want True or False)"},
		{"extra key", with(files, "tl_heats", npyRaw("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'align': True, }", make([]byte, 8))),
			"tl_heats", "malformed header dict (unknown key 'align')"},
		{"negative dim", with(files, "gt_mask", npyRaw(npyDict("|u1", false, []int{-1, 128}), nil)), "gt_mask", "shape [-1 128] has a negative dimension"},
		{"object", with(files, "tl_heats", npyRaw(npyDict("|O", false, []int{1}), pickle)), "tl_heats", "dtype '|O' is an object array of pickled Python objects: refused, it is never unpickled"},
		{"structured", with(files, "tl_heats", npyRaw("{'descr': [('a', '<f4'), ('b', '<i4')], 'fortran_order': False, 'shape': (2,), }", make([]byte, 16))),
			"tl_heats", "structured dtype [('a', '<f4'), ('b', '<i4')] is not supported"},
		{"complex", with(files, "tl_heats", npyRaw(npyDict("<c8", false, []int{2}), make([]byte, 16))), "tl_heats", "dtype '<c8' is not supported"},
		{"string", with(files, "tl_heats", npyRaw(npyDict("<U3", false, []int{1}), make([]byte, 12))), "tl_heats", "dtype '<U3' is not supported"},
		{"unordered wide", with(files, "tl_heats", npyRaw(npyDict("|f4", false, []int{1}), make([]byte, 4))), "tl_heats", "dtype '|f4' has no byte order but 4-byte elements"},
		{"float inds", with(files, "tl_inds", zeros("<f8", 2, 128)), "tl_inds", "dtype float64: indices must be integers (int64 or int32)"},
		{"bool inds", with(files, "br_inds", zeros("|b1", 2, 128)), "br_inds", "dtype bool: indices must be integers"},
		{"float mask", with(files, "gt_mask", zeros("<f4", 2, 128)), "gt_mask", "dtype float32, want uint8 or bool"},
		{"bool values", with(files, "gt_tl_heat", zeros("|b1", 2, 3, 32, 32)), "gt_tl_heat", "dtype bool, want float16, float32 or float64"},
		{"mask too large", with(files, "gt_mask", npyOf(t, append([]float64{300}, make([]float64, 255)...), []int{2, 128}, "<i2", false)),
			"gt_mask", "int16 value at [0 0] does not fit in uint8"},
		{"uint64 index", with(files, "tl_inds", huge), "tl_inds", "uint64 value at [0 0] does not fit in int64"},
	}
}

// TestArchiveErrors breaks the zip container itself, read through
// compress/flate and through an Options.Inflate (the page's path): the same
// messages either way.
func TestArchiveErrors(t *testing.T) {
	streamed := func(loss.Shape, loss.Corner, int, int, int, []float32, []float32) {}
	for _, how := range []struct {
		name string
		opt  Options
	}{{"flate", Options{}}, {"inflater", Options{Inflate: flateInflate}}, {"inflater, streamed", Options{Inflate: flateInflate, HeatPlane: streamed}}} {
		t.Run(how.name, func(t *testing.T) { archiveErrors(t, how.opt) })
	}
}

// flateInflate is an Options.Inflate by compress/flate.
func flateInflate(c *io.SectionReader, limit int64) (io.ReadCloser, error) {
	return flate.NewReader(c), nil
}

func archiveErrors(t *testing.T, opt Options) {
	c := golden.Case{Name: "small_two_images", Dir: golden.Dir()}
	npz, err := os.ReadFile(c.NPZ())
	if err != nil {
		t.Fatal(err)
	}
	files := goldenFiles(t, c.Name)

	t.Run("not a zip", func(t *testing.T) {
		_, err := ReadNPZ("x.npz", []byte("hello, world"), opt)
		checkError(t, err, "", "not a valid .npz (zip) archive")
	})
	t.Run("truncated", func(t *testing.T) {
		for _, n := range []int{0, 1, 30, 100, len(npz) / 3, len(npz) / 2, len(npz) - 100, len(npz) - 1} {
			if _, err := ReadNPZ("x.npz", npz[:n], opt); err == nil {
				t.Errorf("cut at %d of %d: no error", n, len(npz))
			}
		}
	})
	t.Run("corrupt entry", func(t *testing.T) {
		// Flip one payload byte of tl_heats, stored uncompressed: the
		// header still parses and only the CRC can tell.
		bad := zipOf(t, files, zip.Store)
		at := bytes.Index(bad, files[0].Data) + len(files[0].Data) - 5
		bad[at] ^= 0x40
		_, err := ReadNPZ("x.npz", bad, opt)
		checkError(t, err, "tl_heats", "checksum mismatch: the archive is corrupt")
	})
	t.Run("deflate corrupt", func(t *testing.T) {
		bad := bytes.Clone(npz)
		for i := 200; i < 400; i++ {
			bad[i] = 0xff
		}
		_, err := ReadNPZ("x.npz", bad, opt)
		checkError(t, err, "tl_heats", "")
	})
	t.Run("deflated entry, wrong crc", func(t *testing.T) {
		heats := files[0].Data
		var deflated bytes.Buffer
		fw, _ := flate.NewWriter(&deflated, flate.BestSpeed)
		fw.Write(heats)
		fw.Close()
		data := rawZip(t, with(files, "tl_heats", nil), "tl_heats.npy", zip.Deflate, crc32.ChecksumIEEE(heats)^1, uint64(len(heats)), deflated.Bytes())
		_, err := ReadNPZ("x.npz", data, opt)
		checkError(t, err, "tl_heats", "checksum mismatch: the archive is corrupt")
		// Declared one byte longer than it inflates: cut short.
		data = rawZip(t, with(files, "tl_heats", nil), "tl_heats.npy", zip.Deflate, crc32.ChecksumIEEE(heats), uint64(len(heats)+1), deflated.Bytes())
		if _, err = ReadNPZ("x.npz", data, opt); err == nil {
			t.Error("an entry shorter than declared was read")
		}
		// And whole: the same input as the golden's.
		data = rawZip(t, with(files, "tl_heats", nil), "tl_heats.npy", zip.Deflate, crc32.ChecksumIEEE(heats), uint64(len(heats)), deflated.Bytes())
		d, err := ReadNPZ("x.npz", data, opt)
		if err != nil {
			t.Fatal(err)
		}
		want := mustRead(t, files)
		streamed := opt.HeatPlane != nil // then the dump holds no heats
		if (!streamed && !slices.Equal(d.Input.Heat[0], want.Input.Heat[0])) || !slices.Equal(d.Input.GTHeat[1], want.Input.GTHeat[1]) {
			t.Error("read through the inflater, the arrays differ")
		}
	})
	t.Run("stored twice", func(t *testing.T) {
		_, err := ReadNPZ("x.npz", zipOf(t, append(files, files[3]), zip.Deflate), opt)
		checkError(t, err, "br_heats", "stored twice")
	})
	t.Run("zip bomb", func(t *testing.T) {
		// The entry declares the size its header implies but inflates to 8 MiB more.
		npy := npyOf(t, []float64{1, 2}, []int{2}, "<f4", false)
		bomb := append(bytes.Clone(npy), make([]byte, 8<<20)...)
		var deflated bytes.Buffer
		fw, _ := flate.NewWriter(&deflated, flate.BestCompression)
		fw.Write(bomb)
		fw.Close()
		data := rawZip(t, files, "extra.npy", zip.Deflate, crc32.ChecksumIEEE(npy), uint64(len(npy)), deflated.Bytes())
		// extra.npy is not read: an extra array is ignored unread.
		if _, err := ReadNPZ("x.npz", data, opt); err != nil {
			t.Fatal(err)
		}
		data = rawZip(t, with(files, "tl_heats", nil), "tl_heats.npy", zip.Deflate, crc32.ChecksumIEEE(npy), uint64(len(npy)), deflated.Bytes())
		_, err := ReadNPZ("x.npz", data, opt)
		// Its 1-D shape fails the shape check before any payload is read.
		checkError(t, err, "tl_heats", "shape [2] has 1 dimensions")
		heats := files[0].Data
		bomb = append(bytes.Clone(heats), make([]byte, 8<<20)...)
		deflated.Reset()
		fw.Reset(&deflated)
		fw.Write(bomb)
		fw.Close()
		data = rawZip(t, with(files, "tl_heats", nil), "tl_heats.npy", zip.Deflate, crc32.ChecksumIEEE(heats), uint64(len(heats)), deflated.Bytes())
		_, err = ReadNPZ("x.npz", data, opt)
		checkError(t, err, "tl_heats", "entry holds more bytes than its declared size: corrupt archive or zip bomb")
	})
	t.Run("terabytes declared", func(t *testing.T) {
		// Header and declared entry size agree on 4 PB: only the limit stops it.
		hdr := npyRaw(npyDict("<f4", false, []int{1000000, 1000000, 1000}), nil)
		data := rawZip(t, with(files, "tl_heats", nil), "tl_heats.npy", zip.Store, 0, uint64(len(hdr))+4e15, hdr)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := ReadNPZ("x.npz", data, opt)
		runtime.ReadMemStats(&after)
		checkError(t, err, "tl_heats", "shape [1000000 1000000 1000] needs 3.6 PiB decoded, over the 2.0 GiB limit")
		if n := after.TotalAlloc - before.TotalAlloc; n > 4<<20 {
			t.Errorf("allocated %d bytes before refusing", n)
		}
	})
	t.Run("gathered maps", func(t *testing.T) {
		// Every array is small or at least under the limit, but 2^16 stacks
		// of tag maps gathered at 2^24 slots would make 2^40 values.
		const s, k = 1 << 16, 1 << 24
		var arrays []File
		var sizes []uint64
		for _, a := range []struct {
			name  string
			descr string
			shape []int
		}{
			{"tl_heats", "<f4", []int{s, 1, 1, 1, 1}}, {"br_heats", "<f4", []int{s, 1, 1, 1, 1}},
			{"tl_tags", "<f4", []int{s, 1, 1, 1, 1}}, {"br_tags", "<f4", []int{s, 1, 1, 1, 1}},
			{"tl_regrs", "<f4", []int{s, 1, 2, 1, 1}}, {"br_regrs", "<f4", []int{s, 1, 2, 1, 1}},
			{"gt_tl_heat", "<f4", []int{1, 1, 1, 1}}, {"gt_br_heat", "<f4", []int{1, 1, 1, 1}},
			{"gt_mask", "|u1", []int{1, k}}, {"gt_tl_regr", "<f4", []int{1, k, 2}}, {"gt_br_regr", "<f4", []int{1, k, 2}},
			{"tl_inds", "<i8", []int{1, k}}, {"br_inds", "<i8", []int{1, k}},
		} {
			hdr := npyRaw(npyDict(a.descr, false, a.shape), nil)
			n, _ := elements(a.shape)
			d, _ := parseDtype("'" + a.descr + "'")
			arrays = append(arrays, File{a.name + ".npy", hdr})
			sizes = append(sizes, uint64(len(hdr))+uint64(n)*uint64(d.size))
		}
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		for i, f := range arrays {
			w, _ := zw.CreateRaw(&zip.FileHeader{Name: f.Name, Method: zip.Store, CompressedSize64: uint64(len(f.Data)), UncompressedSize64: sizes[i]})
			w.Write(f.Data)
		}
		zw.Close()
		_, err := ReadNPZ("x.npz", b.Bytes(), opt)
		checkError(t, err, "", "the dump needs 24.0 TiB decoded, over the 2.0 GiB limit")
	})
	t.Run("limit", func(t *testing.T) {
		_, err := ReadNPZ("x.npz", npz, Options{MaxBytes: 10000, Inflate: opt.Inflate})
		checkError(t, err, "tl_heats", "shape [1 2 3 32 32] needs 24.0 KiB decoded, over the 9.8 KiB limit")
		_, err = ReadNPZ("x.npz", npz, Options{MaxBytes: 30000, Inflate: opt.Inflate})
		checkError(t, err, "", "the dump needs 110.2 KiB decoded, over the 29.3 KiB limit")
	})
}

// rawZip builds an npz of files plus one entry written raw, with whatever
// sizes and CRC the caller declares.
func rawZip(t *testing.T, files []File, name string, method uint16, crc uint32, size uint64, raw []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, f := range files {
		w, _ := zw.Create(f.Name)
		w.Write(f.Data)
	}
	w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: method, CRC32: crc,
		CompressedSize64: uint64(len(raw)), UncompressedSize64: size})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(raw)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
