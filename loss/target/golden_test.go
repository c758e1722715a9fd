package target

import (
	"fmt"
	"math"
	"testing"

	"codeberg.org/sbinet/npyio/npz"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/golden"
)

// closeHeat is the tolerance on float32 targets: the reference's exp and Go's
// math.Exp may differ in the last float64 bit, which can move a float32 by
// one ulp (< 1e-7 for values ≤ 1).
const closeHeat = 1e-6

// goldenParams turns a case's target_params into Params.
func goldenParams(t *testing.T, c golden.Case) Params {
	t.Helper()
	tp := c.TargetParams
	r := tp.GaussianRadius
	if r != math.Trunc(r) {
		t.Fatalf("gaussian_radius %v is not a whole number", r)
	}
	return Params{
		InputSize:      tp.InputSize,
		OutputSize:     tp.OutputSize,
		Categories:     tp.Categories,
		GaussianIOU:    tp.GaussianIOU,
		GaussianRadius: int(r),
		Formula:        Fixed,
		MaxTagLen:      tp.MaxTagLen,
	}
}

// goldenBoxes turns a case's boxes into Box lists.
func goldenBoxes(t *testing.T, c golden.Case) [][]Box {
	t.Helper()
	images := make([][]Box, len(c.Boxes))
	for i, rows := range c.Boxes {
		images[i] = []Box{}
		for _, r := range rows {
			if r[4] != math.Trunc(r[4]) {
				t.Fatalf("image %d: class %v is not a whole number", i, r[4])
			}
			images[i] = append(images[i], Box{r[0], r[1], r[2], r[3], int(r[4])})
		}
	}
	return images
}

// readNPZ reads one array of the case's dump and checks its shape.
func readNPZ[T any](t *testing.T, f *npz.Reader, key string, shape ...int) []T {
	t.Helper()
	h := f.Header(key + ".npy")
	if h == nil {
		t.Fatalf("%s: not in the dump", key)
	}
	if fmt.Sprint(h.Descr.Shape) != fmt.Sprint(shape) {
		t.Fatalf("%s: shape %v, want %v", key, h.Descr.Shape, shape)
	}
	var v []T
	if err := f.Read(key+".npy", &v); err != nil {
		t.Fatalf("%s: %v", key, err)
	}
	return v
}

func TestGolden(t *testing.T) {
	cases, err := golden.All()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			s, err := Build(goldenParams(t, c), goldenBoxes(t, c))
			if err != nil {
				t.Fatal(err)
			}
			sh := c.Shape
			if s.Batch != sh.B || s.Classes != sh.C || s.Height != sh.H || s.Width != sh.W || s.Slots != sh.K {
				t.Fatalf("set B=%d C=%d %dx%d K=%d, case shape %+v", s.Batch, s.Classes, s.Height, s.Width, s.Slots, sh)
			}
			f, err := npz.Open(c.NPZ())
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()

			for _, corner := range loss.Corners {
				p := corner.String()
				heat := readNPZ[float32](t, f, "gt_"+p+"_heat", sh.B, sh.C, sh.H, sh.W)
				compareFloats(t, "gt_"+p+"_heat", s.Heat[corner], heat, sh.B, sh.C, sh.H, sh.W)
				regr := readNPZ[float32](t, f, "gt_"+p+"_regr", sh.B, sh.K, 2)
				compareFloats(t, "gt_"+p+"_regr", s.Regr[corner], regr, sh.B, sh.K, 2)
				inds := readNPZ[int64](t, f, p+"_inds", sh.B, sh.K)
				compareExact(t, p+"_inds", s.Inds[corner], inds, sh.B, sh.K)
			}
			mask := readNPZ[uint8](t, f, "gt_mask", sh.B, sh.K)
			compareExact(t, "gt_mask", s.Mask, mask, sh.B, sh.K)
		})
	}
}

func compareFloats(t *testing.T, name string, got, want []float32, dims ...int) {
	t.Helper()
	bad := 0
	for i := range want {
		if d := math.Abs(float64(got[i]) - float64(want[i])); d > closeHeat || math.IsNaN(d) {
			if bad < 5 {
				t.Errorf("%s%v: got %v, want %v", name, loss.Unravel(i, dims...), got[i], want[i])
			}
			bad++
		}
	}
	if bad > 0 {
		t.Errorf("%s: %d of %d values differ", name, bad, len(want))
	}
}

func compareExact[T comparable](t *testing.T, name string, got, want []T, dims ...int) {
	t.Helper()
	bad := 0
	for i := range want {
		if got[i] != want[i] {
			if bad < 5 {
				t.Errorf("%s%v: got %v, want %v", name, loss.Unravel(i, dims...), got[i], want[i])
			}
			bad++
		}
	}
	if bad > 0 {
		t.Errorf("%s: %d of %d values differ", name, bad, len(want))
	}
}
