package app

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/scene"
	"github.com/cornerloss/cornerloss/loss/target"
)

// The synthetic scene, the options and the view live in the URL's fragment,
// so a link reproduces what is on screen. The state is compact JSON (boxes
// as number arrays), deflated, in base64url.

// urlState is the JSON form of the page's state.
type urlState struct {
	V       int           `json:"v"`
	Target  [7]float64    `json:"t"` // in h, in w, out h, out w, categories, iou, radius
	Formula string        `json:"f"`
	K       int           `json:"k"`
	Stacks  int           `json:"s"`
	Pred    [4]float64    `json:"p"` // background, noise, blur, seed
	Images  [][][]float64 `json:"i"` // per object: x0 y0 x1 y1 class peak sx sy tag_tl tag_br otl_x otl_y obr_x obr_y
	Blobs   [][][]float64 `json:"b"` // per blob: corner class x y peak
	Options [6]float64    `json:"o"` // pull, push, regr weights, α, β, ε
	Conv    string        `json:"c"`
	View    [4]int        `json:"w"` // stack, image, class, corner
	Sel     int           `json:"x"`
}

// Limits on a scene read from a URL, checked before anything is allocated:
// a link must not make the page build a gigantic step. The sizes are each
// limited here; what they allocate together is limited by scene.MaxBytes.
const (
	maxURLLen     = 64 << 10
	maxOutputSide = 512
	maxInputSide  = 8192
	maxCategories = 128
	maxURLStacks  = 4
	maxURLImages  = 8
	maxURLObjects = 128
	maxURLRadius  = 64      // a fixed radius (the page offers up to 20); a bump draws (2r+1)² pixels
	maxURLSeed    = 1 << 53 // every whole number up to it is a float64
)

// URLState returns the fragment that reproduces the synthetic scene, the
// options and the view; "" while a dump is shown (a dump cannot travel in a
// link).
func (a *App) URLState() string {
	js := a.urlJSON()
	if js == nil {
		return ""
	}
	return a.url.encode(js, flate.BestCompression)
}

// urlCompressor is the deflate writer URLState reuses, and its output: a
// new one at BestCompression allocates most of a megabyte, and the page
// asks after every change. Reset makes it what NewWriter returns, so the
// output is the same.
type urlCompressor struct {
	w   *flate.Writer
	buf bytes.Buffer
}

// encode deflates js at level (the level of the first call) and returns it
// in base64url, as a link carries it.
func (z *urlCompressor) encode(js []byte, level int) string {
	z.buf.Reset()
	if z.w == nil {
		z.w, _ = flate.NewWriter(&z.buf, level)
	} else {
		z.w.Reset(&z.buf)
	}
	z.w.Write(js)
	z.w.Close()
	return base64.RawURLEncoding.EncodeToString(z.buf.Bytes())
}

// urlJSON returns the link state before compression, nil while a dump is
// shown.
func (a *App) urlJSON() []byte {
	s := a.Scene
	if s == nil {
		return nil
	}
	p := s.Target
	u := urlState{
		V:       1,
		Target:  [7]float64{float64(p.InputSize[0]), float64(p.InputSize[1]), float64(p.OutputSize[0]), float64(p.OutputSize[1]), float64(p.Categories), p.GaussianIOU, float64(p.GaussianRadius)},
		Formula: p.Formula.String(),
		K:       p.MaxTagLen,
		Stacks:  s.Stacks,
		Pred:    [4]float64{s.Background, s.Noise, s.Blur, float64(s.Seed)},
		Options: [6]float64{a.Options.PullWeight, a.Options.PushWeight, a.Options.RegrWeight, a.Options.Alpha, a.Options.Beta, a.Options.Eps},
		Conv:    a.Options.Convention.String(),
		View:    [4]int{a.View.Stack, a.View.Image, a.View.Class, int(a.View.Corner)},
		Sel:     a.Selected,
	}
	for _, objs := range s.Images {
		img := [][]float64{}
		for _, o := range objs {
			b := o.Box
			img = append(img, round([]float64{b.X0, b.Y0, b.X1, b.Y1, float64(b.Class), o.Peak, o.Shift[0], o.Shift[1],
				o.Tag[0], o.Tag[1], o.Offset[0][0], o.Offset[0][1], o.Offset[1][0], o.Offset[1][1]}))
		}
		u.Images = append(u.Images, img)
	}
	for _, blobs := range s.Blobs {
		img := [][]float64{}
		for _, bl := range blobs {
			img = append(img, round([]float64{float64(bl.Corner), float64(bl.Class), bl.X, bl.Y, bl.Peak}))
		}
		u.Blobs = append(u.Blobs, img)
	}
	js, _ := json.Marshal(u)
	return js
}

// round keeps 6 significant digits: enough to rebuild the same targets
// (boxes are read back to well under a pixel) and short in a URL.
func round(v []float64) []float64 {
	for i, x := range v {
		if x != 0 && !math.IsNaN(x) && !math.IsInf(x, 0) {
			p := math.Pow(10, 5-math.Floor(math.Log10(math.Abs(x))))
			v[i] = math.Round(x*p) / p
		}
	}
	return v
}

// RestoreURLState makes the state in fragment the one on screen. A malformed
// or oversized state is an error and changes nothing.
func (a *App) RestoreURLState(fragment string) error {
	st, err := parseURLState(fragment)
	if err != nil {
		return fmt.Errorf("link state: %w", err)
	}
	prevOpt, prevView := a.Options, a.View
	a.Options, a.View = st.options, st.view
	if err := a.setScene(st.scene); err != nil {
		a.Options, a.View = prevOpt, prevView
		return fmt.Errorf("link state: %w", err)
	}
	a.Select(st.selected)
	return nil
}

// linkState is what a link asks for, checked: a scene within the scene
// budget, valid options and a view.
type linkState struct {
	scene    *scene.Scene
	options  loss.Options
	view     View
	selected int
}

// parseURLState reads and checks a link state without building anything.
func parseURLState(fragment string) (linkState, error) {
	if len(fragment) > maxURLLen {
		return linkState{}, errors.New("too long")
	}
	raw, err := base64.RawURLEncoding.DecodeString(fragment)
	if err != nil {
		return linkState{}, err
	}
	js, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(raw)), 4*maxURLLen+1))
	if err != nil {
		return linkState{}, err
	}
	if len(js) > 4*maxURLLen {
		return linkState{}, errors.New("too long")
	}
	var u urlState
	if err := json.Unmarshal(js, &u); err != nil {
		return linkState{}, err
	}
	return u.decode()
}

// whole converts x to an int when it is a whole number in [lo, hi]: a
// float-to-int conversion of NaN, ±Inf or a value out of range gives a
// platform-dependent number in Go.
func whole(x float64, lo, hi int) (int, bool) {
	if !(x >= float64(lo) && x <= float64(hi)) || x != math.Trunc(x) {
		return 0, false
	}
	return int(x), true
}

func (u *urlState) decode() (linkState, error) {
	var st linkState
	if u.V != 1 {
		return st, fmt.Errorf("version %d", u.V)
	}
	t := u.Target
	var sizes [5]int
	for i, lim := range []int{maxInputSide, maxInputSide, maxOutputSide, maxOutputSide, maxCategories} {
		var ok bool
		if sizes[i], ok = whole(t[i], 1, lim); !ok {
			return st, fmt.Errorf("size %v out of range [1, %d]", t[i], lim)
		}
	}
	radius, ok := whole(t[6], -1, maxURLRadius)
	if !ok {
		return st, fmt.Errorf("gaussian radius %v: want -1 or a whole number up to %d", t[6], maxURLRadius)
	}
	seed, ok := whole(u.Pred[3], 0, maxURLSeed)
	if !ok {
		return st, fmt.Errorf("seed %v: want a whole number in [0, 2^53]", u.Pred[3])
	}
	f, err := target.ParseFormula(u.Formula)
	if err != nil {
		return st, err
	}
	if u.K < 1 || u.K > maxURLObjects || u.Stacks < 1 || u.Stacks > maxURLStacks ||
		len(u.Images) < 1 || len(u.Images) > maxURLImages || len(u.Blobs) > len(u.Images) {
		return st, errors.New("counts out of range")
	}
	s := &scene.Scene{
		Target: target.Params{
			InputSize: [2]int{sizes[0], sizes[1]}, OutputSize: [2]int{sizes[2], sizes[3]}, Categories: sizes[4],
			GaussianIOU: t[5], GaussianRadius: radius, Formula: f, MaxTagLen: u.K,
		},
		Stacks: u.Stacks, Background: u.Pred[0], Noise: u.Pred[1], Blur: u.Pred[2], Seed: uint64(seed),
	}
	for _, img := range u.Images {
		if len(img) > u.K {
			return st, errors.New("more objects than max_tag_len")
		}
		var objs []scene.Object
		for _, x := range img {
			if len(x) != 14 {
				return st, errors.New("malformed object")
			}
			class, ok := whole(x[4], 0, maxCategories-1)
			if !ok {
				return st, fmt.Errorf("object class %v out of range", x[4])
			}
			objs = append(objs, scene.Object{
				Box:    target.Box{X0: x[0], Y0: x[1], X1: x[2], Y1: x[3], Class: class},
				Peak:   x[5],
				Shift:  [2]float64{x[6], x[7]},
				Tag:    [2]float64{x[8], x[9]},
				Offset: [2][2]float64{{x[10], x[11]}, {x[12], x[13]}},
			})
		}
		s.Images = append(s.Images, objs)
	}
	for _, img := range u.Blobs {
		if len(img) > scene.MaxBlobs {
			return st, fmt.Errorf("%d false positives in an image, more than %d", len(img), scene.MaxBlobs)
		}
		var blobs []scene.Blob
		for _, x := range img {
			if len(x) != 5 {
				return st, errors.New("malformed blob")
			}
			corner, ok1 := whole(x[0], 0, 1)
			class, ok2 := whole(x[1], 0, maxCategories-1)
			if !ok1 || !ok2 {
				return st, fmt.Errorf("blob corner %v or class %v out of range", x[0], x[1])
			}
			blobs = append(blobs, scene.Blob{Corner: loss.Corner(corner), Class: class, X: x[2], Y: x[3], Peak: x[4]})
		}
		s.Blobs = append(s.Blobs, blobs)
	}
	conv, err := loss.ParseConvention(u.Conv)
	if err != nil {
		return st, err
	}
	oo := u.Options
	o := loss.Options{PullWeight: oo[0], PushWeight: oo[1], RegrWeight: oo[2], Alpha: oo[3], Beta: oo[4], Eps: oo[5], Convention: conv}
	if err := o.Validate(); err != nil {
		return st, err
	}
	if u.View[3] != 0 && u.View[3] != 1 {
		return st, errors.New("bad corner")
	}
	// Validate checks the whole scene, the budget of what it allocates
	// included, before anything is built.
	if err := s.Validate(); err != nil {
		return st, err
	}
	v := View{Stack: u.View[0], Image: u.View[1], Class: u.View[2], Corner: loss.Corner(u.View[3])}
	return linkState{scene: s, options: o, view: v, selected: u.Sel}, nil
}
