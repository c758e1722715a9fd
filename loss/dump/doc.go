// Package dump reads real tensor dumps in the named schema into a loss.Input:
// an .npz archive (from a path or from the bytes of a browser upload), a
// directory of NAME.npy files, or a list of .npy files. It also writes .npz
// files for the CLI's targets command.
//
// Dumps come from users, so every size is checked before anything is
// allocated, npyio (which is not hardened against hostile headers) only ever
// sees a header that passed a preflight, pickled object arrays are refused
// unread, and every problem is an *Error that names the array.
package dump
