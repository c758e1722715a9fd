package dump

import (
	"archive/zip"
	"errors"
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
		src, err := inflate(io.NewSectionReader(r, off, int64(f.CompressedSize64)), limit)
		if err != nil {
			return nil, err
		}
		return &inflatedReader{src: src, limit: limit, declared: declared, want: f.CRC32, crc: crc32.NewIEEE()}, nil
	}
}

// inflatedReader reads an entry as it is inflated, up to a limit.
type inflatedReader struct {
	src      io.ReadCloser
	limit    int64 // src stops after this many bytes
	declared int64
	off      int64
	want     uint32
	crc      hash.Hash32
}

func (r *inflatedReader) Read(p []byte) (int, error) {
	if r.off >= r.declared {
		// One byte more means an entry longer than it says.
		var one [1]byte
		n, err := io.ReadFull(r.src, one[:])
		switch {
		case n > 0:
			return 0, zip.ErrFormat
		case err != io.EOF && err != io.ErrUnexpectedEOF:
			return 0, err
		case r.crc.Sum32() != r.want:
			return 0, zip.ErrChecksum
		}
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), r.declared-r.off)]
	n, err := r.src.Read(p)
	r.crc.Write(p[:n])
	r.off += int64(n)
	if err == io.EOF {
		switch {
		case r.off >= r.declared:
			err = nil // the CRC is checked on the next read
		case r.off >= r.limit:
			err = errors.New("read past the limit asked for")
		default:
			err = io.ErrUnexpectedEOF
		}
	}
	return n, err
}

func (r *inflatedReader) Close() error { return r.src.Close() }
