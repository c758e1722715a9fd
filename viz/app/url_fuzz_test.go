package app

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/cornerloss/cornerloss/loss/scene"
)

// fuzzBuildBytes is the largest scene FuzzRestoreURLState builds: bigger
// ones are only parsed and checked against the budget, so that an input
// costs well under a millisecond and the target runs at thousands a second.
const fuzzBuildBytes = 256 << 10

// tinyScene is the default scene shrunk to one class on a 16×16 map.
func tinyScene() *scene.Scene {
	s := scene.Default()
	s.Target.Categories, s.Target.OutputSize, s.Target.MaxTagLen = 1, [2]int{16, 16}, 8
	for b := range s.Images {
		for k := range s.Images[b] {
			s.Images[b][k].Box.Class = 0
		}
	}
	s.Blobs[0][0].Class = 0
	return s
}

// FuzzRestoreURLState: any fragment gives an error or a scene within the
// budget, never a panic; a small scene it accepts is built, shown, and its
// own link reads back. An input is either a fragment, or (json true) the
// state's JSON, which the target deflates into one: most mutations of a
// deflated stream fail before the JSON, so this is how they reach it.
func FuzzRestoreURLState(f *testing.F) {
	a := New()
	for _, s := range []*scene.Scene{scene.Default(), scene.COCO(1, 1), tinyScene()} {
		if err := a.setScene(s); err != nil {
			f.Fatal(err)
		}
		link := a.URLState()
		f.Add([]byte(link), false)
		f.Add([]byte(link[:len(link)/2]), false)
		f.Add(a.urlJSON(), true)
	}
	over := tinyScene()
	over.Stacks, over.Target.Categories, over.Target.OutputSize = 4, 128, [2]int{512, 512}
	over.Images = make([][]scene.Object, 8)
	a.Scene = over // urlJSON reads only the scene, the options and the view
	f.Add(a.urlJSON(), true)
	var bomb bytes.Buffer
	w, _ := flate.NewWriter(&bomb, flate.BestCompression)
	w.Write([]byte(`{"v":1,"t":[` + strings.Repeat(" ", 1<<20)))
	w.Close()
	f.Add([]byte(base64.RawURLEncoding.EncodeToString(bomb.Bytes())), false)
	f.Add([]byte("!!!not base64!!!"), false)
	f.Add([]byte(`{"v":1,"t":[1e300,-1,NaN,1.5,0,0,0],"s":-1}`), true)
	if err := a.setScene(tinyScene()); err != nil {
		f.Fatal(err)
	}

	var z urlCompressor // NoCompression: cheap, and any bytes still inflate back
	f.Fuzz(func(t *testing.T, data []byte, json bool) {
		fragment := string(data)
		if json {
			fragment = z.encode(data, flate.NoCompression)
		}
		st, err := parseURLState(fragment)
		if err != nil {
			return
		}
		s := st.scene
		if n := s.Bytes(); n > scene.MaxBytes {
			t.Fatalf("accepted a scene of %d bytes", n)
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("accepted an invalid scene: %v", err)
		}
		if s.Bytes() > fuzzBuildBytes {
			return
		}
		before := a.URLState()
		if err := a.RestoreURLState(fragment); err != nil {
			// Boxes are checked when the targets are placed: a refused box
			// leaves the page as it was.
			if a.URLState() != before {
				t.Fatalf("a refused link (%v) changed the scene", err)
			}
			return
		}
		if a.Scene.Shape() != s.Shape() {
			t.Fatalf("showing %v, the link asked for %v", a.Scene.Shape(), s.Shape())
		}
		if _, err := parseURLState(a.URLState()); err != nil {
			t.Fatalf("the link of a restored scene does not read back: %v", err)
		}
		if err := a.setScene(tinyScene()); err != nil {
			t.Fatal(err)
		}
	})
}
