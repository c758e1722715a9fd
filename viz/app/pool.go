package app

import (
	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/steppool"
	"github.com/cornerloss/cornerloss/viz/i18n"
)

// Pool evaluates the focal sums of the step on screen elsewhere: the page's
// Web Workers (loss/steppool). The app tells it every change, in order, each
// numbered by a new generation (Next); the shell calls PoolDone with the
// sums once every worker has answered the latest one. Until then the page
// keeps showing the last complete result: totals, maps and overlays change
// together when it arrives, never apart.
type Pool interface {
	Next() int // numbers a new change
	Load(gen int, in *loss.Input, opt loss.Options)
	Rows(gen int, in *loss.Input, regions []steppool.Region)
	SetOptions(gen int, opt loss.Options)
	All(gen int) // recompute every row
}

// AttachPool makes p evaluate the step on screen from now on; the app's
// own evaluator goes (the workers hold the planes). Nil goes back to the
// app's own evaluator.
func (a *App) AttachPool(p Pool) error {
	if p == nil {
		return a.detachPool()
	}
	a.pool, a.eval = p, nil
	a.poolLoad()
	return nil
}

// Pooled reports whether a pool evaluates the step on screen.
func (a *App) Pooled() bool { return a.pool != nil }

// Pending reports whether a change waits for the pool's answer: what the
// page shows is the last complete result.
func (a *App) Pending() bool { return a.waiting }

// PoolGen is the generation of the latest change sent to the pool.
func (a *App) PoolGen() int { return a.gen }

// PoolDone takes the pool's sums of every plane after change gen. Sums of a
// change that a later one superseded are dropped.
func (a *App) PoolDone(gen int, sums []loss.PlaneSums) error {
	if a.pool == nil || gen != a.gen || !a.waiting {
		return nil
	}
	r, err := loss.Assemble(a.in, a.Options, sums)
	if err != nil {
		return err
	}
	a.waiting, a.sums = false, sums
	a.show(r, a.waitSame && a.resultIn == a.in && !a.frameWanted)
	// The hover box read the maps shown when the pointer last moved: it
	// reads the new ones, as on the page alone, where a change's maps are
	// there before the pointer moves again.
	if h := a.hover; h != nil && h.Text == "" {
		a.hover = a.hoverAt(h.Panel, h.X, h.Y)
	}
	return nil
}

// PoolFailed goes back to the app's own evaluator after the pool broke (a
// worker stopped): the step on screen is evaluated here again.
func (a *App) PoolFailed() error { return a.detachPool() }

func (a *App) detachPool() error {
	if a.pool == nil {
		return nil
	}
	a.pool, a.sums = nil, nil
	ev, err := loss.NewEvaluator(a.in, a.Options)
	if err != nil {
		return err
	}
	a.eval, a.waiting, a.frameWanted = ev, false, false
	a.refresh()
	return nil
}

// poolLoad sends the step on screen to the pool.
func (a *App) poolLoad() {
	a.sent, a.sums = false, nil
	a.gen = a.pool.Next()
	a.pool.Load(a.gen, a.in, a.Options)
	a.wait(false)
}

// prepare has the frame compute the viewed maps while the pool evaluates
// a change (viz.Frame.Prepare): all but their normalisation, which needs
// the pool's sums. Not when the frame will keep its maps (the viewed
// plane's logits and the options they read unchanged), nor for the
// summary of every class.
func (a *App) prepare(sameLogits bool) {
	f, v := a.frame, a.View
	if f == nil || v.Class < 0 {
		return
	}
	if sameLogits && a.result != nil && a.result.Options.SamePixels(a.Options) {
		return
	}
	f.Prepare(a.in, a.Options, v.Stack, v.Image, v.Class, v.Corner)
}

// wait marks a change sent to the pool; sameLogits as for update.
func (a *App) wait(sameLogits bool) {
	if !a.waiting {
		a.waitSame = true
	}
	a.waiting = true
	a.waitSame = a.waitSame && sameLogits
}

// Evaluation, on the app's evaluator or the pool.

// evaluate starts evaluating in, the new step on screen, under the app's
// options. It checks in before anything changes.
func (a *App) evaluate(in *loss.Input) (*loss.Evaluator, error) {
	seed := a.seed
	a.seed = nil
	if a.pool == nil && seed != nil && seed.in == in && seed.opt == a.Options {
		return loss.NewEvaluatorFromRows(in, a.Options, seed.rows)
	}
	if a.pool == nil {
		return loss.NewEvaluator(in, a.Options)
	}
	// An evaluator of no planes: the checks of NewEvaluator, no work.
	_, err := loss.NewPartEvaluator(in, a.Options, 0, 0)
	return nil, err
}

// changed says which rows of the step on screen an edit changed. An edit
// of tags, offsets or the mask changes none: the pool is not asked.
func (a *App) changed(regions []steppool.Region) {
	if a.pool == nil {
		for _, r := range regions {
			a.eval.Changed(r.Corner, -1, r.Image, r.Class, r.Y0, r.Y1)
		}
		return
	}
	if len(regions) > 0 {
		a.gen, a.sent = a.pool.Next(), true
		a.pool.Rows(a.gen, a.in, regions)
	}
}

// setEvalOptions gives the evaluator new options. The pool is not asked
// about new weights: they reach no plane (nor do they change what an
// evaluator holds).
func (a *App) setEvalOptions(o loss.Options) error {
	if a.pool == nil {
		return a.eval.SetOptions(o)
	}
	if err := o.Validate(); err != nil {
		return err
	}
	old := a.Options
	if o.Alpha != old.Alpha || o.Beta != old.Beta || o.Eps != old.Eps || o.Convention != old.Convention {
		a.gen, a.sent = a.pool.Next(), true
		a.pool.SetOptions(a.gen, o)
	}
	return nil
}

// changedAll says every row changed.
func (a *App) changedAll() {
	if a.pool == nil {
		a.eval.ChangedAll()
		return
	}
	a.gen, a.sent = a.pool.Next(), true
	a.pool.All(a.gen)
}

// poolUpdate is update with a pool: after a change sent to it (or while
// one is on its way) the result waits for its answer; otherwise the
// planes' sums are the last answer's and the result is assembled here.
func (a *App) poolUpdate(sameLogits bool) {
	if a.sent || a.waiting || a.sums == nil {
		if a.sent || a.sums == nil {
			a.prepare(sameLogits)
		}
		a.sent = false
		a.wait(sameLogits) // PoolDone shows it
		return
	}
	r, err := loss.Assemble(a.in, a.Options, a.sums)
	if err != nil { // the step on screen is the one the sums are of: cannot happen
		a.status = &i18n.Wrapped{Lead: i18n.M("status.failed"), Detail: err.Error()}
		return
	}
	a.show(r, sameLogits)
}

// rowSeed is the rows' sums of an input under some options, computed by
// another thread (loss.Evaluator.RowState).
type rowSeed struct {
	in   *loss.Input
	opt  loss.Options
	rows []float64
}

// SeedRows gives the app the rows' sums the upload worker computed for in
// under opt: when in is shown next, under the same options and with no
// pool, its evaluator starts from them instead of reading every pixel.
func (a *App) SeedRows(in *loss.Input, opt loss.Options, rows []float64) {
	a.seed = &rowSeed{in: in, opt: opt, rows: rows}
}
