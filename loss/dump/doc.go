// Package dump reads real tensor dumps in the named schema into a loss.Input:
// an .npz archive (from a path or from the bytes of a browser upload), a
// directory of NAME.npy files, a list of .npy files, or a .pt written by
// torch.save (pt.go, with an unpickler of its own in ptpickle.go that runs
// and imports nothing). It also writes .npz files for the CLI's targets and
// convert commands.
//
// Dumps come from users, so every size is checked before anything is
// allocated, npyio (which is not hardened against hostile headers) only ever
// sees a header that passed a preflight, pickled object arrays are refused
// unread, and every problem is an *Error that names the array.
//
// Both builds read each header dict with readDict, a small strict parser of
// our own that takes only NumPy's layout; native builds then read it with
// npyio too, as the project requires, and refuse it if npyio reads it
// otherwise. The browser build (GOOS=js) decodes float16 with halfFloat and
// does not link npyio at all. The reason is the page's size budget, 3.5 MB gzip:
// Ebitengine's internal/builtinshader imports text/template, whose use of
// reflect's MethodByName makes the linker keep every exported method of
// every type converted to an interface, so one npy.NewReader call kept
// gonum/mat, gopickle and x/text with it. Linking npyio cost the page
// 0.83 MB gzip: 16.1 MB raw and 3.76 MB gzip with it, 12.1 MB and 2.93 MB
// without. TestHeaderDict and FuzzHeaderDict check that the two builds
// accept the same dicts with the same meaning and give the same refusals.
package dump
