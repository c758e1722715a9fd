//go:build !js

package dump

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/cornerloss/cornerloss/loss/golden"
)

// Both builds read a header dict with readDict, which takes only NumPy's
// layout; the native build then reads it with npyio too (parseHeader in
// header_npyio.go), the browser build does not (header_js.go). The builds
// must agree on every dict: the same descr, fortran_order and shape, or the
// same error. compareBuilds checks it on every dict of TestHeaderDict and
// FuzzHeaderDict (the goldens, the error and variant tests, a generated set
// of variants: key order, spacing, quotes, trailing commas, shapes, dtypes
// of every byte order, structured descrs, broken punctuation).
//
// Below readDict, the two raw parsers, npyio and parseDict, differ on dicts
// in other layouts; TestHeaderDict and FuzzHeaderDict hold them to this
// contract (compareParsers checks it), which is why readDict wants NumPy's
// layout:
//
//   - On a dict in NumPy's exact layout (numpyLayout), the one numpy.save
//     writes, they agree: both read it to the same descr, fortran_order and
//     shape, or both refuse it (so does readHeader, for a dtype it does not
//     support).
//   - npyio refuses or misreads some dicts in other layouts that numpy.load
//     reads, and parseDict reads them as NumPy does. npyio finds each key
//     by its exact text ("'descr': ") and slices from one key to the next,
//     so it wants NumPy's key order, one space after each colon and ", "
//     after each value; given "'shape': (2, 3)}", without the final ", ",
//     it reads the shape as (2,).
//   - parseDict refuses some dicts in other layouts that npyio reads, all
//     of them ones that NumPy refuses or never writes: a shape that is not
//     a tuple ("(5)", "[2, 3]", "(,)"), an extra key, text after the '}',
//     "+3" or "007" as a dimension.
//   - Both refuse a few dicts that numpy.load reads and no NumPy writes: a
//     key given twice, escapes in strings, and the "3L" of Python 2 longs.
//
// documentedDicts lists dicts of each kind, with what numpy.load does with
// them (numpy 1.24's _read_array_header, run on each when this was
// written; it also read the generated set and the fuzz corpus, and read
// every dict parseDict reads with a dtype parseDtype takes to the same
// values).

// compareBuilds reads dict as the native and the browser builds read it
// and fails unless they agree: the same dict, or the same error.
func compareBuilds(t testing.TB, dict string) {
	t.Helper()
	buf := npyBuf(dict)
	native, nerr := parseHeader(buf)
	browser, berr := readDict(dictText(buf))
	switch {
	case nerr != nil || berr != nil:
		if nerr == nil || berr == nil || nerr.Error() != berr.Error() {
			t.Errorf("%q\nnative:  %v\nbrowser: %v", dict, parsed{native, nerr}, parsed{browser, berr})
		}
	case !reflect.DeepEqual(native, browser):
		t.Errorf("%q\nnative:  %v\nbrowser: %v", dict, parsed{native, nerr}, parsed{browser, berr})
	}
}

// parsed is one parser's reading of a dict, or its error.
type parsed struct {
	h   headerDict
	err error
}

// ok says whether readHeader would go on with the reading: a dict that
// parsed, with a dtype parseDtype supports.
func (p parsed) ok() bool {
	if p.err != nil {
		return false
	}
	_, err := parseDtype(p.h.descr)
	return err == nil
}

// same says whether a and b are the same dict, a type string in either
// quotes.
func same(a, b headerDict) bool {
	if da, err := parseDtype(a.descr); err == nil {
		if db, err := parseDtype(b.descr); err == nil && da.descr == db.descr {
			a.descr = b.descr
		}
	}
	return reflect.DeepEqual(a, b)
}

func (p parsed) String() string {
	if p.err != nil {
		return p.err.Error()
	}
	return fmt.Sprintf("descr %s, fortran %v, shape %v", p.h.descr, p.h.fortran, p.h.shape)
}

// npyioParse reads a dict with npyio as the native build does.
func npyioParse(dict string) parsed {
	h, err := npyioDict(npyBuf(dict))
	h.descr = strings.TrimSpace(h.descr) // parseDtype trims it too
	return parsed{h, err}
}

func ownParse(dict string) parsed {
	h, err := parseDict(dict)
	return parsed{h, err}
}

// npyBuf wraps a dict in the magic, version 1.0, length and final newline.
func npyBuf(dict string) []byte { return npyFrame(dict + "\n") }

// numpyLayout writes h as numpy.save writes a header dict, without the
// padding. A descr parseDtype reads is written as NumPy writes the type
// string, in single quotes; any other as it came.
func numpyLayout(h headerDict) string {
	dt, err := parseDtype(h.descr)
	if err != nil {
		return strings.Replace(npyDict("D", h.fortran, h.shape), "'D'", h.descr, 1)
	}
	return npyDict(dt.descr, h.fortran, h.shape)
}

// disagreement names the kinds of dict on which the parsers may differ.
type disagreement int

const (
	agreed           disagreement = iota // the same reading
	bothRefuse                           // here or in readHeader
	npyioRefuses                         // parseDict reads it, npyio refuses it
	npyioMisreads                        // both read it, to different values
	parseDictRefuses                     // npyio reads it, parseDict refuses it
)

func (d disagreement) String() string {
	return [...]string{"agreed", "both refuse", "npyio refuses", "npyio misreads", "parseDict refuses"}[d]
}

// compareParsers reads dict with both parsers and checks the contract
// above; it returns how they differ.
func compareParsers(t testing.TB, dict string) disagreement {
	t.Helper()
	compareBuilds(t, dict)
	own, npyio := ownParse(dict), npyioParse(dict)
	canonical := strings.TrimRight(dict, " ")
	switch {
	case own.err == nil && npyio.err == nil && reflect.DeepEqual(own.h, npyio.h):
		return agreed
	case !own.ok() && !npyio.ok():
		return bothRefuse
	case own.ok():
		// npyio differs on a dict that parseDict reads: only in a layout
		// NumPy does not write, and npyio must read the same values in
		// NumPy's layout.
		layout := numpyLayout(own.h)
		if canonical == layout {
			t.Errorf("on NumPy's layout %q\nparseDict: %v\nnpyio:     %v", dict, own, npyio)
		}
		if again := npyioParse(layout); again.err != nil || !same(again.h, own.h) {
			t.Errorf("%q\nparseDict: %v\nnpyio on NumPy's layout %q: %v", dict, own, layout, again)
		}
		if npyio.err == nil {
			return npyioMisreads
		}
		return npyioRefuses
	default:
		// parseDict refuses, or reads a descr that parseDtype refuses, a
		// dict that npyio reads: never one in NumPy's layout.
		if canonical == numpyLayout(npyio.h) {
			t.Errorf("on NumPy's layout %q\nparseDict: %v\nnpyio:     %v", dict, own, npyio)
		}
		if own.err == nil {
			return npyioMisreads
		}
		return parseDictRefuses
	}
}

// documentedDicts are dicts on which the two parsers differ, one or two
// of each kind, with what numpy.load does with them.
var documentedDicts = []struct {
	dict  string
	kind  disagreement
	numpy string
}{
	{"{'shape': (2,), 'fortran_order': False, 'descr': '<f4', }", npyioRefuses, "reads (2,) '<f4'"},
	{"{'descr':'<f4','fortran_order':False,'shape':(2,3)}", npyioRefuses, "reads (2, 3) '<f4'"},
	{`{"descr": "<f4", "fortran_order": False, "shape": (2,), }`, npyioRefuses, "reads (2,) '<f4'"},
	{"{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}", npyioMisreads, "reads (2, 3); npyio (2,)"},
	{"{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3),}", npyioMisreads, "reads (2, 3); npyio (2,)"},
	{"{'descr': '<f4', 'fortran_order': False, 'shape': (5), }", parseDictRefuses, "refuses: shape is not valid: 5"},
	{"{'descr': '<f4', 'fortran_order': False, 'shape': [2, 3], }", parseDictRefuses, "refuses: shape is not valid: [2, 3]"},
	{"{'descr': '<f4', 'fortran_order': False, 'shape': (,), }", parseDictRefuses, "refuses: Cannot parse header (a syntax error)"},
	{"{'align': True, 'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", parseDictRefuses, "refuses: Header does not contain the correct keys"},
	{"{'descr': '<f4', 'fortran_order': False, 'shape': (2,), } 1", parseDictRefuses, "refuses: Cannot parse header (a syntax error)"},
	{"{'descr': '<f4', 'fortran_order': False, 'shape': (007,), }", parseDictRefuses, "refuses: Cannot parse header (leading zeros)"},
	{"{'descr': '<f4', 'fortran_order': False, 'shape': (+3,), }", parseDictRefuses, "reads (3,); never writes a '+'"},
	{"{'descr': '<f4', 'fortran_order': False, 'shape': (2,), } # c", parseDictRefuses, "reads (2,); never writes a comment"},
	{"{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'shape': (3,), }", bothRefuse, "reads (3,), the last; never writes a key twice"},
	{"{'descr': '<f4', 'fortran_order': False, 'shape': (3L, 4L), }", bothRefuse, "reads (3, 4): Python 2's NumPy wrote the L"},
	{`{'descr': '\x3cf4', 'fortran_order': False, 'shape': (2,), }`, bothRefuse, "reads '<f4'; never writes an escape"},
}

// TestHeaderDict reads every header dict of the goldens and of the error
// and variant tests, a generated set and the documented dicts with npyio
// and with parseDict, and holds them to the contract above.
func TestHeaderDict(t *testing.T) {
	count := map[disagreement]int{}
	t.Run("goldens", func(t *testing.T) {
		for _, dict := range goldenDicts(t) {
			// NumPy wrote these: nothing but agreement will do.
			if own, npyio := ownParse(dict), npyioParse(dict); own.err != nil || npyio.err != nil || !reflect.DeepEqual(own.h, npyio.h) {
				t.Errorf("%q\nparseDict: %v\nnpyio:     %v", dict, own, npyio)
			}
		}
	})
	t.Run("tests", func(t *testing.T) {
		var files []File
		for _, tc := range errorCases(t) {
			files = append(files, tc.files...)
		}
		for _, tc := range variants() {
			f, _ := tc.files(t)
			files = append(files, f...)
		}
		for _, dict := range dictsOf(files) {
			count[compareParsers(t, dict)]++
		}
	})
	t.Run("generated", func(t *testing.T) {
		rng := rand.New(rand.NewPCG(1, 2))
		for range 5000 {
			g := genDict(rng)
			own := ownParse(g.dict)
			if g.want == nil && own.err == nil {
				t.Errorf("%q: parseDict reads %v, want an error", g.dict, own)
			}
			if g.want != nil && (own.err != nil || !reflect.DeepEqual(own.h, *g.want)) {
				t.Errorf("%q: parseDict reads %v, want %+v", g.dict, own, *g.want)
			}
			count[compareParsers(t, g.dict)]++
		}
	})
	t.Run("documented", func(t *testing.T) {
		for _, d := range documentedDicts {
			if got := compareParsers(t, d.dict); got != d.kind {
				t.Errorf("%q: %v, want %v (numpy %s)", d.dict, got, d.kind, d.numpy)
			}
		}
	})
	t.Logf("dicts by kind: %v", count)
}

// FuzzHeaderDict reads arbitrary dicts that pass the preflight with both
// parsers and holds them to the contract above. parseDict must not panic.
func FuzzHeaderDict(f *testing.F) {
	for _, dict := range goldenDicts(f) {
		f.Add(dict)
	}
	for _, d := range documentedDicts {
		f.Add(d.dict)
	}
	f.Add("{'descr': [('a', '<f4'), ('b', '<i4', (2,))], 'fortran_order': True, 'shape': (), }")
	f.Add(`{"descr":"|b1","fortran_order":True,"shape":(0,-1,)}`)
	rng := rand.New(rand.NewPCG(3, 4))
	for range 64 { // the variants of TestHeaderDict's generated set
		f.Add(genDict(rng).dict)
	}
	for _, descr := range genDescrs {
		f.Add(npyDict(descr, len(descr)%2 == 0, []int{2, len(descr)}))
	}
	f.Fuzz(func(t *testing.T, dict string) {
		buf := npyBuf(dict)
		if _, err := preflight(bytes.NewReader(buf), int64(len(buf))); err != nil {
			return
		}
		compareParsers(t, dict)
		own := ownParse(dict)
		if own.err == nil {
			// What parseDict reads it reads again in NumPy's layout.
			if again := ownParse(numpyLayout(own.h)); again.err != nil || !same(again.h, own.h) {
				t.Errorf("%q reads as %v, but NumPy's layout %q as %v", dict, own, numpyLayout(own.h), again)
			}
		}
	})
}

// goldenDicts returns the header dicts of every array of every golden.
func goldenDicts(t testing.TB) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(golden.Dir(), "*.npz"))
	if err != nil || len(paths) == 0 {
		t.Fatal("no golden npz", err)
	}
	var files []File
	for _, p := range paths {
		files = append(files, goldenFiles(t, strings.TrimSuffix(filepath.Base(p), ".npz"))...)
	}
	dicts := dictsOf(files)
	if len(dicts) == 0 {
		t.Fatal("no header dicts in the goldens")
	}
	return dicts
}

// dictsOf returns the distinct header dicts of files that pass the
// preflight.
func dictsOf(files []File) []string {
	var dicts []string
	for _, f := range files {
		buf, err := preflight(bytes.NewReader(f.Data), int64(len(f.Data)))
		if err == nil && !slices.Contains(dicts, dictText(buf)) {
			dicts = append(dicts, dictText(buf))
		}
	}
	return dicts
}

// generated is a dict and what parseDict must read from it (nil: an error).
type generated struct {
	dict string
	want *headerDict
}

var (
	// genDescrs are type strings parseDtype supports, then some it does not.
	genDescrs = []string{
		"<f2", "<f4", "<f8", ">f2", ">f4", ">f8", "=f4", "=f8",
		"|i1", "<i1", "<i2", "<i4", "<i8", ">i2", ">i4", ">i8", "=i8",
		"|u1", "<u1", "<u2", "<u4", "<u8", ">u2", ">u4", ">u8",
		"|b1", "<b1",
		"|O", "<c8", "<c16", "<U3", "|S5", "<M8[ns]", "<m8[s]", "|V8", "|f4", "<f16", "<f3", "<i3", "", "f4", "<", "|b2",
	}
	// genStructured are descrs that are not type strings.
	genStructured = []string{
		"[('a', '<f4'), ('b', '<i4')]", "[('x', '<f8', (2, 3)), ('y', [('z', '|u1')])]", "[]",
		"('<f4', (2,))", "None", "3",
	}
	// genDims are dimensions, mostly small.
	genDims = []int{0, 1, 1, 2, 3, 5, 32, 128, 1000, 1 << 31, 1 << 40, -1}
)

// genDict returns a random header dict that numpy.load reads, in NumPy's
// layout or another, or, one time in three, one that parseDict refuses.
func genDict(rng *rand.Rand) generated {
	// Each choice departs from what NumPy writes now and then.
	loose := rng.IntN(2) == 0 // spaces
	sp := func(n int) string {
		if loose {
			n = rng.IntN(3)
		}
		return strings.Repeat(" ", n)
	}
	quote := func() string {
		if rng.IntN(5) == 0 {
			return `"`
		}
		return "'"
	}

	h := headerDict{fortran: rng.IntN(2) == 1}
	if rng.IntN(8) == 0 {
		h.descr = genStructured[rng.IntN(len(genStructured))]
	} else {
		q := quote()
		h.descr = q + genDescrs[rng.IntN(len(genDescrs))] + q
	}
	for range rng.IntN(7) {
		h.shape = append(h.shape, genDims[rng.IntN(len(genDims))])
	}
	dims := make([]string, len(h.shape))
	for i, d := range h.shape {
		dims[i] = fmt.Sprint(d)
	}
	shape := "(" + sp(0) + strings.Join(dims, sp(0)+","+sp(1))
	if len(dims) == 1 || len(dims) > 1 && loose && rng.IntN(2) == 0 {
		shape += sp(0) + ","
	}
	shape += sp(0) + ")"
	order := map[bool]string{true: "True", false: "False"}[h.fortran]
	values := map[string]string{"descr": h.descr, "fortran_order": order, "shape": shape}
	keys := []string{"descr", "fortran_order", "shape"}
	if rng.IntN(4) == 0 {
		rng.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
	}

	want := &h
	punctuation := false // break it once it is written
	if rng.IntN(3) == 0 {
		want = nil
		switch k := keys[rng.IntN(len(keys))]; rng.IntN(12) {
		case 0:
			keys = slices.DeleteFunc(keys, func(s string) bool { return s == k })
		case 1:
			keys = append(keys, k)
		case 2:
			keys = append(keys, "align")
			values["align"] = "False"
		case 3:
			values["fortran_order"] = []string{"0", "1", "false", "'False'", "None", ""}[rng.IntN(6)]
		case 4:
			values["shape"] = []string{"(5)", "[2, 3]", "(,)", "(2,,3)", "(2 3)", "((2), 3)", "(2, 3", "5", "(()", "(3L,)", "(007,)", "(+3,)", "(1.5,)", "(0x10,)", "(1_0,)", "(9223372036854775808,)", "(- 3,)"}[rng.IntN(17)]
		case 5:
			values["descr"] = []string{"<f4", "'<f4", "<f4'", `'<f4"`, "b'<f4'", "u'<f4'", `'\x3cf4'`, "'<f' '4'", "[('a', '<f4')", "[('a' '<f4')]", "-", ""}[rng.IntN(12)]
		default:
			punctuation = true
		}
	}
	items := make([]string, len(keys))
	for i, k := range keys {
		q := quote()
		items[i] = q + k + q + sp(0) + ":" + sp(1) + values[k] + sp(0)
	}
	dict := sp(0) + "{" + strings.Join(items, ","+sp(1))
	if !loose || rng.IntN(2) == 0 {
		dict += "," + sp(1)
	}
	dict += "}" + strings.Repeat(" ", rng.IntN(64))
	if punctuation {
		dict = breakPunctuation(rng, dict)
	}
	return generated{dict, want}
}

// breakPunctuation drops, doubles or replaces one brace, colon or comma of
// dict, or adds text after it.
func breakPunctuation(rng *rand.Rand, dict string) string {
	var at []int
	for i, c := range []byte(dict) {
		if strings.IndexByte("{}:,", c) >= 0 {
			at = append(at, i)
		}
	}
	i := at[rng.IntN(len(at))]
	switch rng.IntN(4) {
	case 0:
		if dict[i] == ',' && (strings.HasPrefix(strings.TrimLeft(dict[i+1:], " "), "}") || strings.HasPrefix(strings.TrimLeft(dict[i+1:], " "), ")")) {
			return dict + " x" // a trailing comma may go
		}
		return dict[:i] + " " + dict[i+1:]
	case 1:
		return dict[:i] + dict[i:i+1] + dict[i:]
	case 2:
		return dict[:i] + ";" + dict[i+1:]
	}
	return dict + []string{" x", " 1", " #", " {}", " ,"}[rng.IntN(5)]
}
