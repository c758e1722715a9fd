package viz

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

func TestTicks(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    Scale
		n    int
		want string // the labels, space-separated
	}{
		{"unit quarters", Linear(0, 1), 5, "0 0.25 0.5 0.75 1"},
		{"unit fifths", Linear(0, 1), 8, "0 0.2 0.4 0.6 0.8 1"},
		{"unit halves", Linear(0, 1), 3, "0 0.5 1"},
		{"zero scale", Scale{}, 3, "0 0.5 1"},
		{"ten", Linear(0, 10), 8, "0 2 4 6 8 10"},
		{"offset", Linear(-3.7, 12.2), 8, "-2 0 2 4 6 8 10 12"},
		{"negative", Linear(-5, -2), 5, "-5 -4 -3 -2"},
		{"degenerate", Linear(0.5, 0.5), 5, "0.5"},
		{"degenerate zero", Linear(0, 0), 5, "0"},
		{"one tick", Linear(0.3, 0.8), 1, "0.6"},
		{"one tick across 0", Linear(-0.3, 0.8), 1, "0"},
		{"tiny", Linear(1, 1.0000123), 3, "1 1.000005 1.00001"},
		{"tiny around 0", Linear(-0.0007, 0.0003), 5, "-6e-4 -4e-4 -2e-4 0 2e-4"},
		{"small", Linear(0, 0.015), 5, "0 0.005 0.01 0.015"},
		{"thousands", Linear(0, 2000), 5, "0 500 1000 1500 2000"},
		{"ten thousands", Linear(0, 15000), 5, "0 5k 10k 15k"},
		{"near a thousand", Linear(1000, 1010), 3, "1000 1005 1010"},
		{"millions", Linear(0, 1.23e7), 5, "0 2.5M 5M 7.5M 10M"},
		{"huge", Linear(0, 3e16), 4, "0 1e16 2e16 3e16"},
		{"log 12 decades", Log(1e-12, 10), 5, "1e-12 1e-9 1e-6 1e-3 1"},
		{"log 12 decades dense", Log(1e-12, 10), 8, "1e-12 1e-10 1e-8 1e-6 1e-4 1e-2 1"},
		{"log 12 decades sparse", Log(1e-12, 10), 3, "1e-10 1e-5 1"},
		{"log plain", Log(1e-2, 1e2), 5, "0.01 0.1 1 10 100"},
		{"log both sides", Log(1e-6, 1e6), 5, "1e-6 1e-3 1 1e3 1e6"},
		{"log one decade", Log(0.5, 20), 5, "1 10"},
		{"log 1-2-5", Log(0.15, 0.9), 5, "0.2 0.5"},
		{"log linear fallback", Log(3, 4), 5, "3 3.25 3.5 3.75 4"},
		{"log degenerate", Log(2, 2), 5, "2"},
		{"symmetric", Symmetric(1), 5, "-1 -0.5 0 0.5 1"},
		{"symmetric grad", Symmetric(3.3e-4), 8, "-3e-4 -2e-4 -1e-4 0 1e-4 2e-4 3e-4"},
		{"symmetric even n", Symmetric(250), 4, "-200 0 200"},
		{"symmetric zero", Symmetric(0), 5, "0"},
		{"symlog", SymLog(2, 1e-6), 9, "-1 -1e-2 -1e-4 0 1e-4 1e-2 1"},
		{"symlog plain", SymLog(1, 0.001), 9, "-1 -0.1 -0.01 0 0.01 0.1 1"},
		{"symlog linear", SymLog(5, 1), 5, "-4 -2 0 2 4"},
		{"symlog too few", SymLog(2, 1e-6), 2, "0"},
	} {
		var got []string
		for _, tk := range tc.s.Ticks(tc.n) {
			got = append(got, tk.Label)
		}
		if g := strings.Join(got, " "); g != tc.want {
			t.Errorf("%s: Ticks(%d) = %q, want %q", tc.name, tc.n, g, tc.want)
		}
	}
}

// TestTicksProperties checks every tick set over many ranges: at most n
// ticks, at least one, inside the domain, strictly increasing, with distinct
// labels that parse back near their values.
func TestTicksProperties(t *testing.T) {
	var scales []Scale
	for _, lo := range []float64{-1e9, -37, -1, -1e-7, 0, 1e-13, 0.3, 1, 999, 1e12} {
		for _, span := range []float64{0, 1e-9, 1e-4, 0.01, 1, 7, 1e3, 3e6} {
			hi := lo + span*math.Max(1, math.Abs(lo))
			scales = append(scales, Linear(lo, hi), Symmetric(hi), SymLog(hi, span/100))
			if lo > 0 {
				scales = append(scales, Log(lo, hi))
			}
		}
	}
	for _, s := range scales {
		lo, hi := s.Domain()
		slack := 1e-9 * math.Max(math.Abs(lo), math.Abs(hi))
		for n := 1; n <= 12; n++ {
			ticks := s.Ticks(n)
			name := fmt.Sprintf("%+v Ticks(%d)", s, n)
			if len(ticks) < 1 || len(ticks) > n {
				t.Errorf("%s: %d ticks", name, len(ticks))
			}
			seen := map[string]bool{}
			for i, tk := range ticks {
				if tk.Value < lo-slack || tk.Value > hi+slack {
					t.Errorf("%s: %g outside [%g, %g]", name, tk.Value, lo, hi)
				}
				if i > 0 && tk.Value <= ticks[i-1].Value {
					t.Errorf("%s: %g follows %g", name, tk.Value, ticks[i-1].Value)
				}
				if seen[tk.Label] {
					t.Errorf("%s: label %q repeats", name, tk.Label)
				}
				seen[tk.Label] = true
				if v := parseLabel(tk.Label); math.Abs(v-tk.Value) > 1e-9*math.Max(math.Abs(tk.Value), 1e-300) {
					t.Errorf("%s: label %q reads as %g, value %g", name, tk.Label, v, tk.Value)
				}
			}
		}
	}
}

// parseLabel reads a tick label back, suffix included.
func parseLabel(s string) float64 {
	mul := 1.0
	for u, suf := range suffixes {
		if u > 0 && strings.HasSuffix(s, suf) {
			s, mul = strings.TrimSuffix(s, suf), math.Pow(1000, float64(u))
		}
	}
	var v float64
	fmt.Sscan(s, &v)
	return v * mul
}

func TestFormat(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		want string
	}{
		{0, "0"}, {math.Copysign(0, -1), "0"}, {1, "1"}, {0.25, "0.25"}, {-0.25, "-0.25"},
		{0.731, "0.731"}, {0.7314, "0.731"}, {12.345, "12.3"}, {0.01, "0.01"},
		{999.7, "1k"}, {1500, "1.5k"}, {12345, "12.3k"}, {2.35e6, "2.35M"}, {999999, "1M"},
		{3e12, "3T"}, {1e15, "1e15"}, {1e-3, "1e-3"}, {5e-3, "5e-3"}, {-2e-4, "-2e-4"},
		{-2.5e-7, "-2.5e-7"}, {1.2345e-5, "1.23e-5"}, {0.0099999, "0.01"},
		{math.NaN(), "NaN"}, {math.Inf(1), "Inf"}, {math.Inf(-1), "-Inf"},
	} {
		if got := Format(tc.v); got != tc.want {
			t.Errorf("Format(%g) = %q, want %q", tc.v, got, tc.want)
		}
	}
}
