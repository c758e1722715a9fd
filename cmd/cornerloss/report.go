package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/dump"
)

// report is what eval prints: the file, then the step's loss.Summary (the
// JSON object, and the source of the tables), with the reader's warnings
// before the quirks'.
type report struct {
	File string `json:"file"`
	// Step and Chunk are the dump's step and chunk arrays for one dump; in
	// a run, the step run.Steps gave it and its chunk.
	Step  *int64 `json:"step,omitempty"`
	Chunk *int64 `json:"chunk,omitempty"`
	loss.Summary

	dumpStep *int64 // the dump's own step array, for run.Steps
}

func newReport(file string, d *dump.Dump, r *loss.Result) *report {
	rep := &report{File: file, Step: d.Step, Chunk: d.Chunk, dumpStep: d.Step, Summary: loss.Summarize(d.Input, r)}
	rep.Warnings = append(append([]string{}, d.Warnings...), rep.Warnings...)
	return rep
}

// writeTable prints the report for people: the terms, then per stack, per
// image and the warnings.
func (rep *report) writeTable(out io.Writer) error {
	var b strings.Builder
	s := rep.Shape
	fmt.Fprintf(&b, "%s: S=%d B=%d C=%d %dx%d K=%d, convention %s", rep.File, s.S, s.B, s.C, s.H, s.W, s.K, rep.Convention)
	if rep.Step != nil {
		fmt.Fprintf(&b, ", step %d", *rep.Step)
	}
	if rep.Chunk != nil {
		fmt.Fprintf(&b, ", chunk %d (this device's part of the batch, normalised on its own)", *rep.Chunk)
	}
	b.WriteString("\n")
	clamp := fmt.Sprintf("eps %g", rep.Eps)
	if rep.Convention == "mmdet" {
		clamp = "no clamp"
	}
	fmt.Fprintf(&b, "weights pull %g push %g regr %g, alpha %g beta %g %s, num_pos tl %d br %d\n\n",
		rep.Weights.Pull, rep.Weights.Push, rep.Weights.Regr, rep.Alpha, rep.Beta, clamp, rep.NumPos[0], rep.NumPos[1])

	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	div := "/ nstack"
	if rep.Convention == "mmdet" {
		div = "summed over stacks"
	}
	fmt.Fprintf(tw, "term\tweighted, %s\ttl\tbr\t\n", div)
	fmt.Fprintf(tw, "loss\t%.9g\t\t\t\n", rep.Loss)
	fmt.Fprintf(tw, "focal\t%.9g\t%.9g\t%.9g\t\n", rep.Focal, rep.FocalTL, rep.FocalBR)
	fmt.Fprintf(tw, "pull\t%.9g\t\t\t\n", rep.Pull)
	fmt.Fprintf(tw, "push\t%.9g\t\t\t\n", rep.Push)
	fmt.Fprintf(tw, "regr\t%.9g\t%.9g\t%.9g\t\n", rep.Regr, rep.RegrTL, rep.RegrBR)
	tw.Flush()

	b.WriteString("\nper stack (unweighted)\n")
	tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "stack\tfocal_tl\tfocal_br\tpull\tpush\tregr_tl\tregr_br\t\n")
	for _, st := range rep.PerStack {
		fmt.Fprintf(tw, "%d\t%.7g\t%.7g\t%.7g\t%.7g\t%.7g\t%.7g\t\n", st.Stack, st.FocalTL, st.FocalBR, st.Pull, st.Push, st.RegrTL, st.RegrBR)
	}
	tw.Flush()

	b.WriteString("\nper image (share of the weighted terms)\n")
	tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "image\tobjects\tloss\tfocal\tpull\tpush\tregr\tflags\n")
	for _, im := range rep.PerImage {
		fmt.Fprintf(tw, "%d\t%d\t%.7g\t%.7g\t%.7g\t%.7g\t%.7g\t%s\n", im.Image, im.Objects, im.Loss, im.Focal, im.Pull, im.Push, im.Regr, strings.Join(im.Flags, ","))
	}
	tw.Flush()

	if len(rep.Warnings) > 0 {
		b.WriteString("\nwarnings\n")
		for _, w := range rep.Warnings {
			fmt.Fprintf(&b, "  - %s\n", w)
		}
	}
	_, err := io.WriteString(out, b.String())
	return err
}
