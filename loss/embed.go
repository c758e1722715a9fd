package loss

import "math"

// Embedding is the associative-embedding loss of one image in one stack,
// object by object: what _ae_loss sums for image b.
type Embedding struct {
	Slots []int     // slot of each object (the slots the mask selects, in order)
	TL    []float32 // top-left embedding of each object
	BR    []float32 // bottom-right embedding
	Mean  []float32 // ē_k = (e_tk + e_bk)/2, rounded as the reference

	Pull []float64 // each object's pull: (e_t-ē)² + (e_b-ē)², normalised, unweighted
	// Push holds the N×N pair terms row-major (j·N + k) as the loss sums them,
	// diagonal included under the reference; Dist the distances |ē_j - ē_k|
	// that the margin of 1 acts on.
	Push []float64
	Dist []float64

	PullSum float64 // pull_b, unweighted
	PushSum float64 // push_b, unweighted

	// GradTL and GradBR are d(weighted pull + push)/d tag of each object, for
	// this stack, scaled as in the total loss.
	GradTL []float64
	GradBR []float64
}

// embed computes one image's embedding loss. tl, br and mask hold the K slots
// of the image; pullScale and pushScale turn unweighted gradients into
// gradients of the total loss.
func embed(conv Convention, tl, br []float32, mask []uint8, pullScale, pushScale float64) Embedding {
	var e Embedding
	for k, m := range mask {
		if m != 0 { // tag0[mask] selects the non-zero slots
			e.Slots = append(e.Slots, k)
		}
	}
	n := len(e.Slots)
	e.TL, e.BR, e.Mean = make([]float32, n), make([]float32, n), make([]float32, n)
	for i, k := range e.Slots {
		e.TL[i], e.BR[i] = tl[k], br[k]
		e.Mean[i] = float32(float32(tl[k]+br[k]) / 2)
	}
	e.Pull = make([]float64, n)
	e.Push, e.Dist = make([]float64, n*n), make([]float64, n*n)
	e.GradTL, e.GradBR = make([]float64, n), make([]float64, n)
	for j := range n {
		for k := range n {
			e.Dist[j*n+k] = math.Abs(float64(e.Mean[k]) - float64(e.Mean[j]))
		}
	}
	if conv == MMDet {
		e.mmdet(pullScale, pushScale)
	} else {
		e.reference(tl, br, mask, pullScale, pushScale)
	}
	return e
}

// reference follows _ae_loss in float32. Quirk kept on purpose: the object
// count enters as float32 N + 1e-4 and N(N-1) + 1e-4, and the pair sum keeps
// the diagonal, so one object gives push (1 - 1/(1+1e-4))/1e-4 ≈ 1.000166 in
// float32 (0.9999 in exact arithmetic), a constant with zero gradient.
func (e *Embedding) reference(tl, br []float32, mask []uint8, pullScale, pushScale float64) {
	var count int
	for _, m := range mask {
		count += int(m) // mask.sum() adds the uint8 values
	}
	num := float32(count)
	den := float32(num + eps4)
	inv := float32(1 / den)
	den2 := float32(float32(float32(num-1)*num) + eps4)

	n := len(e.Slots)
	for i := range n {
		m := e.Mean[i]
		d0, d1 := float32(e.TL[i]-m), float32(e.BR[i]-m)
		a := float32(float32(d0*d0) / den)
		b := float32(float32(d1*d1) / den)
		e.Pull[i] = float64(a) + float64(b)
		e.PullSum += e.Pull[i]
		g := (float64(e.TL[i]) - float64(e.BR[i])) / float64(den) * pullScale
		e.GradTL[i], e.GradBR[i] = g, -g
	}

	// pairTerm is one entry of the reference's dist matrix and whether its
	// relu is active (so the pair carries a gradient).
	pairTerm := func(mj, mk float32) (float64, float32, bool) {
		d := float32(mk - mj)
		a := float32(1 - float32(math.Abs(float64(d))))
		active := a > 0
		if !active {
			a = 0
		}
		a = float32(a - inv)
		return float64(float32(a / den2)), d, active
	}

	pairsValid := true
	for _, m := range mask {
		if m > 1 {
			pairsValid = false
		}
	}
	if pairsValid {
		// With a 0/1 mask, mask_j + mask_k == 2 picks the pairs of objects.
		for j := range n {
			for k := range n {
				t, d, active := pairTerm(e.Mean[j], e.Mean[k])
				e.Push[j*n+k] = t
				e.PushSum += t
				if active && d != 0 {
					g := sign32(d) / float64(den2) * pushScale / 2
					e.GradTL[j] += g
					e.GradBR[j] += g
					e.GradTL[k] -= g
					e.GradBR[k] -= g
				}
			}
		}
		return
	}
	// Other mask values: the reference adds them as uint8 (wrapping) and keeps
	// the pairs whose sum is exactly 2, whichever slots they are.
	K := len(mask)
	mean := make([]float32, K)
	for k := range K {
		mean[k] = float32(float32(tl[k]+br[k]) / 2)
	}
	for j := range K {
		for k := range K {
			if uint8(mask[j]+mask[k]) != 2 {
				continue
			}
			t, _, _ := pairTerm(mean[j], mean[k])
			e.PushSum += t
		}
	}
	for j := range n {
		for k := range n {
			e.Push[j*n+k], _, _ = pairTerm(e.Mean[j], e.Mean[k])
		}
	}
}

// mmdet follows mmdetection's ae_loss_per_image: mean pull, push over the
// off-diagonal pairs, nothing for fewer than two objects, no 1e-4 terms.
func (e *Embedding) mmdet(pullScale, pushScale float64) {
	n := len(e.Slots)
	if n == 0 {
		return
	}
	N := float64(n)
	for i := range n {
		m := float64(e.TL[i]+e.BR[i]) / 2
		d0, d1 := float64(e.TL[i])-m, float64(e.BR[i])-m
		e.Pull[i] = (d0*d0 + d1*d1) / N
		e.PullSum += e.Pull[i]
		g := (float64(e.TL[i]) - float64(e.BR[i])) / N * pullScale
		e.GradTL[i], e.GradBR[i] = g, -g
	}
	if n < 2 {
		return
	}
	den := N * (N - 1)
	for j := range n {
		for k := range n {
			if j == k {
				continue
			}
			d := float64(float32(e.Mean[k] - e.Mean[j])) // me_k - me_j, in float32
			a := 1 - math.Abs(d)
			if a <= 0 {
				continue
			}
			e.Push[j*n+k] = a / den
			e.PushSum += a / den
			if d != 0 {
				g := math.Copysign(1, d) / den * pushScale / 2
				e.GradTL[j] += g
				e.GradBR[j] += g
				e.GradTL[k] -= g
				e.GradBR[k] -= g
			}
		}
	}
}

func sign32(d float32) float64 {
	switch {
	case d > 0:
		return 1
	case d < 0:
		return -1
	}
	return 0
}
