package dump

import "github.com/cornerloss/cornerloss/loss"

// SchemaArrays returns the dump's arrays in the schema, in the engine's
// types (float32, uint8, int64) and with the stack axis, ready for
// WriteNPZ: what `cornerloss convert` writes. Tags and offsets are the maps
// when the dump held maps, gathered otherwise.
func (d *Dump) SchemaArrays() []Array {
	in := d.Input
	sh := in.Shape
	var arrays []Array
	add := func(name string, data any, shape ...int) {
		arrays = append(arrays, Array{Name: name, Shape: shape, Data: data})
	}
	for _, c := range loss.Corners {
		add(c.String()+"_heats", in.Heat[c], sh.Stacks, sh.Batch, sh.Classes, sh.Height, sh.Width)
	}
	for _, c := range loss.Corners {
		if d.TagsFromMaps {
			add(c.String()+"_tags", in.TagMap[c], sh.Stacks, sh.Batch, 1, sh.Height, sh.Width)
		} else {
			add(c.String()+"_tags", in.Tag[c], sh.Stacks, sh.Batch, sh.Slots, 1)
		}
	}
	for _, c := range loss.Corners {
		if d.RegrsFromMaps {
			add(c.String()+"_regrs", in.RegrMap[c], sh.Stacks, sh.Batch, 2, sh.Height, sh.Width)
		} else {
			add(c.String()+"_regrs", in.Regr[c], sh.Stacks, sh.Batch, sh.Slots, 2)
		}
	}
	for _, c := range loss.Corners {
		add("gt_"+c.String()+"_heat", in.GTHeat[c], sh.Batch, sh.Classes, sh.Height, sh.Width)
	}
	add("gt_mask", in.Mask, sh.Batch, sh.Slots)
	for _, c := range loss.Corners {
		add("gt_"+c.String()+"_regr", in.GTRegr[c], sh.Batch, sh.Slots, 2)
	}
	for _, c := range loss.Corners {
		add(c.String()+"_inds", in.Inds[c], sh.Batch, sh.Slots)
	}
	return arrays
}
