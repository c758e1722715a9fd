package main

import (
	"fmt"
	"io"
	"os"

	"github.com/cornerloss/cornerloss/loss/dump"
	"github.com/cornerloss/cornerloss/loss/target"
)

func runTargets(args []string, stdout, _ io.Writer) error {
	fs := newFlagSet("targets", stdout)
	spec := fs.String("spec", "", "scene JSON: input_size, output_size, categories, images of [x0,y0,x1,y1,class] boxes")
	out := fs.String("out", "", "the .npz to write")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *spec == "" || *out == "" || len(pos) != 0 {
		return usagef("targets needs -spec SCENE.json and -out GT.npz, and nothing else")
	}
	data, err := os.ReadFile(*spec)
	if err != nil {
		return err
	}
	p, images, err := target.ParseSpec(data)
	if err != nil {
		return fmt.Errorf("%s: %w", *spec, err)
	}
	set, err := target.Build(p, images)
	if err != nil {
		return fmt.Errorf("%s: %w", *spec, err)
	}
	return writeTargets(*out, set)
}

// writeTargets writes a target set with the schema's names, dtypes and shapes.
func writeTargets(path string, s *target.Set) error {
	heat := []int{s.Batch, s.Classes, s.Height, s.Width}
	slots := []int{s.Batch, s.Slots}
	pairs := []int{s.Batch, s.Slots, 2}
	arrays := []dump.Array{
		{Name: "gt_tl_heat", Shape: heat, Data: s.Heat[0]},
		{Name: "gt_br_heat", Shape: heat, Data: s.Heat[1]},
		{Name: "gt_mask", Shape: slots, Data: s.Mask},
		{Name: "gt_tl_regr", Shape: pairs, Data: s.Regr[0]},
		{Name: "gt_br_regr", Shape: pairs, Data: s.Regr[1]},
		{Name: "tl_inds", Shape: slots, Data: s.Inds[0]},
		{Name: "br_inds", Shape: slots, Data: s.Inds[1]},
	}
	return writeFile(path, func(w io.Writer) error { return dump.WriteNPZ(w, arrays) })
}
