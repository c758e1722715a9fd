//go:build js && wasm

package loss

import (
	"math"
	"math/rand/v2"
	"os"
	"testing"
)

// TestBGRowsAsRow: bgrows.wasm's rows are row's, to the bit, over planes
// made to hit every edge of the plain test: logits at and around xTab and
// 0, -0 and NaN, -0 and tiny targets, positives, repeated logits, under
// both conventions and several α, and it sums most rows of a background
// plane (so the test cannot pass on row alone). It runs where the host
// gives the module's memory (wasm/nodeexec.js, which `make test` uses, and
// the browser); CORNERLOSS_SIMD=1 says the host does.
func TestBGRowsAsRow(t *testing.T) {
	if bgRowsFunc().IsUndefined() {
		if os.Getenv("CORNERLOSS_SIMD") == "1" {
			t.Fatal("bgrows.wasm did not load, and the runner gives the module's memory")
		}
		t.Skip("no module memory on globalThis.cornerlossMemory (run with wasm/nodeexec.js)")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	opts := []Options{DefaultOptions()}
	for _, a := range []float64{0, 1.5, 3} {
		o := DefaultOptions()
		o.Alpha = a
		opts = append(opts, o)
	}
	m := DefaultOptions()
	m.Convention = MMDet
	opts = append(opts, m)
	plain, rows := 0, 0
	for _, o := range opts {
		k := newKernel(o)
		for _, width := range []int{8, 12, 128, 132} {
			const h = 64
			x, y := make([]float32, h*width), make([]float32, h*width)
			for r := range h {
				row := x[r*width : (r+1)*width]
				for i := range row {
					row[i] = float32(-4.6 + 1.2*rng.NormFloat64())
				}
				// Most rows plain; the others get one thing the plain test
				// must catch, at a random place.
				i := rng.IntN(width)
				switch rng.IntN(14) {
				case 0:
					row[i] = k.xTab
				case 1:
					row[i] = math.Nextafter32(k.xTab, 0)
				case 2:
					row[i] = 0
				case 3:
					row[i] = float32(math.Copysign(0, -1))
				case 4:
					row[i] = math.Nextafter32(0, -1)
				case 5:
					row[i] = float32(math.NaN())
				case 6:
					y[r*width+i] = float32(math.Copysign(0, -1))
				case 7:
					y[r*width+i] = math.SmallestNonzeroFloat32
				case 8:
					y[r*width+i] = 1
				case 9:
					row[1] = row[0] // a repeated logit: the reference's steps
				case 10:
					row[i] = k.xTab - 3
				}
			}
			got := make([]rowSums, h)
			n, ok := k.rowsSIMD(got, x, y, width)
			if !ok {
				t.Fatalf("width %d: bgrows.wasm did not run", width)
			}
			plain, rows = plain+n, rows+h
			for r := range h {
				want := k.row(x[r*width:(r+1)*width], y[r*width:(r+1)*width])
				if !sameRow(got[r], want) {
					t.Fatalf("%+v width %d row %d: bgrows.wasm %+v, row %+v", o, width, r, got[r], want)
				}
			}
		}
	}
	// Five cases in fourteen leave a row plain (three untouched, a logit
	// just above xTab, one just below 0).
	if 4*plain < rows {
		t.Fatalf("bgrows.wasm summed %d rows of %d: the plain test refuses rows it should take", plain, rows)
	}
}

// sameRow compares two rows' sums bit for bit (NaN equal to NaN).
func sameRow(a, b rowSums) bool {
	same := func(p, q float64) bool { return math.Float64bits(p) == math.Float64bits(q) }
	f := func(p, q focalSums) bool {
		return same(p.pos, q.pos) && same(p.neg, q.neg) && p.npos == q.npos && p.clamped == q.clamped
	}
	return f(a.bg, b.bg) && f(a.other, b.other) && a.others == b.others
}
