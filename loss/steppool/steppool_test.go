package steppool_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/scene"
	"github.com/cornerloss/cornerloss/loss/steppool"
)

// pool is an in-process pool: each worker a Part behind the message
// encoding, as the page's Web Workers are.
type pool struct {
	t     *testing.T
	parts []*steppool.Part
	inbox [][]sent // messages each worker has not applied yet
	col   *steppool.Collector
}

type sent struct {
	msg    string
	arrays [][]float32
}

// newPool starts a pool of workers and, when local > 0, the page's own
// share of that fraction of the planes too (the last part, reading in
// itself: the test edits in in place, as the page does).
func newPool(t *testing.T, workers int, local float64, in *loss.Input, opt loss.Options) *pool {
	shares := steppool.Split(loss.PlaneCount(in.Shape), workers)
	if local > 0 {
		shares = steppool.SplitLocal(loss.PlaneCount(in.Shape), workers, local)
	}
	p := &pool{t: t, col: steppool.NewCollector(shares), inbox: make([][]sent, len(shares))}
	gen := p.col.Next()
	for w, s := range shares[:workers] {
		p.parts = append(p.parts, &steppool.Part{})
		m, heat, targets := steppool.LoadMsg(gen, in, opt, s[0], s[1])
		arrays := steppool.Pack(in, heat, targets)
		var own [][]float32
		for _, a := range arrays { // transferred copies: the page keeps its own
			own = append(own, append([]float32(nil), a...))
		}
		p.inbox[w] = append(p.inbox[w], sent{m.Encode(), own})
	}
	if local > 0 {
		s := shares[workers]
		own, err := steppool.NewLocalPart(gen, in, opt, s[0], s[1])
		if err != nil {
			t.Fatal(err)
		}
		p.parts = append(p.parts, own)
	}
	return p
}

func (p *pool) send(m steppool.Msg, arrays ...[]float32) {
	for w := range p.parts {
		var own [][]float32
		for _, a := range arrays {
			own = append(own, append([]float32(nil), a...))
		}
		p.inbox[w] = append(p.inbox[w], sent{m.Encode(), own})
	}
}

// run lets worker w apply everything waiting and answer, as a worker does
// between two flushes; it returns the assembled sums when they are done.
func (p *pool) run(w int) ([]loss.PlaneSums, bool) {
	p.t.Helper()
	for _, s := range p.inbox[w] {
		m, err := steppool.DecodeMsg(s.msg)
		if err != nil {
			p.t.Fatal(err)
		}
		if err := p.parts[w].Apply(m, s.arrays); err != nil {
			p.t.Fatal(err)
		}
	}
	p.inbox[w] = nil
	sums, err := p.parts[w].Flush(nil)
	if err != nil {
		p.t.Fatal(err)
	}
	first, _ := p.parts[w].Planes()
	r, err := steppool.DecodeReply(steppool.Reply{Gen: p.parts[w].Gen(), First: first, N: len(sums)}.Encode())
	if err != nil {
		p.t.Fatal(err)
	}
	back, err := steppool.ArraySums(steppool.SumsArray(sums))
	if err != nil {
		p.t.Fatal(err)
	}
	all, done, err := p.col.Add(w, r, back)
	if err != nil {
		p.t.Fatal(err)
	}
	return all, done
}

func sameBits(t *testing.T, what string, got, want *loss.Result) {
	t.Helper()
	g := []float64{got.Loss, got.Weighted.FocalTL, got.Weighted.FocalBR, got.Weighted.Pull, got.Weighted.Push, got.Weighted.RegrTL, got.Weighted.RegrBR,
		float64(got.NumPos[0]), float64(got.NumPos[1]), float64(got.Clamped[0]), float64(got.Clamped[1])}
	w := []float64{want.Loss, want.Weighted.FocalTL, want.Weighted.FocalBR, want.Weighted.Pull, want.Weighted.Push, want.Weighted.RegrTL, want.Weighted.RegrBR,
		float64(want.NumPos[0]), float64(want.NumPos[1]), float64(want.Clamped[0]), float64(want.Clamped[1])}
	for i := range g {
		if math.Float64bits(g[i]) != math.Float64bits(w[i]) {
			t.Fatalf("%s: number %d is %.17g, one thread gives %.17g", what, i, g[i], w[i])
		}
	}
}

// TestPoolFollowsEditsToTheBit drives a scene through box moves and option
// changes, once on one evaluator told of each change as the page's single
// thread does, once on pools of 1 to 3 workers that apply bursts of
// messages before answering, with and without the page's own share (one
// with every plane, its worker holding none), and checks that every
// assembled answer is the one thread's result of the latest change, to the
// bit, under both conventions; answers to superseded changes are never
// assembled.
func TestPoolFollowsEditsToTheBit(t *testing.T) {
	for _, conv := range []loss.Convention{loss.Reference, loss.MMDet} {
		for _, c := range []struct {
			workers int
			local   float64
		}{{1, 0}, {2, 0}, {3, 0}, {1, 0.4}, {2, 0.4}, {1, 0.99}} {
			workers, local := c.workers, c.local
			t.Run(fmt.Sprintf("%v/%d/local=%v", conv, workers, local), func(t *testing.T) {
				s := scene.Default()
				in, set, err := s.Build()
				if err != nil {
					t.Fatal(err)
				}
				opt := loss.DefaultOptions()
				opt.Convention = conv
				one, err := loss.NewEvaluator(in, opt)
				if err != nil {
					t.Fatal(err)
				}
				p := newPool(t, workers, local, in, opt)
				check := func(what string) {
					t.Helper()
					var all []loss.PlaneSums
					done := false
					for w := range p.parts {
						all, done = p.run(w)
					}
					if !done {
						t.Fatalf("%s: not done after every worker answered", what)
					}
					got, err := loss.Assemble(in, opt, all)
					if err != nil {
						t.Fatal(err)
					}
					sameBits(t, what, got, one.Result())
				}
				check("load")
				for step := range 12 {
					// A burst of edits: every worker applies them all before it answers.
					for range 1 + step%3 {
						next := s.Clone()
						b := &next.Images[0][step%len(next.Images[0])].Box
						b.X0 += 3
						b.X1 += 3
						b.Y0 += 4 // other rows each time: bursts merge row ranges
						b.Y1 += 4
						regions, full, err := s.Update(in, set, next)
						if err != nil || full {
							t.Fatalf("update: %v, full %v", err, full)
						}
						s = next
						var rs []steppool.Region
						for _, r := range regions {
							y0, y1 := max(r.Rect.Min.Y, 0), min(r.Rect.Max.Y, in.Height)
							one.Changed(r.Corner, -1, r.Image, r.Class, y0, y1)
							rs = append(rs, steppool.Region{Corner: r.Corner, Image: r.Image, Class: r.Class, Y0: y0, Y1: y1})
						}
						m, data := steppool.RowsMsg(p.col.Next(), in, rs)
						p.send(m, data)
						if step%4 == 1 {
							// A slider dragged: two changes in a row.
							mid := opt
							mid.Alpha = 1.5
							if err := one.SetOptions(mid); err != nil {
								t.Fatal(err)
							}
							p.send(steppool.Msg{Gen: p.col.Next(), Kind: steppool.Options, Options: mid})
							opt.Alpha = []float64{2.5, 3, 2}[step%3]
							opt.Beta = []float64{4, 3}[step%2]
							if err := one.SetOptions(opt); err != nil {
								t.Fatal(err)
							}
							p.send(steppool.Msg{Gen: p.col.Next(), Kind: steppool.Options, Options: opt})
						}
					}
					if step == 5 {
						one.ChangedAll()
						p.send(steppool.Msg{Gen: p.col.Next(), Kind: steppool.All})
					}
					// The first worker answers early, then sees one more change:
					// its early answer must not be assembled.
					if len(p.parts) > 1 {
						if _, done := p.run(0); done {
							t.Fatal("assembled before every worker answered")
						}
					}
					check(fmt.Sprintf("step %d", step))
				}
			})
		}
	}
}

func TestCollectorRefuses(t *testing.T) {
	c := steppool.NewCollector(steppool.Split(10, 2))
	gen := c.Next()
	if _, _, err := c.Add(0, steppool.Reply{Gen: gen + 1}, nil); err == nil {
		t.Error("an answer to a change never sent was taken")
	}
	if _, _, err := c.Add(1, steppool.Reply{Gen: gen, First: 0, N: 5}, make([]loss.PlaneSums, 5)); err == nil {
		t.Error("an answer for another worker's planes was taken")
	}
	if _, _, err := c.Add(2, steppool.Reply{Gen: gen}, nil); err == nil {
		t.Error("an answer from a worker that does not exist was taken")
	}
	if _, _, err := c.Add(0, steppool.Reply{Gen: gen, Error: "out of memory"}, nil); err == nil {
		t.Error("a worker's error was not passed on")
	}
}

func TestPartRefusesBadRows(t *testing.T) {
	in, _, err := scene.Default().Build()
	if err != nil {
		t.Fatal(err)
	}
	var p steppool.Part
	m, heat, targets := steppool.LoadMsg(1, in, loss.DefaultOptions(), 0, 3)
	arrays := steppool.Pack(in, heat, targets)
	if err := p.Apply(m, arrays); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		r    steppool.Region
		data int
	}{
		{steppool.Region{Image: in.Batch, Y1: 1}, (in.Stacks + 1) * in.Width},
		{steppool.Region{Y0: 0, Y1: in.Height + 1}, (in.Stacks + 1) * in.Width * (in.Height + 1)},
		{steppool.Region{Y0: 0, Y1: 1}, in.Width},
	} {
		err := p.Apply(steppool.Msg{Gen: 2, Kind: steppool.Rows, Regions: []steppool.Region{c.r}}, [][]float32{make([]float32, c.data)})
		if err == nil {
			t.Errorf("rows %+v with %d values were taken", c.r, c.data)
		}
	}
}

// TestLocalPartRefuses: the page's own share checks the regions it is told
// of as a worker does, and takes no new step (the page makes a new part).
func TestLocalPartRefuses(t *testing.T) {
	in, _, err := scene.Default().Build()
	if err != nil {
		t.Fatal(err)
	}
	p, err := steppool.NewLocalPart(1, in, loss.DefaultOptions(), 0, 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []steppool.Region{{Image: in.Batch, Y1: 1}, {Y0: 0, Y1: in.Height + 1}, {Class: -1, Y1: 1}} {
		if err := p.Apply(steppool.Msg{Gen: 2, Kind: steppool.Rows, Regions: []steppool.Region{r}}, nil); err == nil {
			t.Errorf("rows %+v were taken", r)
		}
	}
	if p.Due() {
		t.Error("refused rows left a change to evaluate")
	}
	m, heat, targets := steppool.LoadMsg(3, in, loss.DefaultOptions(), 0, 3)
	if err := p.Apply(m, steppool.Pack(in, heat, targets)); err == nil {
		t.Error("the page's own share took a new step")
	}
	if _, err := steppool.NewLocalPart(1, in, loss.DefaultOptions(), 2, loss.PlaneCount(in.Shape)+1); err == nil {
		t.Error("a share past the last plane was made")
	}
}

// TestSplitLocal: the shares are contiguous, cover every plane once, and
// give the page (last) its fraction of them, rounded, even when that
// leaves the workers or the page no plane at all.
func TestSplitLocal(t *testing.T) {
	for _, c := range []struct {
		n, workers int
		local      float64
		own        int
	}{
		{160, 1, 0.45, 72}, {160, 2, 0.3, 48}, {6, 1, 0.99, 6}, {6, 1, 0.01, 0}, {7, 3, 0.5, 4}, {1, 2, 0.5, 1},
	} {
		shares := steppool.SplitLocal(c.n, c.workers, c.local)
		if len(shares) != c.workers+1 {
			t.Fatalf("%+v: %d shares", c, len(shares))
		}
		at := 0
		for _, s := range shares {
			if s[0] != at || s[1] < s[0] {
				t.Fatalf("%+v: shares %v not contiguous from 0", c, shares)
			}
			at = s[1]
		}
		if at != c.n {
			t.Fatalf("%+v: shares %v end at %d", c, shares, at)
		}
		if own := shares[c.workers]; own[1]-own[0] != c.own {
			t.Errorf("%+v: the page's share %v, want %d planes", c, own, c.own)
		}
	}
}
