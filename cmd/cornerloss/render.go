package main

import (
	"bufio"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/viz"
)

// The sizes render accepts, checked before allocating the image.
const (
	minRenderSide = 200
	maxRenderSide = 8192
)

func runRender(args []string, stdout, _ io.Writer) error {
	fs := newFlagSet("render", stdout)
	img := fs.Int("image", 0, "image b of the batch")
	stack := fs.Int("stack", 0, "hourglass stack s")
	class := fs.Int("class", -1, "class plane c, or -1 for all classes (maximum over classes)")
	corner := fs.String("corner", "tl", "corner branch: tl or br")
	size := fs.String("size", "1600x900", "image size WxH in pixels")
	out := fs.String("out", "", "the PNG to write")
	o := optionFlags(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("render takes one DUMP, got %d arguments", len(pos))
	}
	if *out == "" {
		return usagef("render needs -out view.png")
	}
	c, err := parseCorner(*corner)
	if err != nil {
		return err
	}
	dim, err := parseSize(*size)
	if err != nil {
		return err
	}
	opt, err := o.options()
	if err != nil {
		return err
	}
	path := pos[0]
	d, err := readDump(path)
	if err != nil {
		return err
	}
	sh := d.Input.Shape
	for _, v := range []struct {
		flag     string
		v, lo, n int
	}{
		{"-image", *img, 0, sh.Batch},
		{"-stack", *stack, 0, sh.Stacks},
		{"-class", *class, -1, sh.Classes},
	} {
		if v.v < v.lo || v.v >= v.n {
			return usagef("%s %d is outside [%d, %d] for %s (%v)", v.flag, v.v, v.lo, v.n-1, path, sh)
		}
	}
	r, err := loss.Evaluate(d.Input, opt)
	if err != nil {
		return fileError(path, err)
	}
	f := viz.NewFrame(r, *stack, *img, *class, c, viz.ObjectsFromInput(d.Input, *img))
	return writePNG(*out, viz.Render(f, dim))
}

func parseCorner(s string) (loss.Corner, error) {
	switch s {
	case "tl":
		return loss.TopLeft, nil
	case "br":
		return loss.BottomRight, nil
	}
	return 0, usagef("-corner %q: want tl or br", s)
}

// parseSize reads "WxH".
func parseSize(s string) (image.Point, error) {
	ws, hs, ok := strings.Cut(strings.ToLower(s), "x")
	w, werr := strconv.Atoi(ws)
	h, herr := strconv.Atoi(hs)
	if !ok || werr != nil || herr != nil {
		return image.Point{}, usagef("-size %q: want WxH, such as 1600x900", s)
	}
	for _, v := range [...]int{w, h} {
		if v < minRenderSide || v > maxRenderSide {
			return image.Point{}, usagef("-size %q: each side must be in [%d, %d]", s, minRenderSide, maxRenderSide)
		}
	}
	return image.Pt(w, h), nil
}

// writePNG encodes img to path.
func writePNG(path string, img image.Image) error {
	return writeFile(path, func(w io.Writer) error { return png.Encode(w, img) })
}

// writeFile creates path and writes it through a buffer with write; errors
// after the file exists name it.
func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	if err := write(w); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}
