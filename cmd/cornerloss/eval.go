package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/dump"
)

func runEval(args []string, stdout, _ io.Writer) error {
	fs := newFlagSet("eval", stdout)
	flags := optionFlags(fs)
	asJSON := fs.Bool("json", false, "print one JSON object instead of tables")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("eval takes one DUMP, got %d arguments", len(pos))
	}
	o, err := flags.options()
	if err != nil {
		return err
	}
	path := pos[0]
	d, err := readDump(path)
	if err != nil {
		return err
	}
	r, err := loss.Evaluate(d.Input, o)
	if err != nil {
		return fileError(path, err)
	}
	rep := newReport(path, d, r)
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	return rep.writeTable(stdout)
}

// lossFlags are the loss options as flags, the ones eval takes.
type lossFlags struct {
	opt        loss.Options
	convention *string
}

// optionFlags defines eval's loss option flags on fs.
func optionFlags(fs *flag.FlagSet) *lossFlags {
	l := &lossFlags{opt: loss.DefaultOptions()}
	o := &l.opt
	fs.Float64Var(&o.PullWeight, "pull-weight", o.PullWeight, "weight of the pull term")
	fs.Float64Var(&o.PushWeight, "push-weight", o.PushWeight, "weight of the push term")
	fs.Float64Var(&o.RegrWeight, "regr-weight", o.RegrWeight, "weight of the offset term")
	fs.Float64Var(&o.Alpha, "alpha", o.Alpha, "focal exponent α")
	fs.Float64Var(&o.Beta, "beta", o.Beta, "focal exponent β")
	fs.Float64Var(&o.Eps, "eps", o.Eps, "probability clamp ε (reference convention)")
	l.convention = fs.String("convention", "reference", "reference (the original, quirks included) or mmdet")
	return l
}

// options returns the parsed options; a bad value is a usage error.
func (l *lossFlags) options() (loss.Options, error) {
	o := l.opt
	var err error
	if o.Convention, err = loss.ParseConvention(*l.convention); err != nil {
		return o, usageError{err.Error()}
	}
	if err := o.Validate(); err != nil {
		return o, usageError{err.Error()}
	}
	return o, nil
}

// fileError prefixes an error with the file it concerns, as the CLI's
// one-line messages promise: "FILE: ARRAY: problem".
// readDump reads the dump at path, a file or a directory of .npy, with its
// errors named as the CLI prints them.
func readDump(path string) (*dump.Dump, error) {
	d, err := dump.ReadFile(path, dump.Options{})
	if err != nil {
		return nil, fileError(path, err)
	}
	return d, nil
}

func fileError(path string, err error) error {
	var de *dump.Error
	if errors.As(err, &de) && de.File != "" {
		path = de.File
	}
	return fmt.Errorf("%s: %w", path, err)
}
