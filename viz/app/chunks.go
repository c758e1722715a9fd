package app

import (
	"fmt"
	"strings"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/dump"
	"github.com/cornerloss/cornerloss/loss/run"
	"github.com/cornerloss/cornerloss/viz/i18n"
)

// chunkStep is the step on screen when CornerNet's DataParallel split it
// over several devices: every chunk's dump (one of them is on screen),
// each chunk's summary under the current options, and the grouping
// (run.Steps, as the CLI groups files: chunks, missing, repeated).
type chunkStep struct {
	names []string
	dumps []*dump.Dump
	step  run.Step
	sums  []loss.Summary
	at    int // the chunk on screen, an index into dumps
}

// ChunksOfOneStep reports whether the named files are the chunks of one
// step by their names alone (step_4500_gpu0.npz, step_4500_gpu1.npz): the
// page then opens them together as that step rather than as a run.
func ChunksOfOneStep(names []string) bool {
	if len(names) < 2 {
		return false
	}
	dumps := make([]run.Dump, len(names))
	for i, n := range names {
		dumps[i].Name = n
	}
	steps := run.Steps(dumps)
	return len(steps) == 1 && steps[0].Chunks != nil
}

// ShowChunks shows the dumps of one step written by several devices (one
// dump is shown as ShowDump shows it): the first chunk on screen, every
// chunk's terms and their mean, as training prints it, in Totals. Files
// that are not the chunks of one step (by their step and chunk arrays,
// else their names) are refused; the step on screen stays.
func (a *App) ShowChunks(names []string, ds []*dump.Dump) error {
	if len(ds) == 1 {
		return a.ShowDump(names[0], ds[0])
	}
	return a.showChunks(names, ds)
}

// showChunks is ShowChunks, also for a step of one chunk (in a run whose
// other steps have more).
func (a *App) showChunks(names []string, ds []*dump.Dump) error {
	dumps := make([]run.Dump, len(ds))
	for i, d := range ds {
		dumps[i] = run.Dump{Name: names[i], Step: d.Step, Chunk: d.Chunk}
	}
	steps := run.Steps(dumps)
	if len(steps) != 1 || steps[0].Chunks == nil {
		var what []string
		for _, s := range steps {
			w := fmt.Sprintf("step %d", s.Step)
			if s.Chunks == nil {
				w += " without a chunk"
			}
			what = append(what, w)
		}
		err := fmt.Errorf("%d files are not the chunks of one step: %s", len(ds), strings.Join(what, ", "))
		a.status = &i18n.Wrapped{Lead: i18n.M("status.refused"), Detail: err.Error()}
		return err
	}
	c := &chunkStep{step: steps[0]}
	for _, i := range c.step.Dumps {
		c.names = append(c.names, names[i])
		c.dumps = append(c.dumps, ds[i])
	}
	if err := c.evaluate(a.Options); err != nil {
		a.status = &i18n.Wrapped{Lead: i18n.M("status.refused"), Detail: err.Error()}
		return err
	}
	if err := a.showDump(c.names[0], c.dumps[0]); err != nil {
		return err
	}
	a.chunks = c
	a.chunkStatus()
	return nil
}

// evaluate summarises every chunk under o.
func (c *chunkStep) evaluate(o loss.Options) error {
	c.sums = c.sums[:0]
	for i, d := range c.dumps {
		r, err := loss.Evaluate(d.Input, o)
		if err != nil {
			return fmt.Errorf("%s: %w", c.names[i], err)
		}
		c.sums = append(c.sums, loss.Summarize(d.Input, r))
	}
	return nil
}

// SetChunk puts chunk i (an index into the step's chunks, in chunk order)
// on screen; the view stays where the chunk's shape allows.
func (a *App) SetChunk(i int) error {
	c := a.chunks
	if c == nil || i < 0 || i >= len(c.dumps) || i == c.at {
		return nil
	}
	if err := a.showDump(c.names[i], c.dumps[i]); err != nil {
		return err
	}
	a.chunks, c.at = c, i
	a.chunkStatus()
	if a.Run != nil && a.Run.Source == RunLocal {
		a.status = i18n.M("status.local-run", a.status)
	}
	return nil
}

// chunkStatus says which chunk is on screen and what the step prints.
func (a *App) chunkStatus() {
	c := a.chunks
	m := run.Mean(c.sums)
	lead := i18n.M("status.chunk", c.step.Step, c.step.Chunks[c.at], len(c.dumps)+len(c.step.Missing), c.names[c.at], a.in.Shape.String(), m.Loss)
	// The grouping's and the reader's warnings, in their (the CLI's) words.
	ws := c.step.Warnings(c.names, make([]bool, len(c.names)))
	ws = append(ws, c.dumps[c.at].Warnings...)
	if len(ws) == 0 {
		a.status = lead
		return
	}
	a.status = &i18n.Wrapped{Lead: lead, Detail: "; " + strings.Join(ws, "; ")}
}

// ChunkRow is one chunk of a step split over devices, as the page lists
// it: its terms (weighted, as Totals), or Missing when the step lacks it.
type ChunkRow struct {
	Chunk                         int64
	File                          string
	Loss, Focal, Pull, Push, Regr float64
	Viewed, Missing               bool
}

// chunkRows lists the chunks in chunk order, the missing ones in place,
// and their mean.
func (a *App) chunkRows() ([]ChunkRow, run.Terms) {
	c := a.chunks
	if c == nil {
		return nil, run.Terms{}
	}
	var rows []ChunkRow
	for i, s := range c.sums {
		rows = append(rows, ChunkRow{Chunk: c.step.Chunks[i], File: c.names[i], Loss: s.Loss, Focal: s.Focal,
			Pull: s.Pull, Push: s.Push, Regr: s.Regr, Viewed: i == c.at})
	}
	for _, m := range c.step.Missing {
		at := len(rows)
		for at > 0 && rows[at-1].Chunk > m {
			at--
		}
		rows = append(rows[:at], append([]ChunkRow{{Chunk: m, Missing: true}}, rows[at:]...)...)
	}
	return rows, run.Mean(c.sums)
}
