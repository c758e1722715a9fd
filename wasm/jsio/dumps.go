//go:build js && wasm

package jsio

import (
	"fmt"
	"syscall/js"
	"unsafe"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/dump"
)

// ReadDumps reads one dump picked in the page, from the files in the
// browser (each a File, or a Uint8Array of its bytes): each .npz or .pt a
// dump (the chunks of one step), decoded straight from the file's buffer,
// or several .npy files, copied in, together one dump.
// Errors name the file and the array. The upload worker calls it; the
// page too, when it has no worker.
func ReadDumps(names []string, files []js.Value, opt dump.Options) ([]*dump.Dump, error) {
	if !dump.IsNPY(names[0]) {
		ds := make([]*dump.Dump, len(files))
		for i, f := range files {
			var r Bytes
			if f.InstanceOf(js.Global().Get("Uint8Array")) {
				r = NewBytes(f)
			} else {
				r = NewFileBytes(f) // read whole only if this thread inflates
			}
			d, err := dump.ReadNPZAt(names[i], r, r.N, opt)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", names[i], err)
			}
			ds[i] = d
		}
		return ds, nil
	}
	npys := make([]dump.File, len(files))
	for i, f := range files {
		f, err := fileBytes(names[i], f)
		if err != nil {
			return nil, err
		}
		npys[i] = dump.File{Name: names[i], Data: make([]byte, f.Get("length").Int())}
		js.CopyBytesToGo(npys[i].Data, f)
	}
	d, err := dump.ReadNPYFiles(npys, opt) // its errors name the file
	if err != nil {
		return nil, err
	}
	return []*dump.Dump{d}, nil
}

// fileBytes returns a File's bytes as a Uint8Array, read whole: reading it
// a slice at a time as it is decoded (Blob.slice) was measured 3× slower
// in Chromium, and the file's bytes are the smallest copy the upload makes.
func fileBytes(name string, f js.Value) (js.Value, error) {
	if f.InstanceOf(js.Global().Get("Uint8Array")) {
		return f, nil
	}
	buf, err := Await(f.Call("arrayBuffer"))
	if err != nil {
		return js.Value{}, fmt.Errorf("%s: the browser could not read the file: %v", name, err)
	}
	return js.Global().Get("Uint8Array").New(buf), nil
}

// DumpArrays copies the arrays of d (dump.Floats, then the indices and the
// mask) into new Uint8Arrays, to transfer.
func DumpArrays(d *dump.Dump) []js.Value {
	var out []js.Value
	for _, f := range dump.Floats(d.Input) {
		out = append(out, Float32Array(*f))
	}
	for _, c := range loss.Corners {
		out = append(out, bytesArray(bytesOf(d.Input.Inds[c])))
	}
	return append(out, bytesArray(d.Input.Mask))
}

// NewDumpInput allocates the arrays of a dump of w, to be filled from
// the Uint8Arrays DumpArrays made; it returns them as byte slices, in the
// same order. The lengths are the sender's: checked against the arrays'.
func NewDumpInput(w dump.Wire, arrays []js.Value) (*loss.Input, [][]byte, error) {
	in := &loss.Input{}
	floats := dump.Floats(in)
	if len(w.Lens) != len(floats) || len(arrays) != len(floats)+3 {
		return nil, nil, fmt.Errorf("the upload worker sent %d arrays and %d lengths, want %d and %d", len(arrays), len(w.Lens), len(floats)+3, len(floats))
	}
	var dst [][]byte
	for i, f := range floats {
		if w.Lens[i] >= 0 {
			*f = make([]float32, w.Lens[i])
		}
		dst = append(dst, bytesOf(*f))
	}
	n := w.Shape.Batch * w.Shape.Slots
	for _, c := range loss.Corners {
		in.Inds[c] = make([]int64, n)
		dst = append(dst, bytesOf(in.Inds[c]))
	}
	in.Mask = make([]uint8, n)
	dst = append(dst, in.Mask)
	for i, b := range dst {
		if got := arrays[i].Get("byteLength").Int(); got != len(b) {
			return nil, nil, fmt.Errorf("the upload worker sent array %d of %d bytes, want %d", i, got, len(b))
		}
	}
	return in, dst, nil
}

func bytesOf[T float32 | int64](s []T) []byte {
	var zero T
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), int(unsafe.Sizeof(zero))*len(s))
}
