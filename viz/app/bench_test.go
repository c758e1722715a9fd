package app

import "testing"

func benchApp(b *testing.B) *App {
	a := New()
	if err := a.BenchScene(); err != nil {
		b.Fatal(err)
	}
	return a
}

// BenchmarkRecompute is the page's full recompute (?bench=coco): every row
// of every plane, the terms, and the maps of the viewed class.
func BenchmarkRecompute(b *testing.B) {
	a := benchApp(b)
	b.ReportAllocs()
	for b.Loop() {
		a.Recompute()
	}
}

// BenchmarkEdit times the interactive edits, each recomputing only what it
// touched.
func BenchmarkEdit(b *testing.B) {
	for _, e := range BenchEdits() {
		b.Run(e.Name, func(b *testing.B) {
			a := benchApp(b)
			i := 0
			for b.Loop() {
				if err := e.Do(a, i); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
