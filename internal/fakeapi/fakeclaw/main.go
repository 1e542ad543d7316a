// Command fakeclaw runs the fake CoreClaw API on loopback, for the demo and
// for trying coreclaw by hand without a key or a network.
//
//	fakeclaw [flags] -- COMMAND [ARG...]   run COMMAND against a fresh fake API
//	fakeclaw [flags] serve                 serve until interrupted
//
// In the first form COMMAND gets CORECLAW_BASE_URL, CORECLAW_API_KEY and a
// throw-away CORECLAW_CONFIG_DIR in its environment, and fakeclaw exits
// with COMMAND's exit status.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"

	"github.com/coreclaw/coreclaw/internal/fakeapi"
)

func main() {
	os.Exit(run())
}

func run() int {
	fs := flag.NewFlagSet("fakeclaw", flag.ContinueOnError)
	specPath := fs.String("spec", "", "path to another openapi.json to check against (default: $"+fakeapi.SpecEnv+", else the copy built in)")
	addr := fs.String("addr", "127.0.0.1:0", "loopback address to listen on")
	readyFor := fs.Duration("ready-for", time.Second, "how long a run stays ready")
	runningFor := fs.Duration("running-for", 2500*time.Millisecond, "how long a run stays running")
	byPolls := fs.Bool("by-polls", false, "progress runs by status reads instead of by time")
	if err := fs.Parse(os.Args[1:]); err != nil {
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
		fmt.Fprintln(os.Stderr, "fakeclaw:", err)
		return 1
	}
	srv, err := fakeapi.Start(fakeapi.Options{Spec: spec, Addr: *addr})
	if err != nil {
		fmt.Fprintln(os.Stderr, "fakeclaw:", err)
		return 1
	}
	defer srv.Close()
	if !*byPolls {
		srv.SetVariants(fakeapi.Variants{TimeProgress: true, ReadyFor: *readyFor, RunningFor: *runningFor})
	}
	defer reportViolations(srv)

	args := fs.Args()
	if len(args) == 1 && args[0] == "serve" {
		fmt.Fprintf(os.Stderr, "fake CoreClaw API on %s (key %s); Ctrl-C stops it\n", srv.URL, srv.APIKey())
		fmt.Printf("export CORECLAW_BASE_URL=%s CORECLAW_API_KEY=%s\n", srv.URL, srv.APIKey())
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		<-ctx.Done()
		return 0
	}
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: fakeclaw [flags] -- COMMAND [ARG...]  |  fakeclaw [flags] serve")
		return 2
	}
	return runCommand(srv, args)
}

func runCommand(srv *fakeapi.Server, args []string) int {
	dir, err := os.MkdirTemp("", "fakeclaw-config-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "fakeclaw:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
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
		fmt.Fprintln(os.Stderr, "fakeclaw:", err)
		return 1
	}
}

func reportViolations(srv *fakeapi.Server) {
	for _, v := range srv.Violations() {
		fmt.Fprintln(os.Stderr, "fakeclaw: spec violation:", v)
	}
}
