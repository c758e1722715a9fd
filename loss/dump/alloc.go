package dump

import (
	"math"
	"strings"
	"unsafe"
)

// element is a type of the engine's arrays that any bit pattern is a
// value of and that holds no pointers.
type element interface{ ~float32 | ~uint8 | ~int64 }

// uncleared returns n elements in memory Go's allocator has not cleared:
// the caller writes every one before any is read (decode does, or fails
// and drops them). make clears a large array whole, in one go, whenever
// its span starts in memory used before, fresh pages included: in the
// page, the B=5 dump's 26 MB logits array was one 100–216 ms clear, the
// first writes to fresh WebAssembly memory being slow (about 4 ms a MB
// here), and no frame can come inside it. Uncleared, those first writes
// are decode's own, a piece at a time between Options.Progress calls,
// where the page draws.
//
// strings.Builder.Grow is the one public way to an uncleared allocation
// (the runtime's bytealg.MakeNoZero, pointer-free). Were it ever to
// clear, nothing here would be wrong, only slower.
func uncleared[T element](n int) []T {
	var zero T
	size := int(unsafe.Sizeof(zero))
	if n <= 0 || n > math.MaxInt/size {
		return make([]T, n) // empty, or make's own panic
	}
	var b strings.Builder
	b.Grow(n * size)
	b.WriteByte(0) // within the capacity grown: the data's address, unmoved
	v := unsafe.Slice((*T)(unsafe.Pointer(unsafe.StringData(b.String()))), n)
	if poison {
		bytes := unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), n*size)
		for i := range bytes {
			bytes[i] = 0xff
		}
	}
	return v
}

// poison, set by tests, fills what uncleared returns with 0xff bytes (NaN
// float32s, 255 uint8s, -1 int64s), so that an element a reader forgot to
// write shows.
var poison bool
