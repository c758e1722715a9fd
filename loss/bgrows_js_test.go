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
// 0, far below xTab, -0 and NaN, -0 and tiny targets, positives, a box's
// corner (a run of targets in (0, 1]), repeated logits, under both
// conventions and several α; and it takes exactly the rows it should (all
// but those whose logits repeat), so the test cannot pass on row alone. It
// runs where the host gives the module's memory (wasm/nodeexec.js, which
// `make test` uses, and the browser); CORNERLOSS_SIMD=1 says the host does.
func TestBGRowsAsRow(t *testing.T) {
	if !SIMDRows() {
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
					// A repeated logit at one of repeatedLogits' four pairs:
					// the reference's steps.
					q := width / 4
					at := []int{0, q, 2 * q, width - 2}[rng.IntN(4)]
					row[at+1] = row[at]
				case 10:
					row[i] = k.xTab - 3
				case 11:
					// A corner's Gaussian across a row: several groups.
					for j := max(0, i-9); j < min(width, i+10); j++ {
						y[r*width+j] = float32(math.Exp(-float64((j-i)*(j-i)) / 18))
					}
					row[i] = 2.5
				}
			}
			got := make([]rowSums, h)
			n, ok := k.rowsSIMD(got, x, y, width)
			if !ok {
				t.Fatalf("width %d: bgrows.wasm did not run", width)
			}
			// Every row whose logits do not repeat goes to bgrows.wasm,
			// groups not plain included (the list has room for them all).
			want := 0
			for r := range h {
				if !repeatedLogits(x[r*width : (r+1)*width]) {
					want++
				}
			}
			if n != want {
				t.Fatalf("%+v width %d: bgrows.wasm summed %d rows, want %d", o, width, n, want)
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
	// A crowded plane: eight groups not plain a row fill the list of
	// groups halfway down; the rows past it are row's, and still the same.
	for _, o := range opts {
		k := newKernel(o)
		const h, width = 64, 128
		x, y := make([]float32, h*width), make([]float32, h*width)
		for i := range x {
			x[i] = float32(-4.6 + 0.5*rng.NormFloat64()) // no logit near the table's ends
			if i%16 == 5 {
				x[i] = 0.5
			}
		}
		got := make([]rowSums, h)
		n, ok := k.rowsSIMD(got, x, y, width)
		if want := groupsPerRow * h / 8; !ok || n != want {
			t.Fatalf("%+v crowded plane: bgrows.wasm summed %d rows (ok %v), want %d", o, n, ok, want)
		}
		for r := range h {
			if want := k.row(x[r*width:(r+1)*width], y[r*width:(r+1)*width]); !sameRow(got[r], want) {
				t.Fatalf("%+v crowded plane row %d: bgrows.wasm %+v, row %+v", o, r, got[r], want)
			}
		}
	}
	// Thirteen cases in fourteen leave a row to bgrows.wasm.
	if 2*plain < rows {
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

// TestBGRowsFallBack: a module the browser cannot compile (as bgrows.wasm
// is where WebAssembly has no SIMD) leaves the rows to Go instead of
// failing, and bgrows.wasm itself loads.
func TestBGRowsFallBack(t *testing.T) {
	if !SIMDRows() {
		t.Skip("no module memory on globalThis.cornerlossMemory (run with wasm/nodeexec.js)")
	}
	if f := loadBGRows([]byte("\x00asm\x01\x00\x00\x00\x7f")); !f.rows.IsUndefined() {
		t.Fatal("a module that does not compile gave a function")
	}
	if f := loadBGRows(bgRowsWasm); f.rows.IsUndefined() {
		t.Fatal("bgrows.wasm did not load")
	}
}
