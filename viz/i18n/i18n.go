// Package i18n holds the page's text in every language it speaks: one
// catalogue per language (en.go, zh.go), keyed by stable identifiers, read by
// the DOM controls and the canvas panels alike. A third language is one more
// file and one line in catalogues. Formulas and variable names are not here:
// they are the same in every language. The CLI stays English and does not
// use this package.
package i18n

import (
	"sort"
	"strings"
	"sync/atomic"
)

// Lang is a language the page speaks.
type Lang string

const (
	EN Lang = "en" // English, the default
	ZH Lang = "zh" // Simplified Chinese
)

// catalogues maps each language to its messages.
var catalogues = map[Lang]map[string]string{EN: en, ZH: zh}

// Langs lists the languages, English first.
func Langs() []Lang { return []Lang{EN, ZH} }

// Parse reads a language from a URL value ("en", "zh") or a browser tag
// ("zh-CN", "zh-Hans-SG", "en-GB"); ok is false for a language the page does
// not speak.
func Parse(tag string) (l Lang, ok bool) {
	base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
	base, _, _ = strings.Cut(base, "_")
	l = Lang(base)
	_, ok = catalogues[l]
	return l, ok
}

// HTML returns the value of <html lang> for l: Chinese is written as
// Simplified Chinese, so screen readers and fonts pick the right forms.
func (l Lang) HTML() string {
	if l == ZH {
		return "zh-CN"
	}
	return string(l)
}

// current is the page's language; a page has one at a time.
var current atomic.Value

// Set makes l the language T answers in.
func Set(l Lang) {
	if _, ok := catalogues[l]; !ok {
		l = EN
	}
	current.Store(l)
}

// Current returns the language T answers in.
func Current() Lang {
	if l, ok := current.Load().(Lang); ok {
		return l
	}
	return EN
}

// T returns the message key in the current language.
func T(key string) string { return In(Current(), key) }

// In returns the message key in l. A key no catalogue has comes back as
// itself, visible on the page; TestCatalogues makes that a test failure.
func In(l Lang, key string) string {
	if s, ok := catalogues[l][key]; ok {
		return s
	}
	if s, ok := en[key]; ok {
		return s
	}
	return key
}

// Has reports whether the current language's catalogue holds key.
func Has(key string) bool { _, ok := catalogues[Current()][key]; return ok }

// Keys returns the keys of l's catalogue, sorted.
func Keys(l Lang) []string {
	var k []string
	for key := range catalogues[l] {
		k = append(k, key)
	}
	sort.Strings(k)
	return k
}

// Runes returns every distinct rune that l's messages use, sorted: the
// font generator draws a glyph for each.
func Runes(l Lang) []rune {
	seen := map[rune]bool{}
	for _, s := range catalogues[l] {
		for _, r := range s {
			seen[r] = true
		}
	}
	var rs []rune
	for r := range seen {
		rs = append(rs, r)
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i] < rs[j] })
	return rs
}
