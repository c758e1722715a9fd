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

// bgRows is bgrows.wasm's two functions, or undefined ones where it
// cannot run.
type bgRows struct{ scan, sum js.Value }

var bgRowsFuncs = sync.OnceValue(func() (f bgRows) {
	defer func() {
		if recover() != nil { // a JavaScript exception: no such module here
			f = bgRows{}
		}
	}()
	g := js.Global()
	mem, wa := g.Get("cornerlossMemory"), g.Get("WebAssembly")
	if !mem.Truthy() || !wa.Truthy() || g.Get("cornerlossSIMD").Equal(js.ValueOf(false)) {
		return bgRows{}
	}
	b := g.Get("Uint8Array").New(len(bgRowsWasm))
	js.CopyBytesToJS(b, bgRowsWasm)
	if !wa.Call("validate", b).Bool() { // no SIMD in this browser
		return bgRows{}
	}
	// A module this small compiles synchronously, on a page's thread too.
	mod := wa.Get("Module").New(b)
	imports, gomod := g.Get("Object").New(), g.Get("Object").New()
	gomod.Set("mem", mem)
	imports.Set("go", gomod)
	ex := wa.Get("Instance").New(mod, imports).Get("exports")
	return bgRows{ex.Get("scan"), ex.Get("sum")}
})

// bgRowsBuf is one plane's scratch: a row's flag, sum and clamp counts, a
// listed group's first pixel and its four terms.
type bgRowsBuf struct {
	flags, groups []int32
	sums, terms   []float64
	lo, hi        []int32
}

// groupsPerRow sizes the list of groups not plain a plane may have, a
// few a row on average (about one in eight rows of a COCO-like noisy
// background has one); rows past it are row's.
const groupsPerRow = 4

var bgRowsBufs = sync.Pool{New: func() any { return new(bgRowsBuf) }}

// size makes room for a plane of rows rows and groups groups; the terms
// are sized once scan has listed its groups (a few a plane).
func (b *bgRowsBuf) size(rows, groups int) {
	if cap(b.flags) < rows {
		b.flags, b.sums, b.lo, b.hi = make([]int32, rows), make([]float64, rows), make([]int32, rows), make([]int32, rows)
	}
	if cap(b.groups) < groups {
		b.groups = make([]int32, groups)
	}
	b.flags, b.sums, b.lo, b.hi = b.flags[:rows], b.sums[:rows], b.lo[:rows], b.hi[:rows]
	b.groups = b.groups[:groups]
}

// sizeTerms makes room for the terms of n listed groups.
func (b *bgRowsBuf) sizeTerms(n int) {
	if cap(b.terms) < 4*n {
		b.terms = make([]float64, 4*n)
	}
	b.terms = b.terms[:4*n]
}

// rowsSIMD is rows with bgrows.wasm for the rows whose targets are all +0
// and logits numbers, not repeated (repeatedLogits), and row for the
// others; ok is false when it cannot
// run here (dst untouched), and plain counts the rows bgrows.wasm summed.
// The pixels of groups that are not plain (a logit at a clamp, or from 0
// up: a few in a row of a noisy background) get their terms from loneTerm,
// as row's own loop does, and bgrows.wasm adds them in row's order.
func (k *kernel) rowsSIMD(dst []rowSums, x, y []float32, width int) (plain int, ok bool) {
	n := len(dst)
	if n == 0 || width < 8 || width%4 != 0 || len(x) < n*width || len(y) < n*width || k.bg == nil {
		return 0, false
	}
	f := bgRowsFuncs()
	if f.scan.IsUndefined() {
		return 0, false
	}
	buf := bgRowsBufs.Get().(*bgRowsBuf)
	defer bgRowsBufs.Put(buf)
	buf.size(n, groupsPerRow*n)
	ng := f.scan.Invoke(address(x), address(y), width, n, k.xTab, address(buf.flags), address(buf.groups), len(buf.groups)).Int()
	buf.sizeTerms(ng)
	for r := range n {
		buf.lo[r], buf.hi[r] = 0, 0
		if buf.flags[r] != 0 && repeatedLogits(x[r*width:(r+1)*width]) {
			buf.flags[r] = 0 // the reference's steps: row
		}
	}
	for g, p := range buf.groups[:ng] {
		r := int(p) / width
		if buf.flags[r] == 0 {
			continue
		}
		for q := range 4 {
			t, lo, hi := k.loneTerm(x[int(p)+q])
			buf.terms[4*g+q] = t // 0 for a clamp's count: adding it changes nothing
			buf.lo[r], buf.hi[r] = buf.lo[r]+int32(lo), buf.hi[r]+int32(hi)
		}
	}
	pieces := k.bg.pieces
	f.sum.Invoke(address(x), width, n, address(pieces), k.bg.off, address(buf.flags),
		address(buf.groups), ng, address(buf.terms), address(buf.sums))
	runtime.KeepAlive(x)
	runtime.KeepAlive(y)
	runtime.KeepAlive(pieces)
	for r := range dst {
		xr, yr := x[r*width:(r+1)*width], y[r*width:(r+1)*width]
		if buf.flags[r] == 0 {
			dst[r] = k.row(xr, yr)
			continue
		}
		// What row computes for the row, from the same sum and counts.
		dst[r] = k.finishRow(rowSums{}, buf.sums[r], int(buf.lo[r]), int(buf.hi[r]), xr, yr)
		plain++
	}
	return plain, true
}

// SIMDRows reports whether rows are summed by bgrows.wasm here.
func SIMDRows() bool { return !bgRowsFuncs().scan.IsUndefined() }

// address is where s starts in the module's memory.
func address[T any](s []T) int { return int(uintptr(unsafe.Pointer(unsafe.SliceData(s)))) }
