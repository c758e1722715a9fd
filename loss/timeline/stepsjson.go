package timeline

import (
	"encoding/json"
	"strings"

	"github.com/cornerloss/cornerloss/loss"
)

// StepsJSON encodes a run's steps as json.Marshal does, from each step's
// own encoding, kept while the step stays the same. The page writes its
// run's summary (#run[data-summary]) when the run is loaded, and again for
// each file a followed run adds: a long run's write then encodes the new
// steps only. Encodings are kept by file, not by place: the workers answer
// in any order, and each answer moves the steps after its own.
type StepsJSON struct {
	byFile  map[string]encoded
	encodes int // steps encoded so far, for the tests
}

type encoded struct {
	key stepKey
	enc []byte
}

// stepKey is what a step's encoding depends on. A summary is not changed
// once decoded: a chunked step's is combined anew (a new one) when one of
// its chunks comes.
type stepKey struct {
	file, err, errArray string
	step                int64
	nonFinite, fromDump bool
	chunk               int64
	hasChunk            bool
	summary             *loss.Summary
	chunks, missing     int
}

func keyOf(s *Step) stepKey {
	k := stepKey{file: s.File, err: s.Error, errArray: s.ErrorArray, step: s.Step, nonFinite: s.NonFinite,
		fromDump: s.StepFromDump, summary: s.Summary, chunks: len(s.Chunks), missing: len(s.Missing)}
	if s.Chunk != nil {
		k.chunk, k.hasChunk = *s.Chunk, true
	}
	return k
}

// Encode returns json.Marshal(steps) as a string, encoding only the steps
// that changed since the last call; a step json.Marshal refuses becomes
// its file and the error.
func (c *StepsJSON) Encode(steps []Step) string {
	if steps == nil {
		return "null"
	}
	kept := make(map[string]encoded, len(steps))
	var b strings.Builder
	b.WriteByte('[')
	for i := range steps {
		s := &steps[i]
		k := keyOf(s)
		e, ok := c.byFile[s.File]
		if !ok || e.key != k {
			e = encoded{k, marshalStep(s)}
			c.encodes++
		}
		kept[s.File] = e
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(e.enc)
	}
	b.WriteByte(']')
	c.byFile = kept
	return b.String()
}

func marshalStep(s *Step) []byte {
	enc, err := json.Marshal(s)
	if err != nil {
		enc, _ = json.Marshal(struct {
			File  string `json:"file"`
			Error string `json:"error"`
		}{s.File, err.Error()})
	}
	return enc
}
