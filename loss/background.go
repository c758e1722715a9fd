package loss

import (
	"math"
	"sync"
)

// Most of a heatmap is background: target 0, a logit below 0. There the
// reference's term, log(1-p)·p^α with p = σ(x), is a smooth function of the
// logit alone,
//
//	g(x) = -softplus(x)·σ(x)^α,
//
// and row reads it off a table: cubic Hermite pieces 1/256 wide over
// [xLo, 0], within 5e-11 relative for α = 2 (h⁴/384·max|g⁗/g|, g⁗ ≈ (α+1)⁴g).
// One lookup and three multiply-adds a pixel, four times faster than
// following the reference's float32 steps (sigmoidLog), natively and in
// WebAssembly.
//
// This g is the exact value; the reference's differs from it by its float32
// rounding of 1-p, half an ulp of a number near 1: up to 3e-8 absolute in
// log(1-p), 2^-25/p relative, unbiased over distinct logits, so that sums
// over many pixels agree far within the tolerance
// (TestBackgroundAgainstReference bounds each pixel by it). Rows that repeat
// their logits, where it would add up, follow the reference's steps
// (repeatedLogits), as do logits from 0 up, where p itself rounds coarser
// than 1-p needs, and the per-pixel maps; a clamped logit has the
// reference's constant term.
//
// MMDet has no clamp, and the same table serves it on (xTab, 0), xTab the
// logit where the reference's clamp would start (p = 1e-4), so the same
// bound holds: 2^-25/p ≤ 3e-4 relative a pixel, unbiased. Below xTab, where
// that bound grows, the float32 steps are followed, down to the logit where
// 1-p rounds to 1 (≈ -17.33): from there down the term is exactly 0 in
// float32, a constant as the clamp's is. From logit 10 up, where the 1e-12
// inside mmdetection's log starts to move 1-p, the exact path. The same
// sweep tests check both conventions.

const bgSteps = 256 // table pieces per unit of logit

// bgTable is g on [x0, 0] for one α and clamp, in units of a piece:
// piece j covers v = x·256 + off in [j, j+1), off = -x0·256 (a whole
// number, so x·256 + off rounds once), with g = c0 + r(c1 + r(c2 + r·c3)),
// r = v - j. Scaling the coefficients to the piece's width, once, saves
// row a multiplication a pixel.
type bgTable struct {
	off    float64
	pieces []bgPiece
}

type bgPiece struct{ c0, c1, c2, c3 float64 }

// newBGTable tabulates g for exponent alpha on [xLo, 0]. Its nodes lie on
// sigTable's, which hold σ and softplus there: a change of α costs one
// exponential a node, none for α = 2.
func newBGTable(alpha float64, xLo float32) *bgTable {
	x0 := math.Floor(float64(xLo)*bgSteps) / bgSteps
	// One piece past 0: float64(x)·256 + off rounds up to off for x within
	// 1e-16 of 0.
	n := int(-x0*bgSteps) + 1
	t := &bgTable{off: -x0 * bgSteps, pieces: make([]bgPiece, n)}
	first := int((x0 + sigHalf) * sigSteps) // sigTable's index of x0: exact, x0 is on its grid
	const h = 1.0 / bgSteps
	// node returns g and its derivative in piece units (d/dv = h·d/dx).
	node := func(j int) (g, dg float64) {
		e := &sigTable[first+j]
		x, s, sp := x0+float64(j)/bgSteps, e.s1, e.s0
		pa := s * s
		if alpha != 2 {
			pa = math.Exp(alpha * (x - sp)) // σ^α: log σ = x - softplus(x)
		}
		// g = -softplus·σ^α; softplus' = σ, σ' = σ(1-σ), 1-σ = 1/(1+e^x).
		return -sp * pa, -pa * (s + alpha*sp/(1+e.expPos)) * h
	}
	g0, d0 := node(0)
	for j := range t.pieces {
		g1, d1 := node(j + 1)
		slope := g1 - g0
		t.pieces[j] = bgPiece{
			c0: g0,
			c1: d0,
			c2: 3*slope - 2*d0 - d1,
			c3: d0 + d1 - 2*slope,
		}
		g0, d0 = g1, d1
	}
	return t
}

// at returns g(x) for xLo < x < 0.
func (t *bgTable) at(x float32) float64 {
	v := float64(x)*bgSteps + t.off
	j := int(v)
	c := &t.pieces[j]
	r := v - float64(j)
	return c.c0 + r*(c.c1+r*(c.c2+r*c.c3))
}

// bgTables keeps the tables of the last few (α, clamp) pairs: a β or weight
// change builds a new kernel with the same table, and a dragged α slider
// returns to values it has had.
var bgTables struct {
	sync.Mutex
	m map[bgKey]*bgTable
}

type bgKey struct {
	alpha float64
	xLo   float32
}

// bgTableFor returns the table for alpha and xLo, building it once.
func bgTableFor(alpha float64, xLo float32) *bgTable {
	key := bgKey{alpha, xLo}
	bgTables.Lock()
	defer bgTables.Unlock()
	if t, ok := bgTables.m[key]; ok {
		return t
	}
	if len(bgTables.m) >= 32 || bgTables.m == nil {
		bgTables.m = make(map[bgKey]*bgTable)
	}
	t := newBGTable(alpha, xLo)
	bgTables.m[key] = t
	return t
}
