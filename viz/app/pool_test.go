package app

import (
	"fmt"
	"image"
	"math"
	"reflect"
	"testing"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/dump"
	"github.com/cornerloss/cornerloss/loss/golden"
	"github.com/cornerloss/cornerloss/loss/steppool"
	"github.com/cornerloss/cornerloss/viz"
)

// fakePool is the page's worker pool in-process: each worker a
// steppool.Part, its messages waiting until the test lets it answer.
type fakePool struct {
	t     *testing.T
	col   *steppool.Collector
	parts []*steppool.Part
	inbox [][]func() error
	n     int // workers
}

func newFakePool(t *testing.T, workers int) *fakePool {
	return &fakePool{t: t, n: workers, col: steppool.NewCollector(nil), parts: make([]*steppool.Part, workers), inbox: make([][]func() error, workers)}
}

func (p *fakePool) Next() int { return p.col.Next() }

func (p *fakePool) send(m steppool.Msg, arrays func() [][]float32) {
	for w := range p.parts {
		p.inbox[w] = append(p.inbox[w], func() error { return p.parts[w].Apply(m, arrays()) })
	}
}

func (p *fakePool) Load(gen int, in *loss.Input, opt loss.Options) {
	shares := steppool.Split(loss.PlaneCount(in.Shape), p.n)
	p.col.SetParts(shares)
	for w, s := range shares {
		m, heat, targets := steppool.LoadMsg(gen, in, opt, s[0], s[1])
		arrays := steppool.Pack(in, heat, targets)
		var own [][]float32
		for _, a := range arrays {
			own = append(own, append([]float32(nil), a...))
		}
		p.parts[w] = &steppool.Part{}
		part := p.parts[w]
		p.inbox[w] = append(p.inbox[w], func() error { return part.Apply(m, own) })
	}
}

func (p *fakePool) Rows(gen int, in *loss.Input, regions []steppool.Region) {
	m, data := steppool.RowsMsg(gen, in, regions)
	p.send(m, func() [][]float32 { return [][]float32{append([]float32(nil), data...)} })
}

func (p *fakePool) SetOptions(gen int, opt loss.Options) {
	p.send(steppool.Msg{Gen: gen, Kind: steppool.Options, Options: opt}, func() [][]float32 { return nil })
}

func (p *fakePool) All(gen int) {
	p.send(steppool.Msg{Gen: gen, Kind: steppool.All}, func() [][]float32 { return nil })
}

// answer lets every worker apply what waits and answer, and hands the sums
// to a when they are complete.
func (p *fakePool) answer(a *App) {
	p.t.Helper()
	for w, part := range p.parts {
		for _, f := range p.inbox[w] {
			if err := f(); err != nil {
				p.t.Fatal(err)
			}
		}
		p.inbox[w] = nil
		sums, err := part.Flush(nil)
		if err != nil {
			p.t.Fatal(err)
		}
		first, _ := part.Planes()
		all, done, err := p.col.Add(w, steppool.Reply{Gen: part.Gen(), First: first, N: len(sums)}, sums)
		if err != nil {
			p.t.Fatal(err)
		}
		if done {
			if err := a.PoolDone(part.Gen(), all); err != nil {
				p.t.Fatal(err)
			}
		}
	}
}

func totalsBits(r *loss.Result) []uint64 {
	w := r.Weighted
	var out []uint64
	for _, v := range []float64{r.Loss, w.FocalTL, w.FocalBR, w.Pull, w.Push, w.RegrTL, w.RegrBR} {
		out = append(out, math.Float64bits(v))
	}
	return out
}

// TestPoolShowsWhatOneThreadShows runs the bench's edits, under both
// conventions, on an app evaluating on its own and on one with a pool of
// two workers answering after bursts of edits, and checks: while a change
// waits the page shows the previous totals and maps, untouched; once the
// pool answers, the totals are the single thread's to the bit and the
// frame is rebuilt with them.
func TestPoolShowsWhatOneThreadShows(t *testing.T) {
	for _, conv := range []loss.Convention{loss.Reference, loss.MMDet} {
		t.Run(conv.String(), func(t *testing.T) {
			one, pooled := New(), New()
			p := newFakePool(t, 2)
			if err := pooled.AttachPool(p); err != nil {
				t.Fatal(err)
			}
			if !pooled.Pending() {
				t.Fatal("attached without waiting for the workers")
			}
			p.answer(pooled)
			o := one.Options
			o.Convention = conv
			for _, a := range []*App{one, pooled} {
				if err := a.SetOptions(o); err != nil {
					t.Fatal(err)
				}
			}
			p.answer(pooled)
			for i := range 6 {
				for _, e := range BenchEdits() {
					if e.Name == "resize-box" {
						p.answer(pooled) // it reads the corner from the frame: show the last move first
					}
					before := pooled.Result()
					for _, a := range []*App{one, pooled} {
						if err := e.Do(a, i); err != nil {
							t.Fatal(err)
						}
					}
					if !pooled.Pending() {
						t.Fatalf("%s: not sent to the pool", e.Name)
					}
					if pooled.Result() != before || pooled.Frame().Result != before {
						t.Fatalf("%s: the totals or the maps changed before the pool answered", e.Name)
					}
				}
				if i%2 == 1 { // a burst: two rounds of edits before the pool answers
					continue
				}
				p.answer(pooled)
				if pooled.Pending() {
					t.Fatal("still waiting after the pool answered")
				}
				g, w := totalsBits(pooled.Result()), totalsBits(one.Result())
				if fmt.Sprint(g) != fmt.Sprint(w) {
					t.Fatalf("round %d: pooled totals %v, one thread %v", i, pooled.Result().Weighted, one.Result().Weighted)
				}
				if pooled.Frame().Result != pooled.Result() {
					t.Fatalf("round %d: the frame shows another result than the totals", i)
				}
				// The maps, computed while the pool evaluated and scaled
				// once it answered, are the single thread's.
				if err := sameMaps(pooled.Frame().Maps, one.Frame().Maps); err != nil {
					t.Fatalf("round %d: pooled maps: %v", i, err)
				}
				// Tags and weights reach no plane: assembled on the page from
				// the last answer, at once.
				for _, e := range BenchEdits()[2:5] {
					for _, a := range []*App{one, pooled} {
						if err := e.Do(a, i+1); err != nil {
							t.Fatal(err)
						}
					}
					if pooled.Pending() {
						t.Fatalf("%s: waits for the pool", e.Name)
					}
					if g, w := totalsBits(pooled.Result()), totalsBits(one.Result()); fmt.Sprint(g) != fmt.Sprint(w) {
						t.Fatalf("round %d %s: pooled totals %v, one thread %v", i, e.Name, pooled.Result().Weighted, one.Result().Weighted)
					}
				}
			}
		})
	}
}

// sameMaps compares two planes' maps to the bit.
func sameMaps(got, want *loss.PixelMaps) error {
	if got == nil || want == nil {
		return fmt.Errorf("maps %v, want %v", got != nil, want != nil)
	}
	for name, p := range map[string][2][]float64{"pos": {got.Pos, want.Pos}, "neg": {got.Neg, want.Neg}, "grad": {got.Grad, want.Grad}, "weight": {got.Weight, want.Weight}} {
		if len(p[0]) != len(p[1]) {
			return fmt.Errorf("%s: %d pixels, want %d", name, len(p[0]), len(p[1]))
		}
		for i := range p[0] {
			if math.Float64bits(p[0][i]) != math.Float64bits(p[1][i]) {
				return fmt.Errorf("%s[%d] = %v, want %v", name, i, p[0][i], p[1][i])
			}
		}
	}
	if math.Float64bits(got.PosSum) != math.Float64bits(want.PosSum) || math.Float64bits(got.NegSum) != math.Float64bits(want.NegSum) {
		return fmt.Errorf("sums %v %v, want %v %v", got.PosSum, got.NegSum, want.PosSum, want.NegSum)
	}
	if !reflect.DeepEqual(got.Prob, want.Prob) || !reflect.DeepEqual(got.Clamped, want.Clamped) || !reflect.DeepEqual(got.Target, want.Target) {
		return fmt.Errorf("probabilities, clamps or targets differ")
	}
	return nil
}

// TestSeedRows: a dump shown with the rows' sums its reader computed under
// the app's options shows the result the app computes itself, to the bit;
// a seed under other options, or for another input, is not used (its rows
// are zeros here, which do show another loss when used).
func TestSeedRows(t *testing.T) {
	c, err := golden.Load("small_two_images")
	if err != nil {
		t.Fatal(err)
	}
	read := func() *dump.Dump {
		d, err := dump.ReadFile(c.NPZ(), dump.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	plain := New()
	if err := plain.ShowDump("x.npz", read()); err != nil {
		t.Fatal(err)
	}
	want := plain.Result()

	d := read()
	a := New()
	ev, err := loss.NewEvaluator(d.Input, a.Options)
	if err != nil {
		t.Fatal(err)
	}
	a.SeedRows(d.Input, a.Options, ev.RowState())
	if err := a.ShowDump("x.npz", d); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a.Result(), want) {
		t.Errorf("seeded: loss %v, computed %v", a.Result().Loss, want.Loss)
	}

	zeros := make([]float64, len(ev.RowState()))
	used := New()
	d = read()
	used.SeedRows(d.Input, used.Options, zeros)
	if err := used.ShowDump("x.npz", d); err != nil {
		t.Fatal(err)
	}
	if used.Result().Loss == want.Loss {
		t.Error("a seed of zero sums changed nothing: the seed is not used")
	}

	other := New()
	opt := other.Options
	opt.Beta = 3
	d = read()
	other.SeedRows(d.Input, opt, zeros)
	if err := other.ShowDump("x.npz", d); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(other.Result(), want) {
		t.Errorf("a seed under other options was used: loss %v, want %v", other.Result().Loss, want.Loss)
	}
	other.SeedRows(read().Input, other.Options, zeros)
	if err := other.ShowDump("x.npz", read()); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(other.Result(), want) {
		t.Errorf("a seed for another input was used: loss %v, want %v", other.Result().Loss, want.Loss)
	}
}

// TestPoolRenewsHover: with a pool, a change's maps arrive after the
// pointer last moved; the hover box then reads them, as it does on the
// page alone (where they are there before the pointer moves again).
func TestPoolRenewsHover(t *testing.T) {
	a := New()
	a.SetCanvas(image.Pt(1600, 900))
	p := newFakePool(t, 2)
	if err := a.AttachPool(p); err != nil {
		t.Fatal(err)
	}
	p.answer(a)
	r, zoom := viz.MapRect(a.Grid()[viz.PanelFocal], a.in.Height, a.in.Width)
	x, y := 17, 33
	if err := a.PointerMove(image.Pt(r.Min.X+x*zoom+1, r.Min.Y+y*zoom+1)); err != nil {
		t.Fatal(err)
	}
	before := a.Hover()
	if before == nil {
		t.Fatal("no hover")
	}
	if err := a.Apply("alpha", "3"); err != nil {
		t.Fatal(err)
	}
	if a.Hover() != before {
		t.Fatal("the hover changed before the pool answered")
	}
	p.answer(a)
	h, m := a.Hover(), a.Frame().Maps
	i := y*m.Width + x
	if h == nil || h.X != x || h.Y != y || h.Weight != m.Weight[i] || h.Neg != m.Neg[i] || h.Grad != m.Grad[i] {
		t.Fatalf("hover %+v after the answer, the maps hold weight %v neg %v grad %v", h, m.Weight[i], m.Neg[i], m.Grad[i])
	}
	if h.Weight == before.Weight {
		t.Fatal("α changed and the weight at the pixel did not")
	}
}
