package timeline

import (
	"encoding/json"
	"strings"

	"github.com/cornerloss/cornerloss/loss"
)

// StepsJSON encodes a run's steps as json.Marshal does, from each step's
// own encoding, kept while the step stays the same. The page writes its
// run's summary (#run[data-summary]) every half second while the run
// loads; encoding every step each time made the longest frames of a
// 200-dump load.
type StepsJSON struct {
	keys []stepKey
	encs [][]byte
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
	if len(c.keys) > len(steps) {
		c.keys, c.encs = c.keys[:len(steps)], c.encs[:len(steps)]
	}
	var b strings.Builder
	b.WriteByte('[')
	for i := range steps {
		k := keyOf(&steps[i])
		if i == len(c.keys) {
			c.keys, c.encs = append(c.keys, stepKey{}), append(c.encs, nil)
		}
		if c.encs[i] == nil || c.keys[i] != k {
			enc, err := json.Marshal(&steps[i])
			if err != nil {
				enc, _ = json.Marshal(struct {
					File  string `json:"file"`
					Error string `json:"error"`
				}{steps[i].File, err.Error()})
			}
			c.keys[i], c.encs[i] = k, enc
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(c.encs[i])
	}
	b.WriteByte(']')
	return b.String()
}
