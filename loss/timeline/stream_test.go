package timeline_test

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/loss/dump"
	"github.com/cornerloss/cornerloss/loss/scene"
	"github.com/cornerloss/cornerloss/loss/timeline"
)

// readWhole is what Read did before it streamed the heats: the whole dump
// decoded, evaluated and summarised. Read must give its step to the bit.
func readWhole(name string, data []byte, opt loss.Options) timeline.Step {
	st := timeline.Step{File: name, Step: -1}
	d, err := dump.ReadNPZ(name, data, dump.Options{})
	if err == nil {
		var r *loss.Result
		if r, err = loss.Evaluate(d.Input, opt); err == nil {
			s := loss.Summarize(d.Input, r)
			st.Summary = &s
			if d.Step != nil {
				st.Step, st.StepFromDump = *d.Step, true
			}
			st.Chunk = d.Chunk
		}
	}
	if err != nil {
		// Read's own bookkeeping of a failure (array, non-finite) is
		// checked by the markers' tests; here the message must match.
		st.Error = err.Error()
	}
	return st
}

// sameStep fails unless the streamed step is the whole read's: the JSON
// of the summary (floats in full: encoding/json writes the shortest form
// that reads back to the same float64) and the error.
func sameStep(t *testing.T, name string, got, want timeline.Step) {
	t.Helper()
	if got.Error != want.Error {
		t.Errorf("%s: error %q, read whole %q", name, got.Error, want.Error)
		return
	}
	got.ErrorArray, got.NonFinite = "", false
	g, err1 := json.Marshal(got)
	w, err2 := json.Marshal(want)
	if err1 != nil || err2 != nil {
		t.Fatalf("%s: %v %v", name, err1, err2)
	}
	if !bytes.Equal(g, w) {
		t.Errorf("%s: streamed summary differs from the whole read's:\n got %s\nwant %s", name, g, w)
	}
}

// TestReadStreamsAsWhole: Read, which streams the heats through a
// loss.Scanner, gives every golden, reference and mmdetection case, under
// both conventions, the summary Evaluate and Summarize give the whole
// dump, bit for bit; and so for every step of a sample run, its NaN step's
// error included.
func TestReadStreamsAsWhole(t *testing.T) {
	var files []string
	for _, dir := range []string{"golden", "reference", "mmdet"} {
		m, err := filepath.Glob(filepath.Join("..", "..", "testdata", dir, "*.npz"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 30 {
		t.Fatalf("%d cases found", len(files))
	}
	mmdet := loss.DefaultOptions()
	mmdet.Convention = loss.MMDet
	other := loss.DefaultOptions()
	other.Alpha, other.Beta, other.PushWeight = 1.5, 3, 0.3
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, opt := range []loss.Options{loss.DefaultOptions(), mmdet, other} {
			name := filepath.Base(filepath.Dir(f)) + "/" + filepath.Base(f) + " " + opt.Convention.String()
			got := timeline.Read(filepath.Base(f), bytes.NewReader(data), int64(len(data)), opt, dump.Options{})
			if !got.OK() && got.Error == "" {
				t.Errorf("%s: neither summary nor error", name)
			}
			sameStep(t, name, got, readWhole(filepath.Base(f), data, opt))
		}
	}
	const n = 20
	nan, _ := scene.SampleRunBroken(n)
	for i := range n {
		rs, err := scene.SampleRunStep(i, n)
		if err != nil {
			t.Fatal(err)
		}
		got := timeline.ReadSample(i, n, loss.DefaultOptions(), dump.Options{})
		if (i == nan) == got.OK() {
			t.Errorf("%s: ok %v, error %q", rs.Name, got.OK(), got.Error)
		}
		sameStep(t, rs.Name, got, readWhole(rs.Name, rs.Data, loss.DefaultOptions()))
	}
	// Options the loss is not defined for: the same error, after reading.
	bad := loss.DefaultOptions()
	bad.Alpha = math.NaN()
	data, _ := os.ReadFile(files[0])
	sameStep(t, "NaN alpha", timeline.Read("x.npz", bytes.NewReader(data), int64(len(data)), bad, dump.Options{}), readWhole("x.npz", data, bad))
}

// TestReadMemory: summarising a COCO-sized dump (B=2 S=2 C=80 128×128,
// 63 MB of float32 decoded) allocates less than half of it: the logits,
// two thirds, go through one plane at a time. Whole, it allocates all of
// it (checked too, so the figure means something).
func TestReadMemory(t *testing.T) {
	in, _, err := scene.COCO(2, 2).Build()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := dump.WriteNPZ(&buf, dump.Arrays(in)); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	decoded := 0
	for _, a := range [][]float32{in.Heat[0], in.Heat[1], in.GTHeat[0], in.GTHeat[1]} {
		decoded += 4 * len(a)
	}
	alloc := func(read func()) float64 {
		runtime.GC()
		var a, b runtime.MemStats
		runtime.ReadMemStats(&a)
		read()
		runtime.ReadMemStats(&b)
		return float64(b.TotalAlloc - a.TotalAlloc)
	}
	opt := loss.DefaultOptions()
	var st timeline.Step
	streamed := alloc(func() { st = timeline.Read("coco.npz", bytes.NewReader(data), int64(len(data)), opt, dump.Options{}) })
	whole := alloc(func() { readWhole("coco.npz", data, opt) })
	t.Logf("decoded %.1f MB; allocated streaming %.1f MB, whole %.1f MB", float64(decoded)/1e6, streamed/1e6, whole/1e6)
	if !st.OK() {
		t.Fatal(st.Error)
	}
	if whole < float64(decoded) {
		t.Errorf("the whole read allocated %.1f MB, less than the %.1f MB it decodes: the measure is wrong", whole/1e6, float64(decoded)/1e6)
	}
	if streamed > float64(decoded)/2 {
		t.Errorf("the streamed read allocated %.1f MB, over half the %.1f MB decoded", streamed/1e6, float64(decoded)/1e6)
	}
}
