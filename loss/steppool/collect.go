package steppool

import (
	"fmt"

	"github.com/cornerloss/cornerloss/loss"
)

// Collector is the page's side: it numbers the changes it sends and keeps
// each worker's last answer, until every worker has answered the latest
// change. Answers to older changes are superseded, never assembled: the
// totals shown always belong to the step the page holds.
type Collector struct {
	gen     int
	parts   [][2]int // each worker's planes
	answers []answer
}

type answer struct {
	gen  int
	sums []loss.PlaneSums
}

// NewCollector expects workers answering for the given plane shares.
func NewCollector(parts [][2]int) *Collector {
	return &Collector{parts: parts, answers: make([]answer, len(parts))}
}

// SetParts changes the workers' shares, for a new step; the numbering goes
// on, and answers not of the latest change are forgotten.
func (c *Collector) SetParts(parts [][2]int) {
	c.parts = parts
	c.answers = make([]answer, len(parts))
}

// Next numbers a new change: the generation to send with it.
func (c *Collector) Next() int {
	c.gen++
	return c.gen
}

// Gen is the latest generation sent.
func (c *Collector) Gen() int { return c.gen }

// Parts returns each worker's planes.
func (c *Collector) Parts() [][2]int { return c.parts }

// Add takes worker w's answer. When every worker has answered the latest
// generation it returns all the planes' sums, in order, and done.
func (c *Collector) Add(w int, r Reply, sums []loss.PlaneSums) (all []loss.PlaneSums, done bool, err error) {
	if w < 0 || w >= len(c.answers) {
		return nil, false, fmt.Errorf("step reply from worker %d of %d", w, len(c.answers))
	}
	if r.Error != "" {
		return nil, false, fmt.Errorf("worker %d: %s", w, r.Error)
	}
	if r.Gen > c.gen {
		return nil, false, fmt.Errorf("worker %d answered change %d, the latest sent is %d", w, r.Gen, c.gen)
	}
	want := c.parts[w]
	if r.Gen == c.gen && (r.First != want[0] || len(sums) != want[1]-want[0]) {
		return nil, false, fmt.Errorf("worker %d answered for planes [%d, %d), it holds [%d, %d)", w, r.First, r.First+len(sums), want[0], want[1])
	}
	c.answers[w] = answer{r.Gen, sums}
	for _, a := range c.answers {
		if a.gen != c.gen {
			return nil, false, nil
		}
	}
	for _, a := range c.answers {
		all = append(all, a.sums...)
	}
	return all, true, nil
}
