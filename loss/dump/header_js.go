//go:build js

package dump

// parseHeader reads the dict of a preflighted header with readDict alone:
// the browser build does not link npyio, which with Ebitengine's
// text/template costs the page 0.83 MB of gzip (doc.go). header_npyio.go is
// the native one; TestHeaderDict and FuzzHeaderDict check that the two
// agree.
func parseHeader(buf []byte) (headerDict, error) {
	return readDict(dictText(buf))
}
