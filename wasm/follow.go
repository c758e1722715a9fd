//go:build js && wasm

package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"syscall/js"
	"time"

	"github.com/cornerloss/cornerloss/loss/timeline"
	"github.com/cornerloss/cornerloss/viz/app"
	"github.com/cornerloss/cornerloss/viz/i18n"
	"github.com/cornerloss/cornerloss/wasm/jsio"
)

// pollEvery is how often the page asks `cornerloss serve -dumps` for its
// listing: a dump written into the directory shows within two of these
// plus its summary.
const pollEvery = 500 * time.Millisecond

// dumpsPath is where the server lists and serves the run's dumps.
const dumpsPath = "dumps/"

// followRun follows the server's run directory: the page was opened as
// ?dumps. It polls the listing in a goroutine and hands each listing to
// Update through the queue.
func (g *game) followRun(fragment string) {
	g.startRun(app.RunServer, nil, nil, 0)
	g.load.base = dumpsPath
	if fragment != "" {
		if err := g.app.RestoreRunURLState(fragment); err != nil {
			g.page.setStatus(err, true)
		}
	}
	gen := g.load.gen
	go func() {
		for {
			list, err := fetchListing()
			done := make(chan bool, 1)
			g.queue.push(func() {
				if g.load == nil || g.load.gen != gen {
					done <- false
					return
				}
				if err != nil {
					g.page.setStatus(&i18n.Wrapped{Lead: i18n.M("run.directory"), Detail: err.Error()}, true)
				} else {
					g.listing(list)
				}
				done <- true
			})
			if !<-done {
				return
			}
			time.Sleep(pollEvery)
		}
	}()
}

// fetchListing reads GET dumps/.
func fetchListing() ([]listed, error) {
	resp, err := jsio.Await(js.Global().Call("fetch", dumpsPath, map[string]any{"cache": "no-store"}))
	if err != nil {
		return nil, err
	}
	if !resp.Get("ok").Bool() {
		return nil, fmt.Errorf("the server answered %d", resp.Get("status").Int())
	}
	text, err := jsio.Await(resp.Call("text"))
	if err != nil {
		return nil, err
	}
	var list []listed
	if err := json.Unmarshal([]byte(text.String()), &list); err != nil {
		return nil, fmt.Errorf("listing: %v", err)
	}
	return list, nil
}

// fetchBlob fetches a URL as a Blob.
func fetchBlob(u string) (js.Value, error) {
	resp, err := jsio.Await(js.Global().Call("fetch", u, map[string]any{"cache": "no-store"}))
	if err != nil {
		return js.Value{}, err
	}
	if !resp.Get("ok").Bool() {
		return js.Value{}, fmt.Errorf("the server answered %d", resp.Get("status").Int())
	}
	return jsio.Await(resp.Call("blob"))
}

// settleMs is how long a file must have kept its size and time before a
// failed read of it counts as a broken file rather than one being written.
const settleMs = 2000

// listing takes a new listing. A new file is summarised; so is one whose
// size or time changed since it was last sent (rewritten, or finished). A
// file whose read failed is marked unreadable only once it has kept its
// size and time for settleMs; until then it waits for its next change.
func (g *game) listing(list []listed) {
	l, r := g.load, g.app.Run
	sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	t := js.Global().Get("Date").Call("now").Float()
	var jobs []job
	for _, f := range list {
		id, fresh := r.AddFile(f.Name)
		sent, wasSent := l.listing[f.Name]
		switch {
		case l.inflight[f.Name]:
		case fresh || !wasSent || sent != f:
			delete(l.errs, f.Name)
			l.listing[f.Name] = f
			l.inflight[f.Name] = true
			jobs = append(jobs, job{gen: l.gen, msg: timeline.Job{ID: id, Name: f.Name, URL: dumpsPath + url.PathEscape(f.Name), Options: g.app.Options}, data: js.Undefined()})
		case l.errs[f.Name] != nil && t-f.MTime >= settleMs:
			g.app.RunSummary(id, *l.errs[f.Name])
			delete(l.errs, f.Name)
		}
	}
	if len(jobs) > 0 {
		g.pool.add(jobs...)
	}
	g.runProgress()
}
