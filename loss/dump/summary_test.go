package dump

import (
	"fmt"
	"testing"
)

// TestLineAsFmt: an array's summary row is what fmt wrote before, %v of
// the shape included, for names wider and narrower than their column,
// names that are not ASCII, and shapes of every rank.
func TestLineAsFmt(t *testing.T) {
	for _, name := range []string{"", "tl_heats", "gt_tl_heat_extra_long", "热图", "naïve_name"} {
		for _, dt := range []string{"float32", "bool", "float16_longer"} {
			for _, shape := range [][]int{nil, {}, {0}, {7}, {2, 3, 80, 128, 128}, {1 << 40, 1}} {
				for _, order := range []string{"", ", Fortran order"} {
					a := ArrayInfo{Name: name, Dtype: dt, Descr: "<f4", Shape: shape}
					want := fmt.Sprintf("  %-11s %-8s %-6s %v%s", a.Name, a.Dtype, a.Descr, a.Shape, order)
					if got := a.Line(order); got != want {
						t.Errorf("Line(%q) = %q, fmt gives %q", order, got, want)
					}
				}
			}
		}
	}
}
