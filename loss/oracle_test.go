package loss

import "math"

// This file holds a second, independent implementation of the reference
// loss, for tests only: AELoss.forward of princeton-vl/CornerNet
// (models/py_utils/kp.py) with _sigmoid, _neg_loss, _ae_loss and _regr_loss
// (models/py_utils/kp_utils.py), written op by op from that code (and from
// the brief's description of it, ../shared/docs/reference.md beside the
// repository, not in it), the obvious way. It shares nothing with the
// engine but the Input it reads (no kernel, sigmoid32, pow32, embed or
// offsets).
//
// Tensors are flat row-major float32 slices, and every elementwise op rounds
// to float32 where a float32 PyTorch tensor does; Python float operands are
// cast to float32 first, as the CPU kernels do with a scalar operand. The
// one liberty is the reductions: PyTorch sums a float32 tensor pairwise in
// float32, the oracle adds in float64 and rounds the total to float32. The
// two differ by about 1e-7 relative, well inside golden.Close.

// The torch ops the reference uses, one element at a time.

// tSigmoid is Tensor.sigmoid_ on the CPU: 1/(1 + exp(-x)), rounded after
// the exp, the add and the division.
func tSigmoid(x []float32) []float32 {
	out := make([]float32, len(x))
	for i, v := range x {
		e := float32(math.Exp(-float64(v)))
		out[i] = float32(float32(1) / float32(float32(1)+e))
	}
	return out
}

// tClamp is torch.clamp(x, min, max): the Python-float bounds are cast to
// float32, so max is float32(0.9999), not 1 - float32(1e-4).
func tClamp(x []float32, lo, hi float64) []float32 {
	l, h := float32(lo), float32(hi)
	out := make([]float32, len(x))
	for i, v := range x {
		out[i] = min(max(v, l), h)
	}
	return out
}

// tEq and tLt are Tensor.eq and Tensor.lt against a scalar.
func tEq(x []float32, s float64) []bool {
	out := make([]bool, len(x))
	for i, v := range x {
		out[i] = v == float32(s)
	}
	return out
}

func tLt(x []float32, s float64) []bool {
	out := make([]bool, len(x))
	for i, v := range x {
		out[i] = v < float32(s)
	}
	return out
}

// tNonzero lists the offsets a boolean mask selects, in row-major order.
func tNonzero(m []bool) []int {
	var idx []int
	for i, v := range m {
		if v {
			idx = append(idx, i)
		}
	}
	return idx
}

// tSelect is x[mask] for a boolean mask given by tNonzero.
func tSelect(x []float32, idx []int) []float32 {
	out := make([]float32, len(idx))
	for i, j := range idx {
		out[i] = x[j]
	}
	return out
}

// tRsub is s - x (Tensor.__rsub__).
func tRsub(s float64, x []float32) []float32 {
	out := make([]float32, len(x))
	for i, v := range x {
		out[i] = float32(float32(s) - v)
	}
	return out
}

// tLog is torch.log.
func tLog(x []float32) []float32 {
	out := make([]float32, len(x))
	for i, v := range x {
		out[i] = float32(math.Log(float64(v)))
	}
	return out
}

// tPow is torch.pow(x, e) with a scalar exponent. PyTorch's CPU kernel
// squares for e = 2 (x*x, one rounding) and calls std::pow for e = 4, which
// is within an ulp of the true x⁴; the oracle rounds the float64 power.
func tPow(x []float32, e float64) []float32 {
	out := make([]float32, len(x))
	for i, v := range x {
		if e == 2 {
			out[i] = float32(v * v)
		} else {
			out[i] = float32(math.Pow(float64(v), e))
		}
	}
	return out
}

// tMul is a * b elementwise.
func tMul(a, b []float32) []float32 {
	out := make([]float32, len(a))
	for i := range a {
		out[i] = float32(a[i] * b[i])
	}
	return out
}

// tSum is Tensor.sum() of a float32 tensor, a float32 scalar. Liberty: the
// float64 sum rounded once, where PyTorch adds pairwise in float32. They
// differ by ~1e-7 relative to the size of the terms; where the terms cancel,
// as in push, more relative to the result (small_two_images: push 6.7e-6
// off by 2e-4 relative, 1.5e-9 absolute, one float32 ulp of the 0.25-sized
// pair terms, which other summation orders move either way).
func tSum(x []float32) float32 {
	var s float64
	for _, v := range x {
		s += float64(v)
	}
	return float32(s)
}

// oracleOut is what the oracle returns: the golden's fields and the terms
// behind them.
type oracleOut struct {
	// Loss and the terms as the golden JSON gives them: weighted and divided
	// by nstack, so that Loss = Focal + Pull + Push + Regr.
	Loss, Focal, Pull, Push, Regr float64
	// Stacks holds each stack's unweighted terms: the amount its iteration
	// adds to focal_loss, pull_loss, push_loss and regr_loss.
	Stacks []Terms
	// Images[b][s] is image b's unweighted share of Stacks[s]: its own
	// positives and negatives over num_pos, its pull_b and push_b, its slots'
	// smooth-L1 over the batch's num + 1e-4.
	Images [][]Terms
}

// oracleNegLoss is _neg_loss(preds, gt) for one corner: preds holds every
// stack's clamped probabilities [B,C,H,W], gt the targets. It returns the
// loss accumulated over stacks in float32 as the reference does, each
// stack's decrement, and each stack's per-image shares (float64).
func oracleNegLoss(preds [][]float32, gt []float32, batch int) (loss float32, steps []float32, shares [][]float64) {
	plane := len(gt) / batch
	posInds := tNonzero(tEq(gt, 1))
	negInds := tNonzero(tLt(gt, 1))

	negWeights := tPow(tRsub(1, tSelect(gt, negInds)), 4)

	for _, pred := range preds {
		posPred := tSelect(pred, posInds)
		negPred := tSelect(pred, negInds)

		posLoss := tMul(tLog(posPred), tPow(tRsub(1, posPred), 2))
		negLoss := tMul(tMul(tLog(tRsub(1, negPred)), tPow(negPred, 2)), negWeights)

		numPos := float32(len(posInds)) // pos_inds.float().sum(): exact below 2^24
		posSum := tSum(posLoss)
		negSum := tSum(negLoss)

		var step float32
		norm := float64(1)
		if len(posPred) == 0 {
			// Quirk kept by the reference: no positive pixel in the batch
			// gives -Σneg, not normalised.
			step = negSum
		} else {
			step = float32(float32(posSum+negSum) / numPos)
			norm = float64(numPos)
		}
		loss = float32(loss - step)
		steps = append(steps, step)

		share := make([]float64, batch)
		for i, j := range posInds {
			share[j/plane] += float64(posLoss[i])
		}
		for i, j := range negInds {
			share[j/plane] += float64(negLoss[i])
		}
		for b := range share {
			share[b] /= norm
		}
		shares = append(shares, share)
	}
	return loss, steps, shares
}

// oracleAELoss is _ae_loss(tag0, tag1, mask) for B ≥ 2 (tag0.squeeze()
// keeps [B,K]; for B = 1 it drops the batch axis and the reference fails).
// tag0 and tag1 are [B,K] embeddings, mask [B,K] uint8. It also returns each
// image's pull and push (float64 sums of its selected entries).
func oracleAELoss(tag0, tag1 []float32, mask []uint8, batch, slots int) (pull, push float32, pullB, pushB []float64) {
	// num = mask.sum(dim=1, keepdim=True).float(): the uint8 values added.
	num := make([]float32, batch)
	for b := range batch {
		var s int64
		for k := range slots {
			s += int64(mask[b*slots+k])
		}
		num[b] = float32(s)
	}
	eps := float32(1e-4)

	// tag_mean = (tag0 + tag1) / 2
	tagMean := make([]float32, batch*slots)
	for i := range tagMean {
		tagMean[i] = float32(float32(tag0[i]+tag1[i]) / 2)
	}

	// tag0 = torch.pow(tag0 - tag_mean, 2) / (num + 1e-4); num broadcasts
	// along K. Same for tag1.
	sq := func(tag []float32) []float32 {
		out := make([]float32, len(tag))
		for i := range tag {
			d := float32(tag[i] - tagMean[i])
			den := float32(num[i/slots] + eps)
			out[i] = float32(float32(d*d) / den)
		}
		return out
	}
	t0, t1 := sq(tag0), sq(tag1)

	// tag0[mask]: a uint8 mask selects its non-zero slots.
	sel := make([]bool, len(mask))
	for i, m := range mask {
		sel[i] = m != 0
	}
	idx := tNonzero(sel)
	pull = float32(tSum(tSelect(t0, idx)) + tSum(tSelect(t1, idx)))
	pullB = make([]float64, batch)
	for _, i := range idx {
		pullB[i/slots] += float64(t0[i]) + float64(t1[i])
	}

	// mask = mask.unsqueeze(1) + mask.unsqueeze(2); mask = mask.eq(2).
	// [B,1,K] + [B,K,1]: entry (b, j, k) is mask[b,k] + mask[b,j] in uint8.
	pairs := make([]bool, batch*slots*slots)
	for b := range batch {
		for j := range slots {
			for k := range slots {
				pairs[(b*slots+j)*slots+k] = mask[b*slots+k]+mask[b*slots+j] == 2
			}
		}
	}
	// num = num.unsqueeze(2); num2 = (num - 1) * num
	num2 := make([]float32, batch)
	for b := range batch {
		num2[b] = float32(float32(num[b]-1) * num[b])
	}
	// dist = tag_mean.unsqueeze(1) - tag_mean.unsqueeze(2): entry (b, j, k)
	// is tag_mean[b,k] - tag_mean[b,j]; then 1 - |dist|, relu,
	// - 1/(num + 1e-4) and / (num2 + 1e-4).
	dist := make([]float32, batch*slots*slots)
	for b := range batch {
		// 1 / t is t.reciprocal() * 1.
		inv := float32(1 / float32(num[b]+eps))
		den2 := float32(num2[b] + eps)
		for j := range slots {
			for k := range slots {
				d := float32(tagMean[b*slots+k] - tagMean[b*slots+j])
				d = float32(1 - float32(math.Abs(float64(d))))
				if d < 0 { // nn.functional.relu
					d = 0
				}
				d = float32(d - inv)
				dist[(b*slots+j)*slots+k] = float32(d / den2)
			}
		}
	}
	pidx := tNonzero(pairs)
	push = tSum(tSelect(dist, pidx))
	pushB = make([]float64, batch)
	for _, i := range pidx {
		pushB[i/(slots*slots)] += float64(dist[i])
	}
	return pull, push, pullB, pushB
}

// oracleRegrLoss is _regr_loss(regr, gt_regr, mask): regr and gt_regr are
// [B,K,2], mask [B,K] uint8. It also returns each image's share.
func oracleRegrLoss(regr, gtRegr []float32, mask []uint8, batch, slots int) (float32, []float64) {
	// num = mask.float().sum()
	var n int64
	for _, m := range mask {
		n += int64(m)
	}
	num := float32(n)
	// mask = mask.unsqueeze(2).expand_as(gt_regr); regr[mask], gt_regr[mask]
	sel := make([]bool, 2*len(mask))
	for i := range sel {
		sel[i] = mask[i/2] != 0
	}
	idx := tNonzero(sel)
	r, g := tSelect(regr, idx), tSelect(gtRegr, idx)

	// smooth_l1_loss(regr, gt_regr, size_average=False), beta 1, per element:
	// z < beta ? 0.5*z*z/beta : z - 0.5*beta, then summed.
	l := make([]float32, len(r))
	for i := range r {
		z := float32(math.Abs(float64(float32(r[i] - g[i]))))
		if z < 1 {
			l[i] = float32(float32(float32(0.5)*z)*z) / 1
		} else {
			l[i] = float32(z - 0.5)
		}
	}
	den := float32(num + float32(1e-4))
	loss := float32(tSum(l) / den)

	share := make([]float64, batch)
	for i, j := range idx {
		share[j/(2*slots)] += float64(l[i])
	}
	for b := range share {
		share[b] /= float64(den)
	}
	return loss, share
}

// oracleForward is AELoss.forward for a batch of at least two images, with
// the reference's fixed exponents (α = 2, β = 4) and clamp (1e-4); only the
// three weights come from o.
func oracleForward(in *Input, o Options) oracleOut {
	S, B, K := in.Stacks, in.Batch, in.Slots
	heatLen := B * in.Classes * in.Height * in.Width

	out := oracleOut{Stacks: make([]Terms, S), Images: make([][]Terms, B)}
	for b := range out.Images {
		out.Images[b] = make([]Terms, S)
	}

	// focal loss: tl_heats = [_sigmoid(t) for t in tl_heats], then
	// focal_loss += self.focal_loss(tl_heats, gt_tl_heat), same for br.
	var focal float32
	for _, c := range Corners {
		preds := make([][]float32, S)
		for s := range S {
			logits := in.Heat[c][s*heatLen : (s+1)*heatLen]
			preds[s] = tClamp(tSigmoid(logits), 1e-4, 1-1e-4)
		}
		f, steps, shares := oracleNegLoss(preds, in.GTHeat[c], B)
		focal = float32(focal + f)
		for s := range S {
			st := &out.Stacks[s]
			if c == TopLeft {
				st.FocalTL = -float64(steps[s])
			} else {
				st.FocalBR = -float64(steps[s])
			}
			for b := range B {
				im := &out.Images[b][s]
				if c == TopLeft {
					im.FocalTL = -shares[s][b]
				} else {
					im.FocalBR = -shares[s][b]
				}
			}
		}
	}

	// tag loss, summed over stacks, then weighted.
	var pullLoss, pushLoss float32
	for s := range S {
		tl := in.Tag[TopLeft][s*B*K : (s+1)*B*K]
		br := in.Tag[BottomRight][s*B*K : (s+1)*B*K]
		pull, push, pullB, pushB := oracleAELoss(tl, br, in.Mask, B, K)
		pullLoss = float32(pullLoss + pull)
		pushLoss = float32(pushLoss + push)
		out.Stacks[s].Pull, out.Stacks[s].Push = float64(pull), float64(push)
		for b := range B {
			out.Images[b][s].Pull, out.Images[b][s].Push = pullB[b], pushB[b]
		}
	}
	pullLoss = float32(float32(o.PullWeight) * pullLoss)
	pushLoss = float32(float32(o.PushWeight) * pushLoss)

	// regr loss: tl then br for each stack.
	var regrLoss float32
	for s := range S {
		for _, c := range Corners {
			pred := in.Regr[c][2*s*B*K : 2*(s+1)*B*K]
			r, share := oracleRegrLoss(pred, in.GTRegr[c], in.Mask, B, K)
			regrLoss = float32(regrLoss + r)
			for b := range B {
				if c == TopLeft {
					out.Images[b][s].RegrTL = share[b]
				} else {
					out.Images[b][s].RegrBR = share[b]
				}
			}
			if c == TopLeft {
				out.Stacks[s].RegrTL = float64(r)
			} else {
				out.Stacks[s].RegrBR = float64(r)
			}
		}
	}
	regrLoss = float32(float32(o.RegrWeight) * regrLoss)

	// loss = (focal_loss + pull_loss + push_loss + regr_loss) / len(tl_heats)
	n := float32(S)
	loss := float32(float32(float32(float32(focal+pullLoss)+pushLoss)+regrLoss) / n)
	out.Loss = float64(loss)
	out.Focal = float64(float32(focal / n))
	out.Pull = float64(float32(pullLoss / n))
	out.Push = float64(float32(pushLoss / n))
	out.Regr = float64(float32(regrLoss / n))
	return out
}

// referenceOracle is the reference loss of in. For a batch of one, where the
// reference crashes (squeeze drops the batch axis), it is the engine's
// documented value built literally: the image duplicated, the loss run on
// the pair, pull and push (sums over images) halved. Focal and offsets are
// normalised by batch-wide counts and come out as for the lone image, except
// that the offsets' 1e-4 counts half.
func referenceOracle(in *Input, o Options) oracleOut {
	if in.Batch != 1 {
		return oracleForward(in, o)
	}
	d := oracleForward(duplicateBatch(in), o)
	d.Pull /= 2
	d.Push /= 2
	d.Loss = d.Focal + d.Pull + d.Push + d.Regr
	for s := range d.Stacks {
		d.Stacks[s].Pull /= 2
		d.Stacks[s].Push /= 2
	}
	// The lone image's share is both copies' shares, pull and push halved.
	one := make([]Terms, len(d.Stacks))
	for s := range one {
		a, b := d.Images[0][s], d.Images[1][s]
		one[s] = Terms{
			FocalTL: a.FocalTL + b.FocalTL, FocalBR: a.FocalBR + b.FocalBR,
			Pull: (a.Pull + b.Pull) / 2, Push: (a.Push + b.Push) / 2,
			RegrTL: a.RegrTL + b.RegrTL, RegrBR: a.RegrBR + b.RegrBR,
		}
	}
	d.Images = [][]Terms{one}
	return d
}
