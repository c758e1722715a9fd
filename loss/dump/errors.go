package dump

import (
	"errors"
	"fmt"
	"io/fs"
)

// Error is a problem with one array of a dump, or with the dump as a whole
// when Array is empty. Its message is "ARRAY: problem"; the CLI prefixes the
// file: "cornerloss: FILE: ARRAY: problem".
type Error struct {
	File    string // the .npz, directory or .npy file the array came from
	Array   string // the array name without ".npy", e.g. "tl_heats"; empty for the whole dump
	Problem string // lowercase, no final period
	Err     error  // the underlying error, if any
}

func (e *Error) Error() string {
	if e.Array == "" {
		return e.Problem
	}
	return e.Array + ": " + e.Problem
}

func (e *Error) Unwrap() error { return e.Err }

// errorf builds an *Error for one array of file.
func errorf(file, array, format string, args ...any) *Error {
	return &Error{File: file, Array: array, Problem: fmt.Sprintf(format, args...)}
}

// wrap turns err into an *Error naming the array, keeping an *Error as it
// is. A failed file operation loses its path, which File holds already.
func wrap(file, array string, err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	problem := err.Error()
	var pe *fs.PathError
	if errors.As(err, &pe) {
		problem = pe.Err.Error()
		// Under js, errno texts are capitalised ("No such file or directory").
		if len(problem) > 1 && 'A' <= problem[0] && problem[0] <= 'Z' && 'a' <= problem[1] && problem[1] <= 'z' {
			problem = string(problem[0]+'a'-'A') + problem[1:]
		}
	}
	return &Error{File: file, Array: array, Problem: problem, Err: err}
}
