package app

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"github.com/cornerloss/cornerloss/loss"
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
