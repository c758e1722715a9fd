//go:build !js

package e2e

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/dump"
	"github.com/cornerloss/cornerloss/loss/scene"
)

// cocoDump writes a COCO-shaped training step (B=2, S=2, 80 classes at
// 128×128, logits with noise: about 40 MB compressed) as an .npz.
func cocoDump(tb testing.TB) string {
	tb.Helper()
	in, _, err := scene.COCO(2, 2).Build()
	if err != nil {
		tb.Fatal(err)
	}
	sh := in.Shape
	heats := []int{sh.Stacks, sh.Batch, sh.Classes, sh.Height, sh.Width}
	arrays := []dump.Array{
		{Name: "tl_heats", Shape: heats, Data: in.Heat[loss.TopLeft]},
		{Name: "br_heats", Shape: heats, Data: in.Heat[loss.BottomRight]},
		{Name: "tl_tags", Shape: []int{sh.Stacks, sh.Batch, sh.Slots, 1}, Data: in.Tag[loss.TopLeft]},
		{Name: "br_tags", Shape: []int{sh.Stacks, sh.Batch, sh.Slots, 1}, Data: in.Tag[loss.BottomRight]},
		{Name: "tl_regrs", Shape: []int{sh.Stacks, sh.Batch, sh.Slots, 2}, Data: in.Regr[loss.TopLeft]},
		{Name: "br_regrs", Shape: []int{sh.Stacks, sh.Batch, sh.Slots, 2}, Data: in.Regr[loss.BottomRight]},
		{Name: "gt_tl_heat", Shape: heats[1:], Data: in.GTHeat[loss.TopLeft]},
		{Name: "gt_br_heat", Shape: heats[1:], Data: in.GTHeat[loss.BottomRight]},
		{Name: "gt_mask", Shape: []int{sh.Batch, sh.Slots}, Data: in.Mask},
		{Name: "gt_tl_regr", Shape: []int{sh.Batch, sh.Slots, 2}, Data: in.GTRegr[loss.TopLeft]},
		{Name: "gt_br_regr", Shape: []int{sh.Batch, sh.Slots, 2}, Data: in.GTRegr[loss.BottomRight]},
		{Name: "tl_inds", Shape: []int{sh.Batch, sh.Slots}, Data: in.Inds[loss.TopLeft]},
		{Name: "br_inds", Shape: []int{sh.Batch, sh.Slots}, Data: in.Inds[loss.BottomRight]},
	}
	path := filepath.Join(tb.TempDir(), "coco_b2_s2.npz")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriter(f)
	if err := dump.WriteNPZ(w, arrays); err != nil {
		tb.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return path
}

// TestLargeUploadShowsProgress: a 40 MB dump opens, with the progress bar
// shown while it is read.
func TestLargeUploadShowsProgress(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 40 MB dump")
	}
	path := cocoDump(t)
	b := newBrowser(t)
	b.open("")
	b.upload(path, "ok")
	if eval[string](b, `document.body.dataset.progressSeen || ""`) != "1" {
		t.Error("no progress was shown while the 40 MB dump was read")
	}
	if got := b.value("loss-total"); !(got > 0) {
		t.Errorf("total %v after the upload", got)
	}
	b.screenshot("coco-dump")
}

// BenchmarkPageLoad reports the loading figures: the first drawn frame after
// navigation, and a 40 MB .npz read, checked, evaluated and shown, with the
// growth of the page's memory for it.
func BenchmarkPageLoad(b *testing.B) {
	path := cocoDump(b)
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		br := newBrowser(b)
		br.open("")
		num := func(attr string) float64 {
			v, err := strconv.ParseFloat(eval[string](br, `document.body.dataset.`+attr), 64)
			if err != nil {
				b.Fatalf("%s: %v", attr, err)
			}
			return v
		}
		b.ReportMetric(num("firstFrameMs"), "ms/first-frame")
		br.upload(path, "ok")
		br.waitFor(`document.body.dataset.uploadMs !== undefined`, time.Minute)
		b.ReportMetric(num("uploadMs"), "ms/upload")
		b.ReportMetric(float64(st.Size())/1e6, "MB/dump")
		b.ReportMetric(num("uploadMemoryGrowth")/float64(st.Size()), "memory/dump-size")
	}
}
