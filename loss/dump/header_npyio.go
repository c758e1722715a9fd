//go:build !js

package dump

import (
	"bytes"
	"fmt"

	"codeberg.org/sbinet/npyio/npy"
)

// parseHeader reads the dict of a preflighted header with npyio, as the
// project requires wherever the size of the binary does not matter. The
// browser build reads it with parseDict instead (header_js.go): linking
// npyio there costs the page 0.83 MB of gzip (doc.go). Where npyio refuses
// a dict that parseDict refuses too, the error is parseDict's, which names
// the problem and is what the browser says; npyio's own message is left
// for the dicts that NumPy reads and npyio does not (keys in another
// order, other spacing).
func parseHeader(buf []byte) (headerDict, error) {
	h, err := npyioDict(buf)
	if err != nil {
		if _, why := parseDict(dictText(buf)); why != nil {
			return h, why
		}
	}
	return h, err
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
