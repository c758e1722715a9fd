package app

import (
	"strings"
	"unicode"

	"github.com/cornerloss/cornerloss/viz/i18n"
)

// MathML typesets one of loss.Formulas' linear formulas as a MathML <math>
// element, which browsers render natively (no script library): x_k and
// x_{jk} become subscripts, x^α superscripts, names italic identifiers,
// numbers and operators themselves, and the words between them text. The
// formulas stay written once, in loss; this is only their typesetting.
// The plain text goes in alttext, for screen readers and copying, with
// the words in the page's language as the typeset text has them.
// A formula's clauses (separated by ",  " or ";  ", two spaces) go in
// one <math> each, since browsers do not break MathML lines and the side
// panel is narrow; a clause longer than maxLine characters is broken
// before its outermost + − / into the rows of an <mtable>, the later rows
// indented.
func MathML(s string) string {
	var b strings.Builder
	for _, clause := range clauses(s) {
		b.WriteString(`<math display="block" alttext="` + esc(altText(clause)) + `">`)
		lines := breakLines(clause, maxLine)
		if len(lines) == 1 {
			b.WriteString(`<mrow>` + mrow(clause) + `</mrow>`)
		} else {
			b.WriteString(`<mtable columnalign="left">`)
			for i, l := range lines {
				indent := ""
				if i > 0 {
					indent = `<mspace width="1.5em"></mspace>`
				}
				b.WriteString(`<mtr><mtd><mrow>` + indent + mrow(l) + `</mrow></mtd></mtr>`)
			}
			b.WriteString(`</mtable>`)
		}
		b.WriteString(`</math>`)
	}
	return b.String()
}

// maxLine is how many characters of a formula (scripts counted as one each,
// spaces not) a line of the side panel's explanations holds at its
// narrowest (a tablet's, or presentation mode's larger type).
const maxLine = 28

// breakLines splits a clause longer than max characters into lines. It
// breaks before a + − or / between spaces (the next line starts with it),
// before two spaces (the "  if" of a case), after ", ", "; " or ": ", and
// before a Σ, a word of text or a remark in brackets; outside any script, and inside
// brackets only those of a long bracket pair (the sum of the total, the
// terms of pull). It
// breaks as late as a line allows; a clause with nowhere to break stays
// whole.
func breakLines(s string, max int) []string {
	rs := []rune(s)
	visible := func(rs []rune) int {
		n := 0
		for _, r := range rs {
			if !strings.ContainsRune(" _^{}", r) {
				n++
			}
		}
		return n
	}
	// Each bracket's partner, and which braces hold a script (x_{jk}).
	partner := map[int]int{}
	script := map[int]bool{}
	var open []int
	for i, r := range rs {
		switch r {
		case '(', '[', '{':
			open = append(open, i)
			script[i] = r == '{' && i > 0 && (rs[i-1] == '_' || rs[i-1] == '^')
		case ')', ']', '}':
			if n := len(open); n > 0 {
				partner[open[n-1]] = i
				open = open[:n-1]
			}
		}
	}
	var at []int // where a line may start
	open = open[:0]
	for i, r := range rs {
		// A new sum, a word of the text or a remark in brackets may start
		// a line.
		if i > 0 && rs[i-1] == ' ' && len(open) == 0 && (r == 'Σ' || proseAt(rs, i) && !proseBefore(rs, i-1) || r == '(' && proseAt(rs, i+1)) {
			at = append(at, i)
		}
		switch r {
		case '(', '[', '{':
			open = append(open, i)
			continue
		case ')', ']', '}':
			if len(open) > 0 {
				open = open[:len(open)-1]
			}
			continue
		}
		fits := len(open) == 0
		if n := len(open); n == 1 && !script[open[0]] {
			// A long pair, or one the clause does not close (a case of
			// { … ; … } split into clauses).
			if end, ok := partner[open[0]]; !ok || visible(rs[open[0]:end]) > max/2 {
				fits = true
			}
		}
		if !fits || i < 2 {
			continue
		}
		op := strings.ContainsRune("+−/", r) && rs[i-1] == ' ' && i+1 < len(rs) && rs[i+1] == ' '
		cases := r != ' ' && rs[i-1] == ' ' && rs[i-2] == ' '
		after := r != ' ' && rs[i-1] == ' ' && strings.ContainsRune(",;:", rs[i-2])
		if op || cases || after {
			at = append(at, i)
		}
	}
	var lines []string
	start := 0
	for visible(rs[start:]) > max {
		cut := -1
		for _, c := range at {
			if c <= start {
				continue
			}
			if cut >= 0 && visible(rs[start:c]) > max {
				break
			}
			cut = c
		}
		if cut < 0 {
			break
		}
		lines = append(lines, strings.TrimSpace(string(rs[start:cut])))
		start = cut
	}
	return append(lines, strings.TrimSpace(string(rs[start:])))
}

// clauses splits s after each ",  " and ";  ", keeping the punctuation.
func clauses(s string) []string {
	var out []string
	for {
		i := strings.Index(s, ",  ")
		if j := strings.Index(s, ";  "); j >= 0 && (i < 0 || j < i) {
			i = j
		}
		if i < 0 {
			return append(out, s)
		}
		out = append(out, s[:i+1])
		s = s[i+3:]
	}
}

// mrow typesets s as the content of an <mrow>.
func mrow(s string) string { return typeset(s, nil) }

// proseRuns are the runs of words of s that mrow sets as one <mtext> each,
// in English, in order.
func proseRuns(s string) []string {
	var runs []string
	typeset(s, func(run string) { runs = append(runs, run) })
	return runs
}

// typeset is mrow, telling onProse (when not nil) each run of words.
func typeset(s string, onProse func(run string)) string {
	var items []string // typeset pieces; a sub- or superscript wraps the last
	var prose []string // consecutive words, set as one <mtext>
	flush := func() {
		if len(prose) > 0 {
			run := strings.Join(prose, " ")
			if onProse != nil {
				onProse(run)
			}
			items = append(items, `<mspace width="0.4em"></mspace><mtext>`+esc(phrase(run))+`</mtext><mspace width="0.4em"></mspace>`)
			prose = nil
		}
	}
	rs := []rune(s)
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case r == ' ':
			i++
		case r == '_' || r == '^':
			flush()
			arg, n := script(rs[i+1:], onProse)
			i += 1 + n
			tag := "msub"
			if r == '^' {
				tag = "msup"
			}
			base := "<mi></mi>"
			if len(items) > 0 {
				base = items[len(items)-1]
				items = items[:len(items)-1]
			}
			items = append(items, "<"+tag+">"+base+"<mrow>"+arg+"</mrow></"+tag+">")
		case unicode.IsLetter(r):
			j := i
			for j < len(rs) && (unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j]) || rs[j] == '\'') {
				j++
			}
			w := string(rs[i:j])
			if isName(w) {
				flush()
				items = append(items, "<mi>"+esc(w)+"</mi>")
				if isFunc(w) && j < len(rs) && rs[j] == ' ' { // log p: a thin space
					items = append(items, `<mspace width="0.17em"></mspace>`)
				}
			} else {
				prose = append(prose, w)
			}
			i = j
		case unicode.IsDigit(r):
			flush()
			j := number(rs, i)
			items = append(items, "<mn>"+esc(string(rs[i:j]))+"</mn>")
			i = j
		default:
			flush()
			if strings.ContainsRune("()[]{}", r) { // stretchy brackets grow past a subscript
				items = append(items, `<mo stretchy="false">`+esc(string(r))+"</mo>")
			} else {
				items = append(items, "<mo>"+esc(string(r))+"</mo>")
			}
			i++
		}
	}
	flush()
	return strings.Join(items, "")
}

// altText is a clause as plain text with its words (the runs mrow sets as
// <mtext>) in the page's language; the names and operators stay as written.
func altText(clause string) string {
	var b strings.Builder
	rest := clause
	for _, run := range proseRuns(clause) {
		i := strings.Index(rest, run)
		if i < 0 { // the run's words stood apart in the formula: keep them
			continue
		}
		b.WriteString(rest[:i] + phrase(run))
		rest = rest[i+len(run):]
	}
	return b.String() + rest
}

// phrase returns words of a formula's text in the page's language: the
// catalogues hold them under "formula." and the English words, which
// loss.Formulas writes once; words they lack stay as written.
func phrase(words string) string {
	if k := "formula." + words; i18n.Has(k) {
		return i18n.T(k)
	}
	return words
}

// script reads a sub- or superscript: {…} (typeset itself), or one name or
// number, possibly with a comma and a second one (N_pos,tl).
func script(rs []rune, onProse func(run string)) (string, int) {
	if len(rs) > 0 && rs[0] == '{' {
		depth := 0
		for j, r := range rs {
			switch r {
			case '{':
				depth++
			case '}':
				depth--
				if depth == 0 {
					return typeset(string(rs[1:j]), onProse), j + 1
				}
			}
		}
	}
	j := 0
	for j < len(rs) && (unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j]) || (rs[j] == ',' && j+1 < len(rs) && unicode.IsLetter(rs[j+1]))) {
		j++
	}
	w := string(rs[:j])
	if w != "" && unicode.IsDigit(rs[0]) {
		return "<mn>" + esc(w) + "</mn>", j
	}
	return "<mi>" + esc(w) + "</mi>", j
}

// number returns the end of the number at rs[i]: digits, a decimal point,
// an exponent (1e-4, 1e-12).
func number(rs []rune, i int) int {
	j := i
	for j < len(rs) && (unicode.IsDigit(rs[j]) || rs[j] == '.') {
		j++
	}
	if j+1 < len(rs) && rs[j] == 'e' && (rs[j+1] == '-' || unicode.IsDigit(rs[j+1])) {
		j += 2
		for j < len(rs) && unicode.IsDigit(rs[j]) {
			j++
		}
	}
	return j
}

// isName says whether a word of a formula is a mathematical name (a
// variable, a function, a term) rather than a word of the text around it.
func isName(w string) bool {
	if len([]rune(w)) == 1 {
		return true
	}
	switch w {
	case "log", "relu", "max", "clamp", "SmoothL1", "det", "tl", "br", "off",
		"focal", "pull", "push", "regr", "nstack", "stacks", "fx", "fy", "pos",
		"exp", "min", "dx", "dy", "logit":
		return true
	}
	return false
}

// isFunc says whether a name is a function applied to what follows it.
func isFunc(w string) bool {
	switch w {
	case "log", "relu", "max", "min", "exp", "clamp", "SmoothL1":
		return true
	}
	return false
}

// escaper is built once: a Replacer builds its tables on first use, and
// esc runs for every token of every formula.
var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

func esc(s string) string { return escaper.Replace(s) }

// proseAt reports whether a word of the text around a formula (not a name)
// starts at rs[i].
func proseAt(rs []rune, i int) bool {
	j := i
	for j < len(rs) && unicode.IsLower(rs[j]) {
		j++
	}
	return j-i >= 3 && (j == len(rs) || !unicode.IsLetter(rs[j]) && rs[j] != '_') && !isName(string(rs[i:j]))
}

// proseBefore reports whether a word of text ends at rs[i-1]: a phrase is
// not broken inside.
func proseBefore(rs []rune, i int) bool {
	j := i
	for j > 0 && unicode.IsLower(rs[j-1]) {
		j--
	}
	return proseAt(rs, j) && (j == 0 || !unicode.IsLetter(rs[j-1]))
}
