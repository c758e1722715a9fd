//go:build !js

package dump

import (
	"bytes"
	"fmt"
	"slices"

	"codeberg.org/sbinet/npyio/npy"
)

// parseHeader reads the dict of a preflighted header with npyio, as the
// project requires wherever the size of the binary does not matter, after
// readDict, the browser build's reading: readDict takes only NumPy's
// layout, where npyio reads what it reads, so the two builds accept the
// same dicts and give the same refusals. A dict npyio reads otherwise is
// refused here (FuzzHeaderDict looks for one).
func parseHeader(buf []byte) (headerDict, error) {
	h, err := readDict(dictText(buf))
	if err != nil {
		return h, err
	}
	n, err := npyioDict(buf)
	if err == nil && (n.descr != h.descr || n.fortran != h.fortran || !slices.Equal(n.shape, h.shape)) {
		err = fmt.Errorf("malformed header dict (npyio reads descr %s, fortran_order %v, shape %v; the dict says %s, %v, %v)",
			n.descr, n.fortran, n.shape, h.descr, h.fortran, h.shape)
	}
	return n, err
}

// npyioDict hands a preflighted header to npyio, turning its panics on odd
// dicts into errors.
func npyioDict(buf []byte) (h headerDict, err error) {
	defer func() {
		if p := recover(); p != nil {
			h, err = headerDict{}, fmt.Errorf("malformed header dict (npyio: %v)", p)
		}
	}()
	r, err := npy.NewReader(bytes.NewReader(buf))
	if err != nil {
		return h, fmt.Errorf("malformed header dict (%v)", err)
	}
	d := r.Header.Descr
	return headerDict{descr: d.Type, fortran: d.Fortran, shape: d.Shape}, nil
}
