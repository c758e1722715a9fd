package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/cornerloss/cornerloss/loss/scene"
)

// runSampleRun writes the page's sample run (scene.SampleRunStep) into a
// directory, one dump a step, each written atomically (a temporary name,
// then a rename) as a training run should write them for `serve -dumps`.
// With -interval it writes them one by one, like a run in progress.
func runSampleRun(args []string, stdout, _ io.Writer) error {
	fs := newFlagSet("sample-run", stdout)
	out := fs.String("out", "", "directory to write the dumps into (created if missing)")
	steps := fs.Int("steps", scene.RunSteps, "number of steps")
	interval := fs.Duration("interval", 0, "pause between two dumps, as a run in progress writes them")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usagef("sample-run takes no arguments, got %q", pos)
	}
	if *out == "" {
		return usagef("sample-run needs -out DIR")
	}
	if *steps < 1 || *steps > 100000 {
		return usagef("-steps %d: want 1 to 100000", *steps)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	for i := range *steps {
		if i > 0 && *interval > 0 {
			time.Sleep(*interval)
		}
		rs, err := scene.SampleRunStep(i, *steps)
		if err != nil {
			return err
		}
		if err := writeAtomic(filepath.Join(*out, rs.Name), rs.Data); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "wrote %d dumps to %s\n", *steps, *out)
	return nil
}

// writeAtomic writes data to path through a temporary file in the same
// directory, so a reader sees the whole file or none.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}
