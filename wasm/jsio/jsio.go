//go:build js && wasm

// Package jsio reads browser data from Go: a Uint8Array as an io.ReaderAt,
// and the value of a promise. The page and its workers share it.
package jsio

import (
	"errors"
	"io"
	"syscall/js"
)

// Bytes is a browser Uint8Array as an io.ReaderAt: only the parts read are
// copied into Go's memory. Small reads (the decompressor reads 4 KiB at a
// time) come from a 1 MiB window copied in one call, not one call each.
type Bytes struct {
	Array js.Value
	N     int64
	File  js.Value // the File the bytes were read from, if set
	win   *window  // nil: every read is copied on its own
}

// window is the part of a Bytes last copied in.
type window struct {
	off int64
	buf []byte
}

const windowBytes = 1 << 20

// NewBytes wraps a Uint8Array.
func NewBytes(arr js.Value) Bytes {
	return Bytes{Array: arr, N: int64(arr.Get("length").Int()), win: &window{}}
}

func (b Bytes) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	if off >= b.N {
		return 0, io.EOF
	}
	end := min(off+int64(len(p)), b.N)
	var n int
	if b.win == nil || len(p) >= windowBytes/4 {
		n = js.CopyBytesToGo(p, b.Array.Call("subarray", off, end))
	} else {
		for off+int64(n) < end {
			at := off + int64(n)
			w := b.win
			if at < w.off || at >= w.off+int64(len(w.buf)) {
				if w.buf == nil {
					w.buf = make([]byte, windowBytes)
				}
				w.off = at
				w.buf = w.buf[:min(int64(windowBytes), b.N-at)]
				js.CopyBytesToGo(w.buf, b.Array.Call("subarray", at, at+int64(len(w.buf))))
			}
			n += copy(p[n:end-off], w.buf[at-w.off:])
		}
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// Await waits for a promise, from a goroutine (never from a JS callback,
// which must not block), and returns its value or its rejection.
func Await(promise js.Value) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	done := make(chan result, 1)
	var ok, fail js.Func
	ok = js.FuncOf(func(_ js.Value, args []js.Value) any {
		done <- result{v: args[0]}
		return nil
	})
	fail = js.FuncOf(func(_ js.Value, args []js.Value) any {
		msg := "rejected"
		if len(args) > 0 && args[0].Truthy() {
			msg = args[0].Call("toString").String()
		}
		done <- result{err: errors.New(msg)}
		return nil
	})
	promise.Call("then", ok, fail)
	r := <-done
	ok.Release()
	fail.Release()
	return r.v, r.err
}

// Clock is the browser's clock shared by a page and its workers, ms:
// performance.timeOrigin + performance.now() (each thread's now() starts
// at its own origin).
func Clock() float64 {
	perf := js.Global().Get("performance")
	return perf.Get("timeOrigin").Float() + perf.Call("now").Float()
}
