package dump

import (
	"fmt"

	"github.com/cornerloss/cornerloss/loss"
)

// optional lists the scalar arrays a dump may hold beside the schema: the
// training iteration (step) and the device that wrote the file (chunk), for
// a run of dumps and for a step split over several devices.
var optional = []string{"step", "chunk"}

// scalar reads the optional integer scalar name (shape [] or [1]), or
// returns nil when the dump does not hold it.
func (rd *reading) scalar(p *payload, name string) (*int64, error) {
	if _, ok := rd.entries[name]; !ok {
		return nil, nil
	}
	h, err := rd.header(name)
	if err != nil {
		return nil, err
	}
	if h.dtype.kind != 'i' && h.dtype.kind != 'u' {
		return nil, rd.errorf(name, "dtype %v, want an integer scalar", h.dtype)
	}
	if h.count != 1 || len(h.shape) > 1 {
		return nil, rd.errorf(name, "shape %v, want a scalar (shape [] or [1])", h.shape)
	}
	rd.hdr[name] = h
	v, err := read1(rd, p, name, toInt64)
	if err != nil {
		return nil, err
	}
	// A copy: v may be memory the next read reuses (Options.Buffers).
	n := v[0]
	return &n, nil
}

// optionalSize is the stored size of the optional arrays present, for the
// progress total.
func (rd *reading) optionalSize() int64 {
	var n int64
	for _, name := range optional {
		n += rd.entries[name].size
	}
	return n
}

// Scalars returns the dump's step and chunk as the CLI and the page print
// them: "step 4500, chunk 1", or "" when it holds neither.
func (d *Dump) Scalars() string {
	s := ""
	for _, v := range []struct {
		name string
		v    *int64
	}{{"step", d.Step}, {"chunk", d.Chunk}} {
		if v.v != nil {
			if s != "" {
				s += ", "
			}
			s += fmt.Sprintf("%s %d", v.name, *v.v)
		}
	}
	return s
}

// Arrays returns the schema's arrays of in, gathered (tags [S B K 1],
// offsets [S B K 2]), in schema order: what WriteNPZ needs to write in as a
// dump. The arrays share in's storage.
func Arrays(in *loss.Input) []Array {
	sh := in.Shape
	heat := []int{sh.Stacks, sh.Batch, sh.Classes, sh.Height, sh.Width}
	gt := []int{sh.Batch, sh.Classes, sh.Height, sh.Width}
	var a []Array
	for _, c := range loss.Corners {
		a = append(a, Array{c.String() + "_heats", heat, in.Heat[c]})
	}
	for _, c := range loss.Corners {
		a = append(a, Array{c.String() + "_tags", []int{sh.Stacks, sh.Batch, sh.Slots, 1}, in.Tag[c]})
	}
	for _, c := range loss.Corners {
		a = append(a, Array{c.String() + "_regrs", []int{sh.Stacks, sh.Batch, sh.Slots, 2}, in.Regr[c]})
	}
	for _, c := range loss.Corners {
		a = append(a, Array{"gt_" + c.String() + "_heat", gt, in.GTHeat[c]})
	}
	a = append(a, Array{"gt_mask", []int{sh.Batch, sh.Slots}, in.Mask})
	for _, c := range loss.Corners {
		a = append(a, Array{"gt_" + c.String() + "_regr", []int{sh.Batch, sh.Slots, 2}, in.GTRegr[c]})
	}
	for _, c := range loss.Corners {
		a = append(a, Array{c.String() + "_inds", []int{sh.Batch, sh.Slots}, in.Inds[c]})
	}
	return a
}

// Scalar returns the optional scalar array name (step or chunk) holding v.
func Scalar(name string, v int64) Array {
	return Array{Name: name, Shape: []int{}, Data: []int64{v}}
}
