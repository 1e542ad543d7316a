package runwait

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/fakeapi"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/memnet"
	"github.com/coreclaw/coreclaw/internal/output"
)

func TestSummary(t *testing.T) {
	off := iostreams.NewColorScheme(false)
	tests := []struct {
		name string
		run  api.Run
		want string
	}{
		{"succeeded", api.Run{Slug: "01KR", Status: api.StatusSucceeded, Results: 3, Duration: 7, Usage: "0.0140"},
			"✓ run 01KR succeeded · 3 results · 7s · usage $0.0140"},
		{"one result", api.Run{Slug: "01KR", Status: api.StatusSucceeded, Results: 1, Duration: 1, Usage: "0.0110"},
			"✓ run 01KR succeeded · 1 result · 1s · usage $0.0110"},
		{"no results, no usage, no duration", api.Run{Slug: "01KR", Status: api.StatusSucceeded},
			"✓ run 01KR succeeded · 0 results"},
		{"failed", api.Run{Slug: "01KR", Status: api.StatusFailed, Results: 1, Duration: 1, Usage: "0.0110"},
			"✗ run 01KR failed · 1 result · 1s · usage $0.0110"},
		{"aborting", api.Run{Slug: "01KR", Status: api.StatusAborting, Duration: 1, Usage: "0.0100"},
			"! run 01KR aborting · 0 results · 1s · usage $0.0100"},
		{"aborted", api.Run{Slug: "01KR", Status: api.StatusAborted},
			"! run 01KR aborted · 0 results"},
		{"unknown status", api.Run{Slug: "01KR", Status: "paused", Results: 2},
			"! run 01KR paused · 2 results"},
		{"duration from started/finished", api.Run{Slug: "01KR", Status: api.StatusSucceeded, Results: 2, StartedAt: 1782091200, FinishedAt: 1782094925},
			"✓ run 01KR succeeded · 2 results · 1h2m5s"},
		{"duration field wins", api.Run{Slug: "01KR", Status: api.StatusSucceeded, Duration: 10, StartedAt: 100, FinishedAt: 200},
			"✓ run 01KR succeeded · 0 results · 10s"},
		{"finished before started: no duration", api.Run{Slug: "01KR", Status: api.StatusSucceeded, StartedAt: 200, FinishedAt: 100},
			"✓ run 01KR succeeded · 0 results"},
		{"still running: finished_at 0", api.Run{Slug: "01KR", Status: api.StatusRunning, StartedAt: 200},
			"! run 01KR running · 0 results"},
		{"server text sanitized", api.Run{Slug: "01KR\x1b[2J", Status: "odd\x07", Usage: "1\x1b]0;x\x07"},
			"! run 01KR odd · 0 results · usage $1"},
		{"a newline in a server field cannot start a line", api.Run{Slug: "01KR", Status: "succeeded", Usage: "0.0130\nnotice: forged\u202e"},
			"✓ run 01KR succeeded · 0 results · usage $0.0130 notice: forged"},
		{"many results", api.Run{Slug: "01KR", Status: api.StatusSucceeded, Results: 9007199254740993},
			"✓ run 01KR succeeded · 9007199254740993 results"},
	}
	for _, tt := range tests {
		if got := Summary(off, &tt.run); got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
	}
	on := iostreams.NewColorScheme(true)
	run := api.Run{Slug: "01KR", Status: api.StatusSucceeded, Results: 3, Duration: 7, Usage: "0.0140"}
	if got, want := Summary(on, &run), "\x1b[32m✓\x1b[0m run 01KR \x1b[32msucceeded\x1b[0m · 3 results · 7s · usage $0.0140"; got != want {
		t.Errorf("coloured: %q, want %q", got, want)
	}
	run.Status = api.StatusFailed
	if got, want := Summary(on, &run), "\x1b[31m✗\x1b[0m run 01KR \x1b[31mfailed\x1b[0m · 3 results · 7s · usage $0.0140"; got != want {
		t.Errorf("coloured: %q, want %q", got, want)
	}
	run.Status = api.StatusAborting
	if got, want := Summary(on, &run), "\x1b[33m!\x1b[0m run 01KR \x1b[33maborting\x1b[0m · 3 results · 7s · usage $0.0140"; got != want {
		t.Errorf("coloured: %q, want %q", got, want)
	}
}

func TestOutcome(t *testing.T) {
	tests := []struct {
		run  api.Run
		code int
		msg  string
		hint string
	}{
		{api.Run{Slug: "R", Status: api.StatusSucceeded}, 0, "", ""},
		{api.Run{Slug: "R", Status: api.StatusFailed, ErrMsg: "navigation timeout on page 3"}, 3, "run R failed: navigation timeout on page 3", "see why with `coreclaw logs R`"},
		{api.Run{Slug: "R", Status: api.StatusFailed}, 3, "run R failed", "see why with `coreclaw logs R`"},
		{api.Run{Slug: "R", Status: api.StatusFailed, ErrMsg: "bad\x1b[31m red"}, 3, "run R failed: bad red", "see why with `coreclaw logs R`"},
		{api.Run{Slug: "R", Status: api.StatusAborting}, 6, "run R was aborted (status aborting)", ""},
		{api.Run{Slug: "R", Status: api.StatusAborted}, 6, "run R was aborted (status aborted)", ""},
		{api.Run{Slug: "R", Status: "paused"}, 1, `run R ended with the unexpected status "paused"`, ""},
		{api.Run{Slug: "R", Status: api.StatusRunning}, 1, `run R ended with the unexpected status "running"`, ""},
		{api.Run{Slug: "R", Status: "x\x1by"}, 1, `run R ended with the unexpected status "x"`, ""},
		{api.Run{Slug: "R", Status: api.StatusFailed, ErrMsg: "timeout\nerror: forged"}, 3, "run R failed: timeout error: forged", "see why with `coreclaw logs R`"},
	}
	for _, tt := range tests {
		err := Outcome(&tt.run)
		if code := cmdutil.ExitCode(err); code != tt.code {
			t.Errorf("%s: exit %d, want %d", tt.run.Status, code, tt.code)
		}
		if err == nil {
			continue
		}
		msg, hint := cmdutil.Describe(err)
		if msg != tt.msg || hint != tt.hint {
			t.Errorf("%q: %q / %q, want %q / %q", tt.run.Status, msg, hint, tt.msg, tt.hint)
		}
	}
}

// clock is the wait's injected Now and Sleep: sleeping moves the clock and
// records the delay asked for; nothing really waits.
type clock struct {
	mu     sync.Mutex
	t      time.Time
	sleeps []time.Duration
	// onSleep, when set, runs before each sleep (n from 1).
	onSleep func(n int)
}

func newClock() *clock { return &clock{t: time.Date(2026, 8, 8, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.sleeps = append(c.sleeps, d)
	n := len(c.sleeps)
	hook := c.onSleep
	c.mu.Unlock()
	if hook != nil {
		hook(n)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
	return nil
}

func (c *clock) slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

var loadSpec = sync.OnceValues(func() (*fakeapi.Spec, error) {
	return fakeapi.DefaultSpec(os.LookupEnv)
})

type waitHarness struct {
	srv    *fakeapi.Server
	clock  *clock
	opts   Options
	stderr *bytes.Buffer
	stdout *bytes.Buffer
}

// newWait starts the fake API and a run of worker in status, and the
// options of a wait on it. The client sends each request once, so that
// every fault reaches the wait.
func newWait(t *testing.T, worker, status string) (*waitHarness, string) {
	t.Helper()
	return newWaitOn(t, nil, worker, status)
}

// newWaitOn is newWait with the fake on an in-memory network (nil: on
// loopback), for a test in a testing/synctest bubble.
func newWaitOn(t *testing.T, nw *memnet.Network, worker, status string) (*waitHarness, string) {
	t.Helper()
	spec, err := loadSpec()
	if err != nil {
		t.Fatal(err)
	}
	opts := fakeapi.Options{Spec: spec}
	var transport api.Transport
	if nw != nil {
		opts.Listen = nw.Listen
		tr := api.NewTransport(api.DefaultTimeouts(), nil)
		tr.DialContext = nw.DialContext
		transport = tr
	}
	srv, err := fakeapi.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Close()
		if v := srv.Violations(); len(v) > 0 {
			t.Errorf("openapi.json violations:\n%s", strings.Join(v, "\n"))
		}
	})
	slug, err := srv.AddRun(worker, status, -1)
	if err != nil {
		t.Fatal(err)
	}
	srv.ResetRequests()
	clk := newClock()
	client, err := api.New(api.Options{BaseURL: srv.URL, APIKey: srv.APIKey(), Retry: api.NoRetries(), Now: clk.Now,
		Transport: transport,
		Sleep:     func(context.Context, time.Duration) error { t.Error("the client slept"); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	ios, _, stdout, stderr := iostreams.Test()
	return &waitHarness{srv: srv, clock: clk, stderr: stderr, stdout: stdout, opts: Options{
		IO: ios, Client: client, Now: clk.Now, Sleep: clk.Sleep, Interval: 10 * time.Second, OnInterrupt: OnInterruptDetach,
	}}, slug
}

func (h *waitHarness) gets(slug string) int {
	n := 0
	for _, r := range h.srv.Requests() {
		if r.Method == "GET" && r.Path == "/api/v2/worker-runs/"+slug {
			n++
		}
	}
	return n
}

func ms(n ...int) []time.Duration {
	var out []time.Duration
	for _, v := range n {
		out = append(out, time.Duration(v)*time.Millisecond)
	}
	return out
}

func TestWaitSucceeds(t *testing.T) {
	h, slug := newWait(t, "fake/succeeds", "ready")
	run, err := Wait(context.Background(), h.opts, slug)
	if err != nil {
		t.Fatal(err)
	}
	if run.Slug != slug || run.Status != api.StatusSucceeded || run.Results != 3 {
		t.Errorf("run %+v", run)
	}
	// Checks: ready, running, succeeded; the pauses between them.
	if got := h.clock.slept(); !reflect.DeepEqual(got, ms(250, 900)) {
		t.Errorf("sleeps %v", got)
	}
	if n := h.gets(slug); n != 3 {
		t.Errorf("%d checks", n)
	}
	if got, want := h.stderr.String(), "run "+slug+": ready\nrun "+slug+": running\n"; got != want {
		t.Errorf("stderr %q, want %q", got, want)
	}
	if h.stdout.Len() != 0 {
		t.Errorf("stdout %q", h.stdout.String())
	}
}

func TestWaitScheduleAndTimeout(t *testing.T) {
	h, slug := newWait(t, "fake/slow", "running")
	h.opts.Interval = time.Second
	h.opts.Timeout = 3 * time.Second
	run, err := Wait(context.Background(), h.opts, slug)
	// 0, .25, 1.15, 2.05, 2.95 and, the last pause cut to the deadline,
	// 3s: one last check at the deadline, then exit 5.
	if got := h.clock.slept(); !reflect.DeepEqual(got, ms(250, 900, 900, 900, 50)) {
		t.Errorf("sleeps %v", got)
	}
	if n := h.gets(slug); n != 6 {
		t.Errorf("%d checks, want 6", n)
	}
	if run == nil || run.Status != api.StatusRunning {
		t.Errorf("last run %+v", run)
	}
	if code := cmdutil.ExitCode(err); code != cmdutil.ExitTimeout {
		t.Fatalf("exit %d (%v), want 5", code, err)
	}
	msg, hint := cmdutil.Describe(err)
	if msg != "timed out after 3s waiting for run "+slug+" (status running); the run goes on" ||
		hint != "resume with `coreclaw wait "+slug+"`, or stop it with `coreclaw abort "+slug+"`" {
		t.Errorf("%q / %q", msg, hint)
	}
	if got := h.stderr.String(); got != "run "+slug+": running\n" {
		t.Errorf("stderr %q", got)
	}
}

func TestWaitDefaultInterval(t *testing.T) {
	h, slug := newWait(t, "fake/slow", "running")
	h.opts.Interval = 0
	h.opts.Timeout = 2 * time.Minute
	if _, err := Wait(context.Background(), h.opts, slug); cmdutil.ExitCode(err) != cmdutil.ExitTimeout {
		t.Fatalf("error %v", err)
	}
	// The schedule (NextDelay) up to the 10s default, the last pause cut
	// at the deadline.
	want := ms(250, 900, 900, 900, 900, 900, 900, 900, 900, 900, 900, 900, 900,
		1000, 1100, 1200, 1300, 1400, 1600, 1700, 1900, 2100, 2300, 2500, 2800, 3000,
		3300, 3700, 4000, 4400, 4900, 5400, 5900, 6500, 7200, 7900, 8700, 9500, 10000, 3650)
	if got := h.clock.slept(); !reflect.DeepEqual(got, want) {
		t.Errorf("sleeps %v", got)
	}
}

func TestWaitEndsOnTheLastCheck(t *testing.T) {
	// The run ends exactly when the time is up: its outcome wins.
	h, slug := newWait(t, "fake/succeeds", "ready")
	h.opts.Timeout = 750 * time.Millisecond
	run, err := Wait(context.Background(), h.opts, slug)
	if err != nil || run.Status != api.StatusSucceeded {
		t.Errorf("run %+v, err %v", run, err)
	}
	// A timeout shorter than the first pause still gets two checks.
	h, slug = newWait(t, "fake/slow", "running")
	h.opts.Timeout = 100 * time.Millisecond
	_, err = Wait(context.Background(), h.opts, slug)
	if cmdutil.ExitCode(err) != cmdutil.ExitTimeout || !reflect.DeepEqual(h.clock.slept(), ms(100)) || h.gets(slug) != 2 {
		t.Errorf("err %v, sleeps %v, %d checks", err, h.clock.slept(), h.gets(slug))
	}
}

func TestWaitAborting(t *testing.T) {
	h, slug := newWait(t, "fake/aborts", "ready")
	run, err := Wait(context.Background(), h.opts, slug)
	if err != nil {
		t.Fatal(err)
	}
	// ready, running, then aborting three times: the first and two more.
	if run.Status != api.StatusAborting || h.gets(slug) != 5 {
		t.Errorf("status %s after %d checks", run.Status, h.gets(slug))
	}
	if got := h.clock.slept(); !reflect.DeepEqual(got, ms(250, 900, 900, 900)) {
		t.Errorf("sleeps %v", got)
	}
	if code := cmdutil.ExitCode(Outcome(run)); code != cmdutil.ExitAborted {
		t.Errorf("exit %d", code)
	}
	// Progress lines only for statuses that are not final.
	if got := h.stderr.String(); got != "run "+slug+": ready\nrun "+slug+": running\n" {
		t.Errorf("stderr %q", got)
	}

	h, slug = newWait(t, "fake/aborted", "ready")
	run, err = Wait(context.Background(), h.opts, slug)
	if err != nil || run.Status != api.StatusAborted || h.gets(slug) != 3 {
		t.Errorf("aborted: %+v, %v, %d checks", run, err, h.gets(slug))
	}
}

func TestWaitFailedRun(t *testing.T) {
	h, slug := newWait(t, "fake/fails", "ready")
	run, err := Wait(context.Background(), h.opts, slug)
	if err != nil || run.Status != api.StatusFailed || run.ErrMsg != "navigation timeout on page 3" {
		t.Fatalf("run %+v, err %v", run, err)
	}
	if code := cmdutil.ExitCode(Outcome(run)); code != cmdutil.ExitRunFailed {
		t.Errorf("exit %d", code)
	}
}

func TestWaitIntegerStatuses(t *testing.T) {
	h, slug := newWait(t, "fake/succeeds", "ready")
	h.srv.SetVariants(fakeapi.Variants{IntegerStatus: true})
	run, err := Wait(context.Background(), h.opts, slug)
	if err != nil || run.Status != api.StatusSucceeded || h.gets(slug) != 3 {
		t.Errorf("run %+v, err %v, %d checks", run, err, h.gets(slug))
	}
}

func TestWaitUnknownStatusWarnsOnce(t *testing.T) {
	h, slug := newWait(t, "fake/odd-status", "ready")
	h.opts.Interval = time.Second
	h.opts.Timeout = 5 * time.Second
	_, err := Wait(context.Background(), h.opts, slug)
	if cmdutil.ExitCode(err) != cmdutil.ExitTimeout {
		t.Fatalf("error %v", err)
	}
	msg, _ := cmdutil.Describe(err)
	if msg != "timed out after 5s waiting for run "+slug+` (status paused); the run goes on` {
		t.Errorf("message %q", msg)
	}
	want := "run " + slug + ": ready\nrun " + slug + ": running\nrun " + slug + ": paused\n" +
		"warning: run " + slug + ` shows the unknown status "paused"; still waiting` + "\n"
	if got := h.stderr.String(); got != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", got, want)
	}
	if h.gets(slug) < 6 {
		t.Errorf("only %d checks", h.gets(slug))
	}
}

func TestWaitRidesOutTransientErrors(t *testing.T) {
	h, slug := newWait(t, "fake/succeeds", "ready")
	path := "/api/v2/worker-runs/" + slug
	// Each fault lets the first check through, then spoils one; they take
	// turns in the order added.
	h.srv.AddFault(fakeapi.Fault{Method: "GET", Path: path, Skip: 1, Times: 1, HTML: true})
	h.srv.AddFault(fakeapi.Fault{Method: "GET", Path: path, Skip: 1, Times: 1, Status: 429, Code: 13000})
	h.srv.AddFault(fakeapi.Fault{Method: "GET", Path: path, Skip: 1, Times: 1, Status: 500, Code: 10000})
	// (A dropped connection would be retried by net/http itself on a
	// reused connection; a reply cut short is not.)
	h.srv.AddFault(fakeapi.Fault{Method: "GET", Path: path, Skip: 1, Times: 1, Truncate: true})
	run, err := Wait(context.Background(), h.opts, slug)
	if err != nil || run.Status != api.StatusSucceeded {
		t.Fatalf("run %+v, err %v", run, err)
	}
	// ready, four failures, running, succeeded: the schedule goes on.
	if got := h.clock.slept(); !reflect.DeepEqual(got, ms(250, 900, 900, 900, 900, 900)) {
		t.Errorf("sleeps %v", got)
	}
	lines := strings.Split(strings.TrimSuffix(h.stderr.String(), "\n"), "\n")
	want := []string{
		"run " + slug + ": ready",
		"notice: checking run " + slug + ` failed (unexpected reply from the API (HTTP 502 Bad Gateway): "502 Bad Gateway"); still waiting`,
		"notice: checking run " + slug + " failed (too many requests (HTTP 429, code 13000, request req-2)); still waiting",
		"notice: checking run " + slug + " failed (internal server error (HTTP 500, code 10000, request req-3)); still waiting",
		"notice: checking run " + slug + " failed (cannot reach the API: GET " + h.srv.URL + path + ": unexpected EOF); still waiting",
		"run " + slug + ": running",
	}
	if len(lines) != len(want) {
		t.Fatalf("stderr:\n%s", h.stderr.String())
	}
	for i := range want {
		if lines[i] != want[i] {
			t.Errorf("line %d:\n got %q\nwant %q", i, lines[i], want[i])
		}
	}
}

func TestWaitGivesUpAfterTheTransientWindow(t *testing.T) {
	h, slug := newWait(t, "fake/slow", "running")
	h.srv.AddFault(fakeapi.Fault{Method: "GET", Path: "/api/v2/worker-runs/" + slug, Skip: 1, Status: 503, Code: 10000})
	_, err := Wait(context.Background(), h.opts, slug)
	var apiErr *api.Error
	if !errors.As(err, &apiErr) || apiErr.HTTPStatus != 503 || cmdutil.ExitCode(err) != cmdutil.ExitFailure {
		t.Fatalf("error %v", err)
	}
	if !strings.HasPrefix(err.Error(), "waiting for run "+slug+": internal server error (HTTP 503, code 10000") {
		t.Errorf("message %q", err)
	}
	// Failing since the second check (0.25s); given up once more than 5
	// minutes have passed since then.
	var total time.Duration
	for _, d := range h.clock.slept() {
		total += d
	}
	if total-250*time.Millisecond <= transientWindow || total-250*time.Millisecond > transientWindow+DefaultInterval {
		t.Errorf("gave up %v after the first failure", total-250*time.Millisecond)
	}
}

func TestWaitStopsOnNotFound(t *testing.T) {
	h, slug := newWait(t, "fake/slow", "running")
	h.srv.AddFault(fakeapi.Fault{Method: "GET", Path: "/api/v2/worker-runs/" + slug, Skip: 1, Status: 404, Code: 70001})
	_, err := Wait(context.Background(), h.opts, slug)
	var apiErr *api.Error
	if !errors.As(err, &apiErr) || !apiErr.IsNotFound() || h.gets(slug) != 2 || len(h.clock.slept()) != 1 {
		t.Errorf("error %v after %d checks", err, h.gets(slug))
	}
	if cmdutil.ExitCode(err) != cmdutil.ExitFailure {
		t.Errorf("exit %d", cmdutil.ExitCode(err))
	}
	if strings.Contains(h.stderr.String(), "notice:") {
		t.Errorf("a 404 was ridden out: %q", h.stderr.String())
	}
}

func TestWaitInterrupted(t *testing.T) {
	for _, tt := range []struct {
		name   string
		cancel func(h *waitHarness, cancel context.CancelFunc)
		checks int
	}{
		{"while sleeping", func(h *waitHarness, cancel context.CancelFunc) {
			h.clock.onSleep = func(n int) {
				if n == 2 {
					cancel()
				}
			}
		}, 2},
		{"while checking", func(h *waitHarness, cancel context.CancelFunc) {
			// The pause ends normally; the next check then meets the
			// cancelled context.
			h.opts.Sleep = func(context.Context, time.Duration) error { cancel(); return nil }
		}, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h, slug := newWait(t, "fake/slow", "running")
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			tt.cancel(h, cancel)
			run, err := Wait(ctx, h.opts, slug)
			if cmdutil.ExitCode(err) != cmdutil.ExitInterrupted {
				t.Fatalf("exit %d (%v)", cmdutil.ExitCode(err), err)
			}
			msg, hint := cmdutil.Describe(err)
			if msg != "interrupted; run "+slug+" goes on" || hint != "resume with `coreclaw wait "+slug+"`, or stop it with `coreclaw abort "+slug+"`" {
				t.Errorf("%q / %q", msg, hint)
			}
			if run == nil || run.Status != api.StatusRunning || h.gets(slug) != tt.checks {
				t.Errorf("run %+v after %d checks", run, h.gets(slug))
			}
			for _, r := range h.srv.Requests() {
				if r.Method != "GET" {
					t.Errorf("detach sent %s", r.Line(true))
				}
			}
		})
	}
}

// abortServer answers run reads with "running" and records aborts.
func abortServer(t *testing.T, abortStatus int) (*api.Client, *[]string) {
	t.Helper()
	var mu sync.Mutex
	var seen []string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen = append(seen, r.Method+" "+r.URL.Path+" "+string(body))
		mu.Unlock()
		if r.Method == "POST" {
			w.WriteHeader(abortStatus)
			if abortStatus != 200 {
				fmt.Fprintf(w, `{"code":70002,"message":"run operation failed","request_id":"req-a"}`)
				return
			}
			fmt.Fprint(w, `{"code":0,"message":"success"}`)
			return
		}
		fmt.Fprint(w, `{"code":0,"message":"success","data":{"slug":"R1","status":"running"}}`)
	}))
	t.Cleanup(ts.Close)
	c, err := api.New(api.Options{BaseURL: ts.URL, APIKey: "k", Retry: api.NoRetries()})
	if err != nil {
		t.Fatal(err)
	}
	return c, &seen
}

func TestWaitInterruptedAbort(t *testing.T) {
	for _, tt := range []struct {
		status    int
		msg, hint string
	}{
		{200, "interrupted; asked CoreClaw to abort run R1", "check it with `coreclaw status R1`"},
		{400, "interrupted; aborting run R1 failed: run operation failed (HTTP 400, code 70002, request req-a)", "the run may still be going: stop it with `coreclaw abort R1`"},
	} {
		client, seen := abortServer(t, tt.status)
		ios, _, _, _ := iostreams.Test()
		clk := newClock()
		ctx, cancel := context.WithCancel(context.Background())
		clk.onSleep = func(int) { cancel() }
		_, err := Wait(ctx, Options{IO: ios, Client: client, Now: clk.Now, Sleep: clk.Sleep, Interval: time.Second, OnInterrupt: OnInterruptAbort}, "R1")
		cancel()
		if cmdutil.ExitCode(err) != cmdutil.ExitInterrupted {
			t.Fatalf("exit %d (%v)", cmdutil.ExitCode(err), err)
		}
		msg, hint := cmdutil.Describe(err)
		if msg != tt.msg || hint != tt.hint {
			t.Errorf("%q / %q, want %q / %q", msg, hint, tt.msg, tt.hint)
		}
		if want := []string{"GET /api/v2/worker-runs/R1 ", "POST /api/v2/worker-runs/R1/abort "}; !reflect.DeepEqual(*seen, want) {
			t.Errorf("requests %q", *seen)
		}
	}
}

func TestFinish(t *testing.T) {
	h, slug := newWait(t, "fake/succeeds", "succeeded")
	run, err := Wait(context.Background(), h.opts, slug)
	if err != nil {
		t.Fatal(err)
	}
	p, err := output.Flags{Output: "jsonl"}.Printer(h.opts.IO)
	if err != nil {
		t.Fatal(err)
	}
	if err := Finish(context.Background(), h.opts, run, Report{Printer: p, Limit: 2}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(h.stdout.String(), "\n"); got != 2 || !strings.HasPrefix(h.stdout.String(), `{"title":"Coffee Spot 1",`) || strings.Contains(h.stdout.String(), "__coreclaw") {
		t.Errorf("stdout %q", h.stdout.String())
	}
	if !strings.HasPrefix(h.stderr.String(), "✓ run "+slug+" succeeded · 3 results · 7s · usage $0.0130\n") {
		t.Errorf("stderr %q", h.stderr.String())
	}

	// A failed run: the summary, no rows, exit 3.
	h, slug = newWait(t, "fake/fails", "failed")
	run, _ = Wait(context.Background(), h.opts, slug)
	p, _ = output.Flags{}.Printer(h.opts.IO)
	err = Finish(context.Background(), h.opts, run, Report{Printer: p})
	if cmdutil.ExitCode(err) != cmdutil.ExitRunFailed || h.stdout.Len() != 0 {
		t.Errorf("failed run: exit %d, stdout %q", cmdutil.ExitCode(err), h.stdout.String())
	}

	// --no-results: the detail as JSON, even when a table was asked for.
	h.stdout.Reset()
	p, _ = output.Flags{Output: "table"}.Printer(h.opts.IO)
	err = Finish(context.Background(), h.opts, run, Report{Printer: p, NoResults: true})
	if cmdutil.ExitCode(err) != cmdutil.ExitRunFailed || !strings.HasPrefix(h.stdout.String(), "{\n  \"slug\": \""+slug+"\",\n") {
		t.Errorf("--no-results: exit %d, stdout %q", cmdutil.ExitCode(err), h.stdout.String())
	}
}

func TestFlagsCheck(t *testing.T) {
	good := Flags{Interval: time.Second, OnInterrupt: OnInterruptDetach, Concurrency: 4}
	tests := []struct {
		name   string
		change func(*Flags)
		want   string
	}{
		{"defaults", func(*Flags) {}, ""},
		{"abort on interrupt", func(f *Flags) { f.OnInterrupt = OnInterruptAbort }, ""},
		{"zero interval", func(f *Flags) { f.Interval = 0 }, "--interval must be positive, not 0s"},
		{"negative interval", func(f *Flags) { f.Interval = -time.Second }, "--interval must be positive, not -1s"},
		{"negative timeout", func(f *Flags) { f.Timeout = -time.Minute }, "--timeout must not be negative, not -1m0s"},
		{"negative limit", func(f *Flags) { f.Limit = -1 }, "--limit must be a positive number, not -1"},
		{"one page at a time", func(f *Flags) { f.Concurrency = 1 }, ""},
		{"16 pages at a time", func(f *Flags) { f.Concurrency = 16 }, ""},
		{"no pages at a time", func(f *Flags) { f.Concurrency = 0 }, "--concurrency must be between 1 and 16, not 0"},
		{"17 pages at a time", func(f *Flags) { f.Concurrency = 17 }, "--concurrency must be between 1 and 16, not 17"},
		{"bad format", func(f *Flags) { f.Output.Output = "xml" }, `unknown output format "xml": use json, jsonl, csv or table`},
		{"--jq with csv", func(f *Flags) { f.Output = output.Flags{Output: "csv", JQ: "."} }, "--jq works on JSON output: drop -o csv or use -o json"},
	}
	for _, tt := range tests {
		f := good
		tt.change(&f)
		ios, _, _, _ := iostreams.Test()
		p, err := f.Check(ios)
		if tt.want == "" {
			if err != nil || p == nil || p.Format != output.JSON {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		if err == nil || err.Error() != tt.want || cmdutil.ExitCode(err) != cmdutil.ExitUsage {
			t.Errorf("%s: %v (exit %d), want %q", tt.name, err, cmdutil.ExitCode(err), tt.want)
		}
	}
}

func TestReasonText(t *testing.T) {
	long := strings.Repeat("é", 400)
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"  \n ", ""},
		{"navigation timeout on page 3", "navigation timeout on page 3"},
		{"Error: navigation timeout", "navigation timeout"},
		{"ERROR:boom", "boom"},
		{"\x1b[31mred\x1b[0m\nline two\r\n\tthree\u2028four", "red line two three four"},
		{long, strings.Repeat("é", 300) + "…"},
	} {
		if got := reasonText(c.in); got != c.want {
			t.Errorf("reasonText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestWaitStatusLine: on a terminal the wait shows one status line (the
// streams' StartStatus): slug, status, elapsed time on the wait's clock,
// result count; each poll's result shows at the next frame, and the line
// is erased at the end. No per-change lines are printed there.
func TestWaitStatusLine(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ios, _, _, stderr := iostreams.Test()
		ios.SetTTY(false, false, true)
		ios.SetTicker(iostreams.RealTicker) // the bubble's clock
		ios.DisableColor()
		clk := newClock()
		p := newProgress(ios, clk.Now, "01KRUN")
		p.update("running", 1)
		clk.Sleep(context.Background(), 3*time.Second)
		time.Sleep(iostreams.FrameInterval)
		synctest.Wait()
		p.update("succeeded", 3)
		p.end()
		want := "\r⠋ 01KRUN  starting  0s  0 results\x1b[K" +
			"\r⠙ 01KRUN  running  3s  1 result\x1b[K" +
			"\x1b[2K\r"
		if got := stderr.String(); got != want {
			t.Errorf("stderr %q, want %q", got, want)
		}
	})
}
