// Package timeline summarises the steps of a training run for the page's
// timeline: one small value per dump (the terms as `cornerloss eval -json`
// prints them and the quantities no logged scalar shows), the markers a run
// of them earns, and the messages the page exchanges with the workers that
// compute them. A summary outlives its dump: the page keeps summaries, not
// tensors.
package timeline

import (
	"errors"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/dump"
)

// Step is the summary of one dump of a run. The five headline terms and the
// per-corner ones are those of `cornerloss eval -json` (weighted, divided by
// nstack under the reference convention); the rest is what the timeline's
// lower rows plot. A dump that could not be read has only File, Step and
// Error.
type Step struct {
	File  string `json:"file"`
	Step  int64  `json:"step"`
	Error string `json:"error,omitempty"`
	// ErrorArray names the array the reader refused, NonFinite says it
	// was for a NaN or an infinity (the error gives the position).
	ErrorArray string `json:"error_array,omitempty"`
	NonFinite  bool   `json:"non_finite,omitempty"`

	Loss    float64 `json:"loss"`
	Focal   float64 `json:"focal"`
	Pull    float64 `json:"pull"`
	Push    float64 `json:"push"`
	Regr    float64 `json:"regr"`
	FocalTL float64 `json:"focal_tl"`
	FocalBR float64 `json:"focal_br"`
	RegrTL  float64 `json:"regr_tl"`
	RegrBR  float64 `json:"regr_br"`
	// Stacks holds each stack's unweighted terms.
	Stacks []loss.Terms `json:"per_stack,omitempty"`

	// PosShare is the positives' share of the focal sums (the rest is the
	// negatives'), over every plane.
	PosShare float64 `json:"pos_share"`
	// ClampedFrac is the fraction of heatmap pixels whose probability hit
	// the clamp, both corners, every stack.
	ClampedFrac float64 `json:"clamped_frac"`
	NumPos      [2]int  `json:"num_pos"`
	// TrueCorners counts the valid objects' corners (two per object);
	// Predicted the corners the last stack predicts: 3×3 local maxima of
	// the probability at or above PeakThreshold, as CornerNet's decoder
	// keeps peaks after its 3×3 max-pool.
	TrueCorners int `json:"true_corners"`
	Predicted   int `json:"predicted_corners"`
	// EmbedGap is the mean distance |ē_j - ē_k| between the objects of an
	// image over every pair (last stack), against push's margin of 1;
	// EmbedPairs how many pairs there were (0: no value).
	EmbedGap   float64 `json:"embed_gap"`
	EmbedPairs int     `json:"embed_pairs"`
	// MaxGrad is the largest |d loss / d logit| over every pixel.
	MaxGrad float64 `json:"max_grad"`
	// ClassShare is each class's share of the focal sums.
	ClassShare []float64 `json:"class_share,omitempty"`
	// Quirks lists the names of the reference quirks the step triggers
	// (loss.Quirk* constants), once each.
	Quirks []string `json:"quirks,omitempty"`
}

// PeakThreshold is the probability from which a local maximum counts as a
// predicted corner.
const PeakThreshold = 0.5

// Read reads an .npz dump from r, evaluates it under opt and summarises it; a
// failure is recorded in the step, not returned.
func Read(name string, r io.ReaderAt, size int64, opt loss.Options, dopt dump.Options) Step {
	st := Step{File: name, Step: -1}
	d, err := dump.ReadNPZAt(name, r, size, dopt)
	if err != nil {
		st.fail(err)
		return st
	}
	res, err := loss.Evaluate(d.Input, opt)
	if err != nil {
		st.fail(err)
		return st
	}
	st.Summarize(res, d.Input)
	return st
}

// fail records a reader's or the engine's error.
func (st *Step) fail(err error) {
	st.Error = err.Error()
	var de *dump.Error
	if errors.As(err, &de) {
		st.ErrorArray = de.Array
		p := de.Problem
		st.NonFinite = strings.HasPrefix(p, "NaN") || strings.HasPrefix(p, "+Inf") || strings.HasPrefix(p, "-Inf")
	}
}

// Summarize fills the step's values from the result of in.
func (st *Step) Summarize(r *loss.Result, in *loss.Input) {
	w := r.Weighted
	st.Loss, st.Focal, st.Pull, st.Push, st.Regr = r.Loss, w.Focal(), w.Pull, w.Push, w.Regr()
	st.FocalTL, st.FocalBR, st.RegrTL, st.RegrBR = w.FocalTL, w.FocalBR, w.RegrTL, w.RegrBR
	st.Stacks = append([]loss.Terms(nil), r.Stacks...)
	st.NumPos = r.NumPos
	sh := r.Shape
	st.ClampedFrac = float64(r.Clamped[0]+r.Clamped[1]) / float64(2*sh.Stacks*sh.Batch*sh.Classes*sh.Pixels())

	var pos, neg float64
	class := make([]float64, sh.Classes)
	var m *loss.PixelMaps
	for s := range sh.Stacks {
		for b := range sh.Batch {
			for c := range sh.Classes {
				for _, corner := range loss.Corners {
					m = r.Pixels(m, s, b, c, corner)
					pos += m.PosSum
					neg += m.NegSum
					class[c] += m.PosSum + m.NegSum
					for _, g := range m.Grad {
						st.MaxGrad = math.Max(st.MaxGrad, math.Abs(g))
					}
					if s == sh.Stacks-1 {
						st.Predicted += peaks(m.Prob, sh.Height, sh.Width)
					}
				}
			}
		}
	}
	if t := pos + neg; t != 0 {
		st.PosShare = pos / t
		for c := range class {
			class[c] /= t
		}
	}
	st.ClassShare = class

	var gap float64
	for b := range sh.Batch {
		st.TrueCorners += 2 * r.Images[b].Objects
		e := r.Embedding(sh.Stacks-1, b)
		n := len(e.Mean)
		for j := range n {
			for k := j + 1; k < n; k++ {
				gap += math.Abs(float64(e.Mean[j]) - float64(e.Mean[k]))
				st.EmbedPairs++
			}
		}
	}
	if st.EmbedPairs > 0 {
		st.EmbedGap = gap / float64(st.EmbedPairs)
	}
	for _, q := range r.Quirks() {
		if !contains(st.Quirks, q.Name) {
			st.Quirks = append(st.Quirks, q.Name)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// peaks counts the 3×3 local maxima of p at or above PeakThreshold (a
// plateau counts once per pixel that equals its neighbourhood's maximum,
// as max-pool NMS keeps them).
func peaks(p []float32, h, w int) int {
	n := 0
	for y := range h {
		for x := range w {
			v := p[y*w+x]
			if v < PeakThreshold {
				continue
			}
			top := true
			for dy := -1; dy <= 1 && top; dy++ {
				for dx := -1; dx <= 1; dx++ {
					yy, xx := y+dy, x+dx
					if yy >= 0 && yy < h && xx >= 0 && xx < w && p[yy*w+xx] > v {
						top = false
						break
					}
				}
			}
			if top {
				n++
			}
		}
	}
	return n
}

// lastInt finds the last run of digits in a file name.
var lastInt = regexp.MustCompile(`[0-9]+`)

// StepFromName returns the last integer in a file name (step_004500.npz →
// 4500), and false when it has none.
func StepFromName(name string) (int64, bool) {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	all := lastInt.FindAllString(name, -1)
	if len(all) == 0 {
		return 0, false
	}
	v, err := strconv.ParseInt(all[len(all)-1], 10, 64)
	return v, err == nil
}
