package viz

import (
	"image"

	"github.com/cornerloss/cornerloss/loss"
)

// Panel names one panel of the page and of `cornerloss render`.
type Panel int

const (
	PanelTarget    Panel = iota // the Gaussian target y
	PanelProb                   // predicted probability p (after the clamp)
	PanelFocal                  // per-pixel focal term, positives and negatives, log scale
	PanelWeight                 // focal weight: (1-p)^α on positives, p^α(1-y)^β on negatives
	PanelClamped                // pixels whose p hit the clamp (zero gradient there)
	PanelGrad                   // d loss / d logit, diverging scale
	PanelEmbedding              // each object's two tags on a number line, their mean, pull per object
	PanelPush                   // the N×N push pair matrix, the margin of 1 marked
	PanelOffsets                // true and predicted sub-pixel offsets as arrows, smooth-L1 per corner
	PanelCurves                 // the focal, smooth-L1 and push-margin functions as curves, this frame's values on them
	NumPanels
)

// Object is one ground-truth object as the overlays draw it.
type Object struct {
	Slot   int            // its slot k in the mask
	Class  int            // its class; -1 when unknown
	Corner [2]image.Point // true corner pixel, by loss.Corner
	Exact  [2][2]float64  // sub-pixel true corner (x, y) on the output map, by loss.Corner
	Radius int            // Gaussian radius in output pixels; -1 when unknown
}

// Frame is what one frame of panels shows: one plane of one image of one
// stack, and that image's objects. NewFrame fills it; a Frame is not safe
// for drawing from several goroutines at once until it has been drawn or
// refreshed once (DrawPanel may fill its cache).
type Frame struct {
	Result    *loss.Result
	Stack     int
	Image     int
	Class     int // -1: all classes (see loss.Result.PixelsAllClasses)
	Corner    loss.Corner
	Maps      *loss.PixelMaps // the plane (Stack, Image, Class, Corner)
	Embedding loss.Embedding  // of (Stack, Image)
	Offsets   [2]loss.Offsets // of (Stack, Image), by corner
	Objects   []Object        // of Image, in slot order
	Selected  int             // index into Objects of the selected object; -1 for none
	Hover     image.Point     // the map pixel under the pointer, when Hovered
	Hovered   bool
	// Base, when set, is the same plane of another step (A of a
	// comparison): the map panels show Maps − Base. Set it with SetBase.
	Base *loss.PixelMaps
	// Curve is the plot the curves panel draws when it has room for one
	// only. Reset keeps it.
	Curve Curve

	d derived // what the panels compute once per frame (see Refresh)
	// curves is the curves panel's axes and curves as last drawn, copied
	// while they stay the same (drawCurves).
	curves curvesLayer
	// pre is what Prepare computed for the next Reset; spare, the buffers
	// the next Prepare fills (the last prepared's, swapped out by Reset).
	pre, spare *prepared
	// plane is the viewed plane before normalisation, kept so that an
	// edit recomputes only the rows it changed.
	plane loss.PlaneTerms
}
