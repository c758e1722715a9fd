package dump

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
)

// npyMagic starts every .npy file (npyio's npy.Magic, kept here so that
// the browser build does not link npyio).
const npyMagic = "\x93NUMPY"

// maxHeaderLen caps the header dict. NumPy refuses headers over 10000 bytes
// by default and a dump's header is about 120; the cap keeps a version-2
// header length (32 bits) from asking for gigabytes.
const maxHeaderLen = 1 << 16

// header is what the preflight and the header dict tell about one array.
type header struct {
	dtype   dtype
	shape   []int
	fortran bool
	offset  int64 // bytes before the payload
	count   int64 // elements
}

// readHeader reads the header of an .npy stream that holds size bytes in
// all, then checks that dtype and shape account for exactly the bytes
// stored: nothing is allocated on the word of a header that claims more
// than the file holds.
func readHeader(r io.Reader, size int64) (header, error) {
	var h header
	buf, err := preflight(r, size)
	if err != nil {
		return h, err
	}
	h.offset = int64(len(buf))
	parsed, err := parseHeader(buf)
	if err != nil {
		return h, err
	}
	if h.dtype, err = parseDtype(parsed.descr); err != nil {
		return h, err
	}
	h.shape, h.fortran = parsed.shape, parsed.fortran
	if slices.ContainsFunc(h.shape, func(d int) bool { return d < 0 }) {
		return h, fmt.Errorf("shape %v has a negative dimension", h.shape)
	}
	n, ok := elements(h.shape)
	if !ok {
		return h, fmt.Errorf("shape %v has more than 2^63 elements", h.shape)
	}
	h.count = n
	if n > (math.MaxInt64-h.offset)/int64(h.dtype.size) || h.offset+n*int64(h.dtype.size) != size {
		return h, sizeMismatch(h, size)
	}
	return h, nil
}

// preflight reads magic, version, header length and the header dict,
// checking each against size before a parser sees a byte: npyio allocates
// the 32-bit length it reads and slices the dict without bounds checks. It
// returns everything before the payload.
func preflight(r io.Reader, size int64) ([]byte, error) {
	var pre [12]byte
	if size < 10 {
		return nil, fmt.Errorf("%d bytes is too short for an .npy array", size)
	}
	if _, err := io.ReadFull(r, pre[:10]); err != nil {
		return nil, truncated(err, "header")
	}
	if string(pre[:6]) != npyMagic {
		return nil, errors.New("not an .npy array (no \\x93NUMPY magic)")
	}
	var prefix, hlen int64
	switch major, minor := pre[6], pre[7]; major {
	case 1:
		prefix, hlen = 10, int64(binary.LittleEndian.Uint16(pre[8:10]))
	case 2:
		if size < 12 {
			return nil, fmt.Errorf("%d bytes is too short for an .npy version 2 array", size)
		}
		if _, err := io.ReadFull(r, pre[10:12]); err != nil {
			return nil, truncated(err, "header")
		}
		prefix, hlen = 12, int64(binary.LittleEndian.Uint32(pre[8:12]))
	default:
		return nil, fmt.Errorf("npy format version %d.%d is not supported (want 1.0 or 2.0)", major, minor)
	}
	switch {
	case hlen > maxHeaderLen:
		return nil, fmt.Errorf("header length %d is over the %d-byte limit", hlen, maxHeaderLen)
	case prefix+hlen > size:
		return nil, fmt.Errorf("header length %d is longer than the %d bytes stored", hlen, size-prefix)
	}
	buf := make([]byte, prefix+hlen)
	copy(buf, pre[:prefix])
	if _, err := io.ReadFull(r, buf[prefix:]); err != nil {
		return nil, truncated(err, "header")
	}
	dict := buf[prefix:]
	if len(dict) == 0 || dict[len(dict)-1] != '\n' {
		return nil, errors.New("header does not end with a newline")
	}
	for _, c := range dict[:len(dict)-1] {
		if c < 0x20 || c > 0x7e {
			return nil, fmt.Errorf("header holds the byte %#02x: not an ASCII dict", c)
		}
	}
	return buf, nil
}

// dictText returns the dict of a preflighted header, without the magic,
// version, length and final newline.
func dictText(buf []byte) string {
	prefix := 10
	if buf[6] == 2 {
		prefix = 12
	}
	return string(buf[prefix : len(buf)-1])
}

// elements returns the product of shape, refusing negative dimensions and
// products past MaxInt64.
func elements(shape []int) (int64, bool) {
	n := int64(1)
	for _, d := range shape {
		if d < 0 {
			return 0, false
		}
		if d > 0 && n > math.MaxInt64/int64(d) {
			return 0, false
		}
		n *= int64(d)
	}
	return n, true
}

func sizeMismatch(h header, size int64) error {
	stored := size - h.offset
	need := "more than 2^63"
	if h.count <= math.MaxInt64/int64(h.dtype.size) {
		need = fmt.Sprint(h.count * int64(h.dtype.size))
	}
	if h.count > stored/int64(h.dtype.size) {
		return fmt.Errorf("truncated: shape %v of %v needs %s bytes, %d are stored", h.shape, h.dtype, need, stored)
	}
	return fmt.Errorf("shape %v of %v needs %s bytes, but %d bytes follow the header", h.shape, h.dtype, need, stored)
}

// truncated names a short read of the given part.
func truncated(err error, part string) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("truncated %s", part)
	}
	return fmt.Errorf("reading the %s: %w", part, err)
}
