package dump

import (
	"fmt"

	"github.com/cornerloss/cornerloss/loss"
)

// A dump read on one thread and shown on another (the page's upload worker
// reads and checks it, the page holds it): its numbers travel as arrays,
// everything else as a Wire.

// Wire is a dump without its arrays: what Split returns beside them and
// Join takes back.
type Wire struct {
	Shape         loss.Shape  `json:"shape"`
	Arrays        []ArrayInfo `json:"arrays"`
	Warnings      []string    `json:"warnings,omitempty"`
	TagsFromMaps  bool        `json:"tagsFromMaps,omitempty"`
	RegrsFromMaps bool        `json:"regrsFromMaps,omitempty"`
	Step          *int64      `json:"step,omitempty"`
	Chunk         *int64      `json:"chunk,omitempty"`
	// Lens is each float array's length in Floats' order; -1 for nil (the
	// maps of a gathered dump).
	Lens []int `json:"lens"`
}

// Floats lists the input's float32 arrays in the order Split and Join use.
func Floats(in *loss.Input) []*[]float32 {
	var out []*[]float32
	for _, a := range []*[2][]float32{&in.Heat, &in.Tag, &in.Regr, &in.GTHeat, &in.GTRegr, &in.TagMap, &in.RegrMap} {
		out = append(out, &a[0], &a[1])
	}
	return out
}

// Split returns d's Wire; its arrays are d.Input's Floats, Inds and Mask.
func (d *Dump) Split() Wire {
	w := Wire{Shape: d.Input.Shape, Arrays: d.Arrays, Warnings: d.Warnings, TagsFromMaps: d.TagsFromMaps,
		RegrsFromMaps: d.RegrsFromMaps, Step: d.Step, Chunk: d.Chunk}
	for _, f := range Floats(d.Input) {
		n := len(*f)
		if *f == nil {
			n = -1
		}
		w.Lens = append(w.Lens, n)
	}
	return w
}

// Join is the dump of w and in, whose arrays the caller filled (Floats
// allocated to w.Lens); it checks their lengths against the shape.
func (w Wire) Join(in *loss.Input) (*Dump, error) {
	in.Shape = w.Shape
	if err := in.Validate(); err != nil {
		return nil, fmt.Errorf("the dump sent by the upload worker: %v", err)
	}
	return &Dump{Input: in, Arrays: w.Arrays, Warnings: w.Warnings, TagsFromMaps: w.TagsFromMaps,
		RegrsFromMaps: w.RegrsFromMaps, Step: w.Step, Chunk: w.Chunk}, nil
}
