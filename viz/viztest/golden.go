// Package viztest checks rendered images against PNG snapshots in a test's
// testdata directory, for any package that draws with viz.
package viztest

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// Update is the -update flag, defined here once: with it, CheckGolden
// rewrites the snapshots instead of comparing. A package whose tests need the
// flag for other snapshots reads this one rather than defining its own.
var Update = flag.Bool("update", false, "rewrite snapshot goldens in testdata/ instead of comparing")

// tolerance is the largest per-channel difference CheckGolden accepts. Our
// rendering is integer except for anti-aliasing coverage, which is computed
// in float64; a platform that fuses multiply-adds (arm64) may round one
// coverage a step differently, which moves a channel by at most one level.
const tolerance = 1

// CheckGolden compares img with testdata/NAME.png. On a mismatch, or when the
// golden is missing, it writes testdata/NAME.got.png beside it and fails,
// saying so; with -update it writes the golden instead.
func CheckGolden(t testing.TB, name string, img image.Image) {
	t.Helper()
	path := filepath.Join("testdata", name+".png")
	got := toRGBA(img)
	if *Update {
		if err := writePNG(path, got); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", path)
		return
	}
	gotPath := filepath.Join("testdata", name+".got.png")
	want, err := readPNG(path)
	if err != nil {
		t.Errorf("%v; run go test -update to create it", err)
		saveGot(t, gotPath, got)
		return
	}
	if msg := diff(got, want); msg != "" {
		t.Errorf("%s: %s", path, msg)
		saveGot(t, gotPath, got)
		return
	}
	os.Remove(gotPath) // a stale one from an earlier failure
}

// diff describes how got differs from want beyond tolerance, or returns "".
func diff(got, want *image.RGBA) string {
	if got.Bounds() != want.Bounds() {
		return fmt.Sprintf("bounds %v, want %v", got.Bounds(), want.Bounds())
	}
	bad, worst := 0, 0
	var at image.Point
	b := got.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		g := got.Pix[got.PixOffset(b.Min.X, y):][:4*b.Dx()]
		w := want.Pix[want.PixOffset(b.Min.X, y):][:4*b.Dx()]
		for i := range g {
			d := int(g[i]) - int(w[i])
			d = max(d, -d)
			if d > tolerance {
				if bad == 0 {
					at = image.Pt(b.Min.X+i/4, y)
				}
				bad++
				worst = max(worst, d)
			}
		}
	}
	if bad == 0 {
		return ""
	}
	return fmt.Sprintf("%d channel values differ by more than %d (worst %d, first at %v)", bad, tolerance, worst, at)
}

func saveGot(t testing.TB, path string, img *image.RGBA) {
	t.Helper()
	if err := writePNG(path, img); err != nil {
		t.Errorf("writing %s: %v", path, err)
		return
	}
	t.Errorf("wrote what the test got to %s", path)
}

// toRGBA returns img as an *image.RGBA whose bounds start at (0, 0), as a
// decoded PNG's do.
func toRGBA(img image.Image) *image.RGBA {
	if m, ok := img.(*image.RGBA); ok && m.Rect.Min == (image.Point{}) {
		return m
	}
	b := img.Bounds()
	m := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(m, m.Rect, img, b.Min, draw.Src)
	return m
}

func readPNG(path string) (*image.RGBA, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return toRGBA(img), nil
}

func writePNG(path string, img *image.RGBA) error {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}
