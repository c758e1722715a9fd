package dump

import (
	"math"
	"strings"
	"unsafe"
)

// element is a type of the engine's arrays that any bit pattern is a
// value of and that holds no pointers.
type element interface {
	~float32 | ~uint8 | ~int64 | ~uint64
}

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

// Buffers is memory one read keeps for the next: a worker that reads dump
// after dump (the CLI's run, a run's worker in the page) passes the same
// Buffers to each read, and each dump's arrays, and the read's staging
// buffer, reuse the last one's memory rather than being made again and
// collected. Allocating fresh arrays for each dump made the CLI's eval
// of 16 dumps spend more CPU on two cores than on one: the collector's
// work and first touches of fresh memory, which grow with the threads
// sharing them (README, Speed).
//
// A read with Buffers overwrites the arrays of the previous read with
// the same Buffers: its Dump must be dropped first. The zero value is
// ready; one Buffers serves one goroutine at a time.
type Buffers struct {
	slabs [][]uint64 // the memory of each array, in the order a read asks for them
	next  int        // the slab the next array takes
	stage []byte     // the payload's staging buffer
}

// reset makes every slab free for the next read.
func (b *Buffers) reset() { b.next = 0 }

// take returns n bytes' room for the read's next array, 8-aligned: the
// slab the previous read's array in that place had when it is large
// enough (dumps of one run share their shapes, so each array finds its
// own), else a new one, uncleared, in its place.
func (b *Buffers) take(n int) unsafe.Pointer {
	words := (n + 7) / 8
	if b.next == len(b.slabs) {
		b.slabs = append(b.slabs, nil)
	}
	if s := b.slabs[b.next]; cap(s) < words {
		b.slabs[b.next] = uncleared[uint64](words)
	}
	s := b.slabs[b.next][:words]
	b.next++
	if poison {
		for i := range s {
			s[i] = math.MaxUint64
		}
	}
	return unsafe.Pointer(unsafe.SliceData(s))
}

// reused returns n elements from b for decode to fill.
func reused[T element](b *Buffers, n int) []T {
	var zero T
	size := int(unsafe.Sizeof(zero))
	if n <= 0 || n > math.MaxInt/size-8 {
		return make([]T, n)
	}
	return unsafe.Slice((*T)(b.take(n*size)), n)
}
