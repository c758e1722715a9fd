package scene

import (
	"image"
	"math"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/target"
)

// peakReach is how far from its centre a predicted peak still changes the
// logit, in units of σ: beyond 5σ the Gaussian is below 4e-6 of the peak and
// the background wins.
const peakReach = 5

// stackDamping makes earlier stacks less sure: stack st of S predicts peaks
// scaled by stackDamping^(S-1-st) and spread by 1 + 0.25·(S-1-st).
const stackDamping = 0.8

// DrawPrediction writes the predicted logits of plane (stack st, image b,
// class cls, corner c) inside rect: background level plus noise, raised to
// the peaks of the objects and blobs of that class and corner (the larger
// probability wins). gt gives the objects' corners on the output map.
func (s *Scene) DrawPrediction(in *loss.Input, gt *target.Set, st, b, cls int, c loss.Corner, rect image.Rectangle) {
	sh := in.Shape
	rect = rect.Intersect(fullRect(sh))
	if rect.Empty() {
		return
	}
	plane := in.Heat[c][sh.HeatIndex(st, b, cls, 0, 0):][:sh.Pixels()]
	seed := s.Seed ^ uint64(((st*sh.Batch+b)*sh.Classes+cls)*2+int(c))*0x9e3779b97f4a7c15
	for y := rect.Min.Y; y < rect.Max.Y; y++ {
		row := plane[y*sh.Width:][:sh.Width]
		for x := rect.Min.X; x < rect.Max.X; x++ {
			row[x] = float32(s.Background + s.Noise*gauss(seed, y*sh.Width+x))
		}
	}
	damp := float64(s.Stacks - 1 - st)
	sigma := s.stackSigma(st)
	scale := math.Pow(stackDamping, damp)
	for k, o := range s.Images[b] {
		if o.Box.Class != cls {
			continue
		}
		q := gt.Objects[b][k].Corner[c]
		raise(plane, sh.Width, rect, float64(q.X)+o.Shift[0], float64(q.Y)+o.Shift[1], o.Peak*scale, sigma)
	}
	if b < len(s.Blobs) {
		for _, bl := range s.Blobs[b] {
			if bl.Class == cls && bl.Corner == c {
				raise(plane, sh.Width, rect, bl.X, bl.Y, bl.Peak*scale, sigma)
			}
		}
	}
}

// stackSigma returns the spread σ of stack st's predicted peaks: Blur, widened
// by 1 + 0.25·(S-1-st) (see stackDamping).
func (s *Scene) stackSigma(st int) float64 {
	return s.Blur * (1 + 0.25*float64(s.Stacks-1-st))
}

// raise lifts the logits inside rect to a Gaussian peak of probability peak
// at (cx, cy) with spread sigma, where it is above what is there.
func raise(plane []float32, width int, rect image.Rectangle, cx, cy, peak, sigma float64) {
	r := PeakBounds(cx, cy, sigma).Intersect(rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			dx, dy := float64(x)-cx, float64(y)-cy
			p := peak
			if sigma > 0 {
				p *= math.Exp(-(dx*dx + dy*dy) / (2 * sigma * sigma))
			} else if dx != 0 || dy != 0 {
				continue
			}
			if p < 1e-12 {
				continue
			}
			l := float32(math.Log(p) - math.Log1p(-p))
			if i := y*width + x; l > plane[i] {
				plane[i] = l
			}
		}
	}
}

// PeakBounds returns the pixels a predicted peak at (cx, cy) can change.
func PeakBounds(cx, cy, sigma float64) image.Rectangle {
	reach := peakReach*sigma + 1
	return image.Rect(int(math.Floor(cx-reach)), int(math.Floor(cy-reach)),
		int(math.Ceil(cx+reach))+1, int(math.Ceil(cy+reach))+1)
}

func fullRect(sh loss.Shape) image.Rectangle { return image.Rect(0, 0, sh.Width, sh.Height) }

// gauss returns a standard-normal-looking value that depends only on the
// seed and the pixel, so any part of a plane can be redrawn alone. It is the
// Irwin–Hall sum of four uniforms from a 64-bit hash, rescaled to variance 1.
// The four 16-bit parts are summed as integers and divided once: the
// start-up draws every pixel of the default scene in V8's baseline code,
// where four divisions a pixel cost 2.5× the time.
func gauss(seed uint64, i int) float64 {
	h := mix(seed + uint64(i)*0xbf58476d1ce4e5b9)
	n := h&0xffff + h>>16&0xffff + h>>32&0xffff + h>>48
	return (float64(n)/0xffff - 2) * math.Sqrt(3)
}

// mix is the SplitMix64 finaliser.
func mix(z uint64) uint64 {
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}
