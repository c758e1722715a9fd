package loss

import (
	"fmt"
	"math"
)

// Convention selects whose arithmetic the engine reproduces.
type Convention int

const (
	// Reference is the original CornerNet code, quirks included.
	Reference Convention = iota
	// MMDet is mmdetection's CornerHead (loss_by_feat_single): no clamp and
	// 1e-12 inside the logs, each corner's focal divided by its own
	// max(1, num_pos) and the corners averaged; embedding loss per image
	// with push 0 for one object and no 1e-4 terms; offsets over the pixels
	// where any class's target is 1, each corner divided by max(1, those
	// pixels) and the corners averaged; stacks summed rather than averaged.
	MMDet
)

// String returns the name used on the command line and in the page.
func (c Convention) String() string {
	if c == MMDet {
		return "mmdet"
	}
	return "reference"
}

// ParseConvention reads "reference" or "mmdet".
func ParseConvention(s string) (Convention, error) {
	switch s {
	case "reference", "":
		return Reference, nil
	case "mmdet":
		return MMDet, nil
	}
	return Reference, fmt.Errorf("convention %q: want reference or mmdet", s)
}

// Options are the knobs of the loss.
type Options struct {
	PullWeight float64 // weight of the pull term (CornerNet trains with 0.1)
	PushWeight float64 // weight of the push term (0.1)
	RegrWeight float64 // weight of the offset term (1)
	Alpha      float64 // focal exponent on (1-p) and p (2)
	Beta       float64 // focal exponent on (1-y) around the corners (4)
	Eps        float64 // probability clamp: p in [ε, 1-ε] (1e-4); unused by MMDet
	Convention Convention
}

// SamePixels reports whether o and b give the same per-pixel focal maps
// before normalisation: the same options, the weights aside.
func (o Options) SamePixels(b Options) bool {
	o.PullWeight, o.PushWeight, o.RegrWeight = 0, 0, 0
	b.PullWeight, b.PushWeight, b.RegrWeight = 0, 0, 0
	return o == b
}

// DefaultOptions returns the settings CornerNet trains with.
func DefaultOptions() Options {
	return Options{PullWeight: 0.1, PushWeight: 0.1, RegrWeight: 1, Alpha: 2, Beta: 4, Eps: 1e-4}
}

// Validate rejects options the loss is not defined for.
func (o Options) Validate() error {
	for _, f := range []struct {
		name string
		v    float64
	}{
		{"pull weight", o.PullWeight}, {"push weight", o.PushWeight}, {"regr weight", o.RegrWeight},
		{"alpha", o.Alpha}, {"beta", o.Beta},
	} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			return fmt.Errorf("%s: %v is not a finite number", f.name, f.v)
		}
	}
	if o.Alpha < 0 || o.Beta < 0 {
		return fmt.Errorf("focal exponents must be non-negative: alpha %v, beta %v", o.Alpha, o.Beta)
	}
	if o.Convention == Reference && !(o.Eps > 0 && o.Eps < 0.5) {
		return fmt.Errorf("clamp epsilon %v: want a value in (0, 0.5)", o.Eps)
	}
	if o.Convention != Reference && o.Convention != MMDet {
		return fmt.Errorf("unknown convention %d", o.Convention)
	}
	return nil
}
