// Command benchtool is `make bench`: it builds coreclaw and a skeleton CLI,
// starts the fake API on loopback with a reply latency, measures every
// figure of the performance targets side by side in one run, and prints
// each beside its target. It never fails on a time: it prints figures.
//
//	go run ./internal/benchtool [-quick] [-md] [-only startup,wait,...]
//
// Run it from the module's root (make bench does). It needs nothing
// installed beyond Go; curl (export) and script (progress on a terminal)
// are used when present, and their figures are skipped otherwise.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// sections are the groups of figures, in the order they run.
var sections = []string{"startup", "format", "wait", "sync", "results", "export", "progress"}

func run(ctx context.Context, argv []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("benchtool", flag.ContinueOnError)
	fs.SetOutput(stderr)
	quick := fs.Bool("quick", false, "fewer repetitions, 10k rows, no 30 s wait: a smoke test of the bench itself")
	md := fs.Bool("md", false, "print the table as Markdown (for BENCHMARKS.md)")
	only := fs.String("only", strings.Join(sections, ","), "comma-separated sections to run: "+strings.Join(sections, ", "))
	latency := fs.Duration("latency", 20*time.Millisecond, "the fake API's delay on every reply")
	rows := fs.Int("rows", 100_000, "result rows of the large result set")
	runs := fs.Int("runs", 41, "timed runs of each start-up path (and of the skeleton's)")
	if err := fs.Parse(argv); err != nil {
		return 2
	}
	if *quick {
		*rows = min(*rows, 10_000)
		*runs = min(*runs, 11)
	}
	want := map[string]bool{}
	for _, s := range strings.Split(*only, ",") {
		want[strings.TrimSpace(s)] = true
	}

	tmp, err := os.MkdirTemp("", "coreclaw-bench-")
	if err != nil {
		fmt.Fprintln(stderr, "bench:", err)
		return 1
	}
	defer os.RemoveAll(tmp)
	b := &bench{tmp: tmp, log: stderr, http: &http.Client{Timeout: 5 * time.Minute}, latency: *latency, rows: *rows, runs: *runs, quick: *quick}
	if b.root, err = os.Getwd(); err != nil {
		fmt.Fprintln(stderr, "bench:", err)
		return 1
	}
	if _, err := os.Stat(filepath.Join(b.root, "go.mod")); err != nil {
		fmt.Fprintln(stderr, "bench: run from the module's root (make bench)")
		return 2
	}
	loadBefore := loadAverage()
	b.logf("building coreclaw and the skeleton into %s", tmp)
	if err := b.build(ctx); err != nil {
		fmt.Fprintln(stderr, "bench:", err)
		return 1
	}
	if err := b.startFake(); err != nil {
		fmt.Fprintln(stderr, "bench:", err)
		return 1
	}
	defer b.srv.Close()

	steps := map[string]func(context.Context) error{
		"startup":  b.startup,
		"format":   b.formatting,
		"wait":     b.waiting,
		"sync":     b.sync,
		"results":  b.results,
		"export":   b.export,
		"progress": b.progress,
	}
	for _, s := range sections {
		if !want[s] {
			continue
		}
		if err := steps[s](ctx); err != nil {
			if ctx.Err() != nil {
				fmt.Fprintln(stderr, "bench: interrupted")
				return 130
			}
			b.add(figure{target: s, name: "(section failed)", measured: err.Error(), goal: "", met: "error"})
		}
	}
	for _, v := range b.srv.Violations() {
		fmt.Fprintln(stderr, "bench: the fake API saw a request the spec rejects:", v)
	}

	fmt.Fprintf(stdout, "coreclaw benchmarks: %s, %d CPUs (%s), %s, fake API latency %v, load average %s before and %s after\n\n",
		cpuModel(), runtime.NumCPU(), runtime.GOARCH, goVersion(ctx), b.latency, loadBefore, loadAverage())
	if *md {
		writeMarkdown(stdout, b.figures)
	} else {
		writeTable(stdout, b.figures)
	}
	return 0
}

func (b *bench) logf(format string, args ...any) {
	fmt.Fprintf(b.log, "bench: "+format+"\n", args...)
}
