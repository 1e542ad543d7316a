package main

import (
	"context"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/coreclaw/coreclaw/cmd"
	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/build"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/fakeapi"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/memnet"
)

// The in-process tests run each command inside a testing/synctest bubble,
// against a fake API on an in-memory network (internal/memnet). The
// bubble's clock moves only when every goroutine waits: the fake's delays
// and slow bodies and the client's header, idle and total timeouts all
// play out on it, so that which of them fires first is decided by the
// durations the test gives, never by how loaded the machine is.

// startSignalMasking makes the runtime start the goroutine that keeps the
// process's signal mask, outside any bubble: the first signal.Ignore or
// Notify starts it, and started inside a bubble (coreclaw ignores SIGPIPE
// while it prints a slug) it would belong to that bubble and crash the
// process at the next signal call from outside it.
func startSignalMasking() {
	signal.Ignore(syscall.SIGPIPE)
	signal.Reset(syscall.SIGPIPE)
}

// fakeAPI is a fake API on an in-memory network.
type fakeAPI struct {
	*fakeapi.Server
	net *memnet.Network
}

// startFake starts a fake API for the bubble the test runs in; it stops
// when the test ends.
func startFake(t *testing.T, opts fakeapi.Options) *fakeAPI {
	t.Helper()
	nw := memnet.New()
	opts.Listen = nw.Listen
	srv, err := fakeapi.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return &fakeAPI{Server: srv, net: nw}
}

// inBubble runs test in a synctest bubble with a fresh fake API.
func inBubble(t *testing.T, spec *fakeapi.Spec, test func(t *testing.T, srv *fakeAPI)) {
	t.Helper()
	synctest.Test(t, func(t *testing.T) {
		test(t, startFake(t, fakeapi.Options{Spec: spec}))
	})
}

// fakeClock is coreclaw's injected Now and Sleep: a clock that only moves
// when something sleeps on it, so that retry budgets and wait windows play
// out at once, whatever the bubble's clock says.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
	return nil
}

// matrixTimeouts are short per-phase timeouts, on the bubble's clock.
var matrixTimeouts = api.Timeouts{Connect: time.Second, TLS: time.Second, Header: 150 * time.Millisecond,
	SyncHeader: 150 * time.Millisecond, Idle: 150 * time.Millisecond}

// inProcess runs one coreclaw command line in this process against srv and
// returns the exit code, stdout and stderr.
func inProcess(t *testing.T, srv *fakeAPI, args ...string) (int, string, string) {
	t.Helper()
	return runWith(t, srv, srv.APIKey(), matrixTimeouts, args...)
}

// runWith runs one command line in process against srv with the given
// key and timeouts.
func runWith(t *testing.T, srv *fakeAPI, key string, timeouts api.Timeouts, args ...string) (int, string, string) {
	t.Helper()
	ios, _, stdout, stderr := iostreams.Test()
	f := cmdutil.New(build.Info{Version: "1.2.3", Commit: "test", Date: "today"}, ios)
	env := map[string]string{
		"CORECLAW_BASE_URL":   srv.URL,
		"CORECLAW_API_KEY":    key,
		"CORECLAW_CONFIG_DIR": filepath.Join(t.TempDir(), "config"),
	}
	f.LookupEnv = func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	clock := &fakeClock{t: time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)}
	f.Now, f.Sleep = clock.Now, clock.Sleep
	f.Timeouts = timeouts
	transport := api.NewTransport(timeouts, nil)
	transport.DialContext = srv.net.DialContext
	// No connection outlives the command: the bubble ends only when every
	// goroutine it started has.
	defer transport.CloseIdleConnections()
	f.Transport = transport
	code := cmd.Run(context.Background(), f, args)
	return code, stdout.String(), stderr.String()
}
