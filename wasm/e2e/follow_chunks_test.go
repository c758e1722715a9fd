//go:build !js

package e2e

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/cornerloss/cornerloss/loss/golden"
)

// TestFollowRunChunks: a step whose chunks `cornerloss serve -dumps DIR`
// serves is one step of the followed run, with the chunk mean of `eval
// -json` for the same files, and opens with its chunk table (every chunk
// fetched from the server). Progress counts steps: its three files are
// one step.
func TestFollowRunChunks(t *testing.T) {
	sp, dir, _, cli := step700(t)
	base := serveDumps(t, dir)
	b := newBrowser(t)
	b.do(chromedp.Navigate(base + "?dumps"))
	b.waitFor(`document.body.dataset.ready === "1" && document.body.dataset.runState === "ok" && document.body.dataset.runSteps === "1"`, 90*time.Second)
	b.setNumber("pull-weight", sp.Weights.Pull)
	b.setNumber("push-weight", sp.Weights.Push)
	b.setNumber("regr-weight", sp.Weights.Regr)
	sums := b.summaries()
	if len(sums) != 1 || sums[0].Step != 700 || !golden.Close(sums[0].Loss, cli[0].Loss) {
		t.Fatalf("summaries %+v, eval -json step 700 loss %v", sums, cli[0].Loss)
	}
	b.waitFor(`document.getElementById("chunk-mean") && document.body.dataset.state === "ok"`, 60*time.Second)
	b.settle()
	checkStep(t, b, cli[0])
}
