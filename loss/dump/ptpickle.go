package dump

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// The .pt reader's unpickler: a small one of our own rather than
// gopickle's (see the README, "Why not gopickle"). It builds plain values
// and never runs or imports anything: a GLOBAL resolves only to the few
// names a tensor needs (allowedGlobals), REDUCE calls only those, and every
// other class is refused by name. Lengths are checked against the bytes
// left before anything is allocated, and ops, objects and marks are
// bounded, so a hostile pickle costs time and memory in proportion to its
// size, within the limits below.

// Limits of one pickle. A training step's data.pkl has a few hundred ops
// and a model's state_dict about 30 per tensor.
const (
	maxPickleBytes = 4 << 20
	maxPickleOps   = 1 << 18
	maxMarks       = 1 << 10
	maxLongBytes   = 64 // the legacy magic number takes 10
	maxKeyLen      = 256
)

// longKey stands for a dict key string past maxKeyLen.
type longKey struct{}

// Values the unpickler builds: nil (None), bool, int64, *bigLong,
// float64, string, []byte, pyTuple, *pyList, *pyDict, pyGlobal,
// *ptStorage, *ptTensor.
type (
	pyTuple []any
	pyList  struct{ items []any }
	// pyDict keeps insertion order; keys of comparable types (str, int,
	// ...) are indexed, others are only appended (nothing here looks
	// them up), and so are strings past maxKeyLen: hashing a memoized
	// megabyte key at every SETITEM would cost minutes.
	pyDict struct {
		keys, vals []any
		index      map[any]int
	}
	// pyGlobal is an allowed module attribute.
	pyGlobal struct{ module, name string }
	// bigLong is an integer past int64, kept as its little-endian
	// two's-complement bytes.
	bigLong struct{ le []byte }
)

func newDict() *pyDict { return &pyDict{index: map[any]int{}} }

func (d *pyDict) set(k, v any) {
	if s, ok := k.(string); ok && len(s) > maxKeyLen {
		k = longKey{}
	}
	switch k.(type) {
	case string, int64, bool, float64, nil:
		if i, ok := d.index[k]; ok {
			d.vals[i] = v
			return
		}
		d.index[k] = len(d.keys)
	}
	d.keys = append(d.keys, k)
	d.vals = append(d.vals, v)
}

// get looks up a string key.
func (d *pyDict) get(k string) (any, bool) {
	i, ok := d.index[k]
	if !ok {
		return nil, false
	}
	return d.vals[i], true
}

func (g pyGlobal) String() string { return g.module + "." + g.name }

// Allowed globals: the tensor rebuilders, the storage types and
// OrderedDict, all that torch.save writes for tensors in containers.
var (
	globalOrderedDict   = pyGlobal{"collections", "OrderedDict"}
	globalRebuildV2     = pyGlobal{"torch._utils", "_rebuild_tensor_v2"}
	globalRebuild       = pyGlobal{"torch._utils", "_rebuild_tensor"}
	globalParameter     = pyGlobal{"torch._utils", "_rebuild_parameter"}
	globalParameterWith = pyGlobal{"torch._utils", "_rebuild_parameter_with_state"}
)

// storageTypes maps torch's storage classes to the element type stored.
var storageTypes = map[string]dtype{
	"FloatStorage":    {kind: 'f', size: 4, descr: "<f4"},
	"DoubleStorage":   {kind: 'f', size: 8, descr: "<f8"},
	"HalfStorage":     {kind: 'f', size: 2, descr: "<f2"},
	"BFloat16Storage": {kind: 'f', size: 2, bf16: true, descr: "bfloat16"},
	"ByteStorage":     {kind: 'u', size: 1, descr: "|u1"},
	"CharStorage":     {kind: 'i', size: 1, descr: "|i1"},
	"ShortStorage":    {kind: 'i', size: 2, descr: "<i2"},
	"IntStorage":      {kind: 'i', size: 4, descr: "<i4"},
	"LongStorage":     {kind: 'i', size: 8, descr: "<i8"},
	"BoolStorage":     {kind: 'b', size: 1, descr: "|b1"},
}

// allowedGlobal resolves module.name, or refuses it.
func allowedGlobal(module, name string) (pyGlobal, error) {
	g := pyGlobal{module, name}
	switch g {
	case globalOrderedDict, globalRebuildV2, globalRebuild, globalParameter, globalParameterWith:
		return g, nil
	}
	if _, ok := storageTypes[name]; ok && module == "torch" {
		return g, nil
	}
	return g, fmt.Errorf("refused the class %s: a .pt is read as tensors in plain containers, nothing in it is imported or run", g)
}

// unpickler reads one pickle from data[pos:].
type unpickler struct {
	data    []byte
	pos     int
	stack   []any
	marks   []int
	memo    map[int64]any
	ops     int
	persist func(pid any) (any, error) // BINPERSID
}

// errTruncated marks a pickle that ends early: the legacy reader may then
// read more of the file and start over.
var errTruncated = errors.New("truncated pickle")

// unpickle reads the pickle at the start of data and returns its value and
// the bytes it took.
func unpickle(data []byte, persist func(any) (any, error)) (any, int, error) {
	u := &unpickler{data: data, memo: map[int64]any{}, persist: persist}
	v, err := u.run()
	if err != nil {
		if errors.Is(err, errTruncated) {
			return nil, u.pos, err
		}
		return nil, u.pos, fmt.Errorf("byte %d: %w", u.pos, err)
	}
	return v, u.pos, nil
}

func (u *unpickler) take(n int) ([]byte, error) {
	if n < 0 || n > len(u.data)-u.pos {
		return nil, errTruncated
	}
	b := u.data[u.pos : u.pos+n]
	u.pos += n
	return b, nil
}

// length reads a little-endian length of size bytes and checks it against
// the bytes left.
func (u *unpickler) length(size int) (int, error) {
	b, err := u.take(size)
	if err != nil {
		return 0, err
	}
	var n uint64
	for i := size - 1; i >= 0; i-- {
		n = n<<8 | uint64(b[i])
	}
	if n > uint64(len(u.data)-u.pos) {
		return 0, errTruncated
	}
	return int(n), nil
}

// lengthSize returns the bytes of the length that follows op.
func lengthSize(op byte) int {
	switch op {
	case 0x8a, 0x8c, 'U', 'C': // LONG1, SHORT_BINUNICODE, SHORT_BINSTRING, SHORT_BINBYTES
		return 1
	case 0x8d, 0x8e, 0x96: // BINUNICODE8, BINBYTES8, BYTEARRAY8
		return 8
	}
	return 4
}

func (u *unpickler) line() (string, error) {
	i := bytes.IndexByte(u.data[u.pos:min(len(u.data), u.pos+4096)], '\n')
	if i < 0 {
		if len(u.data)-u.pos < 4096 {
			return "", errTruncated
		}
		return "", errors.New("text argument longer than 4096 bytes")
	}
	s := string(u.data[u.pos : u.pos+i])
	u.pos += i + 1
	return s, nil
}

func (u *unpickler) push(v any) { u.stack = append(u.stack, v) }

func (u *unpickler) pop() (any, error) {
	base := 0
	if len(u.marks) > 0 {
		base = u.marks[len(u.marks)-1]
	}
	if len(u.stack) <= base {
		return nil, errors.New("stack underflow")
	}
	v := u.stack[len(u.stack)-1]
	u.stack = u.stack[:len(u.stack)-1]
	return v, nil
}

// pop2 pops the two values on top, the lower one first.
func (u *unpickler) pop2() (below, top any, err error) {
	if top, err = u.pop(); err != nil {
		return nil, nil, err
	}
	below, err = u.pop()
	return below, top, err
}

// global reads the module and name lines of GLOBAL and INST and resolves
// them.
func (u *unpickler) global() (pyGlobal, error) {
	module, err := u.line()
	if err != nil {
		return pyGlobal{}, err
	}
	name, err := u.line()
	if err != nil {
		return pyGlobal{}, err
	}
	return allowedGlobal(module, name)
}

func (u *unpickler) top() (any, error) {
	v, err := u.pop()
	if err == nil {
		u.push(v)
	}
	return v, err
}

// popMark returns the items pushed since the last MARK and drops them.
func (u *unpickler) popMark() ([]any, error) {
	if len(u.marks) == 0 {
		return nil, errors.New("no MARK")
	}
	m := u.marks[len(u.marks)-1]
	u.marks = u.marks[:len(u.marks)-1]
	items := append([]any(nil), u.stack[m:]...)
	u.stack = u.stack[:m]
	return items, nil
}

func (u *unpickler) run() (any, error) {
	for {
		if u.ops++; u.ops > maxPickleOps {
			return nil, fmt.Errorf("more than %d pickle ops", maxPickleOps)
		}
		b, err := u.take(1)
		if err != nil {
			return nil, err
		}
		op := b[0]
		if op == '.' { // STOP
			if len(u.marks) > 0 || len(u.stack) != 1 {
				return nil, fmt.Errorf("STOP with %d values and %d marks left", len(u.stack), len(u.marks))
			}
			return u.stack[0], nil
		}
		if err := u.step(op); err != nil {
			return nil, err
		}
	}
}

// step runs one op.
func (u *unpickler) step(op byte) error {
	switch op {
	case 0x80: // PROTO
		_, err := u.take(1)
		return err
	case 0x95: // FRAME: the framed ops follow inline
		_, err := u.length(8)
		return err
	case '(': // MARK
		if len(u.marks) >= maxMarks {
			return fmt.Errorf("more than %d nested MARKs", maxMarks)
		}
		u.marks = append(u.marks, len(u.stack))
	case '0': // POP
		_, err := u.pop()
		return err
	case '1': // POP_MARK
		_, err := u.popMark()
		return err
	case '2': // DUP
		v, err := u.top()
		if err == nil {
			u.push(v)
		}
		return err
	case 'N':
		u.push(nil)
	case 0x88:
		u.push(true)
	case 0x89:
		u.push(false)
	case 'J': // BININT
		b, err := u.take(4)
		if err == nil {
			u.push(int64(int32(binary.LittleEndian.Uint32(b))))
		}
		return err
	case 'K': // BININT1
		b, err := u.take(1)
		if err == nil {
			u.push(int64(b[0]))
		}
		return err
	case 'M': // BININT2
		b, err := u.take(2)
		if err == nil {
			u.push(int64(binary.LittleEndian.Uint16(b)))
		}
		return err
	case 0x8a, 0x8b: // LONG1, LONG4
		n, err := u.length(lengthSize(op))
		if err != nil {
			return err
		}
		if n > maxLongBytes {
			return fmt.Errorf("an integer of %d bytes (at most %d read)", n, maxLongBytes)
		}
		b, _ := u.take(n)
		u.push(longValue(b))
	case 'I', 'L': // INT, LONG as text
		s, err := u.line()
		if err != nil {
			return err
		}
		s = strings.TrimSuffix(s, "L")
		switch s {
		case "00":
			u.push(false)
			return nil
		case "01":
			u.push(true)
			return nil
		}
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fmt.Errorf("integer %.40q: %w", s, err)
		}
		u.push(v)
	case 'G': // BINFLOAT
		b, err := u.take(8)
		if err == nil {
			u.push(math.Float64frombits(binary.BigEndian.Uint64(b)))
		}
		return err
	case 'F': // FLOAT
		s, err := u.line()
		if err != nil {
			return err
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return fmt.Errorf("float %.40q: %w", s, err)
		}
		u.push(v)
	case 'X', 0x8c, 0x8d, 'T', 'U': // BINUNICODE, SHORT_BINUNICODE, BINUNICODE8, BINSTRING, SHORT_BINSTRING
		n, err := u.length(lengthSize(op))
		if err != nil {
			return err
		}
		b, _ := u.take(n)
		u.push(string(b))
	case 'B', 'C', 0x8e, 0x96: // BINBYTES, SHORT_BINBYTES, BINBYTES8, BYTEARRAY8
		n, err := u.length(lengthSize(op))
		if err != nil {
			return err
		}
		b, _ := u.take(n)
		u.push(append([]byte(nil), b...))
	case 'V': // UNICODE (protocol 0, raw-unicode-escape): kept as the text
		s, err := u.line()
		if err == nil {
			u.push(s)
		}
		return err
	case ')':
		u.push(pyTuple{})
	case 't':
		items, err := u.popMark()
		if err == nil {
			u.push(pyTuple(items))
		}
		return err
	case 0x85, 0x86, 0x87: // TUPLE1..3
		n := int(op-0x85) + 1
		t := make(pyTuple, n)
		for i := n - 1; i >= 0; i-- {
			v, err := u.pop()
			if err != nil {
				return err
			}
			t[i] = v
		}
		u.push(t)
	case ']', 0x8f: // EMPTY_LIST, EMPTY_SET (a set is only a list here)
		u.push(&pyList{})
	case 'l', 0x91: // LIST, FROZENSET
		items, err := u.popMark()
		if err == nil {
			u.push(&pyList{items: items})
		}
		return err
	case 'a': // APPEND
		v, err := u.pop()
		if err != nil {
			return err
		}
		return u.appendTo([]any{v})
	case 'e', 0x90: // APPENDS, ADDITEMS
		items, err := u.popMark()
		if err != nil {
			return err
		}
		return u.appendTo(items)
	case '}':
		u.push(newDict())
	case 'd': // DICT
		items, err := u.popMark()
		if err != nil {
			return err
		}
		d := newDict()
		if err := setItems(d, items); err != nil {
			return err
		}
		u.push(d)
	case 's': // SETITEM
		k, v, err := u.pop2()
		if err != nil {
			return err
		}
		return u.setTo([]any{k, v})
	case 'u': // SETITEMS
		items, err := u.popMark()
		if err != nil {
			return err
		}
		return u.setTo(items)
	case 'c': // GLOBAL
		g, err := u.global()
		if err != nil {
			return err
		}
		u.push(g)
	case 0x93: // STACK_GLOBAL
		module, name, err := u.pop2()
		if err != nil {
			return err
		}
		m, ok1 := module.(string)
		n, ok2 := name.(string)
		if !ok1 || !ok2 {
			return errors.New("STACK_GLOBAL of a value that is not a string")
		}
		g, err := allowedGlobal(m, n)
		if err != nil {
			return err
		}
		u.push(g)
	case 'R': // REDUCE
		f, args, err := u.pop2()
		if err != nil {
			return err
		}
		t, ok := args.(pyTuple)
		if !ok {
			return fmt.Errorf("REDUCE with arguments %s, not a tuple", describe(args))
		}
		v, err := call(f, t)
		if err != nil {
			return err
		}
		u.push(v)
	case 'b': // BUILD: state on an OrderedDict (a state_dict's _metadata) or a tensor is dropped
		if _, err := u.pop(); err != nil {
			return err
		}
		v, err := u.top()
		if err != nil {
			return err
		}
		switch v.(type) {
		case *pyDict, *ptTensor:
		default:
			return fmt.Errorf("BUILD on %s", describe(v))
		}
	case 0x81, 0x92, 'o', 'i': // NEWOBJ, NEWOBJ_EX, OBJ, INST: no allowed class is built this way
		return u.refuseObject(op)
	case 'p', 'g': // PUT, GET as text
		s, err := u.line()
		if err != nil {
			return err
		}
		i, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fmt.Errorf("memo index %.40q: %w", s, err)
		}
		if op == 'p' {
			return u.put(i)
		}
		return u.get(i)
	case 'q', 'r': // BINPUT, LONG_BINPUT
		i, err := u.index(op == 'r')
		if err != nil {
			return err
		}
		return u.put(i)
	case 'h', 'j': // BINGET, LONG_BINGET
		i, err := u.index(op == 'j')
		if err != nil {
			return err
		}
		return u.get(i)
	case 0x94: // MEMOIZE
		return u.put(int64(len(u.memo)))
	case 'Q': // BINPERSID
		pid, err := u.pop()
		if err != nil {
			return err
		}
		if u.persist == nil {
			return errors.New("a persistent id where none is expected")
		}
		v, err := u.persist(pid)
		if err != nil {
			return err
		}
		u.push(v)
	case 'P': // PERSID as text: torch never writes it
		return errors.New("a text persistent id (PERSID): not written by torch.save")
	case 0x82, 0x83, 0x84: // EXT1, EXT2, EXT4
		return errors.New("a class from the copyreg extension registry: refused")
	case 0x97, 0x98: // NEXT_BUFFER, READONLY_BUFFER
		return errors.New("an out-of-band buffer: not written by torch.save")
	default:
		return fmt.Errorf("unknown pickle op %#02x", op)
	}
	return nil
}

// refuseObject names the class an object op would build.
func (u *unpickler) refuseObject(op byte) error {
	if op == 'i' {
		g, err := u.global()
		if err == nil {
			err = fmt.Errorf("%s built as an object", g)
		}
		return err
	}
	// The class is the first item of the arguments on the stack; find
	// the nearest global below the top.
	for i := len(u.stack) - 1; i >= 0 && i >= len(u.stack)-3; i-- {
		if g, ok := u.stack[i].(pyGlobal); ok {
			return fmt.Errorf("refused to build an object of class %s: a .pt is read as tensors in plain containers", g)
		}
	}
	return errors.New("refused to build an object (NEWOBJ/OBJ): a .pt is read as tensors in plain containers")
}

func (u *unpickler) index(long bool) (int64, error) {
	if long {
		b, err := u.take(4)
		if err != nil {
			return 0, err
		}
		return int64(binary.LittleEndian.Uint32(b)), nil
	}
	b, err := u.take(1)
	if err != nil {
		return 0, err
	}
	return int64(b[0]), nil
}

func (u *unpickler) put(i int64) error {
	v, err := u.top()
	if err == nil {
		u.memo[i] = v
	}
	return err
}

func (u *unpickler) get(i int64) error {
	v, ok := u.memo[i]
	if !ok {
		return fmt.Errorf("memo %d read before it is written", i)
	}
	u.push(v)
	return nil
}

func (u *unpickler) appendTo(items []any) error {
	v, err := u.top()
	if err != nil {
		return err
	}
	l, ok := v.(*pyList)
	if !ok {
		return fmt.Errorf("APPEND to %s", describe(v))
	}
	l.items = append(l.items, items...)
	return nil
}

func (u *unpickler) setTo(items []any) error {
	v, err := u.top()
	if err != nil {
		return err
	}
	d, ok := v.(*pyDict)
	if !ok {
		return fmt.Errorf("SETITEM on %s", describe(v))
	}
	return setItems(d, items)
}

func setItems(d *pyDict, items []any) error {
	if len(items)%2 != 0 {
		return errors.New("SETITEMS with an odd number of values")
	}
	for i := 0; i < len(items); i += 2 {
		d.set(items[i], items[i+1])
	}
	return nil
}

// longValue turns a little-endian two's-complement integer into an int64
// when it fits.
func longValue(b []byte) any {
	if len(b) > 8 {
		return &bigLong{append([]byte(nil), b...)}
	}
	var v uint64
	for i := len(b) - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	if n := uint(len(b)); n > 0 && n < 8 && b[n-1]&0x80 != 0 {
		v |= ^uint64(0) << (8 * n) // sign-extend
	}
	return int64(v)
}

// call applies an allowed global to its arguments.
func call(f any, args pyTuple) (any, error) {
	g, ok := f.(pyGlobal)
	if !ok {
		return nil, fmt.Errorf("REDUCE calls %s, not an allowed function", describe(f))
	}
	switch g {
	case globalOrderedDict:
		d := newDict()
		if len(args) == 0 {
			return d, nil
		}
		if l, ok := args[0].(*pyList); ok && len(args) == 1 {
			for _, it := range l.items {
				kv, ok := it.(pyTuple)
				if !ok || len(kv) != 2 {
					return nil, errors.New("OrderedDict of items that are not pairs")
				}
				d.set(kv[0], kv[1])
			}
			return d, nil
		}
		return nil, fmt.Errorf("OrderedDict called with %d arguments", len(args))
	case globalRebuildV2, globalRebuild:
		if len(args) < 4 {
			return nil, fmt.Errorf("%s with %d arguments, want at least 4", g, len(args))
		}
		return newTensor(args[0], args[1], args[2], args[3])
	case globalParameter, globalParameterWith:
		if len(args) < 1 {
			return nil, fmt.Errorf("%s with no arguments", g)
		}
		t, ok := args[0].(*ptTensor)
		if !ok {
			return nil, fmt.Errorf("%s of %s, not a tensor", g, describe(args[0]))
		}
		return t, nil
	}
	return nil, fmt.Errorf("%s cannot be called", g)
}

// describe names a value's kind for messages, without walking into it.
func describe(v any) string {
	switch v := v.(type) {
	case nil:
		return "None"
	case bool:
		return "a bool"
	case int64, *bigLong:
		return "an int"
	case float64:
		return "a float"
	case string:
		return fmt.Sprintf("the string %.40q", v)
	case []byte:
		return "bytes"
	case pyTuple:
		return fmt.Sprintf("a tuple of %d", len(v))
	case *pyList:
		return fmt.Sprintf("a list of %d", len(v.items))
	case *pyDict:
		return fmt.Sprintf("a dict of %d", len(v.keys))
	case pyGlobal:
		return v.String()
	case *ptStorage:
		return "a storage"
	case *ptTensor:
		return fmt.Sprintf("a %s tensor %v", v.st.dtype, v.size)
	case longKey:
		return fmt.Sprintf("a string of more than %d bytes", maxKeyLen)
	}
	return fmt.Sprintf("%T", v)
}
