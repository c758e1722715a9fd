package steppool

import (
	"fmt"

	"github.com/cornerloss/cornerloss/loss"
)

// Part is a worker's share of the step on screen: the logits and targets
// (the only arrays the focal sums read) and an evaluator of its planes.
//
// Apply takes messages as they come and Flush evaluates what they changed:
// a worker applies every message that waited while it was busy before one
// Flush, so a burst of edits costs one evaluation, not one each. The
// evaluator still sees the changes in their order (only runs of row edits
// are merged: a row's sums depend on its pixels alone), so the sums are
// the ones a single evaluator told of every change would hold, to the bit.
type Part struct {
	in          *loss.Input
	ev          *loss.Evaluator
	first, last int
	gen         int
	ops         []op // changes not given to the evaluator yet
	// local: the page's own share (NewLocalPart), reading the page's
	// arrays, which the page edits in place before it sends the change.
	local bool
}

// NewLocalPart is the page's own share of the step, planes [first, last)
// of in, evaluated on the page's thread beside the workers' shares. It
// reads in where the page keeps it, with no copy: the page edits in in
// place before it sends a change, so Rows messages reach it with their
// regions alone (no values), and a new step is a new local part, not a
// Load.
func NewLocalPart(gen int, in *loss.Input, opt loss.Options, first, last int) (*Part, error) {
	ev, err := loss.NewPartEvaluator(in, opt, first, last)
	if err != nil {
		return nil, err
	}
	return &Part{in: in, ev: ev, first: first, last: last, gen: gen, local: true}, nil
}

// op is one change for the evaluator: new options, rows, or everything.
type op struct {
	kind Kind
	opt  loss.Options
	rows map[planeKey][2]int // Rows: each plane's changed rows, merged
}

type planeKey struct {
	c            loss.Corner
	image, class int
}

// Gen is the generation of the last message applied.
func (p *Part) Gen() int { return p.gen }

// Apply takes one message and its arrays (Load: two, Rows: one), copied
// from. On error the part is
// unusable until the next Load.
func (p *Part) Apply(m Msg, arrays [][]float32) error {
	p.gen = m.Gen
	switch m.Kind {
	case Ping:
		return nil
	case Load:
		if p.local {
			return fmt.Errorf("step message %d: a new step for the page's own share (make a new one)", m.Gen)
		}
		return p.load(m, arrays)
	}
	if p.in == nil {
		return fmt.Errorf("step message %d (%s) before any step", m.Gen, m.Kind)
	}
	switch m.Kind {
	case Options:
		// Every change, even one the next replaces: α from the moments
		// depends on the path (within 1e-10), and the page's single
		// thread takes every step.
		p.ops = append(p.ops, op{kind: Options, opt: m.Options})
	case All:
		p.ops = append(p.ops, op{kind: All})
	case Rows:
		if p.local { // the page's arrays hold the rows already
			if err := p.check(m.Regions); err != nil {
				return err
			}
			p.mark(m.Regions)
			return nil
		}
		if len(arrays) != 1 {
			return fmt.Errorf("step message %d: %d arrays for rows, want 1", m.Gen, len(arrays))
		}
		return p.rows(m.Regions, arrays[0])
	default:
		return fmt.Errorf("step message %d: unknown kind %q", m.Gen, m.Kind)
	}
	return nil
}

func (p *Part) load(m Msg, arrays [][]float32) error {
	p.in, p.ev, p.ops = nil, nil, nil
	sh := m.Shape
	if len(arrays) != 2 {
		return fmt.Errorf("step message %d: %d arrays for a step, want 2", m.Gen, len(arrays))
	}
	n := loss.PlaneCount(sh)
	if sh.Stacks < 1 || sh.Batch < 1 || sh.Classes < 1 || sh.Height < 1 || sh.Width < 1 || sh.Slots < 1 ||
		m.First < 0 || m.Last > n || m.First > m.Last {
		return fmt.Errorf("step message %d: planes [%d, %d) of %v", m.Gen, m.First, m.Last, sh)
	}
	heat, targets := partPlanes(sh, m.First, m.Last)
	px := sh.Pixels()
	if len(arrays[0]) != len(heat)*px || len(arrays[1]) != len(targets)*px {
		return fmt.Errorf("step message %d: %d logits and %d targets, want %d and %d", m.Gen, len(arrays[0]), len(arrays[1]), len(heat)*px, len(targets)*px)
	}
	in := &loss.Input{Shape: sh}
	// Only the part's planes are filled: the evaluator reads no other. The
	// embedding and offset terms are the page's: zeros keep the
	// evaluator's checks happy at the size they expect.
	slots := sh.Batch * sh.Slots
	for c := range loss.Corners {
		in.Heat[c] = make([]float32, sh.Stacks*sh.Batch*sh.Classes*px)
		in.GTHeat[c] = make([]float32, sh.Batch*sh.Classes*px)
		in.Tag[c] = make([]float32, sh.Stacks*slots)
		in.Regr[c] = make([]float32, 2*sh.Stacks*slots)
		in.GTRegr[c] = make([]float32, 2*slots)
		in.Inds[c] = make([]int64, slots)
	}
	in.Mask = make([]uint8, slots)
	for i, h := range heat {
		copy(h.Values(in.Heat, px), arrays[0][i*px:])
	}
	for i, t := range targets {
		copy(t.Values(in.GTHeat, px), arrays[1][i*px:])
	}
	ev, err := loss.NewPartEvaluator(in, m.Options, m.First, m.Last)
	if err != nil {
		return fmt.Errorf("step message %d: %v", m.Gen, err)
	}
	p.in, p.ev, p.first, p.last = in, ev, m.First, m.Last
	return nil
}

// rows copies the regions' values in and records their rows.
func (p *Part) rows(regions []Region, data []float32) error {
	if err := p.check(regions); err != nil {
		return err
	}
	sh := p.in.Shape
	w := sh.Width
	need := 0
	for _, r := range regions {
		need += (sh.Stacks + 1) * (r.Y1 - r.Y0) * w
	}
	if len(data) != need {
		return fmt.Errorf("step rows: %d values, want %d", len(data), need)
	}
	for _, r := range regions {
		m := (r.Y1 - r.Y0) * w
		for s := range sh.Stacks {
			copy(p.in.Heat[r.Corner][sh.HeatIndex(s, r.Image, r.Class, r.Y0, 0):], data[:m])
			data = data[m:]
		}
		copy(p.in.GTHeat[r.Corner][sh.TargetIndex(r.Image, r.Class, r.Y0, 0):], data[:m])
		data = data[m:]
	}
	p.mark(regions)
	return nil
}

// check refuses regions outside the step.
func (p *Part) check(regions []Region) error {
	sh := p.in.Shape
	for _, r := range regions {
		if r.Corner != loss.TopLeft && r.Corner != loss.BottomRight || r.Image < 0 || r.Image >= sh.Batch ||
			r.Class < 0 || r.Class >= sh.Classes || r.Y0 < 0 || r.Y1 > sh.Height || r.Y0 > r.Y1 {
			return fmt.Errorf("step rows: region %+v outside %v", r, sh)
		}
	}
	return nil
}

// mark records the regions' rows (checked) for the next Flush.
func (p *Part) mark(regions []Region) {
	n := len(p.ops)
	if n == 0 || p.ops[n-1].kind != Rows {
		p.ops = append(p.ops, op{kind: Rows, rows: map[planeKey][2]int{}})
		n++
	}
	dirty := p.ops[n-1].rows
	for _, r := range regions {
		k := planeKey{r.Corner, r.Image, r.Class}
		if y, ok := dirty[k]; ok {
			dirty[k] = [2]int{min(y[0], r.Y0), max(y[1], r.Y1)}
		} else {
			dirty[k] = [2]int{r.Y0, r.Y1}
		}
	}
}

// Flush gives the evaluator the changes applied since the last Flush and
// returns the sums of the part's planes, appended to dst.
func (p *Part) Flush(dst []loss.PlaneSums) ([]loss.PlaneSums, error) {
	if p.ev == nil {
		return dst, nil // a ping before any step: no planes
	}
	for _, o := range p.ops {
		switch o.kind {
		case Options:
			if err := p.ev.SetOptions(o.opt); err != nil {
				return dst, err
			}
		case All:
			p.ev.ChangedAll()
		case Rows:
			for k, y := range o.rows {
				p.ev.Changed(k.c, -1, k.image, k.class, y[0], y[1])
			}
		}
	}
	p.ops = p.ops[:0]
	return p.ev.Sums(dst), nil
}

// Due reports whether changes wait for a Flush.
func (p *Part) Due() bool { return len(p.ops) > 0 }

// Planes returns the part's planes [first, last).
func (p *Part) Planes() (first, last int) { return p.first, p.last }
