package timeline_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/cornerloss/cornerloss/loss/dump"
	"github.com/cornerloss/cornerloss/loss/timeline"
)

// TestStepsJSONAsMarshal: the page's run summary, encoded step by step
// with the unchanged steps' encodings kept, is json.Marshal of the steps
// after every reply of a run whose files come in any order: plain dumps,
// chunks of split steps (combined anew as each comes), an unreadable file,
// and a file read again after an error, as a live run retries one.
func TestStepsJSONAsMarshal(t *testing.T) {
	sp, chunks, read := splitCase(t)
	var files []timeline.Step
	for j := range chunks {
		files = append(files, read(fmt.Sprintf("step_700_gpu%d.npz", j), dump.Arrays(chunks[j])))
	}
	for i := range 6 {
		files = append(files, read(fmt.Sprintf("step_%d.npz", 100*(i+1)), dump.Arrays(chunks[i%len(chunks)])))
	}
	files = append(files, timeline.Read("step_50.npz", bytes.NewReader([]byte("PK")), 2, sp.Options(), dump.Options{}))
	good := files[len(files)-2]
	for round := range 4 {
		rng := rand.New(rand.NewPCG(uint64(round), 1))
		order := rng.Perm(len(files))
		pending := make([]bool, len(files))
		for i := range pending {
			pending[i] = true
		}
		var c timeline.StepsJSON
		check := func(when string) {
			t.Helper()
			steps := timeline.Group(files, pending)
			want, err := json.Marshal(steps)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Encode(steps); got != string(want) {
				t.Fatalf("round %d, %s:\n got %s\nwant %s", round, when, got, want)
			}
		}
		check("no file read")
		for _, i := range order {
			pending[i] = false
			check("after " + files[i].File)
		}
		// Each reply encodes its own step (and a split step's, combined
		// anew), whatever the order: not the steps it moved.
		if n, most := timeline.Encodes(&c), 2*len(files); n > most {
			t.Errorf("round %d: %d steps encoded for %d replies in order %v, want at most %d", round, n, len(files), order, most)
		}
		// The unreadable file read again, fine this time; then wrong again.
		last := len(files) - 1
		bad := files[last]
		files[last] = good
		files[last].File = bad.File
		check("a file read again")
		files[last] = bad
		check("a file failing again")
		// The run shrinks (a new run reuses nothing it should not).
		check2 := timeline.Group(files[:3], pending[:3])
		want, _ := json.Marshal(check2)
		if got := c.Encode(check2); got != string(want) {
			t.Fatalf("round %d, shrunk:\n got %s\nwant %s", round, got, want)
		}
	}
}
