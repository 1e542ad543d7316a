package runstart

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/fakeapi"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/output"
	"github.com/coreclaw/coreclaw/internal/runwait"
)

var loadSpec = sync.OnceValues(func() (*fakeapi.Spec, error) {
	return fakeapi.DefaultSpec(os.LookupEnv)
})

type launchHarness struct {
	srv     *fakeapi.Server
	env     Env
	out     *bytes.Buffer
	errOut  *bytes.Buffer
	clients int // how many times the client was asked for
}

// newLaunch starts the fake API and the Env of a launch against it, in
// memory streams, on a clock that moves only when the launch sleeps; key
// false: no API key is configured.
func newLaunch(t *testing.T, key bool) *launchHarness {
	t.Helper()
	spec, err := loadSpec()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := fakeapi.Start(fakeapi.Options{Spec: spec})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Close()
		if v := srv.Violations(); len(v) > 0 {
			t.Errorf("openapi.json violations:\n%s", strings.Join(v, "\n"))
		}
	})
	apiKey := ""
	if key {
		apiKey = srv.APIKey()
	}
	now := time.Date(2026, 12, 2, 4, 0, 0, 0, time.UTC)
	sleep := func(ctx context.Context, d time.Duration) error { now = now.Add(d); return ctx.Err() }
	client, err := api.New(api.Options{BaseURL: srv.URL, APIKey: apiKey, Retry: api.NoRetries(),
		Now: func() time.Time { return now }, Sleep: sleep})
	if err != nil {
		t.Fatal(err)
	}
	ios, _, out, errOut := iostreams.Test()
	h := &launchHarness{srv: srv, out: out, errOut: errOut}
	h.env = Env{IO: ios, Now: func() time.Time { return now }, Sleep: sleep,
		APIClient: func() (*api.Client, error) { h.clients++; return client, nil }}
	return h
}

// startFake is the Launch of a run of a fake Worker: what `run` passes
// but the input, slug file and queue.
func startFake(worker api.WorkerID, windows *[]Window) Launch {
	return Launch{
		Check: "`coreclaw status last` shows the account's newest run",
		Prepare: func(c *api.Client, w Window) (*api.PreparedRequest, error) {
			return c.PrepareStartRun(worker, api.RunRequest{IsAsync: w.Async, Limit: w.Limit, Offset: w.Offset})
		},
		Send: func(ctx context.Context, c *api.Client, w Window) (*api.StartedRun, error) {
			*windows = append(*windows, w)
			return c.StartRun(ctx, worker, api.RunRequest{IsAsync: w.Async, Limit: w.Limit, Offset: w.Offset})
		},
	}
}

func waitFlags() runwait.Flags {
	return runwait.Flags{Interval: runwait.DefaultInterval, OnInterrupt: runwait.OnInterruptDetach}
}

func (h *launchHarness) requests() []string {
	var out []string
	for _, r := range h.srv.Requests() {
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}

// The default: start once, tell Started before the slug is printed, print
// the slug alone.
func TestRunStartsAndPrintsTheSlug(t *testing.T) {
	h := newLaunch(t, true)
	var windows []Window
	l := startFake("fake~succeeds", &windows)
	var toldBeforePrint bool
	l.Started = func(slug string) { toldBeforePrint = slug != "" && h.out.Len() == 0 }
	f := &Flags{WaitFlags: waitFlags()}
	if err := Run(context.Background(), h.env, f, l); err != nil {
		t.Fatal(err)
	}
	slug := strings.TrimSpace(h.out.String())
	if !api.IsRunSlug(slug) || h.errOut.Len() != 0 {
		t.Errorf("stdout %q, stderr %q", h.out, h.errOut)
	}
	if !toldBeforePrint {
		t.Error("Started was not told the slug before it was printed")
	}
	if got := h.requests(); len(got) != 1 || got[0] != "POST /api/v2/workers/fake~succeeds/runs" {
		t.Errorf("requests %q", got)
	}
	if len(windows) != 1 || windows[0] != (Window{Async: true}) {
		t.Errorf("windows %+v", windows)
	}
}

// --sync asks for the window of --limit and --page, and the run is
// waited for and reported with the printer resolved from -o.
func TestRunSyncWindowAndReport(t *testing.T) {
	h := newLaunch(t, true)
	var windows []Window
	wf := waitFlags()
	wf.Limit, wf.Output = 2, output.Flags{Output: "jsonl"}
	f := &Flags{Sync: true, Page: 1, WaitFlags: wf}
	err := Run(context.Background(), h.env, f, startFake("fake~succeeds", &windows))
	if err != nil {
		t.Fatal(err)
	}
	if len(windows) != 1 || windows[0] != (Window{Limit: 2, Offset: 1}) {
		t.Errorf("windows %+v", windows)
	}
	lines := strings.Split(strings.TrimSpace(h.out.String()), "\n")
	for _, l := range lines {
		if !json.Valid([]byte(l)) {
			t.Errorf("not a JSON line: %q", l)
		}
	}
	if len(lines) != 2 || !strings.HasPrefix(h.errOut.String(), "started run ") {
		t.Errorf("stdout %q, stderr %q", h.out, h.errOut)
	}
}

// --dry-run prints the request in the -o format and sends nothing.
func TestRunDryRun(t *testing.T) {
	h := newLaunch(t, false)
	var windows []Window
	f := &Flags{DryRun: true, WaitFlags: waitFlags()}
	f.WaitFlags.Output = output.Flags{JQ: ".method + \" \" + .url"}
	if err := Run(context.Background(), h.env, f, startFake("fake~succeeds", &windows)); err != nil {
		t.Fatal(err)
	}
	if want := "POST " + h.srv.URL + "/api/v2/workers/fake~succeeds/runs\n"; h.out.String() != want {
		t.Errorf("stdout %q, want %q", h.out, want)
	}
	if !strings.HasPrefix(h.errOut.String(), "warning: no API key is configured") {
		t.Errorf("stderr %q", h.errOut)
	}
	if len(windows) != 0 || len(h.requests()) != 0 {
		t.Errorf("sent %q", h.requests())
	}
}

// Usage errors and a missing key come before anything is sent, and bad
// flags before the command's own setup and the client.
func TestRunRefusesBeforeSending(t *testing.T) {
	var windows []Window
	h := newLaunch(t, true)
	l := startFake("fake~succeeds", &windows)
	setups := 0
	l.Setup = func(context.Context) error { setups++; return nil }
	f := &Flags{DryRun: true, WaitFlags: waitFlags()}
	f.WaitFlags.Output = output.Flags{Output: "csv"}
	err := Run(context.Background(), h.env, f, l)
	if msg, _ := cmdutil.Describe(err); cmdutil.ExitCode(err) != cmdutil.ExitUsage || msg != "--dry-run prints text, or JSON with -o json or -o jsonl; not -o csv" {
		t.Errorf("error %v (exit %d)", err, cmdutil.ExitCode(err))
	}
	if setups != 0 || h.clients != 0 {
		t.Errorf("%d setups, %d clients made after a usage error", setups, h.clients)
	}

	l.Setup = func(context.Context) error { return cmdutil.UsageErrorf("bad input") }
	err = Run(context.Background(), h.env, &Flags{WaitFlags: waitFlags()}, l)
	if cmdutil.ExitCode(err) != cmdutil.ExitUsage || h.clients != 0 {
		t.Errorf("error %v, %d clients", err, h.clients)
	}

	h = newLaunch(t, false)
	err = Run(context.Background(), h.env, &Flags{WaitFlags: waitFlags()}, startFake("fake~succeeds", &windows))
	if !errors.Is(err, api.ErrNoAPIKey) || cmdutil.ExitCode(err) != cmdutil.ExitAuth {
		t.Errorf("error %v", err)
	}
	if len(windows) != 0 || len(h.requests()) != 0 || h.out.Len() != 0 {
		t.Errorf("sent %q, stdout %q", h.requests(), h.out)
	}
}

// Before may finish a run found running instead of starting one (not
// announced as started), or do the command's work itself.
func TestRunBefore(t *testing.T) {
	h := newLaunch(t, true)
	slug, err := h.srv.AddRun("fake/succeeds", "running", -1)
	if err != nil {
		t.Fatal(err)
	}
	var windows []Window
	l := startFake("fake~succeeds", &windows)
	l.Before = func(ctx context.Context, c *api.Client) (*api.StartedRun, bool, error) {
		return &api.StartedRun{RunSlug: slug}, false, nil
	}
	f := &Flags{Wait: true, WaitFlags: waitFlags()}
	f.WaitFlags.Output = output.Flags{JQ: "length"}
	if err := Run(context.Background(), h.env, f, l); err != nil {
		t.Fatal(err)
	}
	if len(windows) != 0 || strings.Contains(h.errOut.String(), "started run") || !strings.Contains(h.errOut.String(), "✓ run "+slug+" succeeded") {
		t.Errorf("windows %+v, stderr %q", windows, h.errOut)
	}
	if h.out.String() != "3\n" {
		t.Errorf("stdout %q", h.out)
	}

	h = newLaunch(t, true)
	l.Before = func(ctx context.Context, c *api.Client) (*api.StartedRun, bool, error) { return nil, true, nil }
	if err := Run(context.Background(), h.env, &Flags{WaitFlags: waitFlags()}, l); err != nil || len(windows) != 0 || len(h.requests()) != 0 {
		t.Errorf("done: error %v, windows %+v, requests %q", err, windows, h.requests())
	}
}
