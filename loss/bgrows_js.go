//go:build js && wasm

package loss

import (
	_ "embed"
	"runtime"
	"sync"
	"syscall/js"
	"unsafe"
)

// In a browser (the page and its workers) the plain rows of a plane, the
// bulk of every evaluation, are summed by bgrows.wasm, row's four-pixel
// path with WebAssembly's SIMD, which Go does not emit: the same sums to the
// bit (see bgrows.wat), 2-3× faster a pixel under V8. It reads the Go
// module's memory, which the host puts on globalThis.cornerlossMemory
// before Go starts (web/start.js, web/worker.js, wasm/nodeexec.js); without
// it, or where the browser has no SIMD, rows are summed in Go as everywhere
// else.

//go:embed bgrows.wasm
var bgRowsWasm []byte

// bgRowsFunc is bgrows.wasm's bgRows, or undefined when it cannot run here.
var bgRowsFunc = sync.OnceValue(func() (fn js.Value) {
	defer func() {
		if recover() != nil { // a JavaScript exception: no such module here
			fn = js.Undefined()
		}
	}()
	g := js.Global()
	mem, wa := g.Get("cornerlossMemory"), g.Get("WebAssembly")
	if !mem.Truthy() || !wa.Truthy() || g.Get("cornerlossSIMD").Equal(js.ValueOf(false)) {
		return js.Undefined()
	}
	b := g.Get("Uint8Array").New(len(bgRowsWasm))
	js.CopyBytesToJS(b, bgRowsWasm)
	if !wa.Call("validate", b).Bool() {
		return js.Undefined()
	}
	// A module this small compiles synchronously, on a page's thread too.
	mod := wa.Get("Module").New(b)
	imports := g.Get("Object").New()
	gomod := g.Get("Object").New()
	gomod.Set("mem", mem)
	imports.Set("go", gomod)
	return wa.Get("Instance").New(mod, imports).Get("exports").Get("bgRows")
})

// bgRowsBuf is the wasm's answer for one plane: a sum and a flag a row.
type bgRowsBuf struct {
	sums  []float64
	flags []int32
}

var bgRowsBufs = sync.Pool{New: func() any { return new(bgRowsBuf) }}

// rowsSIMD is rows with bgrows.wasm for the plain rows, and row for the
// others; ok is false when it cannot run here (dst untouched), and plain
// counts the rows bgrows.wasm summed.
func (k *kernel) rowsSIMD(dst []rowSums, x, y []float32, width int) (plain int, ok bool) {
	n := len(dst)
	if n == 0 || width < 8 || width%4 != 0 || len(x) < n*width || len(y) < n*width || k.bg == nil {
		return 0, false
	}
	fn := bgRowsFunc()
	if fn.IsUndefined() {
		return 0, false
	}
	buf := bgRowsBufs.Get().(*bgRowsBuf)
	defer bgRowsBufs.Put(buf)
	if cap(buf.sums) < n {
		buf.sums, buf.flags = make([]float64, n), make([]int32, n)
	}
	sums, flags := buf.sums[:n], buf.flags[:n]
	pieces := k.bg.pieces
	fn.Invoke(address(x), address(y), width, n, address(pieces), k.bg.off, k.xTab, address(sums), address(flags))
	runtime.KeepAlive(x)
	runtime.KeepAlive(y)
	runtime.KeepAlive(pieces)
	for r := range dst {
		o := r * width
		xr, yr := x[o:o+width], y[o:o+width]
		if flags[r] == 1 && !repeatedLogits(xr) {
			// What row computes for a plain row, from the same sum.
			dst[r] = k.finishRow(rowSums{}, sums[r], 0, 0, xr, yr)
			plain++
		} else {
			dst[r] = k.row(xr, yr)
		}
	}
	return plain, true
}

// address is where s starts in the module's memory.
func address[T any](s []T) int { return int(uintptr(unsafe.Pointer(unsafe.SliceData(s)))) }

// SIMDRows reports whether rows are summed by bgrows.wasm here.
func SIMDRows() bool { return !bgRowsFunc().IsUndefined() }
