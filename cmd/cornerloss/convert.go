package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/cornerloss/cornerloss/loss/dump"
)

// runConvert reads a dump in any form the reader takes (a .pt, an .npz, a
// directory of .npy) and writes the schema's .npz.
func runConvert(args []string, stdout, _ io.Writer) error {
	fs := newFlagSet("convert", stdout)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 || !strings.HasSuffix(pos[1], ".npz") {
		return usagef("convert takes a DUMP and the OUT.npz to write, got %q", pos)
	}
	in, out := pos[0], pos[1]
	d, err := readDump(in)
	if err != nil {
		return err
	}
	// Write beside the target and rename, so a failed write leaves no
	// half file under the name asked for.
	tmp, err := os.CreateTemp(filepath.Dir(out), ".convert-*.npz")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := dump.WriteNPZ(tmp, d.SchemaArrays()); err != nil {
		tmp.Close()
		return fmt.Errorf("%s: %w", out, err)
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %v, written to %s\n", in, d.Input.Shape, out)
	for _, w := range d.Warnings {
		fmt.Fprintf(stdout, "warning: %s\n", w)
	}
	return nil
}
