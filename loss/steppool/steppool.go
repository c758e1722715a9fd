// Package steppool splits the step on screen across a pool of workers, in
// plain Go: the page sends every change of the step to every worker, in
// order, numbered by a generation; each worker (a Part) keeps the logits and
// targets and an evaluator of its share of the planes (loss.NewPartEvaluator),
// and answers with its planes' sums; the page (a Collector) assembles the
// result once every worker has answered the latest generation. Messages
// carry their numbers as plain Go values and their arrays beside them, so
// the wasm shells only move them (as transferable buffers) and the whole
// protocol tests natively.
package steppool

import (
	"encoding/json"
	"fmt"

	"github.com/cornerloss/cornerloss/loss"
)

// Kind is what a message changes.
type Kind string

const (
	Ping    Kind = "ping"    // nothing: answered once the worker runs
	Load    Kind = "load"    // a new step: the part's logit planes, then its target planes (partPlanes)
	Rows    Kind = "rows"    // rows of some planes: Arrays[0] holds them, region by region
	Options Kind = "options" // new loss options
	All     Kind = "all"     // recompute every row (the page's bench)
)

// Msg is one change of the step, sent to every worker.
type Msg struct {
	Gen     int          `json:"gen"`
	Kind    Kind         `json:"kind"`
	Shape   loss.Shape   `json:"shape,omitzero"`   // Load
	First   int          `json:"first,omitempty"`  // Load: the worker's planes [First, Last)
	Last    int          `json:"last,omitempty"`   // Load
	Options loss.Options `json:"options,omitzero"` // Load, Options
	Regions []Region     `json:"regions,omitempty"`
}

// Region is rows [Y0, Y1) of the target plane (Image, Class, Corner) and of
// the logits of that plane in every stack. Its values travel in a Rows
// message's array: each stack's logit rows, then the target rows.
type Region struct {
	Corner loss.Corner `json:"corner"`
	Image  int         `json:"image"`
	Class  int         `json:"class"`
	Y0     int         `json:"y0"`
	Y1     int         `json:"y1"`
}

// Encode returns the message's JSON.
func (m Msg) Encode() string {
	b, err := json.Marshal(m)
	if err != nil { // only options with NaN, which the page never sends
		return fmt.Sprintf(`{"gen":%d,"kind":"error"}`, m.Gen)
	}
	return string(b)
}

// DecodeMsg reads a message, checking its options.
func DecodeMsg(s string) (Msg, error) {
	var m Msg
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return m, fmt.Errorf("step message: %v", err)
	}
	if m.Kind == Load || m.Kind == Options {
		if err := m.Options.Validate(); err != nil {
			return m, fmt.Errorf("step message %d: %v", m.Gen, err)
		}
	}
	return m, nil
}

// Reply is a worker's answer: the sums of its planes after generation Gen.
// Sums travel beside it as one float64 array (SumsArray).
type Reply struct {
	Gen   int     `json:"gen"`
	First int     `json:"first"`
	N     int     `json:"n"`               // planes
	Ms    float64 `json:"ms"`              // the worker's time for this answer
	Error string  `json:"error,omitempty"` // the worker could not follow: evaluate elsewhere
	// Hops of the answer's round trip, on the browser's clock shared by
	// the page and its workers (performance.timeOrigin + now(), ms): when
	// the first message of the burst reached the worker, when its
	// evaluation started and ended. The page's bench reports where a round
	// trip's time goes from them.
	Recv  float64 `json:"recv,omitempty"`
	Start float64 `json:"start,omitempty"`
	End   float64 `json:"end,omitempty"`
}

// Encode returns the reply's JSON.
func (r Reply) Encode() string {
	b, _ := json.Marshal(r) // plain numbers and a string: cannot fail
	return string(b)
}

// DecodeReply reads a reply.
func DecodeReply(s string) (Reply, error) {
	var r Reply
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		return r, fmt.Errorf("step reply: %v", err)
	}
	return r, nil
}

// sumFields is how many float64 carry one plane's sums.
const sumFields = 4

// SumsArray packs plane sums for a reply (counts are exact in float64).
func SumsArray(sums []loss.PlaneSums) []float64 {
	out := make([]float64, 0, sumFields*len(sums))
	for _, s := range sums {
		out = append(out, s.Pos, s.Neg, float64(s.NumPos), float64(s.Clamped))
	}
	return out
}

// ArraySums unpacks what SumsArray packed.
func ArraySums(a []float64) ([]loss.PlaneSums, error) {
	if len(a)%sumFields != 0 {
		return nil, fmt.Errorf("step reply: %d numbers is not whole planes", len(a))
	}
	out := make([]loss.PlaneSums, len(a)/sumFields)
	for i := range out {
		v := a[sumFields*i:]
		out[i] = loss.PlaneSums{Pos: v[0], Neg: v[1], NumPos: int(v[2]), Clamped: int(v[3])}
	}
	return out, nil
}

// Split cuts n planes into the contiguous shares of workers, in order.
func Split(n, workers int) [][2]int {
	out := make([][2]int, workers)
	for w := range out {
		out[w] = [2]int{w * n / workers, (w + 1) * n / workers}
	}
	return out
}

// SplitLocal cuts n planes into the contiguous shares of workers and,
// last, the page's own share: a fraction local of the planes (rounded,
// within [0, n]), the rest split evenly among the workers.
func SplitLocal(n, workers int, local float64) [][2]int {
	own := min(max(int(local*float64(n)+0.5), 0), n)
	out := Split(n-own, workers)
	return append(out, [2]int{n - own, n})
}

// LoadMsg is the message that gives a worker planes [first, last) of in,
// and what to send beside it, in two arrays: the logit planes heat, then
// the target planes targets, each plane Pixels() values from where Plane
// says. A worker gets its share only: with two workers each gets half the
// step. (The shell copies plane by plane into the arrays it sends: no
// packed copy of the step in the page's memory.)
func LoadMsg(gen int, in *loss.Input, opt loss.Options, first, last int) (m Msg, heat, targets []Plane) {
	heat, targets = partPlanes(in.Shape, first, last)
	return Msg{Gen: gen, Kind: Load, Shape: in.Shape, First: first, Last: last, Options: opt}, heat, targets
}

// Plane is where one plane starts in Heat[C] (or GTHeat[C]).
type Plane struct {
	C  loss.Corner
	At int
}

// Values returns plane p of arrays (in.Heat or in.GTHeat) for a shape of
// n pixels a plane.
func (p Plane) Values(arrays [2][]float32, n int) []float32 { return arrays[p.C][p.At:][:n] }

// Pack copies the planes a LoadMsg lists into the two arrays to send.
func Pack(in *loss.Input, heat, targets []Plane) [][]float32 {
	n := in.Pixels()
	logits := make([]float32, 0, len(heat)*n)
	for _, h := range heat {
		logits = append(logits, h.Values(in.Heat, n)...)
	}
	gt := make([]float32, 0, len(targets)*n)
	for _, t := range targets {
		gt = append(gt, t.Values(in.GTHeat, n)...)
	}
	return [][]float32{logits, gt}
}

// partPlanes lists the logit planes [first, last) (in PlaneCount's order)
// and the target planes they read (in order of first use).
func partPlanes(sh loss.Shape, first, last int) (heat, targets []Plane) {
	seen := map[Plane]bool{}
	i := 0
	for s := range sh.Stacks {
		for _, c := range loss.Corners {
			for b := range sh.Batch {
				for cls := range sh.Classes {
					if i >= first && i < last {
						heat = append(heat, Plane{c, sh.HeatIndex(s, b, cls, 0, 0)})
						if t := (Plane{c, sh.TargetIndex(b, cls, 0, 0)}); !seen[t] {
							seen[t] = true
							targets = append(targets, t)
						}
					}
					i++
				}
			}
		}
	}
	return heat, targets
}

// RowsMsg is the message for regions of in that changed, with their values.
func RowsMsg(gen int, in *loss.Input, regions []Region) (Msg, []float32) {
	sh := in.Shape
	w := sh.Width
	var data []float32
	for _, r := range regions {
		for s := range sh.Stacks {
			data = append(data, in.Heat[r.Corner][sh.HeatIndex(s, r.Image, r.Class, r.Y0, 0):][:(r.Y1-r.Y0)*w]...)
		}
		data = append(data, in.GTHeat[r.Corner][sh.TargetIndex(r.Image, r.Class, r.Y0, 0):][:(r.Y1-r.Y0)*w]...)
	}
	return Msg{Gen: gen, Kind: Rows, Regions: regions}, data
}
