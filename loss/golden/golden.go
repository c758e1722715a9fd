// Package golden loads the reference cases in testdata/golden: dumps computed
// by the original CornerNet code and the scalars it returned. Tests across the
// module use it; the files themselves are read-only truth.
package golden

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// Case is one CASE.json beside its CASE.npz.
type Case struct {
	Name    string  `json:"-"`
	Dir     string  `json:"-"` // the directory holding CASE.json and CASE.npz
	Loss    float64 `json:"loss"`
	Focal   float64 `json:"focal"` // weighted and divided by nstack, as every term here
	Pull    float64 `json:"pull"`
	Push    float64 `json:"push"`
	Regr    float64 `json:"regr"`
	NStack  int     `json:"nstack"`
	Note    string  `json:"note"`
	Weights struct {
		Pull float64 `json:"pull"`
		Push float64 `json:"push"`
		Regr float64 `json:"regr"`
	} `json:"weights"`
	Shape struct {
		B, C, H, W, S, K int
		Objects          []int `json:"objects"`
	} `json:"shape"`
	// Boxes holds, per image, [x0, y0, x1, y1, class] in input pixels, class 0-based.
	Boxes        [][][5]float64 `json:"boxes"`
	TargetParams TargetParams   `json:"target_params"`
}

// TargetParams says how the case's targets were drawn from its boxes.
type TargetParams struct {
	InputSize      [2]int  `json:"input_size"`  // [h, w]
	OutputSize     [2]int  `json:"output_size"` // [h, w]
	GaussianIOU    float64 `json:"gaussian_iou"`
	GaussianRadius float64 `json:"gaussian_radius"` // -1: computed from the box
	MaxTagLen      int     `json:"max_tag_len"`
	Categories     int     `json:"categories"`
}

// Dir returns the absolute path of testdata/golden in this module: the
// public reference cases.
func Dir() string { return testdata("golden") }

// ReferenceDir returns the absolute path of testdata/reference: more cases
// computed by the reference itself (see its README).
func ReferenceDir() string { return testdata("reference") }

func testdata(name string) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", name)
}

// NPZ returns the path of the case's dump.
func (c Case) NPZ() string { return filepath.Join(c.Dir, c.Name+".npz") }

// Load reads one public case by name.
func Load(name string) (Case, error) { return load(Dir(), name) }

func load(dir, name string) (Case, error) {
	var c Case
	buf, err := os.ReadFile(filepath.Join(dir, name+".json"))
	if err != nil {
		return c, err
	}
	if err := json.Unmarshal(buf, &c); err != nil {
		return c, fmt.Errorf("%s.json: %w", name, err)
	}
	c.Name, c.Dir = name, dir
	return c, nil
}

// Cases reads the public cases, sorted by name.
func Cases() ([]Case, error) { return casesIn(Dir()) }

// All reads the public cases and then the reference-generated ones.
func All() ([]Case, error) {
	pub, err := casesIn(Dir())
	if err != nil {
		return nil, err
	}
	more, err := casesIn(ReferenceDir())
	if err != nil {
		return nil, err
	}
	return append(pub, more...), nil
}

// casesIn reads the cases of dir, sorted by name.
func casesIn(dir string) ([]Case, error) {
	return decodeAll(dir, func(c *Case, name string) { c.Name, c.Dir = name, dir })
}

// decodeAll decodes every NAME.json of dir, sorted by name, into a T each,
// and names it with named. The directory is listed, not globbed, so a name
// such as "run[1]" is no pattern.
func decodeAll[T any](dir string, named func(c *T, name string)) ([]T, error) {
	des, err := os.ReadDir(dir) // sorted by name
	if err != nil {
		return nil, err
	}
	var cases []T
	for _, de := range des {
		name, ok := strings.CutSuffix(de.Name(), ".json")
		if !ok {
			continue
		}
		buf, err := os.ReadFile(filepath.Join(dir, de.Name()))
		if err != nil {
			return nil, err
		}
		var c T
		if err := json.Unmarshal(buf, &c); err != nil {
			return nil, fmt.Errorf("%s: %w", de.Name(), err)
		}
		named(&c, name)
		cases = append(cases, c)
	}
	if len(cases) == 0 {
		return nil, fmt.Errorf("no cases in %s", dir)
	}
	return cases, nil
}

// Close reports whether got matches want to the reference's own accuracy.
// The reference computes in float32 and sums with its own order, so results
// agree to about 1e-6 relative; the absolute part covers terms that are tiny
// differences of larger float32 numbers (push ≈ 6.7e-6 in small_two_images).
func Close(got, want float64) bool {
	return math.Abs(got-want) <= 1e-6+1e-5*math.Abs(want)
}

// Mismatches compares a loss and its four weighted terms (divided by
// nstack) with what the reference computed, each by Close, and describes
// those that differ.
func (c Case) Mismatches(loss, focal, pull, push, regr float64) []string {
	var out []string
	for _, x := range []struct {
		name      string
		got, want float64
	}{{"loss", loss, c.Loss}, {"focal", focal, c.Focal}, {"pull", pull, c.Pull}, {"push", push, c.Push}, {"regr", regr, c.Regr}} {
		if !Close(x.got, x.want) {
			out = append(out, fmt.Sprintf("%s = %.10g, reference %.10g (diff %.3g)", x.name, x.got, x.want, x.got-x.want))
		}
	}
	return out
}
