package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/dump"
)

// report is what eval prints: the JSON object, and the source of the tables.
// The five headline terms are weighted and divided by nstack (summed over
// stacks under mmdet), so loss is their sum, as in the golden files.
type report struct {
	File       string  `json:"file"`
	Convention string  `json:"convention"`
	Loss       float64 `json:"loss"`
	Focal      float64 `json:"focal"`
	Pull       float64 `json:"pull"`
	Push       float64 `json:"push"`
	Regr       float64 `json:"regr"`
	FocalTL    float64 `json:"focal_tl"`
	FocalBR    float64 `json:"focal_br"`
	RegrTL     float64 `json:"regr_tl"`
	RegrBR     float64 `json:"regr_br"`
	NStack     int     `json:"nstack"`
	Batch      int     `json:"batch"`
	Shape      struct {
		S, B, C, H, W, K int
	} `json:"shape"`
	Weights struct {
		Pull float64 `json:"pull"`
		Push float64 `json:"push"`
		Regr float64 `json:"regr"`
	} `json:"weights"`
	Alpha    float64       `json:"alpha"`
	Beta     float64       `json:"beta"`
	Eps      float64       `json:"eps"`
	NumPos   [2]int        `json:"num_pos"`
	Clamped  [2]int        `json:"clamped_pixels"`
	PerStack []stackReport `json:"per_stack"`
	PerImage []imageReport `json:"per_image"`
	Quirks   []quirkReport `json:"quirks"`
	Warnings []string      `json:"warnings"`
}

// stackReport holds one stack's unweighted terms.
type stackReport struct {
	Stack   int     `json:"stack"`
	FocalTL float64 `json:"focal_tl"`
	FocalBR float64 `json:"focal_br"`
	Pull    float64 `json:"pull"`
	Push    float64 `json:"push"`
	RegrTL  float64 `json:"regr_tl"`
	RegrBR  float64 `json:"regr_br"`
}

// imageReport holds one image's share of the weighted terms: summed over
// images they give the headline terms.
type imageReport struct {
	Image   int      `json:"image"`
	Objects int      `json:"objects"`
	Loss    float64  `json:"loss"`
	Focal   float64  `json:"focal"`
	Pull    float64  `json:"pull"`
	Push    float64  `json:"push"`
	Regr    float64  `json:"regr"`
	Flags   []string `json:"flags"`
}

type quirkReport struct {
	Name   string `json:"name"`
	Image  int    `json:"image"`
	Detail string `json:"detail"`
}

func newReport(file string, d *dump.Dump, r *loss.Result) *report {
	w := r.Weighted
	rep := &report{
		File:       file,
		Convention: r.Options.Convention.String(),
		Loss:       r.Loss,
		Focal:      w.Focal(),
		Pull:       w.Pull,
		Push:       w.Push,
		Regr:       w.Regr(),
		FocalTL:    w.FocalTL,
		FocalBR:    w.FocalBR,
		RegrTL:     w.RegrTL,
		RegrBR:     w.RegrBR,
		NStack:     r.Shape.Stacks,
		Batch:      r.Shape.Batch,
		Alpha:      r.Options.Alpha,
		Beta:       r.Options.Beta,
		Eps:        r.Options.Eps,
		NumPos:     r.NumPos,
		Clamped:    r.Clamped,
		Warnings:   append([]string{}, d.Warnings...),
		Quirks:     []quirkReport{},
	}
	sh := r.Shape
	rep.Shape.S, rep.Shape.B, rep.Shape.C, rep.Shape.H, rep.Shape.W, rep.Shape.K =
		sh.Stacks, sh.Batch, sh.Classes, sh.Height, sh.Width, sh.Slots
	rep.Weights.Pull, rep.Weights.Push, rep.Weights.Regr = r.Options.PullWeight, r.Options.PushWeight, r.Options.RegrWeight
	for s, t := range r.Stacks {
		rep.PerStack = append(rep.PerStack, stackReport{s, t.FocalTL, t.FocalBR, t.Pull, t.Push, t.RegrTL, t.RegrBR})
	}
	for b, im := range r.Images {
		rep.PerImage = append(rep.PerImage, imageReport{
			Image: b, Objects: im.Objects, Loss: im.Weighted.Sum(),
			Focal: im.Weighted.Focal(), Pull: im.Weighted.Pull, Push: im.Weighted.Push, Regr: im.Weighted.Regr(),
			Flags: []string{},
		})
	}
	for _, q := range r.Quirks() {
		rep.Quirks = append(rep.Quirks, quirkReport(q))
		if q.Image >= 0 {
			rep.PerImage[q.Image].Flags = append(rep.PerImage[q.Image].Flags, q.Name)
		}
		rep.Warnings = append(rep.Warnings, q.Detail)
	}
	return rep
}

// writeTable prints the report for people: the terms, then per stack, per
// image and the warnings.
func (rep *report) writeTable(out io.Writer) error {
	var b strings.Builder
	s := rep.Shape
	fmt.Fprintf(&b, "%s: S=%d B=%d C=%d %dx%d K=%d, convention %s\n", rep.File, s.S, s.B, s.C, s.H, s.W, s.K, rep.Convention)
	fmt.Fprintf(&b, "weights pull %g push %g regr %g, alpha %g beta %g eps %g, num_pos tl %d br %d\n\n",
		rep.Weights.Pull, rep.Weights.Push, rep.Weights.Regr, rep.Alpha, rep.Beta, rep.Eps, rep.NumPos[0], rep.NumPos[1])

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
