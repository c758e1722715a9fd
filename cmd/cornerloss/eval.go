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
	asJSON := fs.Bool("json", false, "print JSON: one object for one DUMP, one object per line for several")
	asCSV := fs.Bool("csv", false, "print one CSV line per dump (per chunk of a chunked step), with a header")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("eval takes at least one DUMP")
	}
	if *asJSON && *asCSV {
		return usagef("eval takes -json or -csv, not both")
	}
	o, err := flags.options()
	if err != nil {
		return err
	}
	// One dump: a file, a directory of .npy, or several .npy files (one
	// dump, as the page reads several .npy dropped together).
	if npys := len(pos) > 1 && allNPY(pos); len(pos) == 1 || npys {
		var rep *report
		if npys {
			rep, err = evalNPYs(pos, o)
		} else {
			rep, err = evalOne(pos[0], o, nil)
		}
		switch {
		case err != nil:
			return err
		case *asCSV:
			return writeRunCSV(stdout, []any{rep})
		case *asJSON:
			enc := json.NewEncoder(stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(rep)
		}
		return rep.writeTable(stdout)
	}

	rows, failed := runRows(pos, evalAll(pos, o))
	switch {
	case *asJSON:
		var bad int
		bad, err = writeRunJSON(stdout, rows)
		failed += bad
	case *asCSV:
		err = writeRunCSV(stdout, rows)
	default:
		err = writeRunTable(stdout, rows)
	}
	if err == nil && failed > 0 {
		err = fmt.Errorf("%d of %d dumps could not be read", failed, len(pos))
	}
	return err
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
