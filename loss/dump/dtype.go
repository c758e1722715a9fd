package dump

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// dtype is a plain numeric NumPy element type: no objects, no records.
type dtype struct {
	kind  byte // 'f' float, 'i' signed, 'u' unsigned, 'b' bool
	size  int  // bytes per element
	big   bool // big-endian ('>')
	bf16  bool // bfloat16 (size 2): a .pt's, NumPy has none
	descr string
}

// parseDtype reads the descr of an .npy header as the dict holds it, quotes
// included ("'<f4'"). Pickled objects and structured records are refused
// here, from the header alone, so their payload is never read.
func parseDtype(descr string) (dtype, error) {
	s := strings.TrimSpace(descr)
	if strings.HasPrefix(s, "[") {
		return dtype{}, fmt.Errorf("structured dtype %s is not supported: save each field as its own array", s)
	}
	if len(s) < 2 || (s[0] != '\'' && s[0] != '"') || s[len(s)-1] != s[0] {
		return dtype{}, fmt.Errorf("dtype %s is not a NumPy type string", s)
	}
	s = s[1 : len(s)-1]
	d := dtype{descr: s}
	order := byte('|')
	if s != "" && strings.IndexByte("<>|=", s[0]) >= 0 {
		order, s = s[0], s[1:]
	}
	if s == "" {
		return dtype{}, fmt.Errorf("dtype '%s' is empty", d.descr)
	}
	d.kind = s[0]
	if d.kind == 'O' {
		return dtype{}, fmt.Errorf("dtype '%s' is an object array of pickled Python objects: refused, it is never unpickled", d.descr)
	}
	size, err := strconv.Atoi(s[1:])
	if err != nil || !validSize(d.kind, size) {
		return dtype{}, fmt.Errorf("dtype '%s' is not supported: want float16/32/64, a plain integer or bool", d.descr)
	}
	d.size = size
	// '=' is the writer's native order; NumPy itself writes '<' or '>' in
	// files, and every machine that writes '=' in practice is little-endian.
	switch {
	case order == '>':
		d.big = true
	case order == '|' && size > 1:
		return dtype{}, fmt.Errorf("dtype '%s' has no byte order but %d-byte elements", d.descr, size)
	}
	return d, nil
}

func validSize(kind byte, size int) bool {
	switch kind {
	case 'f':
		return size == 2 || size == 4 || size == 8
	case 'i', 'u':
		return size == 1 || size == 2 || size == 4 || size == 8
	case 'b':
		return size == 1
	}
	return false
}

// String returns the NumPy name of the type: "float32", "int64", "bool".
func (d dtype) String() string {
	switch d.kind {
	case 'f':
		if d.bf16 {
			return "bfloat16"
		}
		return fmt.Sprintf("float%d", 8*d.size)
	case 'i':
		return fmt.Sprintf("int%d", 8*d.size)
	case 'u':
		return fmt.Sprintf("uint%d", 8*d.size)
	case 'b':
		return "bool"
	}
	return d.descr
}

func (d dtype) order() binary.ByteOrder {
	if d.big {
		return binary.BigEndian
	}
	return binary.LittleEndian
}

// float returns the element at the start of b as a float64 (exact for every
// dtype but int64/uint64 beyond 2^53, which no value array holds).
func (d dtype) float(b []byte) float64 {
	switch d.kind {
	case 'f':
		switch d.size {
		case 2:
			if d.bf16 {
				return float64(math.Float32frombits(uint32(d.order().Uint16(b)) << 16))
			}
			return float64(halfFloat(d.order().Uint16(b)))
		case 4:
			return float64(math.Float32frombits(d.order().Uint32(b)))
		default:
			return math.Float64frombits(d.order().Uint64(b))
		}
	case 'u':
		return float64(d.uint(b))
	}
	v, _ := d.int(b)
	return float64(v)
}

// int returns the integer element at the start of b; ok is false for a
// uint64 beyond MaxInt64.
func (d dtype) int(b []byte) (v int64, ok bool) {
	if d.kind == 'u' || d.kind == 'b' {
		u := d.uint(b)
		return int64(u), u <= math.MaxInt64
	}
	switch d.size {
	case 1:
		return int64(int8(b[0])), true
	case 2:
		return int64(int16(d.order().Uint16(b))), true
	case 4:
		return int64(int32(d.order().Uint32(b))), true
	}
	return int64(d.order().Uint64(b)), true
}

// halfFloat returns the IEEE 754 half-precision number whose bits are h,
// as NumPy's float16 reads them. npyio's float16 package, used here before
// the browser build dropped npyio, reads the subnormals (magnitudes under
// 2^-14) 2^112 times too small; every other value is the same.
func halfFloat(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp, frac := uint32(h>>10)&0x1f, uint32(h)&0x3ff
	switch exp {
	case 0: // zero or subnormal: frac·2^-24, exact in float32
		return math.Float32frombits(sign | math.Float32bits(float32(frac)/(1<<24)))
	case 0x1f: // infinity or NaN, the payload kept
		return math.Float32frombits(sign | 0xff<<23 | frac<<13)
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | frac<<13)
}

func (d dtype) uint(b []byte) uint64 {
	switch d.size {
	case 1:
		return uint64(b[0])
	case 2:
		return uint64(d.order().Uint16(b))
	case 4:
		return uint64(d.order().Uint32(b))
	}
	return d.order().Uint64(b)
}
