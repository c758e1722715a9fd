package dump

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/golden"
)

// ptDir holds the corpus written by testdata/pt/generate.py under PyTorch.
func ptDir() string { return filepath.Join(filepath.Dir(golden.Dir()), "pt") }

// ptCorpus lists the corpus files whose name starts with prefix.
func ptCorpus(t testing.TB, prefix string) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(ptDir(), prefix+"*.pt"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no %s*.pt in %s: %v", prefix, ptDir(), err)
	}
	return paths
}

// ptOracle returns the golden case a corpus file was made from, and the
// .npz holding the same tensors: the case's own, or, where the .pt's values
// differ from it (float16, bfloat16), the one written beside the .pt.
func ptOracle(t *testing.T, path string) (golden.Case, string, bool) {
	base := strings.TrimSuffix(filepath.Base(path), ".pt")
	if strings.HasPrefix(base, "variant_") {
		c, err := golden.Load("single_object_push_quirk")
		if err != nil {
			t.Fatal(err)
		}
		if npz := filepath.Join(ptDir(), base+".npz"); fileExists(npz) {
			return c, npz, false // the values changed: no golden loss
		}
		return c, c.NPZ(), true
	}
	cases, err := golden.Cases()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		if strings.HasPrefix(base, c.Name+"_") {
			return c, c.NPZ(), true
		}
	}
	t.Fatalf("%s: no golden case", base)
	return golden.Case{}, "", false
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// TestPTCorpus reads every corpus file written by PyTorch and checks it
// against the .npz of the same tensors, bit for bit, and against the
// reference's loss in the golden JSON.
func TestPTCorpus(t *testing.T) {
	var paths []string
	for _, p := range ptCorpus(t, "") {
		if b := filepath.Base(p); !strings.HasPrefix(b, "hostile_") && !strings.HasPrefix(b, "other_") && !strings.HasPrefix(b, "seed_") {
			paths = append(paths, p)
		}
	}
	if len(paths) < 6*3+6 {
		t.Fatalf("only %d corpus files", len(paths))
	}
	forms := map[string]int{}
	for _, p := range paths {
		name := filepath.Base(p)
		t.Run(name, func(t *testing.T) {
			c, npz, sameValues := ptOracle(t, p)
			d, err := ReadFile(p, Options{})
			if err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			mem, err := ReadNPZ(name, data, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(mem, d) {
				t.Error("ReadNPZ and ReadFile disagree")
			}
			want, err := ReadFile(npz, Options{})
			if err != nil {
				t.Fatal(err)
			}
			sameInput(t, d.Input, want.Input)
			if d.TagsFromMaps != want.TagsFromMaps || d.RegrsFromMaps != want.RegrsFromMaps {
				t.Errorf("maps %v %v, the npz %v %v", d.TagsFromMaps, d.RegrsFromMaps, want.TagsFromMaps, want.RegrsFromMaps)
			}
			for i, a := range d.Arrays {
				if w := want.Arrays[i]; !slices.Equal(a.Shape, w.Shape) || a.Name != w.Name {
					t.Errorf("%s: shape %v, the npz %s %v", a.Name, a.Shape, w.Name, w.Shape)
				}
			}
			checkDtypes(t, name, d)
			if sameValues {
				checkLoss(t, c, d.Input)
			}
			for _, f := range []string{"tuple", "dict", "named", "zip", "legacy"} {
				if strings.Contains(name, "_"+f) {
					forms[f]++
				}
			}
		})
	}
	for _, f := range []string{"tuple", "dict", "named", "zip", "legacy"} {
		if forms[f] < 3 {
			t.Errorf("%d files in the form or format %q", forms[f], f)
		}
	}
}

// checkDtypes checks what the reader says was stored, per variant.
func checkDtypes(t *testing.T, name string, d *Dump) {
	t.Helper()
	want := map[string]string{"tl_heats": "float32", "gt_mask": "uint8", "tl_inds": "int64"}
	switch {
	case strings.Contains(name, "f64_bool_int32"):
		want = map[string]string{"tl_heats": "float64", "gt_tl_regr": "float64", "gt_mask": "bool", "tl_inds": "int32"}
		if !slices.ContainsFunc(d.Warnings, func(w string) bool { return strings.HasPrefix(w, "gt_mask: bool mask") }) {
			t.Errorf("no bool-mask warning in %q", d.Warnings)
		}
	case strings.Contains(name, "bf16"):
		want = map[string]string{"tl_heats": "bfloat16", "br_regrs": "bfloat16"}
	case strings.Contains(name, "f16"):
		want = map[string]string{"tl_heats": "float16", "gt_br_heat": "float16"}
	}
	for _, a := range d.Arrays {
		if w, ok := want[a.Name]; ok && a.Dtype != w {
			t.Errorf("%s: dtype %s, want %s", a.Name, a.Dtype, w)
		}
	}
}

// sameInput compares two inputs bit for bit.
func sameInput(t *testing.T, got, want *loss.Input) {
	t.Helper()
	if got.Shape != want.Shape {
		t.Fatalf("shape %v, want %v", got.Shape, want.Shape)
	}
	floats := func(n string, a, b []float32) {
		if len(a) != len(b) {
			t.Errorf("%s: %d values, want %d", n, len(a), len(b))
			return
		}
		for i := range a {
			if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
				t.Errorf("%s[%d] = %v, want %v", n, i, a[i], b[i])
				return
			}
		}
	}
	for _, c := range loss.Corners {
		p := c.String()
		floats(p+"_heats", got.Heat[c], want.Heat[c])
		floats(p+"_tags", got.Tag[c], want.Tag[c])
		floats(p+"_regrs", got.Regr[c], want.Regr[c])
		floats(p+"_tag maps", got.TagMap[c], want.TagMap[c])
		floats(p+"_regr maps", got.RegrMap[c], want.RegrMap[c])
		floats("gt_"+p+"_heat", got.GTHeat[c], want.GTHeat[c])
		floats("gt_"+p+"_regr", got.GTRegr[c], want.GTRegr[c])
		if !slices.Equal(got.Inds[c], want.Inds[c]) {
			t.Errorf("%s_inds differ", p)
		}
	}
	if !slices.Equal(got.Mask, want.Mask) {
		t.Error("gt_mask differs")
	}
}

// checkLoss evaluates in and compares with what the reference computed.
func checkLoss(t *testing.T, c golden.Case, in *loss.Input) {
	t.Helper()
	o := loss.DefaultOptions()
	o.PullWeight, o.PushWeight, o.RegrWeight = c.Weights.Pull, c.Weights.Push, c.Weights.Regr
	r, err := loss.Evaluate(in, o)
	if err != nil {
		t.Fatal(err)
	}
	w := r.Weighted
	for _, m := range c.Mismatches(r.Loss, w.Focal(), w.Pull, w.Push, w.Regr()) {
		t.Error(m)
	}
}

// TestPTNotAStep: valid .pt files holding something else are told which
// forms are read.
func TestPTNotAStep(t *testing.T) {
	for _, tc := range []struct{ file, found string }{
		{"other_state_dict.pt", `a dict of 7 entries ("0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", ...), such as a model's state_dict`},
		{"other_tensor_legacy.pt", "a single tensor of shape [2 3]"},
	} {
		_, err := ReadFile(filepath.Join(ptDir(), tc.file), Options{})
		if err == nil || !strings.Contains(err.Error(), tc.found) || !strings.Contains(err.Error(), "not a training step: want (xs, preds, ys)") {
			t.Errorf("%s: %v", tc.file, err)
		}
	}
	for _, p := range ptCorpus(t, "seed_") {
		if _, err := ReadFile(p, Options{}); err != nil {
			t.Errorf("%s: %v", filepath.Base(p), err)
		}
	}
}

// TestPTHostileCorpus: files made by torch.save that torch.load would run
// code from are refused, naming the class, and the memo bomb is not walked.
func TestPTHostileCorpus(t *testing.T) {
	for file, want := range map[string]string{
		"hostile_os_system.pt":   "refused the class posix.system",
		"hostile_eval_legacy.pt": "refused the class __builtin__.eval",
		"hostile_laughs.pt":      "xs holds 10 items",
	} {
		data, err := os.ReadFile(filepath.Join(ptDir(), file))
		if err != nil {
			t.Fatal(err)
		}
		checkHostile(t, file, data, want)
	}
}

// checkHostile reads data as an uploaded file and wants an *Error holding
// want, with little memory allocated.
func checkHostile(t *testing.T, name string, data []byte, want string) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := ReadNPZ(name, data, Options{})
	runtime.ReadMemStats(&after)
	var e *Error
	if !errors.As(err, &e) || !strings.Contains(err.Error(), want) {
		t.Errorf("%s: error %v, want an *Error with %q", name, err, want)
	}
	// The unpickler's values take up to about 130 bytes per op.
	if n := after.TotalAlloc - before.TotalAlloc; n > 8<<20+160*uint64(len(data)) {
		t.Errorf("%s: allocated %d bytes for %d bytes of input", name, n, len(data))
	}
}

// pk builds pickles by op, as pickletools documents them.
type pk struct{ bytes.Buffer }

func (p *pk) op(b ...byte) *pk { p.Write(b); return p }
func (p *pk) str(s string) *pk { // BINUNICODE
	p.op('X')
	binary.Write(p, binary.LittleEndian, uint32(len(s)))
	p.WriteString(s)
	return p
}
func (p *pk) int(v int64) *pk { // LONG1 of 8 bytes: any int64
	p.op(0x8a, 8)
	binary.Write(p, binary.LittleEndian, v)
	return p
}
func (p *pk) global(module, name string) *pk {
	p.WriteString("c" + module + "\n" + name + "\n")
	return p
}
func (p *pk) tuple(items ...func(*pk)) *pk {
	p.op('(')
	for _, f := range items {
		f(p)
	}
	return p.op('t')
}

// tensor pickles _rebuild_tensor_v2 over the storage key of numel floats.
func (p *pk) tensor(key string, numel, offset int64, size, stride []int64) *pk {
	return p.typedTensor("FloatStorage", key, numel, offset, size, stride)
}

// typedTensor pickles _rebuild_tensor_v2 over the storage key of numel
// elements of the storage class.
func (p *pk) typedTensor(class, key string, numel, offset int64, size, stride []int64) *pk {
	ints := func(v []int64) func(*pk) {
		return func(p *pk) {
			p.op('(')
			for _, x := range v {
				p.int(x)
			}
			p.op('t')
		}
	}
	p.global("torch._utils", "_rebuild_tensor_v2")
	p.tuple(
		func(p *pk) {
			p.tuple(func(p *pk) { p.str("storage") }, func(p *pk) { p.global("torch", class) },
				func(p *pk) { p.str(key) }, func(p *pk) { p.str("cpu") }, func(p *pk) { p.int(numel) })
			p.op('Q')
		},
		func(p *pk) { p.int(offset) }, ints(size), ints(stride),
		func(p *pk) { p.op(0x89) }, func(p *pk) { p.global("collections", "OrderedDict").op(')', 'R') },
	)
	return p.op('R')
}

// ptZip packs a data.pkl and storages as torch.save's zip format does.
func ptZip(t testing.TB, pickle []byte, storages map[string][]byte) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	add := func(name string, data []byte) {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: "step/" + name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	add("data.pkl", pickle)
	for k, v := range storages {
		add("data/"+k, v)
	}
	add("version", []byte("3\n"))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// ptLegacyFile packs the legacy format around an object pickle.
func ptLegacyFile(object []byte, keys []string, storages [][]byte, counts []int64) []byte {
	var b bytes.Buffer
	b.WriteString("\x80\x02" + ptMagic + ".")
	b.WriteString("\x80\x02M\xe9\x03.")
	b.WriteString("\x80\x02}.")
	b.Write(object)
	var k pk
	k.op(0x80, 2, ']', '(')
	for _, key := range keys {
		k.str(key)
	}
	k.op('e', '.')
	b.Write(k.Bytes())
	for i, s := range storages {
		binary.Write(&b, binary.LittleEndian, counts[i])
		b.Write(s)
	}
	return b.Bytes()
}

// named wraps tensors in {"tl_heats": ...}.
func named(body func(*pk)) []byte {
	var p pk
	p.op(0x80, 2, '}', '(').str("tl_heats")
	body(&p)
	p.op('u', '.')
	return p.Bytes()
}

// ptHostile is a hostile file and what its error must say.
type ptHostile struct {
	name string
	data []byte
	want string
}

// ptHostileCases are files built to attack the reader: classes that run
// code, sizes past the bytes stored, bombs, deep structures, long pickles.
func ptHostileCases(t testing.TB) []ptHostile {
	floats := make([]byte, 64) // 16 float32
	one := func(size, stride []int64, offset, numel int64) []byte {
		return named(func(p *pk) { p.tensor("0", numel, offset, size, stride) })
	}
	var laughs pk // a list of 12 references to a list of 12 ... 60 levels deep
	laughs.op(0x80, 2, ']', 'q', 0, '0')
	for i := 1; i <= 60; i++ {
		laughs.op(']', '(')
		for range 12 {
			laughs.op('h', byte(i-1))
		}
		laughs.op('e', 'q', byte(i), '0')
	}
	laughs.op('(', ']', '(').op('h', 60).op('h', 60).op('h', 60).op('e', ']', ']', 't', '.')
	var deep pk // 100k lists, each appended into the one below
	deep.op(0x80, 2)
	deep.op(bytes.Repeat([]byte{']'}, 100000)...)
	deep.op(bytes.Repeat([]byte{'a'}, 99999)...)
	deep.op('.')
	var keys pk // one 1 MiB key set 80k times
	keys.op(0x80, 2, '}').str(strings.Repeat("k", 1<<20)).op('q', 0, '0')
	for range 80000 {
		keys.op('h', 0, 'N', 's')
	}
	keys.op('.')
	var ops pk
	ops.op(0x80, 2, 'N')
	ops.op(bytes.Repeat([]byte("N0"), maxPickleOps/2+1)...)
	ops.op('.')

	return []ptHostile{
		{"os.system", ptZip(t, []byte("\x80\x02cos\nsystem\nX\x04\x00\x00\x00true\x85R."), nil), "refused the class os.system"},
		{"builtins.eval by STACK_GLOBAL", ptZip(t, []byte("\x80\x04\x8c\x08builtins\x8c\x04eval\x93\x8c\x031+1\x85R."), nil), "refused the class builtins.eval"},
		{"NEWOBJ of a class", ptZip(t, []byte("\x80\x02c__main__\nEvil\n)\x81."), nil), "refused the class __main__.Evil"},
		{"copyreg extension", ptZip(t, []byte("\x80\x02\x82\x01)R."), nil), "extension registry"},
		{"call a storage class", ptZip(t, []byte("\x80\x02ctorch\nFloatStorage\n)R."), nil), "cannot be called"},
		{"1e12 elements over 64 bytes", ptZip(t, one([]int64{1e12}, []int64{1}, 0, 16), map[string][]byte{"0": floats}), "reaches past the 16 elements"},
		{"storage claims 1e12", ptZip(t, one([]int64{4}, []int64{1}, 0, 1e12), map[string][]byte{"0": floats}), "holds 64 bytes, its 1000000000000 float32 elements need"},
		{"broadcast 1e12", ptZip(t, one([]int64{1e6, 1e6}, []int64{0, 0}, 0, 16), map[string][]byte{"0": floats}), "repeats the 1 elements"},
		{"strides overflow", ptZip(t, one([]int64{3, 3}, []int64{math.MaxInt64 / 2, 1}, 0, 16), map[string][]byte{"0": floats}), "reaches past"},
		{"negative stride", ptZip(t, one([]int64{3}, []int64{-1}, 2, 16), map[string][]byte{"0": floats}), "negative"},
		{"storage entry past the end", shortStorage(t, one([]int64{4}, []int64{1}, 0, 1<<18)), "truncated: storage 0 needs 1048576 bytes"},
		{"missing storage", ptZip(t, one([]int64{4}, []int64{1}, 0, 16), nil), "storage 0 is not in the archive"},
		{"string of 2^62 bytes", ptZip(t, []byte("\x80\x04\x8d\x00\x00\x00\x00\x00\x00\x00\x40abc."), nil), "truncated"},
		{"frame of 2^62 bytes", ptZip(t, []byte("\x80\x04\x95\x00\x00\x00\x00\x00\x00\x00\x40N."), nil), "truncated"},
		{"huge LONG4", ptZip(t, []byte("\x80\x02\x8b\x00\x00\x00\x10N."), nil), "truncated"},
		{"memo bomb", ptZip(t, laughs.Bytes(), nil), "xs[1] is a list of 12, want a tensor"},
		{"deep nesting", ptZip(t, deep.Bytes(), nil), "the .pt holds a list of 1, not a training step"},
		{"a long key set again and again", ptZip(t, keys.Bytes(), nil), "a dict of 80000 entries (a string of more than 256 bytes"},
		{"nested marks", ptZip(t, append(bytes.Repeat([]byte{'('}, 5000), '.'), nil), "nested MARKs"},
		{"too many ops", ptZip(t, ops.Bytes(), nil), "pickle ops"},
		{"memo read before written", ptZip(t, []byte("\x80\x02h\x07."), nil), "memo 7 read before"},
		{"legacy: no storage count", ptLegacyFile(legacyNamed(16), []string{"0"}, nil, nil), "storage 0: truncated before its size"},
		{"legacy: 1e15 elements", ptLegacyFile(legacyNamed(16), []string{"0"}, [][]byte{floats}, []int64{1e15}), "holds 1000000000000000 elements, its tensors claim 16"},
		{"legacy: storage cut short", ptLegacyFile(legacyNamed(16), []string{"0"}, [][]byte{floats[:40]}, []int64{16}), "truncated: storage 0 needs 64 bytes, 40 are left"},
		{"legacy: unknown key", ptLegacyFile(legacyNamed(16), []string{"9"}, [][]byte{floats}, []int64{16}), "no such storage"},
		{"legacy: bytes after", ptLegacyFile(legacyNamed(16), []string{"0"}, [][]byte{append(floats, 1, 2, 3)}, []int64{16}), "3 bytes after the last storage"},
	}
}

func TestPTHostile(t *testing.T) {
	for _, tc := range ptHostileCases(t) {
		checkHostile(t, tc.name, tc.data, tc.want)
	}
}

// BenchmarkPTHostile times the refusal of each hostile file: the promise
// is at most a second each (the slowest, the longest pickles, take
// milliseconds).
func BenchmarkPTHostile(b *testing.B) {
	for _, tc := range ptHostileCases(b) {
		b.Run(strings.ReplaceAll(tc.name, " ", "_"), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ReadNPZ(tc.name, tc.data, Options{}); err == nil {
					b.Fatal("accepted")
				}
			}
		})
	}
}

// shortStorage packs pickle with a storage entry whose zip header declares
// 1 MiB of which 64 bytes are written: the archive's directory is intact,
// its data is not.
func shortStorage(t testing.TB, pickle []byte) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "step/data.pkl", Method: zip.Store})
	w.Write(pickle)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "step/data/0", Method: zip.Store, CompressedSize64: 1 << 20, UncompressedSize64: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(make([]byte, 64))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// legacyNamed is the legacy object pickle of {"tl_heats": a tensor of 4
// floats over a storage of numel}, persistent ids of six items.
func legacyNamed(numel int64) []byte {
	var p pk
	p.op(0x80, 2, '}', '(').str("tl_heats")
	p.global("torch._utils", "_rebuild_tensor_v2")
	p.op('(')
	p.tuple(func(p *pk) { p.str("storage") }, func(p *pk) { p.global("torch", "FloatStorage") },
		func(p *pk) { p.str("0") }, func(p *pk) { p.str("cuda:1") }, func(p *pk) { p.int(numel) }, func(p *pk) { p.op('N') })
	p.op('Q')
	p.int(0).tuple(func(p *pk) { p.int(4) }).tuple(func(p *pk) { p.int(1) })
	p.op(0x89, ')', 't', 'R', 'u', '.')
	return p.Bytes()
}

// TestPTTruncated cuts corpus files, zip and legacy, at many lengths: each
// read must fail with an *Error.
func TestPTTruncated(t *testing.T) {
	for _, name := range []string{"seed_tiny_zip.pt", "seed_tiny_legacy.pt", "variant_views_legacy.pt"} {
		data, err := os.ReadFile(filepath.Join(ptDir(), name))
		if err != nil {
			t.Fatal(err)
		}
		for n := 0; n < len(data); n += 1 + len(data)/97 {
			_, err := ReadNPZ(name, data[:n], Options{})
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("%s cut at %d: %v", name, n, err)
			}
		}
	}
}

// TestPTViews reads hand-made views of one storage of 24 floats 0..23:
// transposes, offsets, broadcasts and slices, against their values as
// torch defines a view: element i of the view is storage[offset + Σ i_k·stride_k].
func TestPTViews(t *testing.T) {
	storage := make([]byte, 24*4)
	for i := range 24 {
		binary.LittleEndian.PutUint32(storage[4*i:], math.Float32bits(float32(i)))
	}
	for _, tc := range []struct {
		size, stride []int64
		offset       int64
		want         []float32
	}{
		{[]int64{2, 3}, []int64{3, 1}, 0, []float32{0, 1, 2, 3, 4, 5}},
		{[]int64{2, 3}, []int64{1, 2}, 0, []float32{0, 2, 4, 1, 3, 5}},
		{[]int64{2, 2}, []int64{6, 2}, 5, []float32{5, 7, 11, 13}},
		{[]int64{3, 2}, []int64{0, 1}, 22, []float32{22, 23, 22, 23, 22, 23}},
		{[]int64{2, 1, 2}, []int64{12, 99, 1}, 1, []float32{1, 2, 13, 14}},
		{[]int64{0, 3}, []int64{3, 1}, 24, nil},
	} {
		data := ptZip(t, named(func(p *pk) { p.tensor("0", 24, tc.offset, tc.size, tc.stride) }), map[string][]byte{"0": storage})
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		pkl, prefix, _ := ptPickle(zr)
		entries, _, err := ptZipEntries("views.pt", bytes.NewReader(data), int64(len(data)), zr, pkl, prefix)
		if err != nil {
			t.Fatalf("%v %v %d: %v", tc.size, tc.stride, tc.offset, err)
		}
		r, err := entries[0].open()
		if err != nil {
			t.Fatal(err)
		}
		h := *entries[0].hdr
		got, err := decode(newPayload(h.count*4, Options{}), r, h, toFloat32)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%v %v %d: %v, want %v", tc.size, tc.stride, tc.offset, got, tc.want)
		}
	}
}

// TestUnpickleValues checks integers and strings as the pickle format
// defines them (pickletools' descriptions of each op).
func TestUnpickleValues(t *testing.T) {
	for _, tc := range []struct {
		pickle string
		want   any
	}{
		{"K\xff.", int64(255)},
		{"M\xff\xff.", int64(65535)},
		{"J\xff\xff\xff\xff.", int64(-1)},
		{"\x8a\x01\xff.", int64(-1)},
		{"\x8a\x02\x00\x80.", int64(-32768)},
		{"\x8a\x00.", int64(0)},
		{"\x8a\x08\xff\xff\xff\xff\xff\xff\xff\x7f.", int64(math.MaxInt64)},
		{"I-12\n.", int64(-12)},
		{"I01\n.", true},
		{"G?\xf8\x00\x00\x00\x00\x00\x00.", 1.5},
		{"X\x02\x00\x00\x00\xc3\xa9.", "é"},
		{"\x8c\x03abc.", "abc"},
		{"C\x02ab.", []byte("ab")},
		{"N.", nil},
		{"(K\x01K\x02t.", pyTuple{int64(1), int64(2)}},
		{"K\x01K\x02\x86.", pyTuple{int64(1), int64(2)}},
		{"]q\x00(K\x01h\x00e.", "list"},
	} {
		v, n, err := unpickle([]byte(tc.pickle), nil)
		if err != nil || n != len(tc.pickle) {
			t.Errorf("%q: %v, %d bytes read", tc.pickle, err, n)
			continue
		}
		if tc.want == "list" { // a list that holds itself
			l := v.(*pyList)
			if len(l.items) != 2 || l.items[1] != l {
				t.Errorf("%q: %v", tc.pickle, v)
			}
			continue
		}
		if !reflect.DeepEqual(v, tc.want) {
			t.Errorf("%q: %#v, want %#v", tc.pickle, v, tc.want)
		}
	}
}

// TestPTBigEndian: PyTorch 2.1 and later write the byte order; "big" is
// refused rather than read as little-endian.
func TestPTBigEndian(t *testing.T) {
	floats := make([]byte, 64)
	for _, tc := range []struct {
		order string
		ok    bool
	}{{"little", true}, {"big", false}} {
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		for name, data := range map[string][]byte{
			"step/data.pkl":  named(func(p *pk) { p.tensor("0", 16, 0, []int64{4}, []int64{1}) }),
			"step/data/0":    floats,
			"step/byteorder": []byte(tc.order),
		} {
			w, _ := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
			w.Write(data)
		}
		zw.Close()
		_, err := ReadNPZ("order.pt", b.Bytes(), Options{})
		big := err != nil && strings.Contains(err.Error(), "big-endian")
		if big == tc.ok {
			t.Errorf("byteorder %q: %v", tc.order, err)
		}
	}
}

// TestPTLegacyStorageView reads a tensor over a storage view, as PyTorch
// before 1.x could write in the legacy format: persistent id (..., (view_key,
// offset, size)), the bytes stored once under the root's key.
func TestPTLegacyStorageView(t *testing.T) {
	storage := make([]byte, 12*4)
	for i := range 12 {
		binary.LittleEndian.PutUint32(storage[4*i:], math.Float32bits(float32(i)))
	}
	pickle := func(off, n int64) []byte {
		var p pk
		p.op(0x80, 2, '}', '(').str("tl_heats")
		p.global("torch._utils", "_rebuild_tensor_v2")
		p.op('(')
		p.tuple(func(p *pk) { p.str("storage") }, func(p *pk) { p.global("torch", "FloatStorage") },
			func(p *pk) { p.str("root") }, func(p *pk) { p.str("cpu") }, func(p *pk) { p.int(12) },
			func(p *pk) {
				p.tuple(func(p *pk) { p.str("view") }, func(p *pk) { p.int(off) }, func(p *pk) { p.int(n) })
			})
		p.op('Q')
		p.int(1).tuple(func(p *pk) { p.int(3) }).tuple(func(p *pk) { p.int(1) })
		p.op(0x89, ')', 't', 'R', 'u', '.')
		return p.Bytes()
	}
	data := ptLegacyFile(pickle(4, 8), []string{"root"}, [][]byte{storage}, []int64{12})
	entries, _, err := ptLegacyEntries("view.pt", bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	r, _ := entries[0].open()
	h := *entries[0].hdr
	got, err := decode(newPayload(h.count*4, Options{}), r, h, toFloat32)
	if err != nil || fmt.Sprint(got) != "[5 6 7]" {
		t.Errorf("view (4, 8) from 1: %v, %v; want [5 6 7]", got, err)
	}
	// A view past its root, and a tensor past its view, are refused.
	for _, tc := range []struct {
		off, n int64
		want   string
	}{{8, 8, "storage view"}, {10, 2, "reaches past the 2 elements"}} {
		data := ptLegacyFile(pickle(tc.off, tc.n), []string{"root"}, [][]byte{storage}, []int64{12})
		if _, _, err := ptLegacyEntries("view.pt", bytes.NewReader(data), int64(len(data))); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("view (%d, %d): %v, want %q", tc.off, tc.n, err, tc.want)
		}
	}
}
