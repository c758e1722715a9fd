package app

import (
	"image"

	"github.com/cornerloss/cornerloss/viz"
)

// presentation is the classroom's mode: larger text (the page's) and only
// some panels on the canvas, each larger.
type presentation struct {
	on     bool
	panels []viz.Panel // chosen by the walk; nil: DefaultPanels
}

// DefaultPanels are what presentation mode shows when nothing chose: the
// targets, the focal term, the embeddings and the curves.
var DefaultPanels = []viz.Panel{viz.PanelTarget, viz.PanelFocal, viz.PanelEmbedding, viz.PanelCurves}

// SetPresenting turns presentation mode on or off.
func (a *App) SetPresenting(on bool) {
	if on != a.present.on {
		a.present.on = on
		a.layout()
	}
}

// Presenting reports whether presentation mode is on.
func (a *App) Presenting() bool { return a.present.on }

// SetPanels chooses the panels presentation mode shows, in order (the
// guided walk sets those of its step); none gives DefaultPanels back.
// Outside presentation mode every panel shows, whatever was chosen.
func (a *App) SetPanels(ps ...viz.Panel) {
	a.present.panels = append([]viz.Panel(nil), ps...)
	if a.present.on {
		a.layout()
	}
}

// Panels returns the panels on the canvas now.
func (a *App) Panels() []viz.Panel {
	if !a.present.on {
		all := make([]viz.Panel, viz.NumPanels)
		for i := range all {
			all[i] = viz.Panel(i)
		}
		return all
	}
	if st, ok := a.TourStep(); ok && len(st.Panels) > 0 {
		return st.Panels // the walk's step: its panels only
	}
	if len(a.present.panels) == 0 {
		return DefaultPanels
	}
	return a.present.panels
}

// tourMoved follows the walk to another step: the curves panel's plot, and
// in presentation mode, which shows the step's panels, the layout.
func (a *App) tourMoved() {
	if a.frame != nil {
		a.frame.Curve = a.tourCurve()
	}
	if a.present.on {
		a.layout()
	}
}

// gridFor lays the panels out in size: all of them, or in presentation
// mode the chosen ones.
func (a *App) gridFor(size image.Point) [viz.NumPanels]image.Rectangle {
	if a.present.on {
		return viz.GridOf(size, a.in.Height, a.in.Width, a.Panels())
	}
	return viz.Grid(size, a.in.Height, a.in.Width)
}
