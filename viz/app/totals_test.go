package app

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cornerloss/cornerloss/loss"
)

// TestTermsFollowConvention: the explanation shows the selected
// convention's formulas (under mmdet the corners' average and the pixel
// mask of the offsets) and its live counts.
func TestTermsFollowConvention(t *testing.T) {
	a := New()
	terms := func() map[string]Term {
		m := map[string]Term{}
		for _, term := range a.Terms() {
			m[term.ID] = term
		}
		return m
	}
	ref := terms()
	if strings.Contains(ref["focal"].Formula, "(tl + br)/2") || !strings.Contains(ref["focal"].Formula, "clamp") {
		t.Errorf("reference focal formula %q", ref["focal"].Formula)
	}
	o := a.Options
	o.Convention = loss.MMDet
	if err := a.SetOptions(o); err != nil {
		t.Fatal(err)
	}
	mm := terms()
	for _, c := range []struct{ id, want string }{
		{"focal", "det = (tl + br)/2"}, {"focal", "no clamp"}, {"regr", "off = (tl + br)/2"},
		{"regr", "pixels where any class has y = 1"}, {"push", "0 for N_b < 2"}, {"total", "Σ_stacks"},
	} {
		if !strings.Contains(mm[c.id].Formula, c.want) {
			t.Errorf("mmdet %s formula %q lacks %q", c.id, mm[c.id].Formula, c.want)
		}
	}
	r := a.Result()
	pix := fmt.Sprintf("M = %d (tl), %d (br) pixels", r.OffsetCount(loss.TopLeft), r.OffsetCount(loss.BottomRight))
	if !strings.Contains(mm["regr"].Live, pix) || r.OffsetCount(loss.TopLeft) == 0 {
		t.Errorf("mmdet offset live %q lacks %q", mm["regr"].Live, pix)
	}
	if strings.Contains(mm["push"].Live, "1.000166") {
		t.Errorf("mmdet push live %q mentions the reference's one-object quirk", mm["push"].Live)
	}
}
