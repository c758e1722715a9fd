//go:build js && wasm

package jsio

import (
	"errors"
	"io"
	"syscall/js"
)

// Inflate is a loss/dump Options.Inflate by the browser's own inflater
// (cornerlossInflate of web/inflate.js), for archives read through Bytes:
// the compressed bytes go to it as a view of the file's buffer, and the
// inflated bytes stay in the browser, read through Bytes too. It blocks:
// call it off the event loop (a goroutine of the page, or a worker).
func Inflate(compressed *io.SectionReader, limit int64) (io.ReaderAt, int64, error) {
	outer, off, n := compressed.Outer()
	b, ok := outer.(Bytes)
	inflate := js.Global().Get("cornerlossInflate")
	if !ok || inflate.Type() != js.TypeFunction {
		return nil, 0, errors.New("the browser's inflater is not there")
	}
	out, err := Await(inflate.Invoke(b.Array.Call("subarray", off, off+n), float64(limit)))
	if err != nil {
		return nil, 0, err
	}
	r := NewBytes(out)
	return r, r.N, nil
}

// Inflater returns Inflate when the browser has DecompressionStream and
// inflate.js is loaded, else nil (compress/flate then reads the archive).
func Inflater() func(*io.SectionReader, int64) (io.ReaderAt, int64, error) {
	g := js.Global()
	if g.Get("DecompressionStream").Type() != js.TypeFunction || g.Get("cornerlossInflate").Type() != js.TypeFunction {
		return nil
	}
	return Inflate
}
