# cornerloss: the CornerNet loss, live in the browser, and a CLI on the same
# engine. `make serve` serves the page, `make test` runs every test.

GO       ?= go
SITE     ?= build/site
ADDR     ?= 127.0.0.1:8080
FUZZTIME ?= 60s
GOROOT   := $(shell $(GO) env GOROOT)
# Go's wasm_exec_node.js, with the module's memory handed to the engine's
# SIMD rows as the page does (wasm/nodeexec.js, loss/bgrows_js.go).
WASMEXEC := env GOROOT=$(GOROOT) node --stack-size=8192 $(CURDIR)/wasm/nodeexec.js
NODE     := $(shell command -v node 2>/dev/null)
# Packages free of ebiten and syscall/js: they also run as wasm under Node.
PURE     := ./loss/... ./viz/...

.PHONY: build cli site serve fuzz test vet test-native test-wasm bench bench-native bench-wasm bench-browser bench-size bench-dom-cost clean

build: cli site

cli:
	$(GO) build -trimpath -o build/cornerloss ./cmd/cornerloss

# site writes a deployable static folder: index.html, styles, the wasm binary
# (with gzip beside it for hosts that serve precompressed files) and the
# wasm_exec.js of the Go toolchain that built it.
site:
	rm -rf $(SITE) && mkdir -p $(SITE)
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags="-s -w" -o $(SITE)/cornerloss.wasm ./wasm
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags="-s -w" -o $(SITE)/worker.wasm ./wasm/worker
	cp web/* $(SITE)/
	cp $(GOROOT)/lib/wasm/wasm_exec.js $(SITE)/
	gzip -9 -k -f $(SITE)/cornerloss.wasm $(SITE)/worker.wasm

serve: cli site
	build/cornerloss serve -addr $(ADDR) -dir $(SITE)

test: vet test-native test-wasm

vet:
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./...

# The browser tests drive one Chromium through every page scenario: a few
# minutes on a quiet 2-core machine, more when it is busy, so the timeout is
# longer than go test's default 10 minutes.
# The browser tests build the site from wasm/, web/ and the packages they
# use with a go build of their own, which go test's cache does not see: they
# always run (-count=1), or an edit of the page would pass on a cached result.
test-native:
	$(GO) test -timeout 40m $$($(GO) list ./... | grep -v '/wasm/e2e$$')
	$(GO) test -count=1 -timeout 40m ./wasm/e2e/

test-wasm:
ifdef NODE
	CORNERLOSS_SIMD=1 GOOS=js GOARCH=wasm $(GO) test -timeout 40m -exec="$(WASMEXEC)" $(PURE)
else
	@echo "test-wasm: no node on PATH, skipping the WebAssembly run of $(PURE)"
endif

# bench prints every figure of the README's speed table: the engine and the
# page's code natively, the same as WebAssembly under Node, the page itself in
# headless Chromium (its ?bench=coco mode, and loading), and the site's size.
# The default benchtime (1 s) lets V8 tier up and the first α change's
# moments amortise, as in a session of edits.
bench: bench-native bench-wasm bench-browser bench-size

BENCH_PKGS := ./loss/ ./loss/dump/ ./viz/ ./viz/app/

bench-native:
	$(GO) test -run '^$$' -bench . $(BENCH_PKGS)
	$(GO) test -run '^$$' -bench EvalRun -cpu 1,2 ./cmd/cornerloss/

bench-wasm:
ifdef NODE
	GOOS=js GOARCH=wasm $(GO) test -exec="$(WASMEXEC)" -run '^$$' -bench 'Total/B=1_S=1|DrawPanels|Recompute|Edit|Scans|Row$$|PixelTerms|COCOPlane' $(BENCH_PKGS)
	GOOS=js GOARCH=wasm $(GO) test -exec="$(WASMEXEC)" -run '^$$' -bench 'ReadNPZ|ReadPT' -benchtime 3x ./loss/dump/
else
	@echo "bench-wasm: no node on PATH, skipping"
endif

bench-browser:
	$(GO) test -run '^$$' -bench 'Page' -benchtime 1x ./wasm/e2e/

# bench-dom-cost: what honnef.co/go/js/dom/v2 would add to the page's wasm
# (the README's "Page size" says why the page uses syscall/js).
bench-dom-cost:
	bash .ci/domcost

bench-size: site
	@echo "site wasm: $$(stat -c %s $(SITE)/cornerloss.wasm) bytes, gzip -9: $$(stat -c %s $(SITE)/cornerloss.wasm.gz) bytes"

clean:
	rm -rf build

# fuzz runs every fuzz target for FUZZTIME (default 60s) and prints
# executions per second and new coverage per target (see .ci/fuzz).
fuzz:
	FUZZTIME=$(FUZZTIME) GO=$(GO) .ci/fuzz
