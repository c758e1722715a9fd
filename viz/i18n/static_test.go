package i18n

import (
	"html"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestStaticPageIsEnglish checks that web/index.html, as served, already
// says in English what the page would write there: an English first visit
// leaves the static text as it is (wasm/lang.go, pickLang), so a key whose
// text changes in the catalogue must change in index.html too.
func TestStaticPageIsEnglish(t *testing.T) {
	src, err := os.ReadFile("../../web/index.html")
	if err != nil {
		t.Fatal(err)
	}
	page := string(src)
	if !strings.Contains(page, `<html lang="`+EN.HTML()+`">`) {
		t.Errorf("index.html is not marked lang=%q", EN.HTML())
	}
	checks := []struct {
		re   *regexp.Regexp
		what string
	}{
		// data-i18n: the element's text, which must be plain text.
		{regexp.MustCompile(`data-i18n="([^"]+)"[^>]*>([^<]*)<`), "text"},
		{regexp.MustCompile(`data-i18n-tip="([^"]+)"[^>]*?\stitle="([^"]*)"`), "title"},
		{regexp.MustCompile(`data-i18n-label="([^"]+)"[^>]*?\saria-label="([^"]*)"`), "aria-label"},
	}
	for _, c := range checks {
		attr := strings.SplitN(c.re.String(), `=`, 2)[0]
		want := strings.Count(page, attr+`="`)
		got := c.re.FindAllStringSubmatch(page, -1)
		if len(got) != want {
			t.Errorf("%d elements with %s, %d of them checked (the %s must follow it in the tag, and the text hold no markup)", want, attr, len(got), c.what)
		}
		for _, m := range got {
			key, text := m[1], html.UnescapeString(m[2])
			if en := In(EN, key); en != text {
				t.Errorf("%s %q: index.html says %q, the English catalogue %q", c.what, key, text, en)
			}
		}
	}
}
