package viz

import "image"

// The parts of a panel, in pixels.
const (
	pad     = 5              // between a panel's border and its content
	titleH  = LineHeight + 4 // the title line and the gap under it
	barGap  = 8              // between a map and its colorbar
	barW    = 58             // the colorbar column: strip, ticks, labels
	minBarH = 112            // a colorbar shorter than this cannot be read
	footGap = 4              // between a map and the lines under it
	footH   = footGap + 2*LineHeight
	mapSide = 256 // Grid zooms a map up to this many pixels on its longer side
)

// heatLayout is where a heatmap panel drawn in r puts its parts.
type heatLayout struct {
	plane image.Rectangle // the H×W map at zoom
	zoom  int
	bar   image.Rectangle // the colorbar
	foot  image.Rectangle // two lines of readouts and legend
}

// layoutHeat places a h×w map, its colorbar and its footer in r under the
// title: the largest whole zoom that fits (at least 1), the map and the
// colorbar centred together across r, the footer under both.
func layoutHeat(r image.Rectangle, h, w int) heatLayout {
	in := r.Inset(pad)
	top := in.Min.Y + titleH
	zoom := 1
	if h > 0 && w > 0 {
		zoom = max(1, min((in.Dx()-barGap-barW)/w, (in.Max.Y-footH-top)/h))
	}
	pw, ph := max(w, 0)*zoom, max(h, 0)*zoom
	x := in.Min.X + max(0, (in.Dx()-pw-barGap-barW)/2)
	l := heatLayout{zoom: zoom, plane: image.Rect(x, top, x+pw, top+ph)}
	bh := max(ph, min(minBarH, in.Max.Y-footH-top))
	l.bar = image.Rect(l.plane.Max.X+barGap, top, l.plane.Max.X+barGap+barW, top+bh)
	y := top + max(ph, bh) + footGap
	l.foot = image.Rect(in.Min.X, y, in.Max.X, y+2*LineHeight)
	return l
}

// MapRect returns where DrawPanel puts an h×w map when it draws a heatmap
// panel in r, and at which zoom: map pixel (x, y) covers the zoom×zoom
// block at rect.Min + (x·zoom, y·zoom). The page uses it to find the pixel
// under the pointer.
func MapRect(r image.Rectangle, h, w int) (image.Rectangle, int) {
	l := layoutHeat(r, h, w)
	return l.plane, l.zoom
}

// heatCell returns the size of a panel that shows an h×w map at zoom.
func heatCell(h, w, zoom int) image.Point {
	return image.Pt(2*pad+w*zoom+barGap+barW, 2*pad+titleH+max(h*zoom, minBarH)+footH)
}

// The sizes of the embedding, push and offsets panels that Grid aims for
// and the smallest it accepts before falling back to equal cells.
var (
	comfyOther = image.Pt(300, 220)
	minOther   = image.Pt(240, 150)
)

// otherPanels are the panels besides MapPanels: the maps go in a block of
// equal cells, these in the space left.
var otherPanels = [...]Panel{PanelEmbedding, PanelOffsets, PanelPush, PanelCurves}

// Grid lays out every panel in a canvas of the given size, for h×w maps. The
// six maps take equal cells in a block at the top left, at the largest zoom
// that leaves the other three a comfortable size while the maps keep at
// least half of mapSide pixels, or failing that a usable size (zoom 2 for a
// 128×128 map when there is room, up to mapSide pixels for a small map);
// the embedding, push and offsets panels share the strip to
// the right of the block and the strip under it, whichever split gives the
// smallest of them the most area. When not even zoom 1 fits, every panel
// gets an equal cell and the maps are clipped. Rectangles never overlap and
// stay inside size.
func Grid(size image.Point, h, w int) [NumPanels]image.Rectangle {
	h, w = max(h, 1), max(w, 1)
	top := max(1, mapSide/max(h, w))
	// Comfortable other panels, unless that leaves a map under half of
	// mapSide when it could be larger; then usable ones.
	for zoom := top; zoom >= 1 && (zoom*max(h, w) >= mapSide/2 || zoom == 1); zoom-- {
		if g, ok := gridAt(size, heatCell(h, w, zoom), comfyOther); ok {
			return g
		}
	}
	for zoom := top; zoom >= 1; zoom-- {
		if g, ok := gridAt(size, heatCell(h, w, zoom), minOther); ok {
			return g
		}
	}
	if g, ok := stackedGrid(size, heatCell(h, w, 1)); ok {
		return g
	}
	return uniformGrid(size)
}

// MapsUsable reports whether grid g shows every h×w map whole (the map,
// its colorbar and its footer inside the panel) at mapSide/2 pixels or more
// on its longer side: what Grid gives the maps whenever the canvas has
// room. The page asks it to size the timeline under the panels.
func MapsUsable(g [NumPanels]image.Rectangle, h, w int) bool {
	for _, p := range MapPanels {
		if g[p].Empty() {
			continue
		}
		l := layoutHeat(g[p], h, w)
		if l.zoom*max(h, w) < mapSide/2 || !l.plane.In(g[p]) || !l.bar.In(g[p]) || !l.foot.In(g[p]) {
			return false
		}
	}
	return true
}

// stackedGrid puts the maps at zoom 1 in rows across the top (their cells
// spread over the width) and the other panels in a 2×2 block under them:
// what a tablet's 1024×768 page has room for, where the strips of gridAt
// leave the other panels too narrow. ok is false when that does not fit.
func stackedGrid(size, cell image.Point) (g [NumPanels]image.Rectangle, ok bool) {
	for _, cols := range [...]int{3, 2} {
		rows := (len(MapPanels) + cols - 1) / cols
		under := image.Rect(0, rows*cell.Y, size.X, size.Y)
		if cols*cell.X > size.X || under.Dx()/2 < minOther.X || under.Dy()/2 < minOther.Y {
			continue
		}
		for i, p := range MapPanels {
			c, r := i%cols, i/cols
			g[p] = image.Rect(size.X*c/cols, r*cell.Y, size.X*(c+1)/cols, (r+1)*cell.Y)
		}
		for i, p := range otherPanels {
			c, r := i%2, i/2
			g[p] = image.Rect(size.X*c/2, under.Min.Y+under.Dy()*r/2, size.X*(c+1)/2, under.Min.Y+under.Dy()*(r+1)/2)
		}
		return g, true
	}
	return g, false
}

// GridOf lays out only the given panels (presentation mode), each in an
// equal cell, with the number of columns that gives the maps the largest
// zoom (and then the cells the longest shorter side); the other panels get
// empty rectangles.
func GridOf(size image.Point, h, w int, panels []Panel) [NumPanels]image.Rectangle {
	var g [NumPanels]image.Rectangle
	n := len(panels)
	if n == 0 || size.X <= 0 || size.Y <= 0 {
		return g
	}
	h, w = max(h, 1), max(w, 1)
	cols, bestZoom, bestSide := 1, -1, -1
	for c := 1; c <= n; c++ {
		rows := (n + c - 1) / c
		cell := image.Pt(size.X/c, size.Y/rows)
		zoom := min((cell.X-2*pad-barGap-barW)/w, (cell.Y-2*pad-titleH-footH)/h)
		if s := min(cell.X, cell.Y); zoom > bestZoom || zoom == bestZoom && s > bestSide {
			cols, bestZoom, bestSide = c, zoom, s
		}
	}
	rows := (n + cols - 1) / cols
	for i, p := range panels {
		if p < 0 || p >= NumPanels {
			continue
		}
		c, r := i%cols, i/cols
		g[p] = image.Rect(size.X*c/cols, size.Y*r/rows, size.X*(c+1)/cols, size.Y*(r+1)/rows)
	}
	return g
}

// gridAt tries every arrangement of the map cells and of the other panels
// around them, and returns the one whose smallest other panel is largest,
// if one leaves them all at least the size least.
func gridAt(size, cell, least image.Point) (best [NumPanels]image.Rectangle, found bool) {
	bestArea := -1
	for _, cols := range [...]int{6, 3, 2, 1} {
		rows := (len(MapPanels) + cols - 1) / cols
		block := image.Pt(cols*cell.X, rows*cell.Y)
		if block.X > size.X || block.Y > size.Y {
			continue
		}
		// k of the other panels go in the strip right of the block, full
		// height, one above the other; the rest side by side under the
		// block (across the whole width when the right strip is empty).
		for k := 0; k <= len(otherPanels); k++ {
			right := image.Rect(block.X, 0, size.X, size.Y)
			under := image.Rect(0, block.Y, block.X, size.Y)
			if k == 0 {
				under.Max.X = size.X
			}
			if k == len(otherPanels) {
				under = image.Rectangle{}
			}
			var g [NumPanels]image.Rectangle
			for i, p := range MapPanels {
				at := image.Pt(i%cols*cell.X, i/cols*cell.Y)
				g[p] = image.Rectangle{Min: at, Max: at.Add(cell)}
			}
			nu := len(otherPanels) - k
			for i, p := range otherPanels {
				if i < nu {
					g[p] = split(under, nu, i, true)
				} else {
					g[p] = split(right, k, i-nu, false)
				}
			}
			smallest := -1
			for _, p := range otherPanels {
				d := g[p].Size()
				if d.X < least.X || d.Y < least.Y {
					smallest = -1
					break
				}
				if a := d.X * d.Y; smallest < 0 || a < smallest {
					smallest = a
				}
			}
			if smallest > bestArea {
				best, bestArea, found = g, smallest, true
			}
		}
	}
	return best, found
}

// split returns the i-th of n equal parts of r, side by side across it or
// one above the other.
func split(r image.Rectangle, n, i int, across bool) image.Rectangle {
	if across {
		return image.Rect(r.Min.X+r.Dx()*i/n, r.Min.Y, r.Min.X+r.Dx()*(i+1)/n, r.Max.Y)
	}
	return image.Rect(r.Min.X, r.Min.Y+r.Dy()*i/n, r.Max.X, r.Min.Y+r.Dy()*(i+1)/n)
}

// uniformGrid gives every panel an equal cell, with the number of columns
// that makes the cells' shorter side longest.
func uniformGrid(size image.Point) [NumPanels]image.Rectangle {
	var g [NumPanels]image.Rectangle
	if size.X <= 0 || size.Y <= 0 {
		return g
	}
	cols, best := 1, -1
	for c := 1; c <= int(NumPanels); c++ {
		rows := (int(NumPanels) + c - 1) / c
		if s := min(size.X/c, size.Y/rows); s > best {
			cols, best = c, s
		}
	}
	rows := (int(NumPanels) + cols - 1) / cols
	for p := range NumPanels {
		c, r := int(p)%cols, int(p)/cols
		g[p] = image.Rect(size.X*c/cols, size.Y*r/rows, size.X*(c+1)/cols, size.Y*(r+1)/rows)
	}
	return g
}
