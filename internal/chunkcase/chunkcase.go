// Package chunkcase loads testdata/chunks/chunks.json for tests across the
// module (the CLI, the run model, the page): steps split over devices as
// CornerNet's DataParallel splits them, with the terms the reference
// computed on each chunk and their mean (see testdata/chunks/README.md),
// and builds each chunk's input from the public and reference dumps.
package chunkcase

import (
	"encoding/json"
	"os"
	"path/filepath"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/dump"
	"github.com/cornerloss/cornerloss/loss/golden"
)

// Split is one step split over devices.
type Split struct {
	Name    string   `json:"name"`
	Sources []string `json:"sources"` // dumps under testdata/, concatenated along the batch
	Weights struct {
		Pull, Push, Regr float64
	} `json:"weights"`
	Chunks [][]int              `json:"chunks"` // the images of each chunk
	Terms  []map[string]float64 `json:"terms"`  // the reference's, per chunk
	Mean   map[string]float64   `json:"mean"`   // their mean
}

// Load reads chunks.json.
func Load() ([]Split, error) {
	b, err := os.ReadFile(filepath.Join(filepath.Dir(golden.Dir()), "chunks", "chunks.json"))
	if err != nil {
		return nil, err
	}
	var cc struct {
		Splits []Split `json:"splits"`
	}
	if err := json.Unmarshal(b, &cc); err != nil {
		return nil, err
	}
	return cc.Splits, nil
}

// Options are the loss options the reference used for the split.
func (sp Split) Options() loss.Options {
	o := loss.DefaultOptions()
	o.PullWeight, o.PushWeight, o.RegrWeight = sp.Weights.Pull, sp.Weights.Push, sp.Weights.Regr
	return o
}

// Batch returns the sources concatenated along the batch axis, and each
// chunk's input.
func (sp Split) Batch() (whole *loss.Input, chunks []*loss.Input, err error) {
	var ins []*loss.Input
	for _, s := range sp.Sources {
		d, err := dump.ReadFile(filepath.Join(filepath.Dir(golden.Dir()), s+".npz"), dump.Options{})
		if err != nil {
			return nil, nil, err
		}
		ins = append(ins, d.Input)
	}
	var all []int
	for _, c := range sp.Chunks {
		chunks = append(chunks, ImagesOf(ins, c))
		all = append(all, c...)
	}
	return ImagesOf(ins, all), chunks, nil
}

// Write writes chunk j of the split as dir/name(j) with the scalars step
// and chunk = j, and returns the paths in chunk order.
func (sp Split) Write(dir string, step int64, name func(j int) string) ([]string, error) {
	_, chunks, err := sp.Batch()
	if err != nil {
		return nil, err
	}
	var paths []string
	for j, in := range chunks {
		p := filepath.Join(dir, name(j))
		f, err := os.Create(p)
		if err != nil {
			return nil, err
		}
		err = dump.WriteNPZ(f, append(dump.Arrays(in), dump.Scalar("step", step), dump.Scalar("chunk", int64(j))))
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, err
		}
		paths = append(paths, p)
	}
	return paths, nil
}

// ImagesOf builds the batch of the given images of the concatenation of
// ins along the batch axis (every input of one S, C, H, W and K).
func ImagesOf(ins []*loss.Input, images []int) *loss.Input {
	sh := ins[0].Shape
	sh.Batch = len(images)
	out := &loss.Input{Shape: sh}
	type at struct {
		in *loss.Input
		b  int
	}
	var all []at
	for _, in := range ins {
		for b := range in.Batch {
			all = append(all, at{in, b})
		}
	}
	n, k := sh.Pixels(), sh.Slots
	for _, c := range loss.Corners {
		for s := range sh.Stacks {
			for _, i := range images {
				src := all[i]
				out.Heat[c] = append(out.Heat[c], src.in.Heat[c][src.in.HeatIndex(s, src.b, 0, 0, 0):][:sh.Classes*n]...)
				out.Tag[c] = append(out.Tag[c], src.in.Tag[c][src.in.StackSlotIndex(s, src.b, 0):][:k]...)
				out.Regr[c] = append(out.Regr[c], src.in.Regr[c][2*src.in.StackSlotIndex(s, src.b, 0):][:2*k]...)
			}
		}
		for _, i := range images {
			src := all[i]
			out.GTHeat[c] = append(out.GTHeat[c], src.in.GTHeat[c][src.in.TargetIndex(src.b, 0, 0, 0):][:sh.Classes*n]...)
			out.GTRegr[c] = append(out.GTRegr[c], src.in.GTRegr[c][2*src.b*k:][:2*k]...)
			out.Inds[c] = append(out.Inds[c], src.in.Inds[c][src.b*k:][:k]...)
		}
	}
	for _, i := range images {
		src := all[i]
		out.Mask = append(out.Mask, src.in.Mask[src.b*k:][:k]...)
	}
	return out
}

// TestProbabilityDumpWarns: a dump taken after the loss ran (heats through
