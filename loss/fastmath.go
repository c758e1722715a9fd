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

// halfLogSteps splits δ = 1-q in [0, 1/2] into 128 intervals of 1/256.
const halfLogSteps = 256

// halfLog[i] = log(1 - i/256), halfInv[i] = 1/(1 - i/256), for i ≤ 128.
var halfLog, halfInv = func() (*[halfLogSteps/2 + 1]float64, *[halfLogSteps/2 + 1]float64) {
	var l, v [halfLogSteps/2 + 1]float64
	for i := range l {
		c := float64(i) / halfLogSteps
		l[i], v[i] = math.Log1p(-c), 1/(1-c)
	}
	return &l, &v
}()

// logUpperHalf returns log(q) for q in [1/2, 1], the 1-p of every pixel
// whose logit is not positive, to within 1e-11 relative. It works on δ = 1-q
// (exact for such q) with plain arithmetic: δ = c + (1-c)·t, c from the table,
// 0 ≤ t < 1/128, and log(1-δ) = log(1-c) + log(1-t) with the series of
// log(1-t) to t⁵. Unlike logFloat32 it needs no float-to-bits moves, which
// are slow under WebAssembly.
func logUpperHalf(q float32) float64 {
	d := 1 - float64(q)
	i := int(d * halfLogSteps)
	t := (d - float64(i)*(1.0/halfLogSteps)) * halfInv[i]
	t2 := t * t
	// Estrin's scheme: shorter dependency chains than Horner's.
	s := t + t2*(1.0/2+t*(1.0/3)) + t2*t2*(1.0/4+t*(1.0/5))
	return halfLog[i] - s
}

// logFloat32 returns log(q) for a positive, normal float32 q to within
// 4e-14 absolute: q = 2^e·c·(1+r) with c from the table and 0 ≤ r < 1/128,
// and log(1+r) from its series to r⁵ (the rest is below r⁶/6). The focal
// kernel feeds it 1-p ≤ 1-ε, where |log q| ≥ 1e-4, so the relative error
// stays below 1e-9; nothing is rounded after it, so it need not be exact.
// No branch: which pixels are near the clamp is data, not a pattern.
func logFloat32(q float32) float64 {
	b := math.Float32bits(q)
	e := int(b>>23) - 127
	i := (b >> 16) & (logSteps - 1)
	m := math.Float32frombits(b&0x7fffff | 127<<23) // mantissa in [1, 2)
	c := math.Float32frombits(b&0x7f0000 | 127<<23) // its top 7 bits
	r := float64(m-c) * logInv[i]                   // m-c is exact
	r2 := r * r
	// Estrin's scheme: shorter dependency chains than Horner's.
	l := r - r2*(1.0/2-r*(1.0/3)) - r2*r2*(1.0/4-r*(1.0/5))
	return float64(e)*math.Ln2 + logTable[i] + l
}
