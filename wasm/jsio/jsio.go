//go:build js && wasm

// Package jsio reads browser data from Go: a Uint8Array as an io.ReaderAt,
// and the value of a promise. The page and its workers share it.
package jsio

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"syscall/js"
	"time"
)

// Bytes is a browser Uint8Array as an io.ReaderAt: only the parts read are
// copied into Go's memory. Small reads (the decompressor reads 4 KiB at a
// time) come from a 1 MiB window copied in one call, not one call each.
// A Bytes of a File (NewFileBytes) reads the File itself, lazily.
type Bytes struct {
	Array js.Value // undefined in a Bytes of a File: see array
	N     int64
	File  js.Value // the File the bytes are read from, if set
	win   *window  // nil: every read is copied on its own
	whole *js.Value
}

// window is the part of a Bytes last copied in.
type window struct {
	off    int64
	buf    []byte
	slices int // windows read through Blob.slice
}

const (
	windowBytes = 1 << 20
	// sliceBytes is a window read from a File not read whole: a request
	// to the browser's process each, for the archive's directory and
	// headers; past maxSlices of them (compress/flate reading a payload)
	// the file is read whole.
	sliceBytes = 64 << 10
	maxSlices  = 32
)

// NewBytes wraps a Uint8Array.
func NewBytes(arr js.Value) Bytes {
	return Bytes{Array: arr, N: int64(arr.Get("length").Int()), win: &window{}}
}

// NewFileBytes reads a File: its small reads (the archive's directory,
// the arrays' headers) a window at a time through Blob.slice, and the file
// whole at the first large read or when its bytes are asked for (the
// page's inflater). So a dump whose entries another thread inflates
// (InflateElsewhere) is never read whole on the page's thread, where
// reading a 36 MB file took one 270 ms task (its fresh memory). Its reads
// block: call them off the event loop.
func NewFileBytes(f js.Value) Bytes {
	return Bytes{N: int64(f.Get("size").Float()), File: f, win: &window{}, whole: new(js.Value)}
}

// array returns the bytes as a Uint8Array, the File read whole the first
// time.
func (b Bytes) array() (js.Value, error) {
	if b.whole == nil {
		return b.Array, nil
	}
	if b.whole.IsUndefined() {
		buf, err := Await(b.File.Call("arrayBuffer"))
		if err != nil {
			return js.Value{}, fmt.Errorf("the browser could not read the file: %v", err)
		}
		*b.whole = js.Global().Get("Uint8Array").New(buf)
	}
	return *b.whole, nil
}

// unread says b is a File not read whole yet.
func (b Bytes) unread() bool { return b.whole != nil && b.whole.IsUndefined() }

// copyIn copies the bytes at off into p.
func (b Bytes) copyIn(p []byte, off int64, large bool) error {
	end := off + int64(len(p))
	if b.unread() && !large && b.win.slices < maxSlices {
		b.win.slices++
		buf, err := Await(b.File.Call("slice", off, end).Call("arrayBuffer"))
		if err != nil {
			return fmt.Errorf("the browser could not read the file: %v", err)
		}
		js.CopyBytesToGo(p, js.Global().Get("Uint8Array").New(buf))
		return nil
	}
	arr, err := b.array()
	if err != nil {
		return err
	}
	js.CopyBytesToGo(p, arr.Call("subarray", off, end))
	return nil
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
		if err := b.copyIn(p[:end-off], off, true); err != nil {
			return 0, err
		}
		n = int(end - off)
	} else {
		size := int64(windowBytes)
		if b.unread() {
			size = sliceBytes
		}
		for off+int64(n) < end {
			at := off + int64(n)
			w := b.win
			if at < w.off || at >= w.off+int64(len(w.buf)) {
				if cap(w.buf) < windowBytes {
					w.buf = make([]byte, windowBytes)
				}
				w.off = at
				w.buf = w.buf[:min(size, b.N-at)]
				if err := b.copyIn(w.buf, at, false); err != nil {
					w.buf = w.buf[:0]
					return n, err
				}
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

// Yield returns to the browser's event loop and comes back once it has
// done what was due (a frame, input, messages): it waits for a message
// posted to itself. A timer (time.Sleep) fires a millisecond later at the
// earliest, and four once timers nest, the thread idle meanwhile, some 75
// times in an upload of the 36 MB dump. Without MessageChannel it sleeps.
func Yield() {
	if port := yieldPort(); port.Truthy() {
		port.Call("postMessage", nil)
		<-yielded
		return
	}
	time.Sleep(time.Millisecond)
}

var (
	yielded   = make(chan struct{}, 16) // a wake per message posted: each Yield takes one
	yieldPort = sync.OnceValue(func() js.Value {
		mc := js.Global().Get("MessageChannel")
		if mc.Type() != js.TypeFunction {
			return js.Undefined()
		}
		ch := mc.New()
		ch.Get("port1").Set("onmessage", js.FuncOf(func(js.Value, []js.Value) any {
			yielded <- struct{}{}
			return nil
		}))
		return ch.Get("port2")
	})
)
