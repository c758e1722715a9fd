package dump

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"io"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio/npy/float16"
	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/golden"
)

// goldenFiles returns the entries of a golden npz as .npy files in memory,
// in archive order.
func goldenFiles(t testing.TB, name string) []File {
	t.Helper()
	c := golden.Case{Name: name, Dir: golden.Dir()}
	zr, err := zip.OpenReader(c.NPZ())
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var files []File
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, File{Name: f.Name, Data: data})
	}
	return files
}

// zipOf builds an npz in memory; method is zip.Deflate or zip.Store.
func zipOf(t testing.TB, files []File, method uint16) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, f := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(f.Data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// with returns a copy of files where the array name holds data instead,
// is added when absent, and is dropped when data is nil.
func with(files []File, name string, data []byte) []File {
	out := slices.Clone(files)
	for i, f := range out {
		if f.Name == name+".npy" {
			if data == nil {
				return slices.Delete(out, i, i+1)
			}
			out[i].Data = data
			return out
		}
	}
	if data != nil {
		out = append(out, File{Name: name + ".npy", Data: data})
	}
	return out
}

// npyRaw builds an .npy of format version 1.0 around a header dict, which
// is padded and given its newline unless it already ends with one.
func npyRaw(dict string, payload []byte) []byte {
	return append(npyFrame(dict), payload...)
}

// npyOf encodes row-major values as an .npy of the given descr, in
// Fortran order on request.
func npyOf(t testing.TB, v []float64, shape []int, descr string, fortran bool) []byte {
	t.Helper()
	d, err := parseDtype("'" + descr + "'")
	if err != nil {
		t.Fatal(err)
	}
	if fortran {
		v = toFortran(v, shape)
	}
	var b []byte
	var bo binary.AppendByteOrder = binary.LittleEndian
	if d.big {
		bo = binary.BigEndian
	}
	for _, x := range v {
		switch {
		case d.kind == 'f' && d.size == 2:
			b = bo.AppendUint16(b, float16.New(float32(x)).Uint16())
		case d.kind == 'f' && d.size == 4:
			b = bo.AppendUint32(b, math.Float32bits(float32(x)))
		case d.kind == 'f':
			b = bo.AppendUint64(b, math.Float64bits(x))
		case d.size == 1:
			b = append(b, byte(int64(x)))
		case d.size == 2:
			b = bo.AppendUint16(b, uint16(int64(x)))
		case d.size == 4:
			b = bo.AppendUint32(b, uint32(int64(x)))
		default:
			b = bo.AppendUint64(b, uint64(int64(x)))
		}
	}
	return npyRaw(npyDict(descr, fortran, shape), b)
}

// toFortran reorders row-major v into column-major disk order.
func toFortran(v []float64, shape []int) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		idx := loss.Unravel(i, shape...)
		j := 0
		for a := len(shape) - 1; a >= 0; a-- {
			j = j*shape[a] + idx[a]
		}
		out[j] = x
	}
	return out
}

// stored returns the array name of a dump as stored (row-major, in
// float64), with its shape.
func stored(d *Dump, name string) ([]float64, []int) {
	in := d.Input
	c := loss.TopLeft
	if strings.HasPrefix(name, "br_") || strings.HasPrefix(name, "gt_br_") {
		c = loss.BottomRight
	}
	var v any
	switch {
	case strings.HasSuffix(name, "_heats"):
		v = in.Heat[c]
	case strings.HasSuffix(name, "_heat"):
		v = in.GTHeat[c]
	case strings.HasSuffix(name, "_tags") && d.TagsFromMaps:
		v = in.TagMap[c]
	case strings.HasSuffix(name, "_tags"):
		v = in.Tag[c]
	case strings.HasSuffix(name, "_regrs") && d.RegrsFromMaps:
		v = in.RegrMap[c]
	case strings.HasSuffix(name, "_regrs"):
		v = in.Regr[c]
	case strings.HasSuffix(name, "_regr"):
		v = in.GTRegr[c]
	case strings.HasSuffix(name, "_inds"):
		v = in.Inds[c]
	default:
		v = in.Mask
	}
	var out []float64
	switch v := v.(type) {
	case []float32:
		for _, x := range v {
			out = append(out, float64(x))
		}
	case []int64:
		for _, x := range v {
			out = append(out, float64(x))
		}
	case []uint8:
		for _, x := range v {
			out = append(out, float64(x))
		}
	}
	for _, a := range d.Arrays {
		if a.Name == name {
			return out, a.Shape
		}
	}
	panic("no array " + name)
}

// readGolden reads a golden case through the file path.
func readGolden(t testing.TB, name string) *Dump {
	t.Helper()
	d, err := ReadFile(golden.Case{Name: name, Dir: golden.Dir()}.NPZ(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// mustRead reads .npy files in memory.
func mustRead(t testing.TB, files []File) *Dump {
	t.Helper()
	d, err := ReadNPYFiles(files, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// writeDir writes files into a new temporary directory.
func writeDir(t testing.TB, files []File) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range files {
		if err := os.WriteFile(dir+"/"+f.Name, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
