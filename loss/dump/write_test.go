package dump

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio/npz"
	"github.com/cornerloss/cornerloss/loss"
)

// TestWriteNPZ round-trips a golden and a synthetic dump through WriteNPZ,
// and checks that npyio, standing in for numpy.load, reads what it wrote.
func TestWriteNPZ(t *testing.T) {
	d := readGolden(t, "two_stacks")
	var arrays []Array
	for _, a := range d.Arrays {
		v, shape := stored(d, a.Name)
		var data any
		switch a.Dtype {
		case "uint8":
			data = toType[uint8](v)
		case "int64":
			data = toType[int64](v)
		default:
			data = toType[float32](v)
		}
		arrays = append(arrays, Array{a.Name, shape, data})
	}
	buf := npzOf(t, arrays)
	got, err := ReadNPZ("x.npz", buf, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Input, d.Input) || !reflect.DeepEqual(got.Arrays, d.Arrays) {
		t.Error("round trip changed the dump")
	}

	syn := synthetic(loss.Shape{Stacks: 1, Batch: 2, Classes: 3, Height: 8, Width: 6, Slots: 5}, 3)
	if _, err := ReadNPZ("syn.npz", npzOf(t, syn), Options{}); err != nil {
		t.Fatal(err)
	}

	zr, err := npz.NewReader(bytes.NewReader(buf), int64(len(buf)))
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"gt_mask.npy", "tl_inds.npy", "gt_tl_regr.npy"} {
		h := zr.Header(key)
		if h == nil {
			t.Fatalf("npyio finds no %s", key)
		}
		info := got.arrayInfo(strings.TrimSuffix(key, ".npy"))
		if h.Descr.Type != "'"+info.Descr+"'" || !reflect.DeepEqual(h.Descr.Shape, info.Shape) || h.Major != 1 {
			t.Errorf("npyio reads %s as %v", key, h)
		}
	}
	var mask []uint8
	if err := zr.Read("gt_mask.npy", &mask); err != nil || !bytes.Equal(mask, d.Input.Mask) {
		t.Errorf("npyio reads gt_mask as %v, %v", mask, err)
	}
	var inds []int64
	if err := zr.Read("tl_inds.npy", &inds); err != nil || !reflect.DeepEqual(inds, d.Input.Inds[loss.TopLeft]) {
		t.Errorf("npyio reads tl_inds as %v, %v", inds, err)
	}
}

// TestWriteNPZPooled: archives written at once on several goroutines,
// each after the last gave its compressors back to the pool, read as the
// same dump (go test -race).
func TestWriteNPZPooled(t *testing.T) {
	arrays := synthetic(loss.Shape{Stacks: 2, Batch: 2, Classes: 3, Height: 16, Width: 12, Slots: 5}, 4)
	want, err := ReadNPZ("a.npz", npzOf(t, arrays), Options{})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 4)
	for i := range 4 {
		go func() {
			var buf bytes.Buffer
			for range 3 {
				buf.Reset()
				if err := WriteNPZ(&buf, arrays); err != nil {
					done <- err
					return
				}
				got, err := ReadNPZ("b.npz", buf.Bytes(), Options{})
				if err != nil {
					done <- err
					return
				}
				if !reflect.DeepEqual(got.Input, want.Input) {
					done <- fmt.Errorf("writer %d: another dump read back", i)
					return
				}
			}
			done <- nil
		}()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

// TestNPYHeader checks the padding NumPy uses: data on a 64-byte boundary.
func TestNPYHeader(t *testing.T) {
	for _, shape := range [][]int{{}, {3}, {2, 128}, {2, 2, 80, 128, 128}, {1 << 40, 1 << 20}} {
		h := npyHeader("<f4", shape)
		if len(h)%64 != 0 || h[len(h)-1] != '\n' {
			t.Errorf("%v: header of %d bytes: %q", shape, len(h), h)
		}
	}
	if got := string(npyHeader("|u1", []int{3})[10:]); !strings.HasPrefix(got, "{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }  ") {
		t.Errorf("dict %q", got)
	}
}

func TestWriteErrors(t *testing.T) {
	for _, tc := range []struct {
		a    Array
		want string
	}{
		{Array{"gt_mask", []int{2, 3}, []uint8{1, 2}}, "gt_mask: 2 values do not fill shape [2 3]"},
		{Array{"tl_inds", []int{2}, []int32{1, 2}}, "tl_inds: cannot write []int32 (want []float32, []uint8 or []int64)"},
		{Array{"x", []int{-1}, []float32{}}, "x: 0 values do not fill shape [-1]"},
	} {
		err := WriteNPZ(new(bytes.Buffer), []Array{tc.a})
		if err == nil || err.Error() != tc.want {
			t.Errorf("got %v, want %s", err, tc.want)
		}
	}
}

func toType[T float32 | uint8 | int64](v []float64) []T {
	out := make([]T, len(v))
	for i, x := range v {
		out[i] = T(x)
	}
	return out
}
