package i18n

import (
	"strings"
	"testing"
)

// TestCatalogues: every key of every language is in every other, so a
// missing translation fails here instead of showing a key on the page, and
// the printf verbs of a message agree across languages.
func TestCatalogues(t *testing.T) {
	for _, a := range Langs() {
		for _, b := range Langs() {
			for k, s := range catalogues[a] {
				o, ok := catalogues[b][k]
				if !ok {
					t.Errorf("%s has %q, %s lacks it", a, k, b)
					continue
				}
				if verbs(s) != verbs(o) {
					t.Errorf("%q: %s has verbs %q, %s has %q", k, a, verbs(s), b, verbs(o))
				}
				if strings.TrimSpace(o) == "" {
					t.Errorf("%s: %q is empty", b, k)
				}
			}
		}
	}
}

func verbs(s string) string {
	var v []string
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '%' {
			v = append(v, s[i:i+2])
			i++
		}
	}
	return strings.Join(v, "")
}

func TestParse(t *testing.T) {
	for tag, want := range map[string]Lang{"en": EN, "en-GB": EN, "zh": ZH, "zh-CN": ZH, "zh-Hans-SG": ZH, "ZH_cn": ZH} {
		if l, ok := Parse(tag); !ok || l != want {
			t.Errorf("Parse(%q) = %q, %v; want %q", tag, l, ok, want)
		}
	}
	for _, tag := range []string{"", "fr", "de-DE", "z"} {
		if l, ok := Parse(tag); ok {
			t.Errorf("Parse(%q) = %q, want not ok", tag, l)
		}
	}
	if ZH.HTML() != "zh-CN" || EN.HTML() != "en" {
		t.Errorf("HTML: %q %q", ZH.HTML(), EN.HTML())
	}
}

func TestSetAndT(t *testing.T) {
	defer Set(Current())
	Set(ZH)
	if got := T("panel.focal"); got != "焦点损失项" {
		t.Errorf("zh panel.focal = %q", got)
	}
	Set(EN)
	if got := T("panel.focal"); got != "focal term" {
		t.Errorf("en panel.focal = %q", got)
	}
	if got := T("no.such.key"); got != "no.such.key" {
		t.Errorf("missing key = %q, want the key itself", got)
	}
}
