package dump

import (
	"archive/zip"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/golden"
)

// TestGolden reads every reference dump and checks it against its JSON:
// shape, objects per image, and targets that sit where the boxes put them.
func TestGolden(t *testing.T) {
	cases, err := golden.Cases()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			d := readGolden(t, c.Name)
			in := d.Input
			want := loss.Shape{Stacks: c.Shape.S, Batch: c.Shape.B, Classes: c.Shape.C, Height: c.Shape.H, Width: c.Shape.W, Slots: c.Shape.K}
			if in.Shape != want {
				t.Fatalf("shape %v, want %v", in.Shape, want)
			}
			if c.NStack != in.Stacks {
				t.Errorf("S=%d, json nstack %d", in.Stacks, c.NStack)
			}
			if len(d.Warnings) != 0 || len(d.Arrays) != len(schema) {
				t.Errorf("warnings %q, %d arrays", d.Warnings, len(d.Arrays))
			}
			if err := in.Validate(); err != nil {
				t.Error(err)
			}
			maps := c.Name == "tag_maps_gathered"
			if d.TagsFromMaps != maps || d.RegrsFromMaps != maps {
				t.Errorf("TagsFromMaps %v, RegrsFromMaps %v, want %v", d.TagsFromMaps, d.RegrsFromMaps, maps)
			}
			checkTargets(t, in, c)
			if maps {
				checkGathered(t, in)
			} else if in.TagMap[0] != nil || in.RegrMap[1] != nil {
				t.Error("maps set for a gathered dump")
			}

			buf, err := os.ReadFile(c.NPZ())
			if err != nil {
				t.Fatal(err)
			}
			mem, err := ReadNPZ(c.Name+".npz", buf, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(mem, d) {
				t.Error("ReadNPZ and ReadFile disagree")
			}
			if s := d.Summary(); !strings.Contains(s, want.String()) {
				t.Errorf("summary lacks the shape:\n%s", s)
			}
		})
	}
}

// checkTargets checks mask, indices, target offsets and peaks against the
// boxes of the case, as the reference sampler places them.
func checkTargets(t *testing.T, in *loss.Input, c golden.Case) {
	t.Helper()
	p := c.TargetParams
	ry := float64(p.OutputSize[0]) / float64(p.InputSize[0])
	rx := float64(p.OutputSize[1]) / float64(p.InputSize[1])
	for b := range in.Batch {
		boxes := c.Boxes[b]
		if len(boxes) != c.Shape.Objects[b] {
			t.Fatalf("image %d: %d boxes, %d objects", b, len(boxes), c.Shape.Objects[b])
		}
		for k := range in.Slots {
			i := in.SlotIndex(b, k)
			if want := k < len(boxes); (in.Mask[i] == 1) != want {
				t.Fatalf("gt_mask[%d %d] = %d", b, k, in.Mask[i])
			}
			if k >= len(boxes) {
				continue
			}
			box := boxes[k]
			for _, corner := range []struct {
				c    loss.Corner
				x, y float64
			}{{loss.TopLeft, box[0] * rx, box[1] * ry}, {loss.BottomRight, box[2] * rx, box[3] * ry}} {
				x, y := int(corner.x), int(corner.y)
				if got := in.Inds[corner.c][i]; got != int64(y*in.Width+x) {
					t.Errorf("%s_inds[%d %d] = %d, want %d", corner.c, b, k, got, y*in.Width+x)
				}
				gx, gy := in.GTRegr[corner.c][2*i], in.GTRegr[corner.c][2*i+1]
				if !golden.Close(float64(gx), corner.x-float64(x)) || !golden.Close(float64(gy), corner.y-float64(y)) {
					t.Errorf("gt_%s_regr[%d %d] = (%v, %v)", corner.c, b, k, gx, gy)
				}
				if h := in.GTHeat[corner.c][in.TargetIndex(b, int(box[4]), y, x)]; h != 1 {
					t.Errorf("gt_%s_heat at image %d box %d = %v, want 1", corner.c, b, k, h)
				}
			}
		}
	}
}

// checkGathered checks Tag and Regr against the maps, read at the indices.
func checkGathered(t *testing.T, in *loss.Input) {
	t.Helper()
	hw := in.Pixels()
	for _, c := range loss.Corners {
		for s := range in.Stacks {
			for b := range in.Batch {
				for k := range in.Slots {
					at := int(in.Inds[c][in.SlotIndex(b, k)])
					j := in.StackSlotIndex(s, b, k)
					if got, want := in.Tag[c][j], in.TagMap[c][(s*in.Batch+b)*hw+at]; got != want {
						t.Fatalf("%s tag [%d %d %d] = %v, map has %v", c, s, b, k, got, want)
					}
					for xy := range 2 {
						if got, want := in.Regr[c][2*j+xy], in.RegrMap[c][((s*in.Batch+b)*2+xy)*hw+at]; got != want {
							t.Fatalf("%s regr [%d %d %d %d] = %v, map has %v", c, s, b, k, xy, got, want)
						}
					}
				}
			}
		}
	}
}

// TestSources reads one golden through every kind of source.
func TestSources(t *testing.T) {
	const name = "tag_maps_gathered"
	want := readGolden(t, name)
	files := goldenFiles(t, name)
	dir := writeDir(t, files)

	var paths []string
	for _, f := range files {
		paths = append(paths, filepath.Join(dir, f.Name))
	}
	for _, src := range []struct {
		name string
		read func() (*Dump, error)
	}{
		{"directory", func() (*Dump, error) { return ReadFile(dir, Options{}) }},
		{"paths", func() (*Dump, error) { return ReadNPYPaths(paths, Options{}) }},
		{"memory", func() (*Dump, error) { return ReadNPYFiles(files, Options{}) }},
		{"stored npz", func() (*Dump, error) { return ReadNPZ("x.npz", zipOf(t, files, zip.Store), Options{}) }},
	} {
		t.Run(src.name, func(t *testing.T) {
			got, err := src.read()
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Input, want.Input) || !reflect.DeepEqual(got.Arrays, want.Arrays) {
				t.Error("differs from the npz")
			}
		})
	}

	t.Run("extras", func(t *testing.T) {
		os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not an array"), 0o644)
		os.WriteFile(filepath.Join(dir, "logits.npy"), npyOf(t, []float64{1, 2}, []int{2}, "<f4", false), 0o644)
		got, err := ReadFile(dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Warnings) != 1 || got.Warnings[0] != "logits: not part of the schema, ignored" {
			t.Errorf("warnings %q", got.Warnings)
		}
		npz := zipOf(t, append(files, File{Name: "README", Data: []byte("hi")}), zip.Deflate)
		got, err = ReadNPZ("x.npz", npz, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Warnings) != 1 || got.Warnings[0] != "README: not an .npy array, ignored" {
			t.Errorf("warnings %q", got.Warnings)
		}
	})

	t.Run("no such file", func(t *testing.T) {
		missing := filepath.Join(dir, "nope.npz")
		_, err := ReadFile(missing, Options{})
		var e *Error
		if !errors.As(err, &e) || e.File != missing || e.Error() != "no such file or directory" {
			t.Errorf("got %#v", err)
		}
	})
	t.Run("single npy", func(t *testing.T) {
		_, err := ReadFile(paths[0], Options{})
		checkError(t, err, "", "a single .npy file holds one array")
		_, err = ReadNPZ(files[0].Name, files[0].Data, Options{})
		checkError(t, err, "", "a single .npy file holds one array")
	})
}

// TestDirectoryNameIsNoPattern reads a golden dump from a directory whose
// name holds glob metacharacters, beside a directory the name would match
// as a pattern: the dump is the named directory's, not its neighbour's.
func TestDirectoryNameIsNoPattern(t *testing.T) {
	const name, other = "tag_maps_gathered", "small_two_images"
	want := readGolden(t, name)
	parent := t.TempDir()
	dir := filepath.Join(parent, "run[1]")
	for d, files := range map[string][]File{
		dir:                           goldenFiles(t, name),
		filepath.Join(parent, "run1"): goldenFiles(t, other), // what "run[1]" matches as a pattern
	} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if err := os.WriteFile(filepath.Join(d, f.Name), f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	got, err := ReadFile(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Input, want.Input) || !reflect.DeepEqual(got.Arrays, want.Arrays) {
		t.Errorf("read from %s differs from the npz of %s", dir, name)
	}

	// An error names the file by its path in the directory.
	bad := filepath.Join(dir, "tl_heats.npy")
	if err := os.WriteFile(bad, []byte("not an array"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = ReadFile(dir, Options{})
	var e *Error
	if !errors.As(err, &e) || e.File != bad || e.Array != "tl_heats" {
		t.Errorf("got %#v, want an error in %s", err, bad)
	}

	empty := filepath.Join(parent, "empty[1]")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	_, err = ReadFile(empty, Options{})
	checkError(t, err, "", "no .npy files in the directory")
	if errors.As(err, &e) && e.File != empty {
		t.Errorf("error names %q, want %q", e.File, empty)
	}
}
