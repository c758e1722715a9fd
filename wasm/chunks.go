//go:build js && wasm

package main

import (
	"fmt"
	"strconv"
	"strings"
	"syscall/js"

	"github.com/cornerloss/cornerloss/viz/app"
	"github.com/cornerloss/cornerloss/viz/i18n"
)

// chunkTable fills #chunks for a step split over devices: a row per chunk
// (its terms; the one on screen marked; a missing one said), then the
// mean, the step's terms as training prints them, with the note that each
// chunk is normalised on its own. Hidden for a whole step. The status and
// the dump's details follow the chunk on screen.
func (p *page) chunkTable(a *app.App, t app.Totals) {
	tbl := byID("chunks")
	if t.Chunks == nil {
		if p.texts["chunk-at"] != "" {
			p.texts["chunk-at"] = ""
			tbl.hidden(true)
			p.setText("chunks", tbl, "", true)
		}
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "<caption>%s</caption><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>",
		escape(i18n.T("chunks.note")), escape(i18n.T("chunks.chunk")), escape(i18n.T("term.loss")), escape(i18n.T("term.focal")),
		escape(i18n.T("term.pull")), escape(i18n.T("term.push")), escape(i18n.T("term.offset")))
	full := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	at := 0 // index of the row among the chunks read, for the control
	for _, r := range t.Chunks {
		if r.Missing {
			fmt.Fprintf(&b, `<tr class="missing" data-chunk="%d"><td>%d</td><td colspan="5">%s</td></tr>`, r.Chunk, r.Chunk, escape(i18n.T("chunks.missing")))
			continue
		}
		cls := ""
		if r.Viewed {
			cls = ` class="viewed"`
		}
		fmt.Fprintf(&b, `<tr%s data-chunk="%d" data-index="%d" data-loss="%s" title="%s"><td>%d</td><td>%.6g</td><td>%.4g</td><td>%.4g</td><td>%.4g</td><td>%.4g</td></tr>`,
			cls, r.Chunk, at, full(r.Loss), escape(r.File), r.Chunk, r.Loss, r.Focal, r.Pull, r.Push, r.Regr)
		at++
	}
	m := t.Mean
	fmt.Fprintf(&b, `<tr id="chunk-mean" class="total" data-loss="%s" data-focal="%s" data-pull="%s" data-push="%s" data-regr="%s"><th>%s</th><th>%.6g</th><td>%.4g</td><td>%.4g</td><td>%.4g</td><td>%.4g</td></tr>`,
		full(m.Loss), full(m.Focal), full(m.Pull), full(m.Push), full(m.Regr), escape(i18n.T("chunks.mean")), m.Loss, m.Focal, m.Pull, m.Push, m.Regr)
	tbl.hidden(false)
	p.setText("chunks", tbl, b.String(), true)
	if p.texts["chunk-at"] != a.DumpName {
		p.texts["chunk-at"] = a.DumpName
		p.setStatus(a.StatusMsg(), false)
		p.showSummary(a.Dump.Summary())
	}
}

// bindChunks makes a click on a chunk's row put it on screen.
func (p *page) bindChunks(g *game) {
	p.on(byID("chunks").v, "click", func(ev js.Value) {
		row := ev.Get("target").Call("closest", "tr[data-index]")
		if !row.Truthy() {
			return
		}
		if err := g.app.Apply("chunk", row.Get("dataset").Get("index").String()); err != nil {
			p.setStatus(err.Error(), true)
		}
	})
}
