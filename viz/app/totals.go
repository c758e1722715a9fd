package app

import (
	"fmt"
	"math"
	"strings"

	"github.com/cornerloss/cornerloss/loss"
)

// Totals is what the page prints beside the canvas: the terms as the CLI's
// JSON defines them (weighted, divided by nstack; loss is their sum), their
// shares, the per-image rows, the quirks that fired and the explanation of
// each term with its live values.
type Totals struct {
	Loss, Focal, Pull, Push, Regr float64
	Shares                        [4]float64 // |focal|, |pull|, |push|, |regr| over their sum
	Images                        []ImageRow
	Quirks                        []loss.Quirk
	Terms                         []Term
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
	t.Terms = a.terms()
	return t
}

// terms writes the explanations with the current numbers.
func (a *App) terms() []Term {
	r, o := a.result, a.Options
	sh := r.Shape
	ref := o.Convention == loss.Reference
	div := fmt.Sprintf("/ %d stacks", sh.Stacks)
	if !ref {
		div = "summed over stacks"
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
	focal := Term{ID: "focal", Name: "Focal (corner heatmaps)",
		Formula: "−(1/N_pos) Σ { (1−p)^α log p  if y = 1 ;  (1−y)^β p^α log(1−p)  if y < 1 },  p = clamp(σ(logit), ε, 1−ε)",
		Live: fmt.Sprintf("N_pos = %d (tl), %d (br); α = %g, β = %g, ε = %g; %d pixels clamped; focal = %.6g %s",
			r.NumPos[loss.TopLeft], r.NumPos[loss.BottomRight], o.Alpha, o.Beta, o.Eps,
			r.Clamped[0]+r.Clamped[1], a.result.Weighted.Focal(), div)}
	if !ref {
		focal.Formula = "−(1/max(1,N_pos)) Σ { (1−p)^α log(p+1e-12)  if y = 1 ;  (1−y)^β p^α log(1−p+1e-12) },  p = σ(logit), no clamp"
	}
	if r.NumPos[0] == 0 || r.NumPos[1] == 0 {
		focal.Live += "; no positive pixel: the sum is not divided (a spike, not a NaN)"
	}
	pull := Term{ID: "pull", Name: "Pull (embeddings of one object together)",
		Formula: "Σ_b 1/(N_b+1e-4) Σ_k [(e_tk − ē_k)² + (e_bk − ē_k)²],  ē_k = (e_tk + e_bk)/2",
		Live: fmt.Sprintf("objects per image [%s]; pull per image (all stacks) [%s]; × w_pull %g %s = %.6g",
			strings.Join(objs, " "), strings.Join(pulls, " "), o.PullWeight, div, r.Weighted.Pull)}
	push := Term{ID: "push", Name: "Push (embeddings of different objects apart)",
		Formula: "Σ_b Σ_{j,k} [relu(1 − |ē_j − ē_k|) − 1/(N_b+1e-4)] / (N_b(N_b−1) + 1e-4), diagonal included",
		Live: fmt.Sprintf("push per image (all stacks) [%s]; × w_push %g %s = %.6g; one object gives 1.000166, not 0",
			strings.Join(pushes, " "), o.PushWeight, div, r.Weighted.Push)}
	regr := Term{ID: "regr", Name: "Offset (sub-pixel corner position)",
		Formula: "Σ SmoothL1(ô − o) over valid corners and x, y / (N + 1e-4),  o = (fx − ⌊fx⌋, fy − ⌊fy⌋)",
		Live:    fmt.Sprintf("tl %.6g + br %.6g, × w_regr %g %s", r.Weighted.RegrTL, r.Weighted.RegrBR, o.RegrWeight, div)}
	if !ref {
		pull.Formula = "Σ_b (1/N_b) Σ_k [(e_tk − ē_k)² + (e_bk − ē_k)²]"
		push.Formula = "Σ_b Σ_{j≠k} relu(1 − |ē_j − ē_k|) / (N_b(N_b−1)), 0 for N_b < 2"
		push.Live = fmt.Sprintf("push per image (all stacks) [%s]; × w_push %g = %.6g", strings.Join(pushes, " "), o.PushWeight, r.Weighted.Push)
		regr.Formula = "Σ SmoothL1(ô − o) / max(1, N)"
	}
	total := Term{ID: "total", Name: "Total",
		Formula: "(Σ_stacks focal_tl + focal_br + w_pull·pull + w_push·push + w_regr·(regr_tl + regr_br)) / nstack",
		Live:    fmt.Sprintf("%.6g + %.6g + %.6g + %.6g = %.6g", r.Weighted.Focal(), r.Weighted.Pull, r.Weighted.Push, r.Weighted.Regr(), r.Loss)}
	if !ref {
		total.Formula = "Σ_stacks (focal + w_pull·pull + w_push·push + w_regr·regr)"
	}
	return []Term{total, focal, pull, push, regr}
}
