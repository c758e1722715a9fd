//go:build !js

package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// ptBenchFiles are the files BenchmarkPagePT picks, in the order of its
// first round: the same tensors as a .pt, zip and legacy, and as an .npz,
// stored (np.savez) and deflated (np.savez_compressed).
var ptBenchFiles = []string{"pt-zip.pt", "npz-stored.npz", "pt-legacy.pt", "npz-deflated.npz"}

// pickOnce picks path in a freshly opened page and returns, in ms, the
// time from the input's change event to data-state=ok seen from outside
// the page's code ("ok"), and the page's own phase of reading and checking
// the file (data-upload-check-ms: unzip or unpickle, decode, check).
func pickOnce(b *testing.B, path string) (ok, check float64) {
	br := newBrowser(b)
	defer br.quit()
	br.open("")
	br.exec(watchUpload)
	br.upload(path, "ok")
	br.waitFor(`window.uploadWatch.ok !== undefined`, time.Minute)
	w := eval[[]float64](br, `(w => [w.change, w.ok])(window.uploadWatch)`)
	check, err := strconv.ParseFloat(eval[string](br, `document.body.dataset.uploadCheckMs`), 64)
	if err != nil {
		b.Fatal(err)
	}
	return w[1] - w[0], check
}

// BenchmarkPagePT: issue 9's "reading a 40 MB .pt is at most 1.2× the time
// of the same tensors as .npz, in the page". The tensors of loss/dump's
// BenchmarkReadPT (CornerNet at batch 2, two stacks, 51 classes: 40 MB as
// stored), written by the dump tests' .pt writer (TestPTWriter checks it
// against torch.save's corpus), are picked each in a freshly opened page,
// the four files alternating, three rounds. It reports the medians of the
// page's read-and-check phase and of change → ok, and the .pt's ratios to
// the stored .npz (the budget: ≤ 1.2) and to the deflated one.
// Run with -benchtime 1x.
func BenchmarkPagePT(b *testing.B) {
	dir := b.TempDir()
	gen := exec.Command("go", "test", "-count=1", "-run", "^TestPTWriter$", "./loss/dump/")
	gen.Dir = moduleRoot()
	gen.Env = append(os.Environ(), "CORNERLOSS_PT_BENCH_DIR="+dir)
	if out, err := gen.CombinedOutput(); err != nil {
		b.Fatalf("writing the files: %v\n%s", err, out)
	}
	for b.Loop() {
		ok, check := map[string][]float64{}, map[string][]float64{}
		for round := range 3 {
			for i := range ptBenchFiles {
				f := ptBenchFiles[(i+round)%len(ptBenchFiles)] // each file first once
				o, c := pickOnce(b, filepath.Join(dir, f))
				ok[f], check[f] = append(ok[f], o), append(check[f], c)
			}
		}
		reportPT(b, ok, check)
	}
}

// reportPT reports BenchmarkPagePT's figures (outside the b.Loop body, as
// reportUpload is).
func reportPT(b *testing.B, ok, check map[string][]float64) {
	for _, f := range ptBenchFiles {
		b.Logf("%s: change to ok %v ms, read and check %v ms", f, ok[f], check[f])
		name := f[:len(f)-len(filepath.Ext(f))]
		b.ReportMetric(median(check[f]), "ms/check-"+name)
		b.ReportMetric(median(ok[f]), "ms/ok-"+name)
	}
	for _, pt := range []string{"pt-zip", "pt-legacy"} {
		for _, npz := range []string{"npz-stored", "npz-deflated"} {
			b.ReportMetric(median(check[pt+".pt"])/median(check[npz+".npz"]), "x/check-"+pt+"-vs-"+npz)
		}
		b.ReportMetric(median(ok[pt+".pt"])/median(ok["npz-stored.npz"]), "x/ok-"+pt+"-vs-npz-stored")
	}
}
