package target

import (
	"strings"
	"testing"
	"unicode"
)

func TestParseSpec(t *testing.T) {
	p, images, err := ParseSpec([]byte(`{
		"input_size": [128, 160], "output_size": [32, 40], "categories": 3,
		"gaussian_iou": 0.7, "gaussian_radius": 2, "radius_formula": "buggy", "max_tag_len": 16,
		"images": [[[1.5, 2, 30, 40.25, 2], [0, 0, 127, 127, 0]], []]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := Params{InputSize: [2]int{128, 160}, OutputSize: [2]int{32, 40}, Categories: 3,
		GaussianIOU: 0.7, GaussianRadius: 2, Formula: Buggy, MaxTagLen: 16}
	if p != want {
		t.Errorf("params %+v, want %+v", p, want)
	}
	if len(images) != 2 || len(images[0]) != 2 || len(images[1]) != 0 ||
		images[0][0] != (Box{1.5, 2, 30, 40.25, 2}) || images[0][1] != (Box{0, 0, 127, 127, 0}) {
		t.Errorf("images %v", images)
	}

	// Absent optional fields take CornerNet's values.
	p, _, err = ParseSpec([]byte(`{"input_size": [511, 511], "output_size": [128, 128], "categories": 80, "images": [[]]}`))
	if err != nil || p != DefaultParams() {
		t.Errorf("defaults: %+v, %v; want %+v", p, err, DefaultParams())
	}
}

func TestParseSpecErrors(t *testing.T) {
	const head = `"input_size": [128, 128], "output_size": [32, 32], "categories": 3`
	for _, c := range []struct{ spec, want string }{
		{`{"output_size": [32, 32], "categories": 3, "images": [[]]}`, "input_size: missing"},
		{`{"input_size": [128], "output_size": [32, 32], "categories": 3, "images": [[]]}`, "input_size: 1 values, want [h, w]"},
		{`{"input_size": [128, 128], "output_size": [32, 32, 3], "categories": 3, "images": [[]]}`, "output_size: 3 values"},
		{`{"input_size": [128, 0], "output_size": [32, 32], "categories": 3, "images": [[]]}`, "input_size width: 0 is outside"},
		{`{"input_size": [128, 128], "output_size": [32, 32], "images": [[]]}`, "categories: missing"},
		{`{` + head + `}`, "images: missing"},
		{`{` + head + `, "images": []}`, "images: no images"},
		{`{` + head + `, "images": [[]], "colour": 1}`, `scene: json: unknown field "colour"`},
		{`{` + head + `, "images": [[]], "radius_formula": "exact"}`, `radius formula "exact": want fixed or buggy`},
		{`{` + head + `, "images": [[]], "gaussian_radius": 2.5}`, "gaussian_radius: 2.5: want -1 or a whole number"},
		{`{` + head + `, "images": [[]], "gaussian_radius": -2}`, "gaussian_radius: -2: want -1"},
		{`{` + head + `, "images": [[]], "gaussian_iou": 1.5}`, "gaussian_iou: 1.5 is outside (0, 1]"},
		{`{` + head + `, "images": [[]], "max_tag_len": 0}`, "max_tag_len: 0 is outside"},
		{`{` + head + `, "images": [[], [[1, 2, 3, 4]]]}`, "images: image 1: box 0: 4 values, want [x0, y0, x1, y1, class]"},
		{`{` + head + `, "images": [[[1, 2, 3, 4, 1.5]]]}`, "images: image 0: box 0: class 1.5 is not a whole number"},
		{`{` + head + `, "images": [[[1, 2, 3, 4, 0], [1, 2, 3, 4, 3]]]}`, "images: image 0: box 1: class 3 is outside [0, 3)"},
		{`{` + head + `, "images": [[[1, 2, 3, 400, 0]]]}`, "images: image 0: box 0: br corner (3, 400) falls outside"},
		{`{` + head + `, "max_tag_len": 1, "images": [[[1, 2, 3, 4, 0], [1, 2, 3, 4, 0]]]}`, "images: image 0: 2 objects, more than max_tag_len 1"},
		{`{` + head + `, "images": [[]]} {}`, "scene: trailing data"},
		{`{` + head + `, "images": [[]]`, "scene: unexpected eof"},
		{`[1, 2]`, "scene: json: cannot unmarshal array"},
	} {
		_, _, err := ParseSpec([]byte(c.spec))
		if err == nil || !strings.Contains(strings.ToLower(err.Error()), c.want) {
			t.Errorf("%s: error %v, want %q", c.spec, err, c.want)
			continue
		}
		msg := err.Error()
		if r := []rune(msg)[0]; unicode.IsUpper(r) || strings.HasSuffix(msg, ".") {
			t.Errorf("%s: error %q is not lowercase without a final period", c.spec, msg)
		}
	}
}
