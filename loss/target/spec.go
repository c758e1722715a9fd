package target

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
)

// scene is the JSON form of a scene file; pointers tell absent from zero.
type scene struct {
	InputSize      []int         `json:"input_size"`
	OutputSize     []int         `json:"output_size"`
	Categories     *int          `json:"categories"`
	GaussianIOU    *float64      `json:"gaussian_iou"`
	GaussianRadius *float64      `json:"gaussian_radius"`
	Formula        *Formula      `json:"radius_formula"`
	MaxTagLen      *int          `json:"max_tag_len"`
	Images         [][][]float64 `json:"images"`
}

// ParseSpec reads a scene file, the input of `cornerloss targets`:
//
//	{"input_size": [h, w], "output_size": [h, w], "categories": C,
//	 "gaussian_iou": 0.3, "gaussian_radius": -1, "radius_formula": "fixed",
//	 "max_tag_len": 128,
//	 "images": [[[x0, y0, x1, y1, class], ...], ...]}
//
// Boxes are in input pixels with a 0-based class. input_size, output_size,
// categories and images are required; the others default to CornerNet's
// values (0.3, -1 meaning computed, "fixed", 128). Unknown fields, trailing
// data and boxes Build would refuse are errors.
func ParseSpec(data []byte) (Params, [][]Box, error) {
	var s scene
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return Params{}, nil, fmt.Errorf("scene: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Params{}, nil, errors.New("scene: trailing data after the object")
	}

	p := DefaultParams()
	var err error
	if p.InputSize, err = size("input_size", s.InputSize); err != nil {
		return Params{}, nil, err
	}
	if p.OutputSize, err = size("output_size", s.OutputSize); err != nil {
		return Params{}, nil, err
	}
	if s.Categories == nil {
		return Params{}, nil, errors.New("categories: missing")
	}
	p.Categories = *s.Categories
	if s.GaussianIOU != nil {
		p.GaussianIOU = *s.GaussianIOU
	}
	if s.GaussianRadius != nil {
		// kp_detection compares gaussian_radius with -1; any other value is
		// used as the radius itself, so it must be a whole number.
		r := *s.GaussianRadius
		if r != -1 && (r < 0 || r != math.Trunc(r) || r > maxRadius) {
			return Params{}, nil, fmt.Errorf("gaussian_radius: %v: want -1 or a whole number in [0, %d]", r, maxRadius)
		}
		p.GaussianRadius = int(r)
	}
	if s.Formula != nil {
		p.Formula = *s.Formula
	}
	if s.MaxTagLen != nil {
		p.MaxTagLen = *s.MaxTagLen
	}
	if err := p.Validate(); err != nil {
		return Params{}, nil, err
	}

	if s.Images == nil {
		return Params{}, nil, errors.New("images: missing")
	}
	if len(s.Images) == 0 {
		return Params{}, nil, errors.New("images: no images")
	}
	images := make([][]Box, len(s.Images))
	for i, rows := range s.Images {
		images[i] = make([]Box, len(rows))
		for k, row := range rows {
			if len(row) != 5 {
				return Params{}, nil, fmt.Errorf("images: image %d: box %d: %d values, want [x0, y0, x1, y1, class]", i, k, len(row))
			}
			c := row[4]
			if c != math.Trunc(c) || math.Abs(c) > math.MaxInt32 {
				return Params{}, nil, fmt.Errorf("images: image %d: box %d: class %v is not a whole number", i, k, c)
			}
			images[i][k] = Box{X0: row[0], Y0: row[1], X1: row[2], Y1: row[3], Class: int(c)}
		}
		if _, err := p.objects(images[i]); err != nil {
			return Params{}, nil, fmt.Errorf("images: image %d: %w", i, err)
		}
	}
	return p, images, nil
}

// size reads an [h, w] pair.
func size(name string, v []int) ([2]int, error) {
	switch {
	case v == nil:
		return [2]int{}, fmt.Errorf("%s: missing", name)
	case len(v) != 2:
		return [2]int{}, fmt.Errorf("%s: %d values, want [h, w]", name, len(v))
	}
	return [2]int{v[0], v[1]}, nil
}
