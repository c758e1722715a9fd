package dump

import (
	"reflect"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio/npy/float16"
	"github.com/cornerloss/cornerloss/loss"
)

// recode is one array of a golden stored again in another form.
type recode struct {
	array   string
	descr   string
	fortran bool
	shape   []int // nil: as stored
}

// variant is a golden with some arrays stored again in another form.
type variant struct {
	name    string
	golden  string
	recode  []recode
	adjust  func(in *loss.Input) // what the variant changes, if anything
	warning string
}

// TestVariants stores golden arrays with other dtypes, byte orders, memory
// orders and layouts; each must read to the same input.
func TestVariants(t *testing.T) {
	for _, tc := range variants() {
		t.Run(tc.name, func(t *testing.T) {
			files, orig := tc.files(t)
			got := mustRead(t, files)

			want := *orig.Input
			if tc.adjust != nil {
				tc.adjust(&want)
			}
			if !reflect.DeepEqual(*got.Input, want) {
				t.Error("input differs from the golden")
			}
			if tc.warning == "" && len(got.Warnings) > 0 || tc.warning != "" && (len(got.Warnings) != 1 || !strings.HasPrefix(got.Warnings[0], tc.warning)) {
				t.Errorf("warnings %q, want %q", got.Warnings, tc.warning)
			}
			for _, r := range tc.recode {
				if a := got.arrayInfo(r.array); r.descr != "" && a.Descr != r.descr || a.Fortran != r.fortran {
					t.Errorf("%s listed as %+v", r.array, a)
				}
			}
		})
	}
}

// variants are the cases of TestVariants; TestHeaderDict reads their
// header dicts too.
func variants() []variant {
	return []variant{
		{name: "float64", golden: "two_stacks", recode: []recode{
			{array: "tl_heats", descr: "<f8"}, {array: "gt_br_regr", descr: "<f8"}, {array: "br_tags", descr: ">f8"}}},
		{name: "float16 tags", golden: "small_two_images", recode: []recode{{array: "tl_tags", descr: "<f2"}},
			adjust: func(in *loss.Input) {
				for i, v := range in.Tag[loss.TopLeft] {
					in.Tag[loss.TopLeft][i] = float16.New(v).Float32()
				}
			}},
		{name: "big-endian", golden: "two_stacks", recode: []recode{
			{array: "br_heats", descr: ">f4"}, {array: "gt_tl_heat", descr: ">f4"}, {array: "tl_inds", descr: ">i8"}, {array: "gt_mask", descr: ">u2"}}},
		{name: "Fortran order", golden: "tag_maps_gathered", recode: []recode{
			{array: "tl_heats", descr: "<f4", fortran: true}, {array: "br_regrs", descr: "<f4", fortran: true},
			{array: "gt_tl_regr", descr: "<f4", fortran: true}, {array: "br_inds", descr: "<i8", fortran: true},
			{array: "gt_mask", descr: "|u1", fortran: true}}},
		{name: "integer inds", golden: "empty_image_in_batch", recode: []recode{
			{array: "tl_inds", descr: "<i4"}, {array: "br_inds", descr: "<u2"}}},
		{name: "native order", golden: "small_two_images", recode: []recode{{array: "gt_br_heat", descr: "=f4"}}},
		{name: "bool mask", golden: "small_two_images", recode: []recode{{array: "gt_mask", descr: "|b1"}},
			warning: "gt_mask: bool mask read as uint8 0/1; with a bool mask the reference's push silently becomes 0"},
		{name: "int64 mask", golden: "small_two_images", recode: []recode{{array: "gt_mask", descr: "<i8"}}},
		{name: "tags without trailing 1", golden: "two_stacks", recode: []recode{
			{array: "tl_tags", descr: "<f4", shape: []int{2, 2, 128}}, {array: "br_tags", descr: "<f4", shape: []int{2, 2, 128}}}},
		{name: "no stack axis", golden: "small_two_images", recode: []recode{
			{array: "tl_heats", descr: "<f4", shape: []int{2, 3, 32, 32}}, {array: "br_heats", descr: "<f4", shape: []int{2, 3, 32, 32}},
			{array: "tl_tags", descr: "<f4", shape: []int{2, 128, 1}}, {array: "br_tags", descr: "<f4", shape: []int{2, 128}},
			{array: "tl_regrs", descr: "<f4", shape: []int{2, 128, 2}}, {array: "br_regrs", descr: "<f4", shape: []int{2, 128, 2}}}},
		{name: "maps without stack axis", golden: "tag_maps_gathered", recode: []recode{
			{array: "tl_heats", descr: "<f4", shape: []int{4, 3, 32, 40}}, {array: "br_heats", descr: "<f4", shape: []int{4, 3, 32, 40}},
			{array: "tl_tags", descr: "<f4", shape: []int{4, 1, 32, 40}}, {array: "br_tags", descr: "<f4", shape: []int{4, 1, 32, 40}},
			{array: "tl_regrs", descr: "<f4", shape: []int{4, 2, 32, 40}}, {array: "br_regrs", descr: "<f4", shape: []int{4, 2, 32, 40}},
			// Four images: the two stacks become a batch of 4, the targets repeated.
			{array: "gt_tl_heat", shape: []int{4, 3, 32, 40}}, {array: "gt_br_heat", shape: []int{4, 3, 32, 40}},
			{array: "gt_mask", shape: []int{4, 128}}, {array: "tl_inds", shape: []int{4, 128}}, {array: "br_inds", shape: []int{4, 128}},
			{array: "gt_tl_regr", shape: []int{4, 128, 2}}, {array: "gt_br_regr", shape: []int{4, 128, 2}}},
			adjust: func(in *loss.Input) {
				in.Stacks, in.Batch = 1, 4
				for _, c := range loss.Corners {
					in.GTHeat[c] = append(in.GTHeat[c], in.GTHeat[c]...)
					in.GTRegr[c] = append(in.GTRegr[c], in.GTRegr[c]...)
					in.Inds[c] = append(in.Inds[c], in.Inds[c]...)
				}
				in.Mask = append(in.Mask, in.Mask...)
			}},
	}
}

// files returns the golden's files with the variant's arrays stored again,
// and the golden as read.
func (tc variant) files(t testing.TB) ([]File, *Dump) {
	t.Helper()
	orig := readGolden(t, tc.golden)
	files := goldenFiles(t, tc.golden)
	for _, r := range tc.recode {
		v, shape := stored(orig, r.array)
		if r.shape != nil {
			// A larger batch repeats the stored values.
			for n, _ := elements(r.shape); int64(len(v)) < n; {
				v = append(v, v...)
			}
			shape = r.shape
		}
		descr := r.descr
		if descr == "" {
			descr = orig.arrayInfo(r.array).Descr
		}
		files = with(files, r.array, npyOf(t, v, shape, descr, r.fortran))
	}
	return files, orig
}

func (d *Dump) arrayInfo(name string) ArrayInfo {
	for _, a := range d.Arrays {
		if a.Name == name {
			return a
		}
	}
	return ArrayInfo{}
}

// TestMaskValues: values other than 0/1 read as stored, with a warning.
func TestMaskValues(t *testing.T) {
	orig := readGolden(t, "small_two_images")
	m, shape := stored(orig, "gt_mask")
	m[3] = 2
	got := mustRead(t, with(goldenFiles(t, "small_two_images"), "gt_mask", npyOf(t, m, shape, "|u1", false)))
	if got.Input.Mask[3] != 2 {
		t.Errorf("mask[3] = %d", got.Input.Mask[3])
	}
	want := "gt_mask: 1 values other than 0 and 1 (first 2 at [0 3])"
	if len(got.Warnings) != 1 || !strings.HasPrefix(got.Warnings[0], want) {
		t.Errorf("warnings %q, want %q", got.Warnings, want)
	}
}

// TestFromFortran checks the transpose on a 2x3x4 array.
func TestFromFortran(t *testing.T) {
	shape := []int{2, 3, 4}
	var disk []int
	for k := range 4 {
		for j := range 3 {
			for i := range 2 {
				disk = append(disk, 100*i+10*j+k)
			}
		}
	}
	dst := make([]int, len(disk))
	fromFortran(dst, disk, shape)
	for n, v := range dst {
		idx := loss.Unravel(n, shape...)
		if want := 100*idx[0] + 10*idx[1] + idx[2]; v != want {
			t.Fatalf("dst%v = %d, want %d", idx, v, want)
		}
	}
	for n, v := range disk {
		want := []int{v / 100, v / 10 % 10, v % 10}
		if got := diskIndex(n, header{shape: shape, fortran: true}); !reflect.DeepEqual(got, want) {
			t.Fatalf("diskIndex(%d) = %v, want %v", n, got, want)
		}
	}
}
