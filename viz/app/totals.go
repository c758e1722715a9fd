package app

import (
	"fmt"
	"math"
	"strings"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/run"
	"github.com/cornerloss/cornerloss/viz/i18n"
)

// Totals is what the page prints beside the canvas: the terms as the CLI's
// JSON defines them (weighted, divided by nstack; loss is their sum), their
// shares, the per-image rows and the quirks that fired (the explanation of
// each term is App.Terms).
type Totals struct {
	Loss, Focal, Pull, Push, Regr float64
	Shares                        [4]float64 // |focal|, |pull|, |push|, |regr| over their sum
	Images                        []ImageRow
	Quirks                        []loss.Quirk
	// Chunks lists the chunks of a step split over devices, nil for a
	// whole step; Mean is the step's terms as training prints them, the
	// mean over its chunks (each normalised on its own).
	Chunks []ChunkRow
	Mean   run.Terms
}

// ImageRow is one image's share of the terms.
type ImageRow struct {
	Image, Objects                int
	Loss, Focal, Pull, Push, Regr float64
	Flags                         []string
	Viewed                        bool
}

// Term explains one term: its formula and the numbers that go into it now.
type Term struct {
	ID, Name, Formula, Live string
}

// Totals computes the panel's numbers from the current result.
func (a *App) Totals() Totals {
	r := a.result
	w := r.Weighted
	t := Totals{Loss: r.Loss, Focal: w.Focal(), Pull: w.Pull, Push: w.Push, Regr: w.Regr(), Quirks: r.Quirks()}
	parts := []float64{math.Abs(t.Focal), math.Abs(t.Pull), math.Abs(t.Push), math.Abs(t.Regr)}
	var sum float64
	for _, p := range parts {
		sum += p
	}
	for i, p := range parts {
		if sum > 0 {
			t.Shares[i] = p / sum
		}
	}
	for b, im := range r.Images {
		row := ImageRow{Image: b, Objects: im.Objects, Loss: im.Weighted.Sum(), Focal: im.Weighted.Focal(),
			Pull: im.Weighted.Pull, Push: im.Weighted.Push, Regr: im.Weighted.Regr(), Viewed: b == a.View.Image}
		for _, q := range t.Quirks {
			if q.Image == b {
				row.Flags = append(row.Flags, q.Name)
			}
		}
		t.Images = append(t.Images, row)
	}
	t.Chunks, t.Mean = a.chunkRows()
	return t
}

// Terms writes the explanation of each term with the current numbers; the
// formulas are the convention's own (loss.Convention.Formulas). Apart from
// Totals: the page writes the explanations only after its first frame.
func (a *App) Terms() []Term {
	r, o := a.result, a.Options
	sh := r.Shape
	f := o.Convention.Formulas()
	ref := o.Convention == loss.Reference
	div := i18n.F("live.per-stacks", sh.Stacks)
	if !ref {
		div = i18n.T("live.summed-stacks")
	}
	var pulls, pushes, objs []string
	for _, im := range r.Images {
		var pl, ps float64
		for _, s := range im.Stacks {
			pl += s.Pull
			ps += s.Push
		}
		pulls = append(pulls, fmt.Sprintf("%.4g", pl))
		pushes = append(pushes, fmt.Sprintf("%.4g", ps))
		objs = append(objs, fmt.Sprint(im.Objects))
	}
	w := r.Weighted
	tl, br := loss.TopLeft, loss.BottomRight
	focal := Term{ID: "focal", Name: i18n.T("explain.focal"), Formula: f.Focal,
		Live: i18n.F("live.focal", r.NumPos[tl], r.NumPos[br], o.Alpha, o.Beta, o.Eps, r.Clamped[0]+r.Clamped[1], w.Focal(), div)}
	if !ref {
		focal.Live = i18n.F("live.focal-mmdet", r.NumPos[tl], r.NumPos[br], o.Alpha, o.Beta, w.FocalTL, w.FocalBR, w.Focal(), div)
	}
	if r.NumPos[0] == 0 || r.NumPos[1] == 0 {
		focal.Live += i18n.T("live.no-positives")
	}
	pull := Term{ID: "pull", Name: i18n.T("explain.pull"), Formula: f.Pull,
		Live: i18n.F("live.pull", strings.Join(objs, " "), strings.Join(pulls, " "), o.PullWeight, div, w.Pull)}
	push := Term{ID: "push", Name: i18n.T("explain.push"), Formula: f.Push,
		Live: i18n.F("live.push", strings.Join(pushes, " "), o.PushWeight, div, w.Push)}
	regr := Term{ID: "regr", Name: i18n.T("explain.regr"), Formula: f.Regr,
		Live: i18n.F("live.regr", r.OffsetCount(tl), w.RegrTL, w.RegrBR, o.RegrWeight, div)}
	if !ref {
		push.Live = i18n.F("live.push-mmdet", strings.Join(pushes, " "), o.PushWeight, div, w.Push)
		regr.Live = i18n.F("live.regr-mmdet", r.OffsetCount(tl), r.OffsetCount(br), w.RegrTL, w.RegrBR, o.RegrWeight, div)
	}
	total := Term{ID: "total", Name: i18n.T("explain.total"), Formula: f.Total,
		Live: fmt.Sprintf("%.6g + %.6g + %.6g + %.6g = %.6g", w.Focal(), w.Pull, w.Push, w.Regr(), r.Loss)}
	return []Term{total, focal, pull, push, regr}
}

// QuirkText says quirk q in the page's language: the catalogue's sentence
// for its name with the values the engine recorded, or the engine's own
// (English) sentence for a quirk the catalogue does not know yet.
func QuirkText(q loss.Quirk) string {
	if k := "quirk." + q.Name; i18n.Has(k) {
		return i18n.F(k, q.Args...)
	}
	return q.Detail
}
