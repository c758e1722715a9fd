//go:build js && wasm

package jsio

import (
	"syscall/js"
	"unsafe"
)

// Numbers moved between the page and its workers travel as Uint8Arrays of
// their bytes (little-endian, as WebAssembly's memory): one copy each way,
// and the buffer can be transferred rather than cloned.

// Float32Array copies f into a new Uint8Array.
func Float32Array(f []float32) js.Value {
	return bytesArray(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(f))), 4*len(f)))
}

// Float64Array copies f into a new Uint8Array.
func Float64Array(f []float64) js.Value {
	return bytesArray(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(f))), 8*len(f)))
}

// CopyFloat32sTo copies f into the Uint8Array u (of 4·len(f) bytes).
func CopyFloat32sTo(u js.Value, f []float32) {
	js.CopyBytesToJS(u, unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(f))), 4*len(f)))
}

func bytesArray(b []byte) js.Value {
	u := js.Global().Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(u, b)
	return u
}

// Float32s copies a Uint8Array made by Float32Array into Go.
func Float32s(u js.Value) []float32 {
	f := make([]float32, u.Get("byteLength").Int()/4)
	js.CopyBytesToGo(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(f))), 4*len(f)), u)
	return f
}

// Float64s copies a Uint8Array made by Float64Array into Go.
func Float64s(u js.Value) []float64 {
	f := make([]float64, u.Get("byteLength").Int()/8)
	js.CopyBytesToGo(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(f))), 8*len(f)), u)
	return f
}
