//go:build !js

package e2e

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cornerloss/cornerloss/loss/scene"
)

// serveDumps builds the CLI and runs `cornerloss serve -dumps dir` on a
// free port; it returns the page's URL for following the run.
func serveDumps(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "cornerloss")
	build := exec.Command("go", "build", "-o", bin, "./cmd/cornerloss")
	build.Dir = moduleRoot()
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the CLI: %v\n%s", err, out)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "serve", "-addr", "127.0.0.1:0", "-dir", siteDir, "-dumps", dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); cmd.Wait() })
	addr := regexp.MustCompile(`on (http://[0-9.:]+/)\?dumps`)
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if m := addr.FindStringSubmatch(sc.Text()); m != nil {
			go func() {
				for sc.Scan() {
				}
			}()
			return m[1]
		}
	}
	t.Fatal("cornerloss serve printed no address")
	return ""
}

// writeStep writes step i of a sample run of n into dir atomically, as
// assets/dump_step.py does.
func writeStep(t *testing.T, dir string, i, n int) string {
	t.Helper()
	rs, err := scene.SampleRunStep(i, n)
	if err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(dir, ".tmp-"+rs.Name)
	if err := os.WriteFile(tmp, rs.Data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, rs.Name)); err != nil {
		t.Fatal(err)
	}
	return rs.Name
}

// TestFollowRun: the page opened from `cornerloss serve -dumps DIR` shows
// the dumps there; one written after it opened appears on the timeline;
// one written slowly in place (half, a pause, the rest) is read once
// whole, not marked broken; `..` and a symlink out of DIR are refused and
// never listed; the link carries the open step.
func TestFollowRun(t *testing.T) {
	const n = 12
	dir := t.TempDir()
	for i := range 3 {
		writeStep(t, dir, i, n)
	}
	outside := filepath.Join(t.TempDir(), "secret.npz")
	os.WriteFile(outside, []byte("not for the page"), 0o644)
	if err := os.Symlink(outside, filepath.Join(dir, "step_000777.npz")); err != nil {
		t.Fatal(err)
	}
	base := serveDumps(t, dir)
	b := newBrowser(t)
	b.do(chromedp.Navigate(base + "?dumps"))
	b.waitFor(`document.body.dataset.ready === "1" && document.body.dataset.runState === "ok" && document.body.dataset.runSteps === "3"`, 90*time.Second)
	b.waitFor(`document.body.dataset.state === "ok"`, 30*time.Second)
	for _, s := range b.summaries() {
		if s.File == "step_000777.npz" {
			t.Errorf("the symlink out of the directory is on the timeline: %+v", s)
		}
	}
	if h := eval[string](b, `location.hash`); h == "" {
		t.Error("a server run's view is not in the link")
	}

	// A dump written now appears.
	start := time.Now()
	name := writeStep(t, dir, 3, n)
	b.waitFor(`document.body.dataset.runSteps === "4" && document.body.dataset.runState === "ok"`, 30*time.Second)
	t.Logf("%s on the timeline %.2f s after it was written", name, time.Since(start).Seconds())
	got := b.summaries()
	if last := got[len(got)-1]; last.File != name || last.Error != "" {
		t.Errorf("last step %+v, want %s read", last, name)
	}

	// A dump written in place, slowly: half of it, then the rest.
	rs, _ := scene.SampleRunStep(4, n)
	p := filepath.Join(dir, rs.Name)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	f.Write(rs.Data[:len(rs.Data)/2])
	f.Sync()
	time.Sleep(1500 * time.Millisecond)
	f.Write(rs.Data[len(rs.Data)/2:])
	f.Close()
	b.waitFor(`document.body.dataset.runSteps === "5" && document.body.dataset.runState === "ok"`, 30*time.Second)
	for _, s := range b.summaries() {
		if s.File == rs.Name && s.Error != "" {
			t.Errorf("the slowly written %s is marked broken: %s", s.File, s.Error)
		}
	}

	// What the page's origin may ask the server: not outside DIR.
	for _, path := range []string{"dumps/..%2f..%2fetc%2fpasswd", "dumps/../../etc/passwd", "dumps/step_000777.npz", "dumps/%2e%2e/secret.npz"} {
		status, err := chromedp.Run(b.ctx, chromedp.Evaluate[float64](fmt.Sprintf(`fetch(%q).then(r => r.status)`, path), chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		if status < 400 {
			t.Errorf("GET %s: status %v, want a refusal", path, status)
		}
	}
	b.screenshot("follow-run")
	steps, _ := strconv.Atoi(eval[string](b, `document.body.dataset.runSteps`))
	t.Logf("%d steps followed", steps)
}
