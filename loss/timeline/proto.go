package timeline

import (
	"encoding/json"
	"fmt"

	"github.com/cornerloss/cornerloss/loss"
)

// The page and its workers exchange one Job and one Reply per dump. Each
// travels as a JSON string in the message's "json" field; the dump itself
// goes beside it, as a File, a Blob or a Uint8Array in "data", or is
// fetched by the worker from Job.URL, or made by it (a sample run's step). A worker holds one dump at a time,
// so the pool bounds the memory: workers × the largest dump.

// Job asks a worker to summarise one dump.
type Job struct {
	ID   int    `json:"id"`
	Name string `json:"name"`          // the file name, for messages and the step number
	URL  string `json:"url,omitempty"` // fetch the dump from here instead of "data"
	// Sample asks for step Sample[0] of a sample run of Sample[1] steps
	// (scene.SampleRunStep) instead of a file.
	Sample  *[2]int      `json:"sample,omitempty"`
	Options loss.Options `json:"options"`
}

// Reply is a worker's answer to a Job.
type Reply struct {
	ID   int     `json:"id"`
	Step Step    `json:"step"`
	Ms   float64 `json:"ms"`  // the worker's time for this dump
	Mem  float64 `json:"mem"` // the worker's WebAssembly memory in bytes after it (its peak: it only grows)
	// Retry says the dump could not be fetched whole (a file still being
	// written): ask again later rather than mark it unreadable.
	Retry bool `json:"retry,omitempty"`
}

// Encode returns the message's JSON (a job with a NaN option gives one
// that DecodeJob refuses).
func (j Job) Encode() string { return encode(j) }

// Encode returns the message's JSON. JSON has no NaN: a summary holding
// one (the reader refuses NaN inputs, but a loss can still overflow) is
// sent as an error of that step.
func (r Reply) Encode() string {
	b, err := json.Marshal(r)
	if err != nil {
		r.Step = Step{File: r.Step.File, Step: r.Step.Step, Error: "summary: " + err.Error()}
		b, _ = json.Marshal(r)
	}
	return string(b)
}

func encode(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf(`{"error":%q}`, err.Error())
	}
	return string(b)
}

// DecodeJob reads a Job, checking its options.
func DecodeJob(s string) (Job, error) {
	var j Job
	if err := json.Unmarshal([]byte(s), &j); err != nil {
		return j, fmt.Errorf("job: %v", err)
	}
	if err := j.Options.Validate(); err != nil {
		return j, fmt.Errorf("job %d: %v", j.ID, err)
	}
	return j, nil
}

// DecodeReply reads a Reply.
func DecodeReply(s string) (Reply, error) {
	var r Reply
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		return r, fmt.Errorf("reply: %v", err)
	}
	return r, nil
}
