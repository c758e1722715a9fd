package dump

import (
	"io"

	"github.com/cornerloss/cornerloss/loss"
)

// InputArrays returns the arrays of a dump holding in, with the schema's
// names and shapes (tags and offsets gathered), ready for WriteNPZ: what
// ReadNPZ reads back as in. The slices are in's, not copies.
func InputArrays(in *loss.Input) []Array {
	sh := in.Shape
	heats := []int{sh.Stacks, sh.Batch, sh.Classes, sh.Height, sh.Width}
	tags := []int{sh.Stacks, sh.Batch, sh.Slots, 1}
	regrs := []int{sh.Stacks, sh.Batch, sh.Slots, 2}
	gt := []int{sh.Batch, sh.Classes, sh.Height, sh.Width}
	slots := []int{sh.Batch, sh.Slots}
	pairs := []int{sh.Batch, sh.Slots, 2}
	return []Array{
		{Name: "tl_heats", Shape: heats, Data: in.Heat[loss.TopLeft]},
		{Name: "br_heats", Shape: heats, Data: in.Heat[loss.BottomRight]},
		{Name: "tl_tags", Shape: tags, Data: in.Tag[loss.TopLeft]},
		{Name: "br_tags", Shape: tags, Data: in.Tag[loss.BottomRight]},
		{Name: "tl_regrs", Shape: regrs, Data: in.Regr[loss.TopLeft]},
		{Name: "br_regrs", Shape: regrs, Data: in.Regr[loss.BottomRight]},
		{Name: "gt_tl_heat", Shape: gt, Data: in.GTHeat[loss.TopLeft]},
		{Name: "gt_br_heat", Shape: gt, Data: in.GTHeat[loss.BottomRight]},
		{Name: "gt_mask", Shape: slots, Data: in.Mask},
		{Name: "gt_tl_regr", Shape: pairs, Data: in.GTRegr[loss.TopLeft]},
		{Name: "gt_br_regr", Shape: pairs, Data: in.GTRegr[loss.BottomRight]},
		{Name: "tl_inds", Shape: slots, Data: in.Inds[loss.TopLeft]},
		{Name: "br_inds", Shape: slots, Data: in.Inds[loss.BottomRight]},
	}
}

// WriteInput writes in as an .npz dump.
func WriteInput(w io.Writer, in *loss.Input) error { return WriteNPZ(w, InputArrays(in)) }
