package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/dump"
	runs "github.com/cornerloss/cornerloss/loss/run" // main has a func run
)

// evaluated is one dump of a run after evaluation: its report, or why it
// could not be read. The tensors are gone by then.
type evaluated struct {
	rep *report
	err error
}

// evalAll reads and evaluates every dump on a pool of GOMAXPROCS workers,
// so that at most that many dumps are in memory at once, and keeps only
// their reports. Each worker reads its dumps into the memory of its last
// one (dump.Buffers): fresh arrays for each dump made two cores spend
// more CPU on a run than one.
func evalAll(paths []string, o loss.Options) []evaluated {
	out := make([]evaluated, len(paths))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(paths)) {
		wg.Go(func() {
			var bufs dump.Buffers
			for i := range jobs {
				out[i].rep, out[i].err = evalOne(paths[i], o, &bufs)
			}
		})
	}
	for i := range paths {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return out
}

// evalOne reads one dump and returns its report. A panic (a bug: the
// reader refuses bad input) becomes that dump's error, as run makes it
// the program's: a worker's panic would otherwise end every other dump.
func evalOne(path string, o loss.Options, bufs *dump.Buffers) (rep *report, err error) {
	defer func() {
		if p := recover(); p != nil {
			rep, err = nil, fmt.Errorf("%s: internal error: %v", path, p)
		}
	}()
	d, err := dump.ReadFile(path, dump.Options{Buffers: bufs})
	if err != nil {
		return nil, fileError(path, err)
	}
	return evalDump(path, d, o)
}

// evalDump evaluates a dump read and returns its report.
func evalDump(name string, d *dump.Dump, o loss.Options) (*report, error) {
	r, err := loss.Evaluate(d.Input, o)
	if err != nil {
		return nil, fileError(name, err)
	}
	return newReport(name, d, r), nil
}

// allNPY reports whether every path is an .npy file: the arrays of one dump.
func allNPY(paths []string) bool {
	for _, p := range paths {
		if !dump.IsNPY(p) {
			return false
		}
	}
	return true
}

// evalNPYs reads the .npy files of one dump, named by their folder.
func evalNPYs(paths []string, o loss.Options) (*report, error) {
	dir := filepath.Dir(paths[0])
	d, err := dump.ReadNPYPaths(paths, dump.Options{})
	if err != nil {
		return nil, fileError(dir, err)
	}
	return evalDump(dir, d, o)
}

// errorRow is the JSON of a dump that could not be read.
type errorRow struct {
	File  string `json:"file"`
	Error string `json:"error"`
}

// stepRow is the JSON of a step split over several devices: the terms as
// training prints them (the mean over chunks) and each chunk's own object.
type stepRow struct {
	Step int64 `json:"step"`
	runs.Terms
	Chunks   []any    `json:"chunks"` // *report or errorRow, by chunk
	Missing  []int64  `json:"missing,omitempty"`
	Warnings []string `json:"warnings,omitempty"`
}

// runRows turns the evaluated dumps into one row per step, in step order:
// a *report, an errorRow or a *stepRow.
func runRows(paths []string, ev []evaluated) (rows []any, failed int) {
	dumps := make([]runs.Dump, len(paths))
	for i, p := range paths {
		dumps[i].Name = p
		if e := ev[i]; e.err == nil {
			dumps[i].Step, dumps[i].Chunk = e.rep.dumpStep, e.rep.Chunk
		} else {
			failed++
		}
	}
	for _, s := range runs.Steps(dumps) {
		row := func(i, chunk int) any {
			if ev[i].err != nil {
				return errorRow{File: paths[i], Error: oneLine(ev[i].err)}
			}
			rep := *ev[i].rep
			rep.Step = &s.Step
			if s.Chunks != nil {
				c := s.Chunks[chunk]
				rep.Chunk = &c
			}
			return &rep
		}
		if s.Chunks == nil {
			rows = append(rows, row(s.Dumps[0], 0))
			continue
		}
		sr := &stepRow{Step: s.Step, Missing: s.Missing}
		var sums []loss.Summary
		names, unread := make([]string, len(s.Dumps)), make([]bool, len(s.Dumps))
		for j, i := range s.Dumps {
			sr.Chunks = append(sr.Chunks, row(i, j))
			names[j], unread[j] = paths[i], ev[i].err != nil
			if ev[i].err == nil {
				sums = append(sums, ev[i].rep.Summary)
			}
		}
		sr.Terms = runs.Mean(sums)
		sr.Warnings = s.Warnings(names, unread)
		rows = append(rows, sr)
	}
	return rows, failed
}

// writeRunJSON prints one JSON object per line. A row JSON cannot hold (an
// infinite term, from tags near the float32 limit) is printed as an error
// row, so the other lines still come out.
func writeRunJSON(out io.Writer, rows []any) (failed int, err error) {
	for _, r := range rows {
		b, err := json.Marshal(r)
		if err != nil {
			failed++
			b, _ = json.Marshal(errorRow{File: rowFile(r), Error: err.Error()})
		}
		if _, err := out.Write(append(b, '\n')); err != nil {
			return failed, err
		}
	}
	return failed, nil
}

// rowFile names a row for an error: its file, or its chunks' files.
func rowFile(r any) string {
	switch r := r.(type) {
	case *report:
		return r.File
	case *stepRow:
		var files []string
		for _, c := range r.Chunks {
			files = append(files, rowFile(c))
		}
		return strings.Join(files, ", ")
	case errorRow:
		return r.File
	}
	return ""
}

// csvHeader names the columns of eval -csv.
var csvHeader = []string{"file", "step", "chunk", "loss", "focal", "pull", "push", "regr",
	"focal_tl", "focal_br", "regr_tl", "regr_br", "num_pos_tl", "num_pos_br", "flags", "error"}

// writeRunCSV prints the rows as CSV with a header: a chunked step is one
// line per chunk, then a line with chunk "mean" and the step's terms.
func writeRunCSV(out io.Writer, rows []any) error {
	w := csv.NewWriter(out)
	w.Write(csvHeader)
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	var line func(r any)
	line = func(r any) {
		switch r := r.(type) {
		case *report:
			step, chunk := "", ""
			if r.Step != nil {
				step = strconv.FormatInt(*r.Step, 10)
			}
			if r.Chunk != nil {
				chunk = strconv.FormatInt(*r.Chunk, 10)
			}
			w.Write([]string{r.File, step, chunk, f(r.Loss), f(r.Focal), f(r.Pull), f(r.Push), f(r.Regr),
				f(r.FocalTL), f(r.FocalBR), f(r.RegrTL), f(r.RegrBR),
				strconv.Itoa(r.NumPos[0]), strconv.Itoa(r.NumPos[1]), strings.Join(r.Flags, " "), ""})
		case errorRow:
			w.Write([]string{r.File, "", "", "", "", "", "", "", "", "", "", "", "", "", "", r.Error})
		case *stepRow:
			for _, c := range r.Chunks {
				line(c)
			}
			w.Write([]string{"", strconv.FormatInt(r.Step, 10), "mean", f(r.Loss), f(r.Focal), f(r.Pull), f(r.Push), f(r.Regr),
				"", "", "", "", "", "", "", strings.Join(r.Warnings, "; ")})
		}
	}
	for _, r := range rows {
		line(r)
	}
	w.Flush()
	return w.Error()
}

// writeRunTable prints one line per dump in step order, a chunked step as
// its mean then its chunks.
func writeRunTable(out io.Writer, rows []any) error {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "step\tchunk\tloss\tfocal\tpull\tpush\tregr\tfile\tflags\n")
	chunked := false
	var line func(r any, step string)
	line = func(r any, step string) {
		switch r := r.(type) {
		case *report:
			chunk := ""
			if r.Chunk != nil {
				chunk = strconv.FormatInt(*r.Chunk, 10)
			}
			if step == "" && r.Step != nil {
				step = strconv.FormatInt(*r.Step, 10)
			}
			fmt.Fprintf(tw, "%s\t%s\t%.7g\t%.7g\t%.7g\t%.7g\t%.7g\t%s\t%s\n", step, chunk, r.Loss, r.Focal, r.Pull, r.Push, r.Regr, r.File, strings.Join(r.Flags, ","))
		case errorRow:
			fmt.Fprintf(tw, "%s\t\t\t\t\t\t\t%s\terror: %s\n", step, r.File, r.Error)
		case *stepRow:
			chunked = true
			fmt.Fprintf(tw, "%d\tmean\t%.7g\t%.7g\t%.7g\t%.7g\t%.7g\t%d chunks\t%s\n", r.Step, r.Loss, r.Focal, r.Pull, r.Push, r.Regr, len(r.Chunks), strings.Join(r.Warnings, "; "))
			for _, c := range r.Chunks {
				line(c, "")
			}
		}
	}
	for _, r := range rows {
		line(r, "")
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if chunked {
		_, err := fmt.Fprintln(out, "\na chunked step's terms are the mean over its chunks, as CornerNet's training prints its loss; each chunk is normalised on its own (its num_pos, its images' objects), so the mean is not the loss of the whole batch at once")
		return err
	}
	return nil
}
