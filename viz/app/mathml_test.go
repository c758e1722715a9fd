package app

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"
	"unicode"

	"github.com/cornerloss/cornerloss/loss"
	"github.com/cornerloss/cornerloss/viz/i18n"
)

// TestMathML: every formula of both conventions becomes well-formed XML
// rooted at <math>, loses none of its characters but the script marks and
// spaces, and sets the scripts the formulas use as msub and msup.
func TestMathML(t *testing.T) {
	for _, c := range []loss.Convention{loss.Reference, loss.MMDet} {
		f := c.Formulas()
		for _, s := range []string{f.Total, f.Focal, f.Pull, f.Push, f.Regr, f.Target, f.Prob} {
			m := MathML(s)
			d := xml.NewDecoder(strings.NewReader(m))
			var text strings.Builder
			first := ""
			for {
				tok, err := d.Token()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("%v: %q: %v\n%s", c, s, err, m)
				}
				switch tok := tok.(type) {
				case xml.StartElement:
					if first == "" {
						first = tok.Name.Local
					}
				case xml.CharData:
					text.Write(tok)
				}
			}
			if first != "math" {
				t.Errorf("%q: root %q", s, first)
			}
			if n := strings.Count(m, "<math "); n != len(clauses(s)) || n < 1 {
				t.Errorf("%q: %d <math> elements", s, n)
			}
			strip := strings.NewReplacer(" ", "", "_", "", "^", "", "{", "", "}", "")
			if got, want := strip.Replace(text.String()), strip.Replace(s); got != want {
				t.Errorf("%v: text\n got %q\nwant %q", c, got, want)
			}
			if strings.Contains(s, "_") && !strings.Contains(m, "<msub>") || strings.Contains(s, "^") && !strings.Contains(m, "<msup>") {
				t.Errorf("%q: scripts not set: %s", s, m)
			}
		}
	}
	want := `<math display="block" alttext="(1−p)^α log p,"><mrow><mo stretchy="false">(</mo><mn>1</mn><mo>−</mo><mi>p</mi>` +
		`<msup><mo stretchy="false">)</mo><mrow><mi>α</mi></mrow></msup><mi>log</mi><mspace width="0.17em"></mspace><mi>p</mi><mo>,</mo></mrow></math>` +
		`<math display="block" alttext="if y = 1"><mrow><mspace width="0.4em"></mspace><mtext>if</mtext><mspace width="0.4em"></mspace><mi>y</mi><mo>=</mo><mn>1</mn></mrow></math>`
	if got := MathML("(1−p)^α log p,  if y = 1"); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// TestMathMLBreaks: a clause longer than a line of the side panel is broken
// before an outer + or / into the rows of one <mtable>, no row longer than
// maxLine when it can be, and the rows put back together are the clause.
func TestMathMLBreaks(t *testing.T) {
	total := loss.Reference.Formulas().Total
	lines := breakLines(total, maxLine)
	if len(lines) < 2 {
		t.Fatalf("the total (%d characters) stays on one line", len([]rune(total)))
	}
	strip := strings.NewReplacer(" ", "")
	if got := strings.Join(lines, ""); strip.Replace(got) != strip.Replace(total) {
		t.Errorf("lines %q do not make the clause %q", lines, total)
	}
	for i, l := range lines {
		if i > 0 && !strings.ContainsAny(l[:3], "+−/") {
			t.Errorf("line %d %q does not start with its operator", i, l)
		}
		if n := len([]rune(strip.Replace(strings.NewReplacer("_", "", "^", "", "{", "", "}", "").Replace(l)))); n > maxLine {
			t.Errorf("line %d %q has %d characters, over %d", i, l, n, maxLine)
		}
	}
	m := MathML(total)
	if strings.Count(m, "<math ") != 1 || strings.Count(m, "<mtr>") != len(lines) {
		t.Errorf("the total is not one <math> with a row per line: %s", m)
	}
	if got := breakLines("a + b", maxLine); len(got) != 1 {
		t.Errorf("a short clause is broken: %q", got)
	}
	// Nowhere to break: whole.
	long := strings.Repeat("x", 2*maxLine)
	if got := breakLines(long, maxLine); len(got) != 1 || got[0] != long {
		t.Errorf("an unbreakable clause: %q", got)
	}
}

// chineseMText calls f with every <mtext> (the words between a formula's
// names) of every formula of both conventions, typeset in Chinese, and the
// alttext of the <math> holding it.
func chineseMText(t *testing.T, f func(c loss.Convention, alt, words string)) {
	t.Helper()
	defer i18n.Set(i18n.Current())
	i18n.Set(i18n.ZH)
	for _, c := range []loss.Convention{loss.Reference, loss.MMDet} {
		fs := c.Formulas()
		for _, s := range []string{fs.Total, fs.Focal, fs.Pull, fs.Push, fs.Regr, fs.Target, fs.Prob} {
			d := xml.NewDecoder(strings.NewReader(MathML(s)))
			alt, in := "", false
			for {
				tok, err := d.Token()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("%s: %v", s, err)
				}
				switch tok := tok.(type) {
				case xml.StartElement:
					in = tok.Name.Local == "mtext"
					for _, a := range tok.Attr {
						if tok.Name.Local == "math" && a.Name.Local == "alttext" {
							alt = a.Value
						}
					}
				case xml.EndElement:
					in = false
				case xml.CharData:
					if in {
						f(c, alt, string(tok))
					}
				}
			}
		}
	}
}

// TestMathMLWordsInChinese: in Chinese, the words between a formula's
// names (its <mtext>) hold no Latin letter, under both conventions: every
// phrase loss.Formulas writes has its "formula." entry in the catalogues.
func TestMathMLWordsInChinese(t *testing.T) {
	chineseMText(t, func(c loss.Convention, _, words string) {
		if strings.ContainsFunc(words, func(r rune) bool { return r < 128 && unicode.IsLetter(r) }) {
			t.Errorf("%s: %q: English words in Chinese (add a \"formula.\" entry to the catalogues)", c, words)
		}
	})
}

// TestMathMLAltTextInChinese: a formula's alttext (what a screen reader
// says, and what is copied) holds the words its typeset text shows, in the
// page's language: in Chinese, each <mtext> of a <math> is in its alttext.
func TestMathMLAltTextInChinese(t *testing.T) {
	n := 0
	chineseMText(t, func(c loss.Convention, alt, words string) {
		n++
		if !strings.Contains(alt, words) {
			t.Errorf("%s: alttext %q lacks the words %q the formula shows", c, alt, words)
		}
	})
	if n < 10 {
		t.Errorf("only %d runs of words in all the formulas: the test checks next to nothing", n)
	}
}
