package timeline

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/cornerloss/cornerloss/loss"
)

// Kind names a marker on the timeline.
type Kind string

const (
	KindNonFinite   Kind = "nan"          // the first step whose dump holds a NaN or an infinity
	KindNoPositives Kind = "no-positives" // no positive pixel in the batch: focal not normalised
	KindJump        Kind = "jump"         // a term more than JumpFactor × its running median
	KindClamp       Kind = "clamp"        // the clamped fraction growing
	KindOneObject   Kind = "one-object"   // an image with one object: push is a constant
	KindUnread      Kind = "unread"       // a file the reader refused
	KindChunks      Kind = "chunks"       // a step split over devices lacking a chunk, or with one unread
)

// JumpFactor is how many times its running median a term must reach to be
// marked as a jump.
const JumpFactor = 3

// jumpHistory is how many earlier readable steps a jump needs behind it
// (a median of fewer says little); medianWindow how many the running
// median looks back over, so that a run's early fall does not hide a later
// spike.
const (
	jumpHistory  = 3
	medianWindow = 9
)

// Marker is one mark on the timeline, explained on hover.
type Marker struct {
	Index int    // into the run's steps
	Kind  Kind   //
	Text  string // one sentence for people
}

// Terms lists the terms the timeline plots and checks for jumps, with how
// to read each from a step.
var Terms = []struct {
	Name string
	Get  func(*Step) float64
}{
	{"loss", func(s *Step) float64 { return s.Loss }},
	{"focal tl", func(s *Step) float64 { return s.FocalTL }},
	{"focal br", func(s *Step) float64 { return s.FocalBR }},
	{"pull", func(s *Step) float64 { return s.Pull }},
	{"push", func(s *Step) float64 { return s.Push }},
	{"offset tl", func(s *Step) float64 { return s.RegrTL }},
	{"offset br", func(s *Step) float64 { return s.RegrBR }},
}

// Sort puts steps in step order (then by file name), as the timeline shows
// them.
func Sort(steps []Step) {
	sort.SliceStable(steps, func(i, j int) bool {
		if steps[i].Step != steps[j].Step {
			return steps[i].Step < steps[j].Step
		}
		return steps[i].File < steps[j].File
	})
}

// Markers finds the markers of a run whose steps are in step order.
func Markers(steps []Step) []Marker {
	var out []Marker
	nanSeen := false
	hist := make([][]float64, len(Terms))
	var clampHist []float64
	for i := range steps {
		s := &steps[i]
		if len(s.ChunkWarnings) > 0 {
			out = append(out, Marker{i, KindChunks, fmt.Sprintf("step %d: %s", s.Step, strings.Join(s.ChunkWarnings, "; "))})
		}
		if !s.OK() {
			if s.NonFinite && !nanSeen {
				nanSeen = true
				out = append(out, Marker{i, KindNonFinite, fmt.Sprintf("step %d: first NaN or infinity of the run: %s", s.Step, s.Error)})
			} else {
				out = append(out, Marker{i, KindUnread, fmt.Sprintf("step %d: %s not read: %s", s.Step, s.File, s.Error)})
			}
			continue
		}
		if slices.Contains(s.Flags, loss.QuirkNoPositives) {
			out = append(out, Marker{i, KindNoPositives, fmt.Sprintf("step %d: no positive pixel in the batch: focal is −Σneg, not divided by num_pos (%.4g)", s.Step, s.Focal)})
		}
		if slices.Contains(s.Flags, loss.QuirkOneObject) {
			out = append(out, Marker{i, KindOneObject, fmt.Sprintf("step %d: an image with one object: its push is the constant 1.000166, with no gradient", s.Step)})
		}
		var jumps []string
		for t, term := range Terms {
			v := term.Get(s)
			if len(hist[t]) >= jumpHistory {
				if m := median(last(hist[t])); m > 0 && v > JumpFactor*m {
					jumps = append(jumps, fmt.Sprintf("%s %.4g is %.1f× its running median %.4g", term.Name, v, v/m, m))
				}
			}
			hist[t] = append(hist[t], v)
		}
		if len(jumps) > 0 {
			out = append(out, Marker{i, KindJump, fmt.Sprintf("step %d: %s", s.Step, strings.Join(jumps, "; "))})
		}
		if len(clampHist) >= jumpHistory {
			if m := median(last(clampHist)); s.ClampedFraction > 2*m && s.ClampedFraction > clampFloor {
				out = append(out, Marker{i, KindClamp, fmt.Sprintf("step %d: %.3g%% of pixels at the clamp, %.1f× the run's median so far (zero gradient there)", s.Step, 100*s.ClampedFraction, s.ClampedFraction/max(m, 1e-300))})
			}
		}
		clampHist = append(clampHist, s.ClampedFraction)
	}
	return out
}

// clampFloor is the clamped fraction below which growth is not marked: a
// handful of saturated pixels in a COCO batch is noise.
const clampFloor = 1e-4

// last returns the running median's window of a history.
func last(v []float64) []float64 { return v[max(0, len(v)-medianWindow):] }

// median returns the median of v (v is not changed).
func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
