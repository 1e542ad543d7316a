# coreclaw build, test and demo targets. `make test` is what CI runs.

GO      ?= go
BIN     := bin/coreclaw
FAKE    := bin/fakeclaw
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
DATE    ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
LDFLAGS := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.date=$(DATE)

.PHONY: build install test test-race test-plain test-fuzz test-timed demo lint fuzz completions check-completions man check-man release-check clean bench

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

# make test: gofmt and vet, the generated files, the tests (the packages
# where goroutines meet under the race detector, the others without it)
# and a short fuzz pass, all at once. Under 2 minutes on an idle 2-core
# machine once the build cache is warm; `make test-timed` runs the same
# phases one after the other and times each.
#
# The race detector costs 5-10x in CPU, so it runs where it earns that
# (RACE_PKGS): the API client (timers that cancel requests, paging,
# downloads, the debug log), the wait loop (its spinner, the abort on a
# second Ctrl-C), the fake API (handlers sharing its state), signals, input
# read in a goroutine, the redacting streams that stdout and stderr share,
# the in-memory network, the commands that stream (logs --follow, export),
# run (its input read from stdin in a goroutine), wait (its Ctrl-C path)
# and the root package's in-process tests (the fault matrix, start replies,
# Ctrl-C while reading stdin). The other packages (config, schemas, output,
# JSON, the release and man tooling) are code no second goroutine touches:
# they run without it.
#
# Tests that skip under the detector (they import internal/race) run in the
# plain pass too: those that push tens of megabytes through one goroutine
# (memory bounds, long lines), and the end-to-end scripts and the README's
# examples, which start coreclaw as a child process (a race-instrumented
# child makes them ten times slower, and the code they drive is raced in
# process).
#
# Running the phases at once is safe because no test waits on real time
# unless it must (internal/memnet, main_test.go's scriptClock): a loaded
# machine makes them slower, not different.
RACE_PKGS := . ./cmd ./cmd/config ./cmd/export ./cmd/logs ./cmd/run ./cmd/wait ./internal/api ./internal/cmdutil \
	./internal/ctxread ./internal/fakeapi/... ./internal/input ./internal/iostreams \
	./internal/memnet ./internal/runwait
MODULE      = $(shell $(GO) list -m)
RACE_SKIPS  = $(shell $(GO) list -f '{{.ImportPath}} {{join .TestImports " "}} {{join .XTestImports " "}}' ./... | \
	grep -E ' $(MODULE)/internal/race( |$$)' | cut -d' ' -f1)
PLAIN_PKGS  = $(filter-out $(shell $(GO) list $(RACE_PKGS)),$(shell $(GO) list ./...)) $(RACE_SKIPS)
# lint has vetted every package already.
TESTFLAGS ?= -count=1 -vet=off

test:
	@$(MAKE) --no-print-directory -j4 lint check-completions check-man test-race test-plain test-fuzz

# The race runtime sleeps a second before each test binary exits, for
# goroutines still running to be caught racing; a test has waited for its
# goroutines already, and the second, once per package, is a tenth of the
# race pass.
test-race:
	GORACE="atexit_sleep_ms=0 $$GORACE" $(GO) test -race $(TESTFLAGS) $(RACE_PKGS)

test-plain:
	$(GO) test $(TESTFLAGS) $(PLAIN_PKGS)

# make test's fuzz pass starts each target from its seeds alone, as on a
# fresh CI runner: the pass is the same everywhere, and the corpus that
# `make fuzz` grows in the Go cache does not make it slower run after run.
test-fuzz:
	@cache=$$(mktemp -d); trap 'rm -rf $$cache' EXIT; $(MAKE) --no-print-directory fuzz FUZZCACHE=$$cache

# The phases of make test one after the other, each timed (on stderr).
test-timed:
	@t() { s=$$(date +%s%N); $(MAKE) --no-print-directory "$$@" || exit 1; \
		ms=$$(( ($$(date +%s%N) - s) / 1000000 )); \
		printf 'time: %-36s %4d.%01ds\n' "$$*" $$((ms / 1000)) $$((ms % 1000 / 100)) >&2; }; \
	t lint && t check-completions check-man && t test-race && t test-plain && t test-fuzz

# A short pass of every fuzz target: the seeds (the f.Add calls, testdata/fuzz)
# and the corpus cached in FUZZCACHE (go test's, in the Go cache, unless
# told), then FUZZTIME new inputs each; raise it for a longer hunt
# (FUZZTIME=5m). A count rather than a duration keeps the pass the same on a
# slow machine, and avoids go test's "context deadline exceeded" when a
# deadline falls mid-minimisation. Each package's fuzzing test binary is
# built once (go test -fuzz would load, check and link it again for each
# target) and run from the package's directory, as go test runs it.
FUZZTIME ?= 5000x
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
	@set -e; bin=$$(mktemp -d); trap 'rm -rf $$bin' EXIT; \
	cache=$${FUZZCACHE:-$$($(GO) env GOCACHE)/fuzz}/$$($(GO) list -m); \
	for pkg in $(sort $(foreach t,$(FUZZ_TARGETS),$(word 1,$(subst :, ,$(t))))); do \
		$(GO) test -c -fuzz=. -o $$bin/$$(echo $${pkg#./} | tr / _).test $$pkg; \
	done; \
	for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "fuzz $$name ($$pkg, $(FUZZTIME))"; \
		(cd $$pkg && $$bin/$$(echo $${pkg#./} | tr / _).test -test.run='^$$' -test.fuzz="^$$name\$$" \
			-test.fuzztime=$(FUZZTIME) -test.fuzzcachedir=$$cache/$${pkg#./} > $$bin/log 2>&1) || \
			{ cat $$bin/log; exit 1; }; \
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
