// Command cornerloss computes the CornerNet training loss of a tensor dump
// exactly as the reference PyTorch code does, draws targets from boxes,
// renders the page's panels to PNG and serves the page.
//
//	cornerloss eval [flags] DUMP...         the loss, per stack and per image; a run of dumps in step order
//	cornerloss targets -spec SCENE.json -out GT.npz
//	cornerloss render [flags] -out view.png DUMP   the page's panels as PNG
//	cornerloss convert DUMP OUT.npz          a .pt (or any dump) as the schema's .npz
//	cornerloss serve [-addr 127.0.0.1:8080] [-dir build/site] [-dumps DIR]
//	cornerloss sample-run -out DIR [-steps N]   the page's sample run, as dumps
//
// Exit status: 0 on success, 1 on bad input (one line on stderr:
// "cornerloss: FILE: ARRAY: problem"), 2 on a usage error.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// Exit codes.
const (
	exitOK    = 0
	exitInput = 1
	exitUsage = 2
)

// usageError marks a mistake in the command line rather than in the input.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

const usage = `usage:
  cornerloss eval [-pull-weight W] [-push-weight W] [-regr-weight W] [-alpha A] [-beta B]
                  [-eps E] [-convention reference|mmdet] [-json | -csv] DUMP...
  cornerloss targets -spec SCENE.json -out GT.npz
  cornerloss render [-image b] [-stack s] [-class c|-1] [-corner tl|br] [-size WxH]
                    [the loss flags of eval] -out view.png DUMP
  cornerloss convert DUMP OUT.npz
  cornerloss serve [-addr 127.0.0.1:8080] [-dir build/site] [-dumps DIR]
  cornerloss sample-run -out DIR [-steps N] [-interval D]

DUMP is an .npz or a directory of NAME.npy files in the named schema, or a
.pt/.pth written by torch.save (see README).
Several DUMPs are a run: one row (one JSON object per line with -json) per step,
in step order (the dump's step array, else the last number of its name); the
files of one step from several devices (chunk array, or _chunkN/_gpuN names)
are one step, the mean over its chunks.
`

// run is the whole program, testable in process: it never panics out (a
// panic becomes one line and exit 1) and returns the exit status.
func run(args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		if p := recover(); p != nil {
			fmt.Fprintf(stderr, "cornerloss: internal error: %v\n", p)
			code = exitInput
		}
	}()
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	var err error
	switch cmd, rest := args[0], args[1:]; cmd {
	case "eval":
		err = runEval(rest, stdout, stderr)
	case "targets":
		err = runTargets(rest, stdout, stderr)
	case "render":
		err = runRender(rest, stdout, stderr)
	case "convert":
		err = runConvert(rest, stdout, stderr)
	case "serve":
		err = runServe(rest, stdout, stderr)
	case "sample-run":
		err = runSampleRun(rest, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	default:
		err = usagef("unknown command %q", cmd)
	}
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "cornerloss: %s\n%s", ue.msg, usage)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "cornerloss: %s\n", oneLine(err))
		return exitInput
	}
}

// newFlagSet returns a flag set that reports nothing itself: run prints the
// one-line error and the usage.
func newFlagSet(name string, stdout io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprintf(stdout, "cornerloss %s flags:\n", name)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return fs
}

// parse parses flags anywhere among args (cornerloss eval DUMP -json works
// too) and returns the positional arguments; a flag error is a usage error.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError{err.Error()}
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// oneLine keeps the first line of an error message: the CLI promises one.
func oneLine(err error) string {
	line, _, _ := strings.Cut(err.Error(), "\n")
	return line
}
