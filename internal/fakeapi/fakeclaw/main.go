// Command fakeclaw runs the fake CoreClaw API on loopback, for the demo and
// for trying coreclaw by hand without a key or a network.
//
//	fakeclaw [flags] -- COMMAND [ARG...]   run COMMAND against a fresh fake API
//	fakeclaw [flags] serve                 serve until interrupted
//
// In the first form COMMAND gets CORECLAW_BASE_URL, CORECLAW_API_KEY and a
// throw-away CORECLAW_CONFIG_DIR in its environment, and fakeclaw exits
// with COMMAND's exit status. The second prints the Workers it has and
// the export line that points coreclaw at it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/coreclaw/coreclaw/internal/fakeapi"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, argv []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("fakeclaw", flag.ContinueOnError)
	fs.SetOutput(stderr)
	specPath := fs.String("spec", "", "path to another openapi.json to check against (default: $"+fakeapi.SpecEnv+", else the copy built in)")
	addr := fs.String("addr", "127.0.0.1:0", "loopback address to listen on")
	readyFor := fs.Duration("ready-for", time.Second, "how long a run stays ready (Workers with their own times, such as fake/slow, keep theirs)")
	runningFor := fs.Duration("running-for", 2500*time.Millisecond, "how long a run stays running (Workers with their own times, such as fake/slow, keep theirs)")
	byPolls := fs.Bool("by-polls", false, "progress runs by status reads instead of by time")
	downloadRate := fs.String("download-rate", "0", "send downloads (exports, full logs) at most this fast, e.g. 256KiB/s; 0 is full speed")
	latency := fs.Duration("latency", 0, "make every API reply take this long from its request, as a distant server would, e.g. 20ms")
	if err := fs.Parse(argv); err != nil {
		return 2
	}
	rate, err := parseRate(*downloadRate)
	if err != nil {
		fmt.Fprintln(stderr, "fakeclaw: --download-rate:", err)
		return 2
	}
	if *latency < 0 {
		fmt.Fprintln(stderr, "fakeclaw: --latency: must not be negative")
		return 2
	}
	lookup := os.LookupEnv
	if *specPath != "" {
		lookup = func(k string) (string, bool) {
			if k == fakeapi.SpecEnv {
				return *specPath, true
			}
			return os.LookupEnv(k)
		}
	}
	spec, err := fakeapi.DefaultSpec(lookup)
	if err != nil {
		fmt.Fprintln(stderr, "fakeclaw:", err)
		return 1
	}
	srv, err := fakeapi.Start(fakeapi.Options{Spec: spec, Addr: *addr, DownloadRate: rate, Latency: *latency,
		Workers: fakeapi.FakeclawWorkers()})
	if err != nil {
		fmt.Fprintln(stderr, "fakeclaw:", err)
		return 1
	}
	defer srv.Close()
	if !*byPolls {
		srv.SetVariants(fakeapi.Variants{TimeProgress: true, ReadyFor: *readyFor, RunningFor: *runningFor})
	}
	defer reportViolations(srv, stderr)

	args := fs.Args()
	if len(args) == 1 && args[0] == "serve" {
		serve(ctx, srv, rate, *latency, stdout, stderr)
		return 0
	}
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: fakeclaw [flags] -- COMMAND [ARG...]  |  fakeclaw [flags] serve")
		return 2
	}
	return runCommand(srv, args, stdout, stderr)
}

// serve tells a person what the fake offers and how to reach it, then
// waits for Ctrl-C. The export line alone goes to stdout, last.
func serve(ctx context.Context, srv *fakeapi.Server, rate int64, latency time.Duration, stdout, stderr io.Writer) {
	fmt.Fprintf(stderr, "fake CoreClaw API on %s (key %s); Ctrl-C stops it\n", srv.URL, srv.APIKey())
	if rate > 0 {
		fmt.Fprintf(stderr, "downloads are sent at %s\n", formatRate(rate))
	}
	if latency > 0 {
		fmt.Fprintf(stderr, "every API reply takes %v from its request\n", latency)
	}
	fmt.Fprint(stderr, "\nWorkers:\n")
	writeCatalogue(stderr, fakeapi.FakeclawWorkers())
	fmt.Fprint(stderr, "\nIn another terminal, point coreclaw at it:\n")
	fmt.Fprintf(stdout, "export CORECLAW_BASE_URL=%s CORECLAW_API_KEY=%s\n", srv.URL, srv.APIKey())
	<-ctx.Done()
}

// writeCatalogue lists the Workers, one a line: owner/name and what runs
// of it do (the README's table of the fake's Workers says the same).
func writeCatalogue(w io.Writer, workers []*fakeapi.Worker) {
	width := 0
	for _, wk := range workers {
		width = max(width, len(wk.Owner)+1+len(wk.Name))
	}
	for _, wk := range workers {
		fmt.Fprintf(w, "  %-*s  %s\n", width, wk.Owner+"/"+wk.Name, wk.Behaviour)
	}
}

// rateUnits are the units --download-rate takes, longest first.
var rateUnits = []struct {
	suffix string
	bytes  int64
}{
	{"mib", 1 << 20}, {"kib", 1 << 10}, {"mb", 1000 * 1000}, {"kb", 1000}, {"b", 1},
}

// parseRate reads a rate such as 256KiB/s, 1MiB/s, 500kB/s or 4096 (bytes
// a second); 0 means no limit.
func parseRate(s string) (int64, error) {
	text := strings.ToLower(strings.TrimSpace(s))
	text = strings.TrimSuffix(text, "/s")
	unit := int64(1)
	for _, u := range rateUnits {
		if strings.HasSuffix(text, u.suffix) {
			text, unit = strings.TrimSpace(strings.TrimSuffix(text, u.suffix)), u.bytes
			break
		}
	}
	n, err := strconv.ParseFloat(text, 64)
	if err != nil || n < 0 || n*float64(unit) > 1<<40 {
		return 0, fmt.Errorf("%q is not a rate such as 256KiB/s, 1MiB/s or 0", s)
	}
	rate := int64(n * float64(unit))
	if rate == 0 && n > 0 {
		return 0, fmt.Errorf("%q is under a byte a second", s)
	}
	return rate, nil
}

// formatRate writes a rate the way --download-rate takes it.
func formatRate(rate int64) string {
	switch {
	case rate%(1<<20) == 0:
		return fmt.Sprintf("%dMiB/s", rate>>20)
	case rate%(1<<10) == 0:
		return fmt.Sprintf("%dKiB/s", rate>>10)
	}
	return fmt.Sprintf("%dB/s", rate)
}

func runCommand(srv *fakeapi.Server, args []string, stdout, stderr io.Writer) int {
	dir, err := os.MkdirTemp("", "fakeclaw-config-")
	if err != nil {
		fmt.Fprintln(stderr, "fakeclaw:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, stdout, stderr
	cmd.Env = append(os.Environ(),
		"CORECLAW_BASE_URL="+srv.URL,
		"CORECLAW_API_KEY="+srv.APIKey(),
		"CORECLAW_CONFIG_DIR="+dir,
	)
	// The terminal sends Ctrl-C to the whole process group; fakeclaw
	// outlives the command so the fake API can answer its last requests.
	signal.Ignore(os.Interrupt, syscall.SIGTERM)
	err = cmd.Run()
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exitErr):
		if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal())
		}
		return exitErr.ExitCode()
	default:
		fmt.Fprintln(stderr, "fakeclaw:", err)
		return 1
	}
}

func reportViolations(srv *fakeapi.Server, stderr io.Writer) {
	for _, v := range srv.Violations() {
		fmt.Fprintln(stderr, "fakeclaw: spec violation:", v)
	}
}
