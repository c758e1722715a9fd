package dump

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cornerloss/cornerloss/loss"
)

// schema lists the arrays of a dump in the order they are read and shown.
var schema = []string{
	"tl_heats", "br_heats", "tl_tags", "br_tags", "tl_regrs", "br_regrs",
	"gt_tl_heat", "gt_br_heat", "gt_mask", "gt_tl_regr", "gt_br_regr",
	"tl_inds", "br_inds",
}

// role says what an array holds, and so which dtypes it accepts and what
// it becomes in the engine.
type role int

const (
	values  role = iota // float32 in the engine
	mask                // uint8
	indices             // int64
)

func roleOf(name string) role {
	switch name {
	case "gt_mask":
		return mask
	case "tl_inds", "br_inds":
		return indices
	}
	return values
}

// size returns the bytes of one element in the engine.
func (r role) size() int64 {
	switch r {
	case mask:
		return 1
	case indices:
		return 8
	}
	return 4
}

// accepts checks a stored dtype against the role.
func (r role) accepts(d dtype) error {
	switch {
	case r == values && d.kind == 'b':
		return fmt.Errorf("dtype %v, want float16, float32 or float64", d)
	case r == mask && d.kind == 'f':
		return fmt.Errorf("dtype %v, want uint8 or bool", d)
	case r == indices && (d.kind == 'f' || d.kind == 'b'):
		return fmt.Errorf("dtype %v: indices must be integers (int64 or int32)", d)
	}
	return nil
}

// layout is the shape of a dump as its headers declare it.
type layout struct {
	loss.Shape
	stacked  bool // the heats carry the stack axis
	tagMaps  bool // tags are [.. 1 H W] maps, not gathered
	regrMaps bool // offsets are [.. 2 H W] maps, not gathered
}

// want is one expected dimension and, for the message, where it comes from.
type want struct {
	n   int // -1: any size
	why string
}

// dimOf names dimension n of array, e.g. "tl_heats batch 2".
func dimOf(array, dim string, n int) want {
	return want{n, fmt.Sprintf("%s %s %d", array, dim, n)}
}

// anyDim accepts every size.
var anyDim = want{n: -1}

// expect checks a stored shape against the expected dimensions; form names
// the layout for the message, e.g. "[B K]".
func expect(shape []int, form string, dims ...want) error {
	if len(shape) != len(dims) {
		return fmt.Errorf("shape %v has %d dimensions, want %s", shape, len(shape), form)
	}
	for i, d := range dims {
		if d.n >= 0 && shape[i] != d.n {
			return fmt.Errorf("shape %v does not match %s", shape, d.why)
		}
	}
	return nil
}

// layoutOf cross-checks every shape. The heats define S, B, C, H and W;
// gt_tl_heat stands for the batch of the targets and gt_mask defines K.
func (rd *reading) layoutOf() (layout, error) {
	var l layout
	th := rd.hdr["tl_heats"].shape
	switch len(th) {
	case 5:
		l.stacked = true
		l.Stacks, th = th[0], th[1:]
	case 4:
		l.Stacks = 1
	default:
		return l, rd.errorf("tl_heats", "shape %v has %d dimensions, want [S B C H W] or [B C H W]", th, len(th))
	}
	l.Batch, l.Classes, l.Height, l.Width = th[0], th[1], th[2], th[3]
	if slices.Contains(th, 0) || l.Stacks == 0 {
		return l, rd.errorf("tl_heats", "shape %v has an empty dimension", rd.hdr["tl_heats"].shape)
	}
	if s := rd.hdr["br_heats"].shape; !slices.Equal(s, rd.hdr["tl_heats"].shape) {
		return l, rd.errorf("br_heats", "shape %v does not match tl_heats shape %v", s, rd.hdr["tl_heats"].shape)
	}

	batch := dimOf("tl_heats", "batch", l.Batch)
	for _, n := range []string{"gt_tl_heat", "gt_br_heat"} {
		if err := expect(rd.hdr[n].shape, "[B C H W]", batch,
			dimOf("tl_heats", "classes", l.Classes), dimOf("tl_heats", "height", l.Height), dimOf("tl_heats", "width", l.Width)); err != nil {
			return l, rd.wrap(n, err)
		}
	}
	batch = dimOf("gt_tl_heat", "batch", l.Batch)
	if err := expect(rd.hdr["gt_mask"].shape, "[B K]", batch, anyDim); err != nil {
		return l, rd.wrap("gt_mask", err)
	}
	if l.Slots = rd.hdr["gt_mask"].shape[1]; l.Slots == 0 {
		return l, rd.errorf("gt_mask", "shape %v has no slots (K = 0)", rd.hdr["gt_mask"].shape)
	}
	slots := dimOf("gt_mask", "slots", l.Slots)
	for _, n := range []string{"gt_tl_regr", "gt_br_regr"} {
		if err := expect(rd.hdr[n].shape, "[B K 2]", batch, slots, want{2, "2 offsets (x, y)"}); err != nil {
			return l, rd.wrap(n, err)
		}
	}
	for _, n := range []string{"tl_inds", "br_inds"} {
		if err := expect(rd.hdr[n].shape, "[B K]", batch, slots); err != nil {
			return l, rd.wrap(n, err)
		}
	}

	var err error
	if l.tagMaps, err = rd.perSlot(l, "tags", 1, want{1, "1 embedding per corner"}); err != nil {
		return l, err
	}
	l.regrMaps, err = rd.perSlot(l, "regrs", 2, want{2, "2 offsets (x, y)"})
	return l, err
}

// perSlot checks tl_KIND and br_KIND, gathered [S B K ch] (tags also
// [S B K]) or maps [S B ch H W], the stack axis only when the heats have
// it. It reports whether they are maps; both corners must agree.
func (rd *reading) perSlot(l layout, kind string, ch int, per want) (maps bool, err error) {
	lead, form := []want{dimOf("tl_heats", "batch", l.Batch)}, "B"
	if l.stacked {
		lead, form = append([]want{dimOf("tl_heats", "stacks", l.Stacks)}, lead...), "S B"
	}
	slots := dimOf("gt_mask", "slots", l.Slots)
	forms := fmt.Sprintf("gathered [%s K %d] or a map [%s %d H W]", form, ch, form, ch)
	if ch == 1 {
		forms = fmt.Sprintf("gathered [%s K 1] or [%s K], or a map [%s 1 H W]", form, form, form)
	}
	for _, c := range loss.Corners {
		name := c.String() + "_" + kind
		shape := rd.hdr[name].shape
		var err error
		isMap := false
		switch len(shape) - len(lead) {
		case 1:
			if ch != 1 {
				return false, rd.errorf(name, "shape %v has %d dimensions, want %s", shape, len(shape), forms)
			}
			err = expect(shape, forms, slices.Concat(lead, []want{slots})...)
		case 2:
			err = expect(shape, forms, slices.Concat(lead, []want{slots, per})...)
		case 3:
			isMap = true
			err = expect(shape, forms, slices.Concat(lead, []want{per,
				dimOf("tl_heats", "height", l.Height), dimOf("tl_heats", "width", l.Width)})...)
		default:
			return false, rd.errorf(name, "shape %v has %d dimensions, want %s", shape, len(shape), forms)
		}
		if err != nil {
			return false, rd.wrap(name, err)
		}
		if c == loss.TopLeft {
			maps = isMap
		} else if isMap != maps {
			what := map[bool]string{true: "a map", false: "gathered"}
			return false, rd.errorf(name, "shape %v is %s but tl_%s is %s", shape, what[isMap], kind, what[maps])
		}
	}
	return maps, nil
}

// checkFinite finds the first NaN or infinity of a value array.
func checkFinite(v []float32, shape []int) error {
	if i, ok := loss.FirstNonFinite(v); ok {
		return finiteError(v[i], i, shape)
	}
	return nil
}

// finiteError names a NaN or infinity v found at flat index i.
func finiteError(v float32, i int, shape []int) error {
	return fmt.Errorf("%v at %v", v, loss.Unravel(i, shape...))
}

// checkInds makes sure every index, masked or not, points inside the map:
// the reference gathers at all of them.
func checkInds(inds []int64, shape []int, l layout) error {
	n := int64(l.Pixels())
	for i, v := range inds {
		if v < 0 || v >= n {
			return fmt.Errorf("index %d at %v is outside the %dx%d map (want 0 to %d)", v, loss.Unravel(i, shape...), l.Height, l.Width, n-1)
		}
	}
	return nil
}

// gather picks map values at the corner indices as the reference's
// _tranpose_and_gather_feat does: out[s,b,k,c] = m[s,b,c,inds[b,k]].
func gather(m []float32, inds []int64, l layout, ch int) []float32 {
	hw, k := l.Pixels(), l.Slots
	out := make([]float32, l.Stacks*l.Batch*k*ch)
	for s := range l.Stacks {
		for b := range l.Batch {
			plane := (s*l.Batch + b) * ch * hw
			for j := range k {
				at := int(inds[b*k+j])
				for c := range ch {
					out[((s*l.Batch+b)*k+j)*ch+c] = m[plane+c*hw+at]
				}
			}
		}
	}
	return out
}

// maskWarnings explains masks that the reference would read differently.
func maskWarnings(m []uint8, h header) []string {
	var w []string
	if h.dtype.kind == 'b' {
		w = append(w, "gt_mask: bool mask read as uint8 0/1; with a bool mask the reference's push silently becomes 0, the uint8 meaning is computed here")
	}
	odd, first := 0, -1
	for i, v := range m {
		if v > 1 {
			if odd == 0 {
				first = i
			}
			odd++
		}
	}
	if odd > 0 {
		w = append(w, fmt.Sprintf("gt_mask: %d values other than 0 and 1 (first %d at %v); the reference sums the mask to count objects but selects every non-zero slot",
			odd, m[first], loss.Unravel(first, h.shape...)))
	}
	return w
}

// found lists the names of a dump for the missing-array message.
func found(entries []entry) string {
	const most = 20
	var names []string
	for _, e := range entries {
		names = append(names, e.name)
	}
	if len(names) == 0 {
		return "no arrays"
	}
	if len(names) > most {
		return strings.Join(names[:most], ", ") + fmt.Sprintf(" and %d more", len(names)-most)
	}
	return strings.Join(names, ", ")
}
