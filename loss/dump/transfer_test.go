package dump

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/cornerloss/cornerloss/loss"
)

// send moves d as the upload worker and the page do: its Wire through
// JSON, its arrays copied into ones allocated from the Wire alone.
func send(t *testing.T, d *Dump, edit func(w *Wire)) (*Dump, error) {
	t.Helper()
	b, err := json.Marshal(d.Split())
	if err != nil {
		t.Fatal(err)
	}
	var w Wire
	if err := json.Unmarshal(b, &w); err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(&w)
	}
	in := &loss.Input{}
	for i, f := range Floats(in) {
		if w.Lens[i] >= 0 {
			*f = make([]float32, w.Lens[i])
			copy(*f, *Floats(d.Input)[i])
		}
	}
	for _, c := range loss.Corners {
		in.Inds[c] = append([]int64(nil), d.Input.Inds[c]...)
	}
	in.Mask = append([]uint8(nil), d.Input.Mask...)
	return w.Join(in)
}

// TestSplitJoin: a dump moved between threads is the dump read, every
// field and array, for gathered dumps and dumps of maps.
func TestSplitJoin(t *testing.T) {
	maps := 0
	for _, name := range []string{"small_two_images", "tag_maps_gathered", "batch_of_one", "empty_image_in_batch", "single_object_push_quirk"} {
		d := readGolden(t, name)
		if d.TagsFromMaps {
			maps++
		}
		got, err := send(t, d, nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(got, d) {
			t.Errorf("%s: the dump joined differs from the dump read", name)
		}
	}
	if maps == 0 {
		t.Fatal("no dump of maps among the cases")
	}
}

// TestJoinRefusesWrongLengths: a Wire whose lengths disagree with its
// shape is refused, naming the array.
func TestJoinRefusesWrongLengths(t *testing.T) {
	d := readGolden(t, "small_two_images")
	_, err := send(t, d, func(w *Wire) { w.Lens[0]-- })
	if err == nil || !strings.Contains(err.Error(), "tl_heats") {
		t.Fatalf("a short tl_heats joined: %v", err)
	}
}
