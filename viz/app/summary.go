package app

import (
	"fmt"
	"strings"

	"github.com/cornerloss/cornerloss/loss/dump"
	"github.com/cornerloss/cornerloss/viz/i18n"
)

// DumpSummary describes a dump for the page in its language: the shape,
// the step, the objects per image, where tags and offsets come from, and
// each array's name, dtype, descr and shape (names and dtypes as the file
// has them). The reader's warnings, in its own words, are returned apart
// (dump.Summary is the CLI's English form of the same).
func DumpSummary(d *dump.Dump) (string, []string) {
	var b strings.Builder
	in := d.Input
	b.WriteString(i18n.F("dump.shape", in.Shape.String()) + "\n")
	if d.Step != nil {
		b.WriteString(i18n.F("dump.step", *d.Step))
		if d.Chunk != nil {
			b.WriteString(i18n.F("dump.chunk", *d.Chunk))
		}
		b.WriteString("\n")
	} else if d.Chunk != nil {
		b.WriteString(strings.TrimLeft(i18n.F("dump.chunk", *d.Chunk), ",， ") + "\n")
	}
	var objs []string
	for img := range in.Batch {
		n := 0
		for _, v := range in.Mask[img*in.Slots : (img+1)*in.Slots] {
			if v != 0 {
				n++
			}
		}
		objs = append(objs, fmt.Sprint(n))
	}
	b.WriteString(i18n.F("dump.objects", strings.Join(objs, " ")) + "\n")
	source := func(maps bool) string {
		if maps {
			return i18n.T("dump.from-maps")
		}
		return i18n.T("dump.gathered")
	}
	b.WriteString(i18n.F("dump.sources", source(d.TagsFromMaps), source(d.RegrsFromMaps)) + "\n")
	for _, a := range d.Arrays {
		order := ""
		if a.Fortran {
			order = i18n.T("dump.fortran")
		}
		b.WriteString(a.Line(order) + "\n")
	}
	return b.String(), d.Warnings
}
