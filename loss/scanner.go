package loss

import "fmt"

// A Scanner takes a step's heatmap logits one plane at a time, as a reader
// decodes them, and keeps what the loss and its Summary need of each plane
// (its focal sums, its largest gradient, its predicted corners), so that
// the logits, two thirds of a dump, never have to be in memory whole: a
// worker summarising a run holds a dump's targets, tags and offsets and
// one plane of logits. Summary then gives, to the last bit, what
// Summarize(in, Evaluate(in, opt)) gives for the whole input: each plane's
// values depend on that plane alone and are combined in plane order, as
// Evaluate combines them. A Scanner is for one goroutine.
type Scanner struct {
	opt   Options
	k     *kernel
	sh    Shape
	sums  []focalSums
	scans []planeScan
	done  []bool
	n     int // planes scanned
	prob  probScan
	sc    rowScratch
	err   error
}

// NewScanner returns a Scanner of one step under opt (checked by Summary).
func NewScanner(opt Options) *Scanner { return &Scanner{opt: opt} }

// Plane scans plane (stack, c, image, class) of a step of shape sh: x its
// logits, y its targets, sh.Pixels() values each. The planes of tl_heats
// come before those of br_heats, each array's in its order, as a reader
// decodes them: whether the heats look like probabilities is read in that
// order.
func (s *Scanner) Plane(sh Shape, c Corner, stack, image, class int, x, y []float32) {
	if s.err != nil || s.opt.Validate() != nil { // Summary says why
		return
	}
	if s.sums == nil {
		n := PlaneCount(sh)
		s.sh, s.k = sh, newKernel(s.opt)
		s.sums, s.scans, s.done = make([]focalSums, n), make([]planeScan, n), make([]bool, n)
	}
	if sh != s.sh || len(x) != sh.Pixels() || len(y) != sh.Pixels() || stack < 0 || stack >= sh.Stacks ||
		image < 0 || image >= sh.Batch || class < 0 || class >= sh.Classes || (c != TopLeft && c != BottomRight) {
		s.err = fmt.Errorf("%s_heats: plane (%d, %d, %d) of %d and %d values does not fit %v", c, stack, image, class, len(x), len(y), s.sh)
		return
	}
	i := PlaneOf(sh, stack, c, image, class)
	rows := s.sc.rowBuffer(sh.Height)
	s.k.rows(rows, x, y, sh.Width)
	s.sums[i] = planeSums(rows)
	s.scans[i] = s.k.scanPlane(x, y, sh, stack == sh.Stacks-1)
	s.prob.add(x)
	if !s.done[i] {
		s.done[i] = true
		s.n++
	}
}

// Summary returns the summary of in, whose heats were given to Plane (in
// need not hold them: in.Heat may be nil). in's other arrays are checked
// as Evaluate checks them.
func (s *Scanner) Summary(in *Input) (Summary, error) {
	if err := s.opt.Validate(); err != nil {
		return Summary{}, err
	}
	if s.err != nil {
		return Summary{}, s.err
	}
	if err := in.checkArrays(false); err != nil {
		return Summary{}, err
	}
	if want := PlaneCount(in.Shape); s.sh != in.Shape || s.n != want {
		return Summary{}, fmt.Errorf("tl_heats, br_heats: %d of the %d planes of %v scanned", s.n, want, in.Shape)
	}
	r := assemble(in, s.opt, s.k, s.sums)
	return r.summarize(s.prob.probabilities(), s.scans), nil
}
