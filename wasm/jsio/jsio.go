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
// copied into Go's memory.
type Bytes struct {
	Array js.Value
	N     int64
}

// NewBytes wraps a Uint8Array.
func NewBytes(arr js.Value) Bytes { return Bytes{arr, int64(arr.Get("length").Int())} }

func (b Bytes) ReadAt(p []byte, off int64) (int, error) {
	if off >= b.N {
		return 0, io.EOF
	}
	end := min(off+int64(len(p)), b.N)
	n := js.CopyBytesToGo(p, b.Array.Call("subarray", off, end))
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
