package dump

import (
	"archive/zip"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
)

// inflatedPayload opens entry f of the archive r through inflate, as a
// reader with archive/zip's checks: past the declared size ErrFormat, at
// the end the CRC (ErrChecksum), short of it io.ErrUnexpectedEOF. decode
// and atEOF turn these into the same messages as on the compress/flate
// path.
func inflatedPayload(r io.ReaderAt, f *zip.File, inflate Inflater) func(limit int64) (io.ReadCloser, error) {
	return func(limit int64) (io.ReadCloser, error) {
		off, err := f.DataOffset()
		if err != nil {
			return nil, err
		}
		declared := int64(f.UncompressedSize64)
		limit = min(limit, declared+1) // one past the declared size tells a bomb
		data, n, err := inflate(io.NewSectionReader(r, off, int64(f.CompressedSize64)), limit)
		if err != nil {
			return nil, fmt.Errorf("corrupt deflated data: %v", err)
		}
		return &inflatedReader{data: data, n: n, whole: n < limit, declared: declared, want: f.CRC32, crc: crc32.NewIEEE()}, nil
	}
}

// inflatedReader reads an entry inflated whole (or up to a limit).
type inflatedReader struct {
	data     io.ReaderAt
	n        int64 // bytes inflated
	whole    bool  // n is the entry's whole length, not a limit reached
	declared int64
	off      int64
	want     uint32
	crc      hash.Hash32
}

func (r *inflatedReader) Read(p []byte) (int, error) {
	if r.off >= min(r.n, r.declared) {
		switch {
		case r.n > r.declared:
			return 0, zip.ErrFormat
		case r.n < r.declared && r.whole:
			return 0, io.ErrUnexpectedEOF
		case r.n < r.declared:
			return 0, errors.New("read past the limit asked for")
		case r.crc.Sum32() != r.want:
			return 0, zip.ErrChecksum
		}
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), min(r.n, r.declared)-r.off)]
	n, err := r.data.ReadAt(p, r.off)
	r.crc.Write(p[:n])
	r.off += int64(n)
	if err == io.EOF && n == len(p) {
		err = nil
	}
	return n, err
}

func (r *inflatedReader) Close() error { return nil }
