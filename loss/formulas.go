package loss

// Formulas are a convention's terms written out, as the page explains them:
// the one place that says, in words, what Evaluate computes under it.
type Formulas struct {
	Total, Focal, Pull, Push, Regr string
	// Target is the Gaussian bump the sampler draws at each corner (the
	// same under both conventions); Prob the probability the focal term
	// reads off a logit.
	Target, Prob string
}

// targetFormula is draw_gaussian of the reference's sample/utils.py, which
// mmdetection's gen_gaussian_target repeats.
const targetFormula = "y = exp(−(dx^2 + dy^2)/(2σ^2)),  σ = (2r + 1)/6,  r = max(0, ⌊min(r_1, r_2, r_3)⌋)"

// Formulas returns the formulas of the convention's terms.
func (c Convention) Formulas() Formulas {
	if c == MMDet {
		return Formulas{
			Total: "Σ_stacks (det + w_pull·pull + w_push·push + w_regr·off)",
			Focal: "det = (tl + br)/2,  tl = −(1/max(1, N_pos,tl)) Σ { (1−p)^α log(p+1e-12)  if y = 1 ;  " +
				"(1−y)^β p^α log(1−p+1e-12)  if y < 1 },  p = σ(logit), no clamp; each corner by its own N_pos",
			Pull: "Σ_b (1/N_b) Σ_k [(e_tk − ē_k)² + (e_bk − ē_k)²],  ē_k = (e_tk + e_bk)/2",
			Push: "Σ_b Σ_{j≠k} relu(1 − |ē_j − ē_k|) / (N_b(N_b−1)),  0 for N_b < 2",
			Regr: "off = (tl + br)/2,  tl = (1/max(1, M_tl)) Σ_{pixels of M_tl} SmoothL1(ô − o),  " +
				"M = pixels where any class has y = 1 (corners on one pixel count once: the last box's offset)",
			Target: targetFormula,
			Prob:   "p = σ(logit) = 1/(1 + exp(−logit)),  no clamp",
		}
	}
	return Formulas{
		Total:  "(Σ_stacks focal_tl + focal_br + w_pull·pull + w_push·push + w_regr·(regr_tl + regr_br)) / nstack",
		Focal:  "−(1/N_pos) Σ { (1−p)^α log p  if y = 1 ;  (1−y)^β p^α log(1−p)  if y < 1 },  p = clamp(σ(logit), ε, 1−ε)",
		Pull:   "Σ_b 1/(N_b+1e-4) Σ_k [(e_tk − ē_k)² + (e_bk − ē_k)²],  ē_k = (e_tk + e_bk)/2",
		Push:   "Σ_b Σ_{j,k} [relu(1 − |ē_j − ē_k|) − 1/(N_b+1e-4)] / (N_b(N_b−1) + 1e-4), diagonal included",
		Regr:   "Σ SmoothL1(ô − o) over valid corners and x, y / (N + 1e-4),  o = (fx − ⌊fx⌋, fy − ⌊fy⌋)",
		Target: targetFormula,
		Prob:   "p = clamp(σ(logit), ε, 1−ε),  ∂p/∂logit = 0 where |logit| > log((1−ε)/ε) = 9.21 for ε = 1e-4",
	}
}

// OffsetCount is the count a corner's offset loss is normalised by: the
// valid slots of the batch under the reference (mask.sum()), the pixels of
// the corner's offset mask under MMDet.
func (r *Result) OffsetCount(c Corner) int {
	var n int
	if r.Options.Convention == MMDet {
		for _, p := range r.offPix {
			n += len(p[c])
		}
		return n
	}
	for _, m := range r.in.Mask {
		n += int(m)
	}
	return n
}
