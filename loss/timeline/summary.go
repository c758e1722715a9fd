// Package timeline summarises the steps of a training run for the page's
// timeline: one small value per dump (loss.Summary, the numbers of
// `cornerloss eval -json` and what no logged scalar shows), the markers a
// run of them earns, and the messages the page exchanges with the workers
// that compute them. A summary outlives its dump: the page keeps
// summaries, not tensors.
package timeline

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/dump"
	"github.com/cornerloss/cornerloss/loss/run"
	"github.com/cornerloss/cornerloss/loss/scene"
)

// Step is one dump of a run: its file, its step number, and its summary or
// the reason it could not be read.
type Step struct {
	File  string `json:"file"`
	Step  int64  `json:"step"`
	Error string `json:"error,omitempty"`
	// ErrorArray names the array the reader refused, NonFinite says it
	// was for a NaN or an infinity (the error gives the position).
	ErrorArray string `json:"error_array,omitempty"`
	NonFinite  bool   `json:"non_finite,omitempty"`
	// StepFromDump says Step is the dump's step array; otherwise the run
	// numbers it from the file name or the order.
	StepFromDump bool `json:"step_from_dump,omitempty"`
	// Chunk is the dump's chunk array (the device that wrote it), nil
	// when it has none.
	Chunk *int64 `json:"chunk,omitempty"`
	// Chunks holds, for a step split over devices (see Group), each
	// chunk's own step; then Summary is their run.Combine, whose terms are
	// the mean over chunks as training prints them, and Missing lists the
	// chunks of the run this step lacks.
	Chunks  []Step  `json:"chunks,omitempty"`
	Missing []int64 `json:"missing,omitempty"`
	// ChunkWarnings are run.Step's warnings for a chunked step (a chunk
	// missing or unread), which its marker shows; Summary.Warnings holds
	// them too, first.
	ChunkWarnings []string `json:"-"`

	*loss.Summary // nil when the dump could not be read
}

// Read reads an .npz dump from r, evaluates it under opt and summarises it;
// a failure is recorded in the step, not returned. The heat logits go to a
// loss.Scanner plane by plane as they are decoded and are never held
// whole: a worker's memory is the dump's other arrays and one plane, not
// the dump (the summary and every error are as Evaluate and Summarize of
// the whole dump give them).
func Read(name string, r io.ReaderAt, size int64, opt loss.Options, dopt dump.Options) Step {
	st := Step{File: name, Step: -1}
	sc := loss.NewScanner(opt)
	dopt.HeatPlane = sc.Plane
	d, err := dump.ReadNPZAt(name, r, size, dopt)
	if err != nil {
		st.fail(err)
		return st
	}
	s, err := sc.Summary(d.Input)
	if err != nil {
		st.fail(err)
		return st
	}
	st.Summary = &s
	if d.Step != nil {
		st.Step, st.StepFromDump = *d.Step, true
	}
	st.Chunk = d.Chunk
	return st
}

// Group gathers the files of a run into its steps, in step order, with
// run.Steps (the CLI's grouping): files[i] is file i's own step as Read
// gave it (Step -1 unless the dump holds one), pending[i] says it is not
// read yet. An unchunked file is its own step; the files of one step
// written by several devices become one Step whose Chunks are theirs and
// whose Summary is run.Combine of the readable ones, with run.Step's
// warnings first. A step is left out while one of its files is pending.
// File names the step: its first file.
func Group(files []Step, pending []bool) []Step {
	dumps := make([]run.Dump, len(files))
	for i, f := range files {
		dumps[i] = run.Dump{Name: f.File, Chunk: f.Chunk}
		if f.StepFromDump {
			dumps[i].Step = &files[i].Step
		}
	}
	var out []Step
	for _, s := range run.Steps(dumps) {
		if slices.ContainsFunc(s.Dumps, func(i int) bool { return pending[i] }) {
			continue
		}
		if s.Chunks == nil {
			st := files[s.Dumps[0]]
			st.Step = s.Step
			out = append(out, st)
			continue
		}
		st := Step{File: files[s.Dumps[0]].File, Step: s.Step, StepFromDump: s.From == run.FromArray, Missing: s.Missing}
		names, unread := make([]string, len(s.Dumps)), make([]bool, len(s.Dumps))
		var ids []int64
		var sums []loss.Summary
		for j, i := range s.Dumps {
			c := files[i]
			c.Step, c.Chunk = s.Step, &s.Chunks[j]
			st.Chunks = append(st.Chunks, c)
			names[j], unread[j] = c.File, !c.OK()
			if c.OK() {
				ids, sums = append(ids, s.Chunks[j]), append(sums, *c.Summary)
			} else if st.Error == "" { // the first unread chunk, for the markers
				st.Error, st.ErrorArray, st.NonFinite = fmt.Sprintf("chunk %d: %s", s.Chunks[j], c.Error), c.ErrorArray, c.NonFinite
			}
		}
		st.ChunkWarnings = s.Warnings(names, unread)
		if len(sums) > 0 {
			sum := run.Combine(ids, sums)
			sum.Warnings = append(slices.Clone(st.ChunkWarnings), sum.Warnings...)
			st.Summary, st.Error, st.ErrorArray, st.NonFinite = &sum, "", "", false
		}
		out = append(out, st)
	}
	return out
}

// ReadSample makes step i of a sample run of n (scene.SampleRunStep) and
// reads it as Read does: what a worker does for the page's sample run.
func ReadSample(i, n int, opt loss.Options, dopt dump.Options) Step {
	rs, err := scene.SampleRunStep(i, n)
	if err != nil {
		return Step{File: rs.Name, Step: -1, Error: err.Error()}
	}
	return Read(rs.Name, bytes.NewReader(rs.Data), int64(len(rs.Data)), opt, dopt)
}

// fail records a reader's or the engine's error.
func (st *Step) fail(err error) {
	st.Error = err.Error()
	if st.Error == "" {
		st.Error = "unreadable"
	}
	var de *dump.Error
	if errors.As(err, &de) {
		st.ErrorArray = de.Array
		p := de.Problem
		st.NonFinite = strings.HasPrefix(p, "NaN") || strings.HasPrefix(p, "+Inf") || strings.HasPrefix(p, "-Inf")
	}
}

// OK reports whether the step was read.
func (st *Step) OK() bool { return st.Summary != nil }

// PosShare is the positives' share of the whole focal term (both corners).
func (st *Step) PosShare() float64 {
	tl, br := st.FocalTL, st.FocalBR
	if t := tl + br; t != 0 {
		return (st.FocalPosShare[0]*tl + st.FocalPosShare[1]*br) / t
	}
	return 0
}
