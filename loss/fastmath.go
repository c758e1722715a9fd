package loss

import "math"

// Table-driven exp and log for the focal kernel. Both are accurate to a few
// units of 1e-16 relative, so rounding their results to float32 gives the
// same value as rounding math.Exp and math.Log except in the rare case of a
// true value within that distance of a float32 rounding boundary (where
// Sleef's expf, with its one-ulp error, is no more exact anyway).

// fastExpMax bounds the argument of fastExp: |t| ≤ fastExpMax.
const fastExpMax = 20

const (
	expSteps = 256 // table entries per unit of t
	expLen   = 2*fastExpMax*expSteps + 1
)

// expTable[i] = exp(i/expSteps - fastExpMax).
var expTable = func() *[expLen]float64 {
	var t [expLen]float64
	for i := range t {
		t[i] = math.Exp(float64(i)/expSteps - fastExpMax)
	}
	return &t
}()

// fastExp returns exp(t) for |t| ≤ fastExpMax. t is split into a multiple of
// 1/256, looked up, and a remainder r with |r| ≤ 1/512 whose exponential a
// degree-4 Taylor polynomial gives to within r⁵/120 < 3e-16.
func fastExp(t float64) float64 {
	u := (t + fastExpMax) * expSteps
	i := int(u + 0.5)
	// t + fastExpMax is exact for a float32 t, and so is i/expSteps: r is exact.
	r := (t + fastExpMax) - float64(i)*(1.0/expSteps)
	p := 1 + r*(1+r*(1.0/2+r*(1.0/6+r*(1.0/24))))
	return expTable[i] * p
}

const logSteps = 128 // table entries per binade (top 7 mantissa bits)

// logTable[i] = log(1 + i/128), logInv[i] = 1/(1 + i/128).
var logTable, logInv = func() (*[logSteps]float64, *[logSteps]float64) {
	var l, v [logSteps]float64
	for i := range l {
		c := 1 + float64(i)/logSteps
		l[i], v[i] = math.Log(c), 1/c
	}
	return &l, &v
}()

// logFloat32 returns log(q) for a positive, normal float32 q. Near 1, where
// log q is small and a table would lose relative accuracy, it sums the series
// of log(1-δ) with δ = 1-q exact; elsewhere it splits q into 2^e·c·(1+r) with
// c from the table and |r| < 1/128.
func logFloat32(q float32) float64 {
	d := 1 - float64(q)
	if d >= 0 && d < 1.0/64 {
		// -log(1-δ) = δ + δ²/2 + … + δ⁷/7; the rest is below δ⁸/8 < 3e-15·δ.
		s := d * (1 + d*(1.0/2+d*(1.0/3+d*(1.0/4+d*(1.0/5+d*(1.0/6+d*(1.0/7)))))))
		return -s
	}
	b := math.Float32bits(q)
	e := int(b>>23) - 127
	i := (b >> 16) & (logSteps - 1)
	m := math.Float32frombits(b&0x7fffff | 127<<23) // mantissa in [1, 2)
	c := math.Float32frombits(b&0x7f0000 | 127<<23) // its top 7 bits
	r := float64(m-c) * logInv[i]                   // m-c is exact
	l := r * (1 - r*(1.0/2-r*(1.0/3-r*(1.0/4-r*(1.0/5-r*(1.0/6))))))
	return float64(e)*math.Ln2 + logTable[i] + l
}
