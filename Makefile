# coreclaw build, test and demo targets. `make test` is what CI runs.

GO      ?= go
BIN     := bin/coreclaw
FAKE    := bin/fakeclaw
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
DATE    ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
LDFLAGS := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.date=$(DATE)

.PHONY: build install test demo lint fuzz completions check-completions man check-man release-check clean bench

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) .

# Installs coreclaw into $(GOBIN) (default: $(GOPATH)/bin, usually
# ~/go/bin), with the same version stamp as `make build`.
install:
	CGO_ENABLED=0 $(GO) install -trimpath -ldflags "$(LDFLAGS)" .

$(FAKE): $(shell find internal -name '*.go' -not -name '*_test.go')
	$(GO) build -o $(FAKE) ./internal/fakeapi/fakeclaw

# The main job, with no key and no network: a run against the bundled fake
# CoreClaw API on loopback, waiting for it and printing its results.
demo: build $(FAKE)
	./$(FAKE) -- ./$(BIN) run coreclaw/google-maps-scraper -f testdata/demo/input.json --wait

# The race detector runs on every in-process test (the client, the wait
# loop, paging, downloads, the fake API, the fault matrix). The end-to-end
# scripts and the README's examples (TestREADME) run without it: each
# starts the CLI as a child process, and a race-instrumented child makes
# them ten times slower while the code they drive is already raced in
# process.
test: lint check-completions check-man
	$(GO) test -race -count=1 -skip '^(TestScripts|TestREADME)$$' ./...
	$(GO) test -count=1 -run '^(TestScripts|TestREADME)$$' .
	$(MAKE) --no-print-directory fuzz

# A short pass of every fuzz target (seeds are in the f.Add calls); raise
# FUZZTIME for a longer hunt (FUZZTIME=5m). A count rather than a duration
# keeps the pass the same on a slow machine, and avoids go test's
# "context deadline exceeded" when a deadline falls mid-minimisation.
FUZZTIME ?= 10000x
FUZZ_TARGETS := \
	./internal/input:FuzzParseDocument \
	./internal/input:FuzzParseAssignment \
	./internal/api:FuzzParseWorkerID \
	./internal/api:FuzzStatusJSON \
	./internal/api:FuzzDecodeEnvelope \
	./internal/api:FuzzInt64 \
	./internal/jsonobj:FuzzParse \
	./internal/iostreams:FuzzRedactWriter \
	./internal/schema:FuzzCheck \
	./cmd/logs:FuzzLogEntry \
	./internal/iostreams:FuzzCleaner

fuzz:
	@set -e; log=$$(mktemp); trap 'rm -f $$log' EXIT; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "fuzz $$name ($$pkg, $(FUZZTIME))"; \
		$(GO) test -run='^$$' -fuzz="^$$name\$$" -fuzztime=$(FUZZTIME) $$pkg > $$log 2>&1 || { cat $$log; exit 1; }; \
	done

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

completions:
	$(GO) run . completion bash > completions/coreclaw.bash
	$(GO) run . completion zsh > completions/_coreclaw
	$(GO) run . completion fish > completions/coreclaw.fish
	$(GO) run . completion powershell > completions/coreclaw.ps1

# The committed completions must match what the binary generates.
check-completions:
	@tmp=$$(mktemp -d); \
	$(GO) run . completion bash > $$tmp/coreclaw.bash && \
	$(GO) run . completion zsh > $$tmp/_coreclaw && \
	$(GO) run . completion fish > $$tmp/coreclaw.fish && \
	$(GO) run . completion powershell > $$tmp/coreclaw.ps1 && \
	if ! diff -r -q completions $$tmp >/dev/null; then \
		diff -r completions $$tmp | head -20; rm -rf $$tmp; \
		echo "completions/ is stale: run 'make completions'"; exit 1; fi; \
	rm -rf $$tmp

# The performance figures of BENCHMARKS.md, each beside its target:
# start-up against a skeleton CLI, waiting, --sync, results and export
# against the fake API with 20 ms per reply, formatting (Go benchmarks).
# It prints figures and fails on none. About 5 minutes; BENCHFLAGS=-quick
# for a short pass, -md for a Markdown table.
BENCHFLAGS ?=
bench:
	$(GO) run ./internal/benchtool $(BENCHFLAGS)

# Man pages, one per command, generated from the command tree into man/.
man:
	$(GO) run ./internal/build/genman man

# The committed man pages must match what the commands generate (the
# genman package's test checks the same under plain `go test ./...`).
check-man:
	@tmp=$$(mktemp -d); \
	$(GO) run ./internal/build/genman $$tmp && \
	if ! diff -r -q man $$tmp >/dev/null; then \
		diff -r man $$tmp | head -20; rm -rf $$tmp; \
		echo "man/ is stale: run 'make man'"; exit 1; fi; \
	rm -rf $$tmp

# goreleaser, pinned: v2.15.1 is the newest v2 that builds with Go 1.26
# from the module proxy. It is built once (several minutes) into a cache
# outside the repository and reused by every later run.
GORELEASER_VERSION := v2.15.1
TOOLS_DIR  ?= $(HOME)/.cache/coreclaw-tools
GORELEASER := $(abspath $(TOOLS_DIR))/goreleaser-$(GORELEASER_VERSION)/goreleaser

$(GORELEASER):
	GOBIN=$(dir $(GORELEASER)) CGO_ENABLED=0 $(GO) install github.com/goreleaser/goreleaser/v2@$(GORELEASER_VERSION)

# goreleaser asks git for the remote's URL and, in a repository without
# a remote (a local clone's worktree, a fresh git init), drops every git
# fact, the commit included; such a repository names itself, for goreleaser's
# git calls alone.
RELEASE_GIT_ENV := $(if $(shell git remote 2>/dev/null),,GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=remote.origin.url GIT_CONFIG_VALUE_0=file://$(CURDIR))

# The release as far as it can go without publishing: the configuration
# checked, every archive built as a snapshot into dist/, then each archive
# opened and checked (binary for its platform with the version stamped,
# README.md, LICENSE, completions/, man/) against checksums.txt.
release-check: $(GORELEASER)
	$(GORELEASER) check
	$(RELEASE_GIT_ENV) $(GORELEASER) release --snapshot --clean
	$(GO) run ./internal/build/checkrelease dist

clean:
	rm -rf bin dist
