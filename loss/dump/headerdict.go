package dump

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// headerDict is the dict of an .npy header. descr is the text of its
// value as written, quotes included ("'<f4'"), which parseDtype reads.
type headerDict struct {
	descr   string
	fortran bool
	shape   []int
}

// dictKeys are the keys of a header dict, each exactly once, in the order
// NumPy writes them.
var dictKeys = [...]string{"descr", "fortran_order", "shape"}

// maxNesting caps the brackets in a descr, whose value is scanned
// recursively. NumPy's structured dtypes nest a few levels; Python's own
// parser gives up at 200.
const maxNesting = 64

// readDict reads the dict of an .npy header as both builds read it: with
// parseDict, then only in NumPy's layout (numpyDict, trailing spaces
// aside). The native build also reads it with npyio (header_npyio.go),
// which finds each key by its exact text and slices from one to the next,
// so it misreads or refuses dicts in other layouts that parseDict reads:
// holding both builds to NumPy's layout, which every NumPy writes, makes
// them accept the same files with the same meaning and refuse the others
// with the same message (FuzzHeaderDict checks it).
func readDict(dict string) (headerDict, error) {
	h, err := parseDict(dict)
	if err != nil {
		return h, err
	}
	if err := plainStrings(h.descr); err != nil {
		return headerDict{}, err
	}
	descr := h.descr
	if len(descr) >= 2 && descr[0] == '"' { // Python's repr quotes a type string in '
		descr = "'" + descr[1:len(descr)-1] + "'"
	}
	text, want := strings.TrimRight(dict, " "), numpyDict(descr, h.fortran, h.shape)
	if text != want {
		i := 0
		for i < len(text) && i < len(want) && text[i] == want[i] {
			i++
		}
		found := "the end"
		if i < len(text) {
			found = strconv.Quote(short(text[i:]))
		}
		return headerDict{}, fmt.Errorf("malformed header dict (not NumPy's layout: want %q at byte %d, found %s)",
			short(want[i:]), i, found)
	}
	return h, nil
}

// plainStrings refuses a descr holding a string with anything but the
// characters of NumPy's type strings ('<f4', '|b1', '<M8[ns]') and of
// identifier-like field names. npyio finds the dict's keys and its closing
// brace by their text, so a '}' or a quote inside the descr makes it
// misread the header or panic (found by FuzzHeaderDict: descr '}').
func plainStrings(descr string) error {
	inside := byte(0)
	for i := 0; i < len(descr); i++ {
		c := descr[i]
		switch {
		case inside == 0 && (c == '\'' || c == '"'):
			inside = c
		case c == inside:
			inside = 0
		case inside != 0 && !(c == '_' || c == '<' || c == '>' || c == '|' || c == '=' || c == '[' || c == ']' ||
			c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'):
			return fmt.Errorf("malformed header dict (descr %s holds %q, which no NumPy type string does)", short(descr), c)
		}
	}
	return nil
}

// parseDict reads the dict of an .npy header, the text between the header
// length and the final newline: a Python dict literal, which NumPy writes as
//
//	{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
//
// padded with spaces. It reads what numpy.load reads of that form: keys in
// any order, spaces between any two tokens, trailing commas, strings in
// single or double quotes. It refuses the rest of Python's literal syntax,
// which NumPy never writes: escapes and prefixes in strings, integers other
// than plain decimals, comments, a key given twice, any other key. The
// descr may be any literal (a string, or a list for a structured dtype);
// parseDtype says which it supports.
func parseDict(s string) (headerDict, error) {
	p := dictParser{s: s}
	h, err := p.dict()
	if err != nil {
		return headerDict{}, fmt.Errorf("malformed header dict (%v)", err)
	}
	return h, nil
}

// dictParser scans a header dict; i is the next byte to read.
type dictParser struct {
	s string
	i int
}

func (p *dictParser) dict() (headerDict, error) {
	var h headerDict
	var seen [len(dictKeys)]bool
	p.space()
	if err := p.want('{'); err != nil {
		return h, err
	}
	for p.space(); !p.at('}'); p.space() {
		if !p.at('\'') && !p.at('"') {
			return h, p.expected("a quoted key")
		}
		at := p.i
		key, err := p.str()
		if err != nil {
			return h, err
		}
		k := slices.Index(dictKeys[:], key)
		switch {
		case k < 0:
			return h, fmt.Errorf("unknown key %s", short(p.s[at:p.i]))
		case seen[k]:
			return h, fmt.Errorf("key %s given twice", short(p.s[at:p.i]))
		}
		seen[k] = true
		p.space()
		if err := p.want(':'); err != nil {
			return h, err
		}
		p.space()
		switch k {
		case 0:
			at := p.i
			if err := p.literal(0); err != nil {
				return h, err
			}
			h.descr = p.s[at:p.i]
		case 1:
			if h.fortran, err = p.bool(); err != nil {
				return h, err
			}
		case 2:
			if h.shape, err = p.shape(); err != nil {
				return h, err
			}
		}
		p.space()
		if !p.at(',') && !p.at('}') {
			return h, p.expected("',' or '}'")
		}
		p.skip(',')
	}
	p.i++ // '}'
	if p.space(); p.i < len(p.s) {
		return h, fmt.Errorf("%q after the closing '}'", short(p.s[p.i:]))
	}
	for k, ok := range seen {
		if !ok {
			return h, fmt.Errorf("no '%s' key", dictKeys[k])
		}
	}
	return h, nil
}

// bool reads True or False.
func (p *dictParser) bool() (bool, error) {
	switch w := p.word(); w {
	case "True", "False":
		return w == "True", nil
	case "":
		return false, p.expected("True or False for 'fortran_order'")
	default:
		return false, fmt.Errorf("'fortran_order' is %s, want True or False", short(w))
	}
}

// shape reads a tuple of integers: (), (5,), (2, 3) or (2, 3,).
func (p *dictParser) shape() ([]int, error) {
	if err := p.want('('); err != nil {
		return nil, err
	}
	shape := []int{}
	comma := false // a comma follows the last dimension
	for p.space(); !p.at(')'); p.space() {
		if len(shape) > 0 && !comma {
			return nil, p.expected("',' or ')' in 'shape'")
		}
		if !p.at('-') && !p.digit() {
			return nil, p.expected("an integer in 'shape'")
		}
		d, err := p.int()
		if err != nil {
			return nil, err
		}
		shape = append(shape, d)
		p.space()
		comma = p.skip(',')
	}
	if len(shape) == 1 && !comma {
		return nil, fmt.Errorf("'shape' is (%d), not a tuple: want (%d,)", shape[0], shape[0])
	}
	p.i++ // ')'
	if len(shape) == 0 {
		return nil, nil // a scalar, as npyio reads ()
	}
	return shape, nil
}

// int reads a decimal integer, signed or not, as Python writes it: no
// leading zeros, no underscores, no suffix.
func (p *dictParser) int() (int, error) {
	at := p.i
	p.skip('-')
	w := p.word()
	if w == "" || w[0] < '0' || w[0] > '9' {
		p.i = at
		return 0, p.expected("an integer")
	}
	n, err := strconv.Atoi(p.s[at:p.i])
	switch {
	case err != nil && isDigits(w):
		return 0, fmt.Errorf("integer %s is out of range", short(p.s[at:p.i]))
	case err != nil || w[0] == '0' && len(w) > 1:
		return 0, fmt.Errorf("%s is not a decimal integer", short(p.s[at:p.i]))
	}
	return n, nil
}

func isDigits(s string) bool {
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// literal skips one Python literal: a string, an integer, True, False,
// None, or a tuple or list of literals. depth counts the brackets around it.
func (p *dictParser) literal(depth int) error {
	if p.i >= len(p.s) {
		return p.expected("a value")
	}
	switch c := p.s[p.i]; {
	case c == '\'' || c == '"':
		_, err := p.str()
		return err
	case c == '(' || c == '[':
		if depth == maxNesting {
			return fmt.Errorf("brackets nested deeper than %d", maxNesting)
		}
		end := byte(')')
		if c == '[' {
			end = ']'
		}
		p.i++
		for p.space(); !p.at(end); p.space() {
			if err := p.literal(depth + 1); err != nil {
				return err
			}
			p.space()
			if !p.at(',') && !p.at(end) {
				return p.expected(fmt.Sprintf("',' or '%c'", end))
			}
			p.skip(',')
		}
		p.i++
		return nil
	case c == '-' || p.digit():
		_, err := p.int()
		return err
	}
	at := p.i
	switch w := p.word(); w {
	case "True", "False", "None":
		return nil
	case "":
		return p.expected("a value")
	default:
		p.i = at
		return fmt.Errorf("%s is not a literal", short(w))
	}
}

// str reads a string in single or double quotes and returns what is
// between them. Backslashes are refused: NumPy writes no escapes.
func (p *dictParser) str() (string, error) {
	if !p.at('\'') && !p.at('"') {
		return "", p.expected("a quoted string")
	}
	q := p.s[p.i]
	for j := p.i + 1; j < len(p.s); j++ {
		switch p.s[j] {
		case q:
			v := p.s[p.i+1 : j]
			p.i = j + 1
			return v, nil
		case '\\':
			return "", fmt.Errorf("backslash in the string at byte %d", p.i)
		}
	}
	return "", fmt.Errorf("string at byte %d is not closed", p.i)
}

// word reads a run of letters, digits and underscores.
func (p *dictParser) word() string {
	at := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c != '_' && (c < '0' || c > '9') && (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') {
			break
		}
		p.i++
	}
	return p.s[at:p.i]
}

// space skips spaces, the only blank that passes the preflight.
func (p *dictParser) space() {
	for p.at(' ') {
		p.i++
	}
}

func (p *dictParser) at(c byte) bool { return p.i < len(p.s) && p.s[p.i] == c }

func (p *dictParser) digit() bool { return p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' }

// skip reads c if it comes next.
func (p *dictParser) skip(c byte) bool {
	if p.at(c) {
		p.i++
		return true
	}
	return false
}

func (p *dictParser) want(c byte) error {
	if !p.skip(c) {
		return p.expected(fmt.Sprintf("'%c'", c))
	}
	return nil
}

// expected says what was wanted at the current byte and what is there.
func (p *dictParser) expected(what string) error {
	if p.i >= len(p.s) {
		return fmt.Errorf("want %s at byte %d, the end", what, p.i)
	}
	return fmt.Errorf("want %s at byte %d, found %q", what, p.i, short(p.s[p.i:]))
}

// short cuts the text of a header dict to a length fit for an error.
func short(s string) string {
	const max = 24
	if len(s) > max {
		return s[:max] + "..."
	}
	return s
}
