package viz

import (
	"math"
	"strconv"
	"strings"
)

// Format returns v compactly with three significant digits, for readouts and
// titles: "0", "0.731", "12.3", "1.5k", "2.35M", "1e-3", "-2.5e-7". Values
// from 0.01 up to 1000 print plainly, larger ones with a k, M, G or T suffix
// (exponent form from 1e15), smaller ones in exponent form.
func Format(v float64) string {
	switch {
	case v == 0:
		return "0"
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'e', 2, 64), 64) // 3 significant digits
	a := math.Abs(r)
	switch {
	case a < 1e-2 || a >= 1e15:
		return exponent(r, 2)
	case a < 1e3:
		return trim(strconv.FormatFloat(r, 'f', max(0, 2-magnitude(a)), 64))
	}
	u := min(magnitude(a)/3, 4)
	m := r / math.Pow(10, float64(3*u))
	return trim(strconv.FormatFloat(m, 'f', max(0, 2-magnitude(math.Abs(m))), 64)) + suffixes[u]
}

// suffixes name the powers of a thousand.
var suffixes = [...]string{"", "k", "M", "G", "T"}

// label sets the labels of linear ticks spaced by m·10^e, choosing one form for
// the whole set so that the labels line up: plain decimals ("0.25"), exponent
// form when the step needs more than three decimals ("-2e-4"), or a thousands
// suffix when the values reach 10^4 ("15k"). A zero m labels each tick with
// Format instead.
func label(ticks []Tick, m float64, e int) {
	if m == 0 {
		for i := range ticks {
			ticks[i].Label = Format(ticks[i].Value)
		}
		return
	}
	mdec := 0 // decimals of the mantissa: 1 for 2.5
	if m != math.Trunc(m) {
		mdec = 1
	}
	top := 0.0
	for _, t := range ticks {
		top = max(top, math.Abs(t.Value))
	}
	dec := max(0, mdec-e)
	var u int // thousands suffix, when used
	if top >= 1e4 && top < 1e15 {
		u = min(magnitude(top)/3, 4)
		if max(0, mdec-(e-3*u)) > 2 {
			u = 0 // a suffix would need more than two decimals
		}
	}
	for i := range ticks {
		v := ticks[i].Value
		var s string
		switch {
		case v == 0:
			s = "0"
		case top >= 1e15 || dec > 3 && top/decimal(m, e) < 1e4:
			s = exponent(v, magnitude(math.Abs(v))-e+mdec)
		case u > 0:
			s = trim(strconv.FormatFloat(v/math.Pow(10, float64(3*u)), 'f', max(0, mdec-(e-3*u)), 64)) + suffixes[u]
		default:
			s = trim(strconv.FormatFloat(v, 'f', dec, 64))
		}
		ticks[i].Label = s
	}
}

// labelDecades labels ticks that are 0 or ±10^k for k in [d0, d1]: plainly
// ("0.01", "100") when every k is in [-2, 3], else as "1e-6", keeping "1"
// and "10" plain.
func labelDecades(ticks []Tick, d0, d1 int) {
	plain := d0 >= -2 && d1 <= 3
	for i := range ticks {
		v := ticks[i].Value
		k := magnitude(math.Abs(v))
		switch {
		case v == 0:
			ticks[i].Label = "0"
		case plain || k == 0 || k == 1:
			ticks[i].Label = strconv.FormatFloat(v, 'f', -1, 64)
		default:
			ticks[i].Label = exponent(v, 0)
		}
	}
}

// exponent formats v as "-2.5e-4" with at most prec digits after the point,
// trailing zeros dropped.
func exponent(v float64, prec int) string {
	s := strconv.FormatFloat(v, 'e', min(max(prec, 0), 16), 64)
	mant, exp, _ := strings.Cut(s, "e")
	n, _ := strconv.Atoi(exp)
	return trim(mant) + "e" + strconv.Itoa(n)
}

// magnitude returns ⌊log10 a⌋ for a > 0, exact at powers of ten.
func magnitude(a float64) int {
	e := int(math.Floor(math.Log10(a)))
	// Log10 can land just below an integer for exact powers of ten.
	if decimal(1, e+1) <= a {
		e++
	}
	return e
}

// trim drops trailing zeros after a decimal point, and the point itself.
func trim(s string) string {
	if !strings.Contains(s, ".") {
		return s
	}
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}
