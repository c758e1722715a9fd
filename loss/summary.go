package loss

import (
	"math"
	"slices"
)

// Summary is one training step reduced to a few numbers: the headline terms
// `cornerloss eval -json` prints and what a run's timeline plots. It is a
// plain value (a few KB, JSON-able) that outlives the tensors it was
// computed from. Changes to it are additive: the page's run model and the
// CLI's JSON both read it.
type Summary struct {
	Convention string `json:"convention"`
	// The headline terms, weighted and divided by nstack (summed over
	// stacks under MMDet), so Loss is the sum of Focal, Pull, Push and Regr.
	Loss    float64 `json:"loss"`
	Focal   float64 `json:"focal"`
	Pull    float64 `json:"pull"`
	Push    float64 `json:"push"`
	Regr    float64 `json:"regr"`
	FocalTL float64 `json:"focal_tl"`
	FocalBR float64 `json:"focal_br"`
	RegrTL  float64 `json:"regr_tl"`
	RegrBR  float64 `json:"regr_br"`
	NStack  int     `json:"nstack"`
	Batch   int     `json:"batch"`
	Shape   struct {
		S, B, C, H, W, K int
	} `json:"shape"`
	Weights struct {
		Pull float64 `json:"pull"`
		Push float64 `json:"push"`
		Regr float64 `json:"regr"`
	} `json:"weights"`
	Alpha    float64        `json:"alpha"`
	Beta     float64        `json:"beta"`
	Eps      float64        `json:"eps,omitempty"`  // the clamp; MMDet has none, so 0 and left out
	NumPos   [2]int         `json:"num_pos"`        // positive pixels, tl and br
	Clamped  [2]int         `json:"clamped_pixels"` // pixels at the clamp, tl and br, all stacks
	PerStack []StackSummary `json:"per_stack"`
	PerImage []ImageSummary `json:"per_image"`
	Quirks   []QuirkSummary `json:"quirks"`
	// Warnings holds one sentence per quirk that fired. The reader's
	// warnings (dump.Dump.Warnings, which carry ProbabilityWarning's
	// sentence) are the caller's to prepend.
	Warnings []string `json:"warnings"`

	// What the run timeline plots.

	// FocalPosShare is the positives' share of each corner's focal term
	// (tl, br), in [0, 1]; the rest is the negatives'. 0 when the term is 0.
	FocalPosShare [2]float64 `json:"focal_pos_share"`
	// ClampedFraction is the fraction of heat pixels (both corners, every
	// stack) whose probability hit the clamp.
	ClampedFraction float64 `json:"clamped_fraction"`
	// PredictedCorners counts, per corner, the pixels of the last stack's
	// heatmaps (every image and class) that CornerNet's decoder would keep
	// before its top-k: a probability σ(x) above 0.5 that is the maximum of
	// its 3×3 neighbourhood (ties kept, as _nms keeps them).
	PredictedCorners [2]int `json:"predicted_corners"`
	// TrueCorners is the number of objects (valid gt_mask slots) in the
	// batch: each has one true corner per heatmap.
	TrueCorners int `json:"true_corners"`
	// EmbedGap is the mean distance |ē_j − ē_k| between the mean embeddings
	// of two objects of one image, over every pair of every image and stack
	// (the push margin is 1); EmbedPairs is the number of pairs, and
	// EmbedGap is 0 when there are none.
	EmbedGap   float64 `json:"embed_gap"`
	EmbedPairs int     `json:"embed_pairs"`
	// MaxGrad is the largest |d loss / d logit| over every heat pixel, the
	// value the gradient panel shows at its brightest.
	MaxGrad float64 `json:"max_grad"`
	// ClassFocal holds each class's share of the focal term (both corners,
	// every stack and image); the shares sum to 1, or are all 0 when the
	// focal term is 0.
	ClassFocal []float64 `json:"class_focal"`
	// Flags names what fired, sorted, each once: the quirk names and
	// FlagProbabilities.
	Flags []string `json:"flags"`
}

// StackSummary holds one stack's unweighted terms.
type StackSummary struct {
	Stack   int     `json:"stack"`
	FocalTL float64 `json:"focal_tl"`
	FocalBR float64 `json:"focal_br"`
	Pull    float64 `json:"pull"`
	Push    float64 `json:"push"`
	RegrTL  float64 `json:"regr_tl"`
	RegrBR  float64 `json:"regr_br"`
}

// ImageSummary holds one image's share of the weighted terms: summed over
// images they give the headline terms.
type ImageSummary struct {
	Image   int      `json:"image"`
	Objects int      `json:"objects"`
	Loss    float64  `json:"loss"`
	Focal   float64  `json:"focal"`
	Pull    float64  `json:"pull"`
	Push    float64  `json:"push"`
	Regr    float64  `json:"regr"`
	Flags   []string `json:"flags"` // names of the quirks that concern the image
}

// QuirkSummary is a Quirk as JSON.
type QuirkSummary struct {
	Name   string `json:"name"`
	Image  int    `json:"image"`
	Detail string `json:"detail"`
}

// Summarize reduces the result r of in to its Summary. r must come from in
// (Evaluate(in, …) or an Evaluator of in).
func Summarize(in *Input, r *Result) Summary {
	var p probScan
	for _, heat := range in.Heat {
		p.add(heat)
	}
	return r.summarize(p.probabilities(), r.heatScan())
}

// summarize makes the Summary of r from what only the heats tell: whether
// they look like probabilities, and each plane's scan (in plane order).
func (r *Result) summarize(probabilities bool, scans []planeScan) Summary {
	w, sh, o := r.Weighted, r.Shape, r.Options
	s := Summary{
		Convention: o.Convention.String(),
		Loss:       r.Loss,
		Focal:      w.Focal(),
		Pull:       w.Pull,
		Push:       w.Push,
		Regr:       w.Regr(),
		FocalTL:    w.FocalTL,
		FocalBR:    w.FocalBR,
		RegrTL:     w.RegrTL,
		RegrBR:     w.RegrBR,
		NStack:     sh.Stacks,
		Batch:      sh.Batch,
		Alpha:      o.Alpha,
		Beta:       o.Beta,
		NumPos:     r.NumPos,
		Clamped:    r.Clamped,
		PerStack:   make([]StackSummary, 0, sh.Stacks),
		PerImage:   make([]ImageSummary, 0, sh.Batch),
		Quirks:     []QuirkSummary{},
		Warnings:   []string{},
		Flags:      []string{},
	}
	s.Shape.S, s.Shape.B, s.Shape.C, s.Shape.H, s.Shape.W, s.Shape.K =
		sh.Stacks, sh.Batch, sh.Classes, sh.Height, sh.Width, sh.Slots
	s.Weights.Pull, s.Weights.Push, s.Weights.Regr = o.PullWeight, o.PushWeight, o.RegrWeight
	if o.Convention == Reference {
		s.Eps = o.Eps
	}
	for i, t := range r.Stacks {
		s.PerStack = append(s.PerStack, StackSummary{i, t.FocalTL, t.FocalBR, t.Pull, t.Push, t.RegrTL, t.RegrBR})
	}
	for b, im := range r.Images {
		iw := im.Weighted
		s.PerImage = append(s.PerImage, ImageSummary{
			Image: b, Objects: im.Objects, Loss: iw.Sum(),
			Focal: iw.Focal(), Pull: iw.Pull, Push: iw.Push, Regr: iw.Regr(), Flags: []string{},
		})
		s.TrueCorners += im.Objects
	}
	for _, q := range r.Quirks() {
		s.Quirks = append(s.Quirks, QuirkSummary{Name: q.Name, Image: q.Image, Detail: q.Detail})
		if q.Image >= 0 {
			s.PerImage[q.Image].Flags = append(s.PerImage[q.Image].Flags, q.Name)
		}
		s.Warnings = append(s.Warnings, q.Detail)
		s.Flags = append(s.Flags, q.Name)
	}
	if probabilities {
		s.Flags = append(s.Flags, FlagProbabilities)
	}
	slices.Sort(s.Flags)
	s.Flags = slices.Compact(s.Flags)

	for _, c := range Corners {
		if t := r.focalPos[c] + r.focalNeg[c]; t != 0 {
			s.FocalPosShare[c] = r.focalPos[c] / t
		}
	}
	if n := 2 * sh.Stacks * sh.Batch * sh.Classes * sh.Pixels(); n > 0 {
		s.ClampedFraction = float64(r.Clamped[0]+r.Clamped[1]) / float64(n)
	}
	s.ClassFocal = make([]float64, len(r.classFocal))
	var focal float64
	for _, f := range r.classFocal {
		focal += f
	}
	if focal != 0 {
		for i, f := range r.classFocal {
			s.ClassFocal[i] = f / focal
		}
	}

	var gaps float64
	for st := range sh.Stacks {
		for b := range sh.Batch {
			e := r.Embedding(st, b)
			n := len(e.Slots)
			for j := range n {
				for k := j + 1; k < n; k++ {
					gaps += e.Dist[j*n+k]
					s.EmbedPairs++
				}
			}
		}
	}
	if s.EmbedPairs > 0 {
		s.EmbedGap = gaps / float64(s.EmbedPairs)
	}

	s.MaxGrad, s.PredictedCorners = r.heatMax(scans)
	return s
}

// planeScan is what the summary needs of one plane beyond its focal sums.
type planeScan struct {
	dterm float64 // largest |d term / d logit|, before normalisation
	peaks int     // predicted corners (counted on the last stack only)
}

// heatScan scans every plane of r's input (scanPlane), one pass over the
// planes on every core.
func (r *Result) heatScan() []planeScan {
	sh, in, k := r.Shape, r.in, r.kernel
	ids := planeOrder(sh)
	out := make([]planeScan, len(ids))
	parallel(len(ids), func(i int, _ *rowScratch) {
		x, y := in.planeData(ids[i])
		out[i] = k.scanPlane(x, y, sh, ids[i].stack == sh.Stacks-1)
	})
	return out
}

// scanPlane returns the largest |d term / d logit| of a plane of logits x
// and targets y and, on the last stack, its predicted corners (see
// Summary).
//
// The gradient of a background pixel (target 0) depends on its logit
// alone and, for logits up to 0 (p ≤ ½), grows with the logit (p^(α+1) and
// α·p^α·(1−p)·(−log(1−p)) both grow there; a clamped p has gradient 0), so
// of those pixels only the largest logit is evaluated; every other pixel is
// evaluated as Pixels evaluates it.
func (k *kernel) scanPlane(x, y []float32, sh Shape, last bool) planeScan {
	grad := func(x, y float32) float64 {
		if k.fast && plainPixel(x, y) {
			return math.Abs(k.backgroundPoint(x).dterm)
		}
		return math.Abs(k.point(x, y).dterm)
	}
	var best float64
	bg := float32(math.Inf(-1))
	// Two pixels at a time where both are background, their targets' bits
	// one 64-bit word (see words): as WebAssembly under Node, 0.71–0.83× the
	// time of one pixel at a time through math.Float32bits, alternating
	// the two in one process (2026-12-02). This loop is most of the scan:
	// plain comparisons, not max() (twice as slow here, in WebAssembly),
	// and no closure, whose captured bg would live in memory (0.85×).
	x = x[:len(y)]
	y2 := words(y)
	j := 0
	for ; j < len(x); j += 2 {
		if j+2 <= len(x) {
			if a, b := x[j], x[j+1]; y2[j/2] == 0 && a <= 0 && b <= 0 {
				if a > bg {
					bg = a
				}
				if b > bg {
					bg = b
				}
				continue
			}
		}
		for i := j; i < min(j+2, len(x)); i++ {
			if xi := x[i]; xi <= 0 && math.Float32bits(y[i]) == 0 {
				if xi > bg {
					bg = xi
				}
			} else {
				best = max(best, grad(xi, y[i]))
			}
		}
	}
	if bg > float32(math.Inf(-1)) { // -Inf logits have gradient 0
		best = max(best, grad(bg, 0))
	}
	ps := planeScan{dterm: best}
	if last {
		ps.peaks = peaks(x, sh.Height, sh.Width)
	}
	return ps
}

// heatMax returns the largest |d loss / d logit| over every heat pixel and
// the predicted corners of the last stack from the scans of every plane.
func (r *Result) heatMax(scans []planeScan) (maxGrad float64, predicted [2]int) {
	for i, id := range planeOrder(r.Shape) {
		maxGrad = max(maxGrad, scans[i].dterm/(r.focalNorm(id.corner)*r.div))
		predicted[id.corner] += scans[i].peaks
	}
	return maxGrad, predicted
}

// peaks counts the pixels of one plane of logits that CornerNet's decoder
// keeps before its top-k: p = σ(x) in float32, as torch.sigmoid rounds it,
// above 0.5 and equal to the 3×3 max pool of p (padding 1), as _nms keeps
// them. Comparing probabilities, not logits, keeps the ties float32 makes
// near p = 1. Only pixels with x > 0 can qualify, so only their windows are
// computed.
func peaks(x []float32, h, w int) int {
	n := 0
	for i, v := range x {
		if !(v > 0) {
			continue
		}
		p := sigmoid32(v)
		if !(p > 0.5) {
			continue
		}
		yy, xx := i/w, i%w
		peak := true
		for dy := max(yy-1, 0); dy <= min(yy+1, h-1) && peak; dy++ {
			for dx := max(xx-1, 0); dx <= min(xx+1, w-1); dx++ {
				if u := x[dy*w+dx]; u > v && sigmoid32(u) > p {
					peak = false
					break
				}
			}
		}
		if peak {
			n++
		}
	}
	return n
}

// FlagProbabilities is the Summary flag of a dump whose heats look like
// probabilities (see ProbabilityWarning).
const FlagProbabilities = "probabilities"

// ProbabilityWarning returns a sentence for people when the heat arrays look
// like probabilities rather than logits, and "" otherwise. CornerNet's
// _sigmoid works in place (x.sigmoid_()), so a dump taken after AELoss ran
// holds σ(logit) and evaluates to a wildly wrong loss. The test: every value
// of both heat arrays lies in [0, 1] and they are not all one value (a
// constant map tells nothing). Real logits never pass it: CornerNet
// initialises the heat bias at −2.19, and no golden or reference case does.
func ProbabilityWarning(in *Input) string {
	var p probScan
	for _, heat := range in.Heat {
		p.add(heat)
	}
	if p.probabilities() {
		return probabilityWarning
	}
	return ""
}

const probabilityWarning = "tl_heats, br_heats: every value is in [0, 1], so these look like probabilities, not logits: CornerNet's _sigmoid works in place (x.sigmoid_()), so a dump taken after the loss ran holds σ(logit); dump before self.loss(...) is called"

// probScan is ProbabilityWarning's test over the heats given in pieces, in
// array order (tl_heats, then br_heats).
type probScan struct {
	seen, outside, varied bool
	first                 float32
}

func (p *probScan) add(v []float32) {
	if p.outside || len(v) == 0 {
		return
	}
	if !p.seen {
		p.seen, p.first = true, v[0]
	}
	for _, x := range v {
		if !(x >= 0 && x <= 1) {
			p.outside = true
			return
		}
		if x != p.first {
			p.varied = true
		}
	}
}

// probabilities reports whether every value was in [0, 1] and not all one
// value (a constant map tells nothing).
func (p *probScan) probabilities() bool { return p.seen && !p.outside && p.varied }
