//go:build js && wasm

package loss

import (
	_ "embed"
	"math"
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

// bgRows is bgrows.wasm's function, or an undefined one where it cannot
// run.
type bgRows struct{ rows js.Value }

var bgRowsFuncs = sync.OnceValue(func() bgRows { return loadBGRows(bgRowsWasm) })

// loadBGRows instantiates module, or gives undefined functions where it
// cannot run.
func loadBGRows(module []byte) (f bgRows) {
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
	b := g.Get("Uint8Array").New(len(module))
	js.CopyBytesToJS(b, module)
	// A module this small compiles synchronously, on a page's thread too;
	// a browser without SIMD throws a CompileError here, recovered above
	// (no WebAssembly.validate first: decoding and checking the module
	// once more took 3 ms of a first visit's start-up).
	mod := wa.Get("Module").New(b)
	imports, gomod := g.Get("Object").New(), g.Get("Object").New()
	gomod.Set("mem", mem)
	imports.Set("go", gomod)
	return bgRows{wa.Get("Instance").New(mod, imports).Get("exports").Get("rows")}
}

// bgRowsBuf is one plane's scratch: a row's flag, sum, clamp counts and
// whether it has pixels for others, a listed group's first pixel and its
// four terms.
type bgRowsBuf struct {
	flags, groups []int32
	sums, terms   []float64
	lo, hi        []int32
	others        []bool
}

// groupsPerRow sizes the list of groups not plain a plane may have, a
// few a row on average (about one in eight rows of a COCO-like noisy
// background has one, and a box's corner adds a few rows of a few groups
// to its class's plane); rows past it are row's.
const groupsPerRow = 4

var bgRowsBufs = sync.Pool{New: func() any { return new(bgRowsBuf) }}

// size makes room for a plane of rows rows and groups groups; the terms
// are sized once the first pass has listed its groups (a few a plane).
func (b *bgRowsBuf) size(rows, groups int) {
	if cap(b.flags) < rows {
		b.flags, b.sums, b.lo, b.hi = make([]int32, rows), make([]float64, rows), make([]int32, rows), make([]int32, rows)
		b.others = make([]bool, rows)
	}
	if cap(b.groups) < groups {
		b.groups = make([]int32, groups)
	}
	b.flags, b.sums, b.lo, b.hi, b.others = b.flags[:rows], b.sums[:rows], b.lo[:rows], b.hi[:rows], b.others[:rows]
	b.groups = b.groups[:groups]
}

// rowsScratchBytes bounds the scratch of a plane of h rows: its buffers
// at their largest, the list full (EvaluatorBytes counts it: the page's
// budget for a scene is of real memory). One plane at a time is summed
// here, on one thread.
func rowsScratchBytes(h int) int64 {
	perRow := int64(unsafe.Sizeof(int32(0)))*3 + int64(unsafe.Sizeof(float64(0))) + int64(unsafe.Sizeof(false)) // flags, lo, hi; sums; others
	perGroup := int64(unsafe.Sizeof(int32(0))) + 4*int64(unsafe.Sizeof(float64(0)))                             // its pixel; its terms
	return int64(h) * (perRow + groupsPerRow*perGroup)
}

// sizeTerms makes room for the terms of n listed groups.
func (b *bgRowsBuf) sizeTerms(n int) {
	if cap(b.terms) < 4*n {
		b.terms = make([]float64, 4*n)
	}
	b.terms = b.terms[:4*n]
}

// rowsSIMD is rows with bgrows.wasm for every row but those whose logits
// repeat (repeatedLogits) and those of a plane crowded with groups not
// plain (past groupsPerRow a row), which row sums; ok is false when it
// cannot run here (dst untouched), and plain counts the rows bgrows.wasm
// summed. The pixels of groups that are not plain get what row's own loop
// gives them: a target other than +0 or a NaN logit no term but the
// exact path (others), a logit at a clamp a count, the rest (a logit from
// 0 up, or a plain one beside those) loneTerm's term; bgrows.wasm adds the
// terms in row's order.
func (k *kernel) rowsSIMD(dst []rowSums, x, y []float32, width int) (plain int, ok bool) {
	n := len(dst)
	if n == 0 || width < 8 || width%4 != 0 || len(x) < n*width || len(y) < n*width || k.bg == nil {
		return 0, false
	}
	f := bgRowsFuncs()
	if f.rows.IsUndefined() {
		return 0, false
	}
	buf := bgRowsBufs.Get().(*bgRowsBuf)
	defer bgRowsBufs.Put(buf)
	buf.size(n, groupsPerRow*n)
	pieces := k.bg.pieces
	pass := func(ng, terms, first int) int {
		return f.rows.Invoke(address(x), address(y), width, n, k.xTab, address(pieces), k.bg.off,
			address(buf.flags), address(buf.groups), ng, terms, address(buf.sums), first).Int()
	}
	ng := pass(len(buf.groups), 0, 1)
	buf.sizeTerms(ng)
	last := -1
	for g, p := range buf.groups[:ng] {
		r := int(p) / width // a row flagged 2: only those list groups
		if r != last {
			buf.lo[r], buf.hi[r], buf.others[r], last = 0, 0, false, r
		}
		for q := range 4 {
			i := int(p) + q
			xi := x[i]
			if math.Float32bits(y[i]) != 0 || xi != xi {
				buf.terms[4*g+q], buf.others[r] = 0, true
				continue
			}
			t, lo, hi := k.loneTerm(xi)
			buf.terms[4*g+q] = t // 0 for a clamp's count: adding it changes nothing
			buf.lo[r], buf.hi[r] = buf.lo[r]+int32(lo), buf.hi[r]+int32(hi)
		}
	}
	if ng > 0 {
		pass(ng, address(buf.terms), 0)
	}
	runtime.KeepAlive(x)
	runtime.KeepAlive(y)
	runtime.KeepAlive(pieces)
	// A row of plain groups has no count nor others: finishRow adds
	// 0·termLo + 0·termHi, ±0, to a sum that is never -0, when both are
	// finite (always, but checked).
	bare := !math.IsInf(k.termLo, 0) && !math.IsInf(k.termHi, 0) && k.termLo == k.termLo && k.termHi == k.termHi
	for r := range dst {
		switch flag := buf.flags[r]; {
		case flag == 1 && bare:
			dst[r] = rowSums{bg: focalSums{neg: buf.sums[r]}}
		case flag != 0:
			// What row computes for the row, from the same sum and counts.
			dst[r] = k.finishRow(rowSums{others: buf.others[r]}, buf.sums[r], int(buf.lo[r]), int(buf.hi[r]),
				x[r*width:(r+1)*width], y[r*width:(r+1)*width])
		default:
			dst[r] = k.row(x[r*width:(r+1)*width], y[r*width:(r+1)*width])
			continue
		}
		plain++
	}
	return plain, true
}

// SIMDRows reports whether rows are summed by bgrows.wasm here.
func SIMDRows() bool { return !bgRowsFuncs().rows.IsUndefined() }

// address is where s starts in the module's memory.
func address[T any](s []T) int { return int(uintptr(unsafe.Pointer(unsafe.SliceData(s)))) }
