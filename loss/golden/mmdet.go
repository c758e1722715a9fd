package golden

import "path/filepath"

// MMDetCase is one case of testdata/mmdet: a dump and what mmdetection's
// CornerHead loss computed on it (see testdata/mmdet/README.md). The terms
// are as mmdetection reports them: each summed over the stacks, weighted,
// loss = focal + pull + push + regr.
type MMDetCase struct {
	Name    string  `json:"-"`
	Dir     string  `json:"-"`
	Loss    float64 `json:"loss"`
	Focal   float64 `json:"focal"` // Σ_stacks det_loss
	Pull    float64 `json:"pull"`
	Push    float64 `json:"push"`
	Regr    float64 `json:"regr"` // Σ_stacks off_loss
	NStack  int     `json:"nstack"`
	Alpha   float64 `json:"alpha"`
	Gamma   float64 `json:"gamma"` // β here
	Weights struct {
		Pull float64 `json:"pull"`
		Push float64 `json:"push"`
		Regr float64 `json:"regr"`
	} `json:"weights"`
	// PerStack holds each stack's terms as loss_by_feat_single returned them:
	// each corner's det and off loss (before (tl + br)/2), pull and push
	// (weighted), and the averaged det and off.
	PerStack []struct {
		TLDet float64 `json:"tl_det"`
		BRDet float64 `json:"br_det"`
		Det   float64 `json:"det"`
		Pull  float64 `json:"pull"`
		Push  float64 `json:"push"`
		TLOff float64 `json:"tl_off"`
		BROff float64 `json:"br_off"`
		Off   float64 `json:"off"`
	} `json:"per_stack"`
	// Dump is the path of the dump relative to Dir when it is not CASE.npz
	// (the public golden dumps are not copied).
	Dump string `json:"dump"`
	Note string `json:"note"`
}

// MMDetDir returns the absolute path of testdata/mmdet.
func MMDetDir() string { return testdata("mmdet") }

// NPZ returns the path of the case's dump.
func (c MMDetCase) NPZ() string {
	if c.Dump != "" {
		return filepath.Join(c.Dir, filepath.FromSlash(c.Dump))
	}
	return filepath.Join(c.Dir, c.Name+".npz")
}

// MMDetCases reads the cases of testdata/mmdet, sorted by name.
func MMDetCases() ([]MMDetCase, error) {
	dir := MMDetDir()
	return decodeAll(dir, func(c *MMDetCase, name string) { c.Name, c.Dir = name, dir })
}
