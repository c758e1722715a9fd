//go:build js && wasm

package jsio

import (
	"errors"
	"fmt"
	"io"
	"syscall/js"
)

// Inflate is a loss/dump Options.Inflate by the browser's own inflater
// (web/inflate.js), for archives read through Bytes: the compressed bytes
// go to cornerlossInflate as a view of the file's buffer, and the inflated
// bytes come back a piece at a time through one reused buffer. Its reads
// block: call them off the event loop (a goroutine of the page, or a
// worker).
func Inflate(compressed *io.SectionReader, limit int64) (io.ReadCloser, error) {
	return inflate(compressed, limit, false)
}

// InflateElsewhere is Inflate by inflate-worker.js on another thread, for
// the entries of a File on the page (cornerlossInflateFile; Bytes.File
// set): the page decodes what the worker has sent while it inflates the
// rest. Elsewhere it is Inflate.
func InflateElsewhere(compressed *io.SectionReader, limit int64) (io.ReadCloser, error) {
	return inflate(compressed, limit, true)
}

// ReadElsewhere has inflate-worker.js start reading the File f, whose
// entries InflateElsewhere will ask for, while the page reads its headers.
func ReadElsewhere(f js.Value) {
	if inFile := js.Global().Get("cornerlossInflateFile"); inFile.Type() == js.TypeFunction && !f.InstanceOf(js.Global().Get("Uint8Array")) {
		inFile.Call("read", f)
	}
}

// ReleaseElsewhere lets inflate-worker.js drop the file it read for
// InflateElsewhere, once the page is done with it.
func ReleaseElsewhere() {
	if inFile := js.Global().Get("cornerlossInflateFile"); inFile.Type() == js.TypeFunction {
		inFile.Call("release")
	}
}

func inflate(compressed *io.SectionReader, limit int64, elsewhere bool) (io.ReadCloser, error) {
	outer, off, n := compressed.Outer()
	b, ok := outer.(Bytes)
	if !ok {
		return nil, errors.New("the browser's inflater is not there")
	}
	g := js.Global()
	if inFile := g.Get("cornerlossInflateFile"); elsewhere && b.File.Truthy() && inFile.Type() == js.TypeFunction {
		return &inflated{reader: inFile.Invoke(b.File, off, n, float64(limit))}, nil
	}
	inflate := g.Get("cornerlossInflate")
	if inflate.Type() != js.TypeFunction {
		return nil, errors.New("the browser's inflater is not there")
	}
	arr, err := b.array()
	if err != nil {
		return nil, err
	}
	src := arr.Call("subarray", off, off+n)
	return &inflated{reader: inflate.Invoke(src, float64(limit)), buf: staging()}, nil
}

// inflated reads what an inflate.js reader gives.
type inflated struct {
	reader js.Value
	buf    js.Value // a Uint8Array the reader may fill, or undefined
	piece  js.Value // the bytes it gave last
	n, at  int      // bytes in piece, bytes of them read
	done   bool
}

func (r *inflated) Read(p []byte) (int, error) {
	for r.at >= r.n {
		if r.done {
			return 0, io.EOF
		}
		v, err := Await(r.reader.Call("next", r.buf))
		if err != nil {
			r.done = true
			return 0, fmt.Errorf("corrupt deflated data: %v", err)
		}
		if v.IsNull() {
			r.done = true
			return 0, io.EOF
		}
		r.piece, r.n, r.at = v, v.Get("length").Int(), 0
	}
	k := js.CopyBytesToGo(p, r.piece.Call("subarray", r.at, r.n))
	r.at += k
	return k, nil
}

func (r *inflated) Close() error {
	if !r.done {
		r.done = true
		r.reader.Call("cancel")
	}
	if !r.buf.IsUndefined() {
		select {
		case free <- r.buf:
		default:
		}
		r.buf = js.Undefined()
	}
	r.piece = js.Undefined()
	return nil
}

// free holds the staging buffers not in use: each entry's inflated bytes
// pass through one, and fresh memory is slow to touch (see inflate.js).
var free = make(chan js.Value, 4)

const stagingBytes = 1 << 20

func staging() js.Value {
	select {
	case b := <-free:
		return b
	default:
		return js.Global().Get("Uint8Array").New(stagingBytes)
	}
}

// Inflater returns Inflate when the browser has DecompressionStream and
// inflate.js is loaded, else nil (compress/flate then reads the archive).
func Inflater() func(*io.SectionReader, int64) (io.ReadCloser, error) {
	g := js.Global()
	if g.Get("DecompressionStream").Type() != js.TypeFunction || g.Get("cornerlossInflate").Type() != js.TypeFunction {
		return nil
	}
	return Inflate
}
