package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// dumpStepDriver calls assets/dump_step.py as Network.forward would, on a
// small random step: six training calls and a validation call on the CPU
// with every=2, into one folder as one device and into another with chunks
// forced on.
const dumpStepDriver = `
import sys, torch
sys.path.insert(0, sys.argv[1])
from dump_step import StepDumper
torch.manual_seed(0)
S, B, C, H, W, K = 2, 2, 3, 8, 8, 4
class Net:
    training = True
net = Net()
one = StepDumper(sys.argv[2], every=2, start_iter=100)
chunked = StepDumper(sys.argv[3], every=2, start_iter=100, chunks=True)
inds = torch.randint(0, H * W, (B, K))
xs = [torch.zeros(B, 3, 32, 32), inds, inds]
ys = [torch.zeros(B, C, H, W), torch.zeros(B, C, H, W), torch.ones(B, K, dtype=torch.uint8),
      torch.rand(B, K, 2), torch.rand(B, K, 2)]
for i in range(6):
    preds = []
    for s in range(S):
        preds += [torch.randn(B, C, H, W) - 2.19, torch.randn(B, C, H, W) - 2.19,
                  torch.randn(B, K, 1), torch.randn(B, K, 1), torch.rand(B, K, 2), torch.rand(B, K, 2)]
    if i == 3:
        net.training = False
        one(net, xs, preds, ys)  # nnet.validate: skipped
        chunked(net, xs, preds, ys)
        net.training = True
    one(net, xs, preds, ys)
    chunked(net, xs, preds, ys)
`

// TestDumpStepPy runs assets/dump_step.py under PyTorch (skipped without
// /usr/bin/python3 and torch) and evaluates what it wrote.
func TestDumpStepPy(t *testing.T) {
	py := "/usr/bin/python3"
	assets, err := filepath.Abs(filepath.Join("..", "..", "assets"))
	if err != nil {
		t.Fatal(err)
	}
	dirs := map[bool]string{false: t.TempDir(), true: t.TempDir()}
	out, err := exec.Command(py, "-c", dumpStepDriver, assets, dirs[false], dirs[true]).CombinedOutput()
	if _, missing := err.(*exec.Error); missing || strings.Contains(string(out), "No module named") {
		t.Skipf("no PyTorch under %s: %v %s", py, err, out)
	}
	if err != nil {
		t.Fatalf("dump_step.py: %v\n%s", err, out)
	}
	for _, chunked := range []bool{false, true} {
		dir := dirs[chunked]
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		want := []string{"step_00000102.npz", "step_00000104.npz", "step_00000106.npz"}
		if chunked {
			want = []string{"step_00000102_chunk0.npz", "step_00000104_chunk0.npz", "step_00000106_chunk0.npz"}
		}
		if !slices.Equal(names, want) {
			t.Fatalf("wrote %v, want %v (no temporary file left, no validation dump)", names, want)
		}
		var paths []string
		for _, n := range names {
			paths = append(paths, filepath.Join(dir, n))
		}
		code, out, errOut := runCLI(slices.Concat([]string{"eval", "-csv"}, paths)...)
		if code != 0 {
			t.Fatalf("eval: exit %d: %s", code, errOut)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		wantRows := 1 + 3
		if chunked {
			wantRows = 1 + 3*2 // each step: its chunk, then the mean
		}
		if len(lines) != wantRows {
			t.Fatalf("%d CSV lines, want %d:\n%s", len(lines), wantRows, out)
		}
		for _, step := range []string{",102,", ",104,", ",106,"} {
			if !strings.Contains(out, step) {
				t.Errorf("no row of step %s:\n%s", step, out)
			}
		}
		if strings.Contains(out, "probabilities") {
			t.Errorf("logits dumped before the loss flagged as probabilities:\n%s", out)
		}
	}
}
