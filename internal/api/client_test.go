package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/memnet"
)

const testKey = "cc_test_key_123456"

// seen is one request as the test server received it.
type seen struct {
	Method, URI, Body string
	Header            http.Header
}

// testServer is an API on loopback that answers with the given handlers in
// turn (the last one for every further request) and records each request.
type testServer struct {
	*httptest.Server
	mu       sync.Mutex
	reqs     []seen
	handlers []http.HandlerFunc
}

func newTestServer(t *testing.T, handlers ...http.HandlerFunc) *testServer {
	t.Helper()
	ts := &testServer{handlers: handlers}
	ts.Server = httptest.NewServer(http.HandlerFunc(ts.serve))
	// A new connection per request: net/http's own silent retry of a
	// request on a reused connection must not blur the counts.
	ts.Config.SetKeepAlivesEnabled(false)
	t.Cleanup(ts.Close)
	return ts
}

// serve records the request and answers with the next handler.
func (ts *testServer) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	ts.mu.Lock()
	n := len(ts.reqs)
	ts.reqs = append(ts.reqs, seen{Method: r.Method, URI: r.RequestURI, Body: string(body), Header: r.Header.Clone()})
	h := ts.handlers[min(n, len(ts.handlers)-1)]
	ts.mu.Unlock()
	h(w, r)
}

// newMemTestServer is newTestServer on an in-memory network, for a test in a
// testing/synctest bubble: the handlers' pauses and the client's timeouts
// then run on the bubble's clock, which moves only when everything waits,
// so that which comes first is decided by the durations, never by the load
// of the machine. The client must dial through nw (memTransport).
func newMemTestServer(t *testing.T, nw *memnet.Network, handlers ...http.HandlerFunc) *testServer {
	t.Helper()
	ts := &testServer{handlers: handlers}
	ts.Server = httptest.NewUnstartedServer(http.HandlerFunc(ts.serve))
	ts.Listener.Close()
	ln, err := nw.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts.Listener = ln
	ts.Config.SetKeepAlivesEnabled(false)
	ts.Start()
	t.Cleanup(ts.Close)
	return ts
}

// memTransport dials through nw.
func memTransport(nw *memnet.Network) func(*Options) {
	return func(o *Options) {
		tr := NewTransport(DefaultTimeouts(), nil)
		tr.DialContext = nw.DialContext
		o.Transport = tr
	}
}

func (ts *testServer) requests() []seen {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return append([]seen(nil), ts.reqs...)
}

func (ts *testServer) count() int { return len(ts.requests()) }

// envelope replies.
func ok(data string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "req-ok")
		if data == "" {
			fmt.Fprint(w, `{"code":0,"message":"success","request_id":"req-ok"}`)
			return
		}
		fmt.Fprintf(w, `{"code":0,"message":"success","request_id":"req-ok","data":%s}`, data)
	}
}

func fail(status, code int, msg string, header ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"code":%d,"message":%q,"request_id":"req-%d"}`, code, msg, status)
	}
}

func gatewayPage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(http.StatusServiceUnavailable)
	fmt.Fprint(w, "<html><body>503 Service Unavailable</body></html>")
}

// dropConn closes the connection once the request has been read: the
// server may have acted on it.
func dropConn(w http.ResponseWriter, r *http.Request) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	conn.Close()
}

// blockUntilGone never replies.
func blockUntilGone(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }

// fakeClock is the injected Now and Sleep: sleeping moves the clock and
// records the delay; nothing really waits.
type fakeClock struct {
	mu     sync.Mutex
	t      time.Time
	step   time.Duration // added on each Now
	sleeps []time.Duration
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 8, 8, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.t
	c.t = c.t.Add(c.step)
	return t
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.t = c.t.Add(d)
	return nil
}

func (c *fakeClock) slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

type harness struct {
	client  *Client
	clock   *fakeClock
	notices *[]string
	debug   *bytes.Buffer
}

func testPolicy() RetryPolicy {
	return RetryPolicy{MaxAttempts: 5, BaseDelay: 500 * time.Millisecond, MaxDelay: 8 * time.Second, Budget: time.Minute,
		Jitter: func(d time.Duration) time.Duration { return d }}
}

func newHarness(t *testing.T, baseURL string, change ...func(*Options)) harness {
	t.Helper()
	clock := newClock()
	var mu sync.Mutex
	notices := &[]string{}
	opts := Options{
		BaseURL: baseURL, APIKey: testKey, UserAgent: "coreclaw/test",
		Now: clock.Now, Sleep: clock.Sleep, Retry: testPolicy(),
		Notify: func(s string) { mu.Lock(); *notices = append(*notices, s); mu.Unlock() },
	}
	for _, f := range change {
		f(&opts)
	}
	c, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return harness{client: c, clock: clock, notices: notices}
}

const runJSON = `{"slug":"01KRUN","scraper_slug":"w","status":"running","results":"2","usage":"0.0100"}`

func TestHeadersAndBodies(t *testing.T) {
	ts := newTestServer(t,
		ok(runJSON),
		ok(`{"run_slug":"01KNEW"}`),
		ok(""),
	)
	h := newHarness(t, ts.URL+"/")
	ctx := context.Background()

	run, err := h.client.GetRun(ctx, RunRef{Slug: "01KRUN"})
	if err != nil {
		t.Fatal(err)
	}
	if want := (Run{Slug: "01KRUN", ScraperSlug: "w", Status: StatusRunning, Results: 2, Usage: "0.0100"}); *run != want {
		t.Errorf("run = %+v", *run)
	}
	started, err := h.client.StartRun(ctx, "owner~名前", RunRequest{
		Input: json.RawMessage(`{"parameters":{"custom":{"q":"<x>"}}}`), IsAsync: true, Version: "v1.2.8",
	})
	if err != nil {
		t.Fatal(err)
	}
	if started.RunSlug != "01KNEW" || started.Finished() {
		t.Errorf("started = %+v", started)
	}
	if err := h.client.AbortRun(ctx, RunRef{Slug: "01KRUN"}); err != nil {
		t.Fatal(err)
	}

	reqs := ts.requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests", len(reqs))
	}
	want := []struct{ method, uri, body, contentType string }{
		{"GET", "/api/v2/worker-runs/01KRUN", "", ""},
		{"POST", "/api/v2/workers/owner~%E5%90%8D%E5%89%8D/runs", `{"input":{"parameters":{"custom":{"q":"<x>"}}},"is_async":true,"version":"v1.2.8"}`, "application/json"},
		// The spec defines no body for abort: none, and no Content-Type.
		{"POST", "/api/v2/worker-runs/01KRUN/abort", "", ""},
	}
	for i, r := range reqs {
		w := want[i]
		if r.Method != w.method || r.URI != w.uri || r.Body != w.body {
			t.Errorf("request %d: %s %s %s; want %s %s %s", i, r.Method, r.URI, r.Body, w.method, w.uri, w.body)
		}
		if got := r.Header.Get("Content-Type"); got != w.contentType {
			t.Errorf("request %d: Content-Type %q, want %q", i, got, w.contentType)
		}
		if got := r.Header.Get("Authorization"); got != "Bearer "+testKey {
			t.Errorf("request %d: Authorization %q", i, got)
		}
		if got := r.Header.Get("User-Agent"); got != "coreclaw/test" {
			t.Errorf("request %d: User-Agent %q", i, got)
		}
		if got := r.Header.Get("Accept"); got != "application/json" {
			t.Errorf("request %d: Accept %q", i, got)
		}
		if r.Header.Get("Api-Key") != "" || strings.Contains(r.URI, testKey) || strings.Contains(r.URI, "token") {
			t.Errorf("request %d: the key went somewhere else than the Authorization header: %s %v", i, r.URI, r.Header)
		}
	}
	if len(*h.notices) != 0 || len(h.clock.slept()) != 0 {
		t.Errorf("notices %q, sleeps %v", *h.notices, h.clock.slept())
	}
}

func TestSyncStartBodyAndReply(t *testing.T) {
	ts := newTestServer(t, ok(`{"run_slug":"01KS","run_status":"succeeded","running_duration":7,"results":{"count":1,"headers":[{"key":"a"}],"list":[{"a":1}],"page_index":2,"page_size":1}}`))
	h := newHarness(t, ts.URL)
	got, err := h.client.StartRun(context.Background(), "01KW", RunRequest{IsAsync: false, Limit: 1, Offset: 2, CallbackURL: "https://hook.example.com/x"})
	if err != nil {
		t.Fatal(err)
	}
	if !got.Finished() || got.Results == nil || got.Results.Count != 1 || string(got.Results.List[0]) != `{"a":1}` {
		t.Errorf("reply = %+v", got)
	}
	if body := ts.requests()[0].Body; body != `{"is_async":false,"callback_url":"https://hook.example.com/x","limit":1,"offset":2}` {
		t.Errorf("body = %s", body)
	}
}

func TestNoKey(t *testing.T) {
	ts := newTestServer(t, ok(runJSON))
	h := newHarness(t, ts.URL, func(o *Options) { o.APIKey = "" })
	ctx := context.Background()
	if h.client.HasKey() {
		t.Error("HasKey() with no key")
	}
	calls := map[string]func() error{
		"GetRun":      func() error { _, err := h.client.GetRun(ctx, RunRef{Slug: "x"}); return err },
		"StartRun":    func() error { _, err := h.client.StartRun(ctx, "o~w", RunRequest{IsAsync: true}); return err },
		"AbortRun":    func() error { return h.client.AbortRun(ctx, RunRef{Last: true}) },
		"ResultsPage": func() error { _, err := h.client.ResultsPage(ctx, RunRef{Slug: "x"}, 1, 10); return err },
		"EachResultPage": func() error {
			_, err := h.client.EachResultPage(ctx, RunRef{Slug: "x"}, 0, func(*ResultPage) error { return nil })
			return err
		},
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, ErrNoAPIKey) {
			t.Errorf("%s: %v, want ErrNoAPIKey", name, err)
		}
	}
	if n := ts.count(); n != 0 {
		t.Errorf("%d requests sent without a key", n)
	}
}

func TestReadRetriedUntilSuccess(t *testing.T) {
	ts := newTestServer(t, fail(503, 10000, "internal server error"), gatewayPage, dropConn, ok(runJSON))
	h := newHarness(t, ts.URL)
	run, err := h.client.GetRun(context.Background(), RunRef{Slug: "01KRUN"})
	if err != nil {
		t.Fatal(err)
	}
	if run.Slug != "01KRUN" || ts.count() != 4 {
		t.Errorf("run %+v after %d requests", run, ts.count())
	}
	if got, want := h.clock.slept(), []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second}; !reflect.DeepEqual(got, want) {
		t.Errorf("sleeps %v, want %v", got, want)
	}
	wantNotices := []string{
		"retrying GET /api/v2/worker-runs/01KRUN in 500ms: server error (HTTP 503) (attempt 2 of 5)",
		"retrying GET /api/v2/worker-runs/01KRUN in 1s: server error (HTTP 503) (attempt 3 of 5)",
	}
	if got := *h.notices; len(got) != 3 || !reflect.DeepEqual(got[:2], wantNotices) || !strings.HasPrefix(got[2], "retrying GET /api/v2/worker-runs/01KRUN in 2s: ") || !strings.HasSuffix(got[2], " (attempt 4 of 5)") {
		t.Errorf("notices:\n%s", strings.Join(got, "\n"))
	}
}

func TestCreateRetries(t *testing.T) {
	body := RunRequest{Input: json.RawMessage(`{"parameters":{"custom":{}}}`), IsAsync: true}
	t.Run("429 is retried: nothing was created", func(t *testing.T) {
		ts := newTestServer(t, fail(429, 13000, "too many requests"), fail(400, 13000, "too many requests"), ok(`{"run_slug":"01KNEW"}`))
		h := newHarness(t, ts.URL)
		got, err := h.client.StartRun(context.Background(), "o~w", body)
		if err != nil || got.RunSlug != "01KNEW" {
			t.Fatalf("StartRun = %+v, %v", got, err)
		}
		reqs := ts.requests()
		if len(reqs) != 3 || reqs[0].Body != reqs[2].Body || reqs[2].Body != `{"input":{"parameters":{"custom":{}}},"is_async":true}` {
			t.Errorf("requests %+v", reqs)
		}
		want := []string{
			"retrying POST /api/v2/workers/o~w/runs in 500ms: rate limited (HTTP 429) (attempt 2 of 5)",
			"retrying POST /api/v2/workers/o~w/runs in 1s: rate limited (HTTP 400) (attempt 3 of 5)",
		}
		if !reflect.DeepEqual(*h.notices, want) {
			t.Errorf("notices %q", *h.notices)
		}
	})
	for _, tt := range []struct {
		name    string
		handler http.HandlerFunc
		check   func(t *testing.T, err error)
	}{
		{"500 after sending is not retried", fail(500, 10000, "internal server error"), func(t *testing.T, err error) {
			var apiErr *Error
			if !errors.As(err, &apiErr) || apiErr.HTTPStatus != 500 || apiErr.Code != 10000 {
				t.Errorf("error %v", err)
			}
		}},
		{"a gateway page is not retried", gatewayPage, func(t *testing.T, err error) {
			var apiErr *Error
			if !errors.As(err, &apiErr) || !apiErr.NotJSON || apiErr.HTTPStatus != 503 {
				t.Errorf("error %v", err)
			}
		}},
		{"a dropped connection after sending is not retried", dropConn, func(t *testing.T, err error) {
			var netErr *NetworkError
			if !errors.As(err, &netErr) || netErr.NotSent || netErr.Method != "POST" {
				t.Errorf("error %#v", err)
			}
		}},
		{"30003 is not retried here", fail(400, 30003, "the current running tasks have reached the plan limit"), func(t *testing.T, err error) {
			var apiErr *Error
			if !errors.As(err, &apiErr) || apiErr.Code != 30003 {
				t.Errorf("error %v", err)
			}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t, tt.handler, ok(`{"run_slug":"01KNEW"}`))
			h := newHarness(t, ts.URL)
			got, err := h.client.StartRun(context.Background(), "o~w", body)
			if err == nil {
				t.Fatalf("StartRun = %+v, want an error", got)
			}
			tt.check(t, err)
			if n := ts.count(); n != 1 {
				t.Errorf("%d requests, want 1", n)
			}
			if len(h.clock.slept()) != 0 || len(*h.notices) != 0 {
				t.Errorf("sleeps %v, notices %q", h.clock.slept(), *h.notices)
			}
		})
	}
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestRefusedConnectionIsRetriedEvenForCreates(t *testing.T) {
	addr := closedPort(t)
	h := newHarness(t, "http://"+addr)
	_, err := h.client.StartRun(context.Background(), "o~w", RunRequest{IsAsync: true})
	var netErr *NetworkError
	if !errors.As(err, &netErr) || !netErr.NotSent || netErr.Timeout {
		t.Fatalf("error %#v", err)
	}
	if want := "POST http://" + addr + "/api/v2/workers/o~w/runs: dial tcp " + addr + ": connect: connection refused"; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	if got, want := h.clock.slept(), []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second}; !reflect.DeepEqual(got, want) {
		t.Errorf("sleeps %v, want %v", got, want)
	}
	if got := *h.notices; len(got) != 4 || got[0] != "retrying POST /api/v2/workers/o~w/runs in 500ms: cannot connect: dial tcp "+addr+": connect: connection refused (attempt 2 of 5)" {
		t.Errorf("notices %q", got)
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	ts := newTestServer(t,
		fail(429, 13000, "too many requests", "Retry-After", "3"),
		fail(503, 10000, "internal server error", "Retry-After", "Sat, 08 Aug 2026 12:00:10 GMT"),
		fail(503, 10000, "internal server error", "Retry-After", "Sat, 08 Aug 2026 11:00:00 GMT"),
		ok(runJSON))
	h := newHarness(t, ts.URL)
	if _, err := h.client.GetRun(context.Background(), RunRef{Slug: "01KRUN"}); err != nil {
		t.Fatal(err)
	}
	// 3s; then the date 10s after the start, 7s later; then a date in the past.
	if got, want := h.clock.slept(), []time.Duration{3 * time.Second, 7 * time.Second, 0}; !reflect.DeepEqual(got, want) {
		t.Errorf("sleeps %v, want %v", got, want)
	}
	if got := (*h.notices)[0]; got != "retrying GET /api/v2/worker-runs/01KRUN in 3s: rate limited (HTTP 429) (attempt 2 of 5)" {
		t.Errorf("notice %q", got)
	}
}

func TestAttemptLimitAndBudget(t *testing.T) {
	t.Run("attempts", func(t *testing.T) {
		ts := newTestServer(t, fail(503, 10000, "internal server error"))
		h := newHarness(t, ts.URL, func(o *Options) { o.Retry.MaxAttempts = 3 })
		_, err := h.client.GetRun(context.Background(), RunRef{Slug: "01KRUN"})
		if err == nil || err.Error() != "internal server error (HTTP 503, code 10000, request req-503)" {
			t.Errorf("error %v", err)
		}
		if ts.count() != 3 || len(h.clock.slept()) != 2 {
			t.Errorf("%d requests, sleeps %v", ts.count(), h.clock.slept())
		}
	})
	t.Run("budget", func(t *testing.T) {
		ts := newTestServer(t, fail(503, 10000, "internal server error"))
		h := newHarness(t, ts.URL, func(o *Options) {
			o.Retry = RetryPolicy{MaxAttempts: 10, BaseDelay: time.Second, MaxDelay: 8 * time.Second, Budget: 2500 * time.Millisecond,
				Jitter: func(d time.Duration) time.Duration { return d }}
		})
		_, err := h.client.GetRun(context.Background(), RunRef{Slug: "01KRUN"})
		var apiErr *Error
		if !errors.As(err, &apiErr) || apiErr.HTTPStatus != 503 {
			t.Errorf("error %v", err)
		}
		// 1s fits the 2.5s budget; the next 2s would end at 3s.
		if ts.count() != 2 || !reflect.DeepEqual(h.clock.slept(), []time.Duration{time.Second}) {
			t.Errorf("%d requests, sleeps %v", ts.count(), h.clock.slept())
		}
	})
	t.Run("budget counts the time requests take", func(t *testing.T) {
		ts := newTestServer(t, fail(503, 10000, "internal server error"))
		h := newHarness(t, ts.URL, func(o *Options) {
			o.Retry = RetryPolicy{MaxAttempts: 10, BaseDelay: time.Second, MaxDelay: time.Second, Budget: 5 * time.Second,
				Jitter: func(d time.Duration) time.Duration { return d }}
		})
		h.clock.step = 2 * time.Second // each reading of the clock: 2s later
		h.client.GetRun(context.Background(), RunRef{Slug: "01KRUN"})
		if ts.count() != 2 {
			t.Errorf("%d requests, sleeps %v", ts.count(), h.clock.slept())
		}
	})
	t.Run("NoRetries", func(t *testing.T) {
		ts := newTestServer(t, fail(503, 10000, "internal server error"))
		h := newHarness(t, ts.URL, func(o *Options) { o.Retry = NoRetries() })
		h.client.GetRun(context.Background(), RunRef{Slug: "01KRUN"})
		if ts.count() != 1 || len(h.clock.slept()) != 0 {
			t.Errorf("%d requests, sleeps %v", ts.count(), h.clock.slept())
		}
	})
	t.Run("not retried: 404", func(t *testing.T) {
		ts := newTestServer(t, fail(404, 70001, "run record does not exist"))
		h := newHarness(t, ts.URL)
		_, err := h.client.GetRun(context.Background(), RunRef{Slug: "01KRUN"})
		var apiErr *Error
		if !errors.As(err, &apiErr) || !apiErr.IsNotFound() || ts.count() != 1 {
			t.Errorf("error %v after %d requests", err, ts.count())
		}
	})
}

func shortTimeouts() Timeouts {
	return Timeouts{Connect: time.Second, TLS: time.Second, Header: 20 * time.Millisecond, SyncHeader: time.Minute, Idle: 20 * time.Millisecond}
}

func TestHeaderTimeout(t *testing.T) { synctest.Test(t, testHeaderTimeout) }

func testHeaderTimeout(t *testing.T) {
	nw := memnet.New()
	ts := newMemTestServer(t, nw, blockUntilGone)
	h := newHarness(t, ts.URL, memTransport(nw), func(o *Options) { o.Timeouts = shortTimeouts(); o.Retry.MaxAttempts = 2 })
	_, err := h.client.GetRun(context.Background(), RunRef{Slug: "01KRUN"})
	var netErr *NetworkError
	if !errors.As(err, &netErr) || !netErr.Timeout || netErr.NotSent {
		t.Fatalf("error %#v", err)
	}
	if want := "GET " + ts.URL + "/api/v2/worker-runs/01KRUN: no reply within 20ms"; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	// A read is retried after a timeout.
	if ts.count() != 2 || len(*h.notices) != 1 || (*h.notices)[0] != "retrying GET /api/v2/worker-runs/01KRUN in 500ms: no reply within 20ms (attempt 2 of 2)" {
		t.Errorf("%d requests, notices %q", ts.count(), *h.notices)
	}
}

func TestSyncStartUsesTheLongHeaderTimeout(t *testing.T) {
	synctest.Test(t, testSyncStartUsesTheLongHeaderTimeout)
}

func testSyncStartUsesTheLongHeaderTimeout(t *testing.T) {
	slowReply := func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(60 * time.Millisecond):
		case <-r.Context().Done():
			return
		}
		ok(`{"run_slug":"01KS","run_status":"succeeded"}`)(w, r)
	}
	nw := memnet.New()
	ts := newMemTestServer(t, nw, slowReply)
	h := newHarness(t, ts.URL, memTransport(nw), func(o *Options) { o.Timeouts = shortTimeouts() })
	got, err := h.client.StartRun(context.Background(), "o~w", RunRequest{IsAsync: false})
	if err != nil || got.RunSlug != "01KS" {
		t.Fatalf("sync start: %+v, %v", got, err)
	}
	// The same wait cuts an asynchronous start, which is then not retried:
	// the run may have been created.
	_, err = h.client.StartRun(context.Background(), "o~w", RunRequest{IsAsync: true})
	var netErr *NetworkError
	if !errors.As(err, &netErr) || !netErr.Timeout || err.Error() != "POST "+ts.URL+"/api/v2/workers/o~w/runs: no reply within 20ms" {
		t.Fatalf("async start: %v", err)
	}
	if ts.count() != 2 {
		t.Errorf("%d requests, want 2", ts.count())
	}
}

func TestIdleBodyTimeout(t *testing.T) { synctest.Test(t, testIdleBodyTimeout) }

func testIdleBodyTimeout(t *testing.T) {
	nw := memnet.New()
	stall := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(200)
		io.WriteString(w, `{"code":0,"data":`)
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}
	ts := newMemTestServer(t, nw, stall)
	h := newHarness(t, ts.URL, memTransport(nw), func(o *Options) {
		o.Timeouts = shortTimeouts()
		o.Timeouts.Header = time.Minute
		o.Retry = NoRetries()
	})
	_, err := h.client.GetRun(context.Background(), RunRef{Slug: "01KRUN"})
	var netErr *NetworkError
	if !errors.As(err, &netErr) || !netErr.Timeout || err.Error() != "GET "+ts.URL+"/api/v2/worker-runs/01KRUN: reply stalled for 20ms" {
		t.Fatalf("error %v", err)
	}

	// A body that keeps coming, however slowly, is not cut.
	trickle := func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(200)
		for _, chunk := range []string{`{"code":0,`, `"data":`, runJSON, `}`} {
			io.WriteString(w, chunk)
			w.(http.Flusher).Flush()
			time.Sleep(2 * time.Millisecond)
		}
	}
	ts2 := newMemTestServer(t, nw, trickle)
	h2 := newHarness(t, ts2.URL, memTransport(nw), func(o *Options) {
		o.Timeouts = shortTimeouts()
		o.Timeouts.Idle = time.Second
		o.Timeouts.Header = time.Minute
	})
	if run, err := h2.client.GetRun(context.Background(), RunRef{Slug: "01KRUN"}); err != nil || run.Slug != "01KRUN" {
		t.Errorf("trickled reply: %+v, %v", run, err)
	}
}

func TestRedirects(t *testing.T) {
	other := newTestServer(t, ok(runJSON))
	ts := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusFound)
	})
	h := newHarness(t, ts.URL)
	_, err := h.client.GetRun(context.Background(), RunRef{Slug: "01KRUN"})
	wantHost := strings.TrimPrefix(other.URL, "http://")
	if err == nil || err.Error() != "GET "+ts.URL+"/api/v2/worker-runs/01KRUN: refusing to follow a redirect to another host ("+wantHost+")" {
		t.Fatalf("error %v", err)
	}
	if other.count() != 0 {
		t.Errorf("the other host got %d requests (with the key?)", other.count())
	}
	// Refusing is final: asking again gets the same redirect.
	if ts.count() != 1 || len(*h.notices) != 0 {
		t.Errorf("%d requests, notices %q", ts.count(), *h.notices)
	}

	// Within the API host, redirects are followed with the key.
	same := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/api/v2/worker-runs/01KRUN", http.StatusMovedPermanently)
	}, ok(runJSON))
	h = newHarness(t, same.URL)
	if run, err := h.client.GetRun(context.Background(), RunRef{Slug: "OLD"}); err != nil || run.Slug != "01KRUN" {
		t.Fatalf("same-host redirect: %+v, %v", run, err)
	}
	reqs := same.requests()
	if len(reqs) != 2 || reqs[1].URI != "/api/v2/worker-runs/01KRUN" || reqs[1].Header.Get("Authorization") != "Bearer "+testKey {
		t.Errorf("requests %+v", reqs)
	}
}

func TestRedirectPolicies(t *testing.T) {
	req := func(raw string) *http.Request {
		r, _ := http.NewRequest("GET", raw, nil)
		r.Header.Set("Authorization", "Bearer k")
		return r
	}
	via := []*http.Request{req("https://api.example.com/a")}
	if err := sameHostRedirects(req("https://api.example.com/b"), via); err != nil {
		t.Errorf("same host: %v", err)
	}
	for target, want := range map[string]string{
		"http://api.example.com/b":      "refusing to follow a redirect to another host (api.example.com)",
		"https://evil.example.com/b":    "refusing to follow a redirect to another host (evil.example.com)",
		"https://api.example.com:444/b": "refusing to follow a redirect to another host (api.example.com:444)",
	} {
		if err := sameHostRedirects(req(target), via); err == nil || err.Error() != want {
			t.Errorf("redirect to %s: %v", target, err)
		}
	}
	five := []*http.Request{via[0], via[0], via[0], via[0], via[0]}
	if err := sameHostRedirects(req("https://api.example.com/b"), five); err == nil || err.Error() != "too many redirects" {
		t.Errorf("sixth redirect: %v", err)
	}
	// Downloads follow redirects anywhere, never with a key.
	r := req("https://cdn.example.com/file")
	r.Header.Set("Referer", "https://files.example.com/export.csv?sig=secret")
	if err := limitRedirects(r, via); err != nil || r.Header.Get("Authorization") != "" || r.Header.Get("Referer") != "" {
		t.Errorf("download redirect: %v, Authorization %q, Referer %q", err, r.Header.Get("Authorization"), r.Header.Get("Referer"))
	}
	ten := make([]*http.Request, 10)
	if err := limitRedirects(r, ten); err == nil || err.Error() != "too many redirects" {
		t.Errorf("eleventh redirect: %v", err)
	}
}

// dateHeader is the Date header of a trace, which changes every second.
var dateHeader = regexp.MustCompile(`< Date: [^\n]*`)

func TestDebugTrace(t *testing.T) {
	ts := newTestServer(t, ok(`{"run_slug":"01KNEW"}`), fail(404, 70001, "run record does not exist", "X-Request-Id", "req-404"))
	// The trace goes to coreclaw's stderr, which redacts the key.
	ios, _, _, trace := iostreams.Test()
	ios.AddSecret(testKey)
	h := newHarness(t, ts.URL, func(o *Options) { o.Debug = ios.ErrOut; o.Retry = NoRetries() })
	h.clock.step = 7 * time.Millisecond
	ctx := context.Background()
	// The key shows up in a body and in a path: both are redacted too.
	if _, err := h.client.StartRun(ctx, "o~w", RunRequest{Input: json.RawMessage(`{"parameters":{"custom":{"leak":"` + testKey + `"}}}`), IsAsync: true}); err != nil {
		t.Fatal(err)
	}
	h.client.GetRun(ctx, RunRef{Slug: "x" + testKey + "y"})

	okBody := `{"code":0,"message":"success","request_id":"req-ok","data":{"run_slug":"01KNEW"}}`
	notFound := `{"code":70001,"message":"run record does not exist","request_id":"req-404"}`
	want := fmt.Sprintf(`> POST %[1]s/api/v2/workers/o~w/runs
> Accept: application/json
> Authorization: Bearer [REDACTED]
> Content-Type: application/json
> User-Agent: coreclaw/test
> {"input":{"parameters":{"custom":{"leak":"[REDACTED]"}}},"is_async":true}
< 200 OK (7ms, %[2]d bytes, request req-ok)
< Content-Length: %[2]d
< Content-Type: application/json
< Date: DATE
< X-Request-Id: req-ok
< %[4]s
> GET %[1]s/api/v2/worker-runs/x[REDACTED]y
> Accept: application/json
> Authorization: Bearer [REDACTED]
> User-Agent: coreclaw/test
< 404 Not Found (7ms, %[3]d bytes, request req-404)
< Content-Length: %[3]d
< Content-Type: application/json
< Date: DATE
< X-Request-Id: req-404
< %[5]s
`, ts.URL, len(okBody), len(notFound), okBody, notFound)
	if got := dateHeader.ReplaceAllString(trace.String(), "< Date: DATE"); got != want {
		t.Errorf("trace:\n%s\nwant:\n%s", got, want)
	}
	if strings.Contains(trace.String(), testKey) {
		t.Error("the key is in the trace")
	}
	// The server did get the key, and the real path.
	if r := ts.requests()[1]; r.URI != "/api/v2/worker-runs/x"+testKey+"y" || r.Header.Get("Authorization") != "Bearer "+testKey {
		t.Errorf("request %+v", r)
	}
}

// --debug shows a download link, and where it redirects, without its
// signed query (REFERENCE: such links carry a signature).
func TestDebugTraceHidesDownloadQueries(t *testing.T) {
	ts := newTestServer(t,
		func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/real/export.csv?X-Amz-Signature=SIG2secret&X-Amz-Expires=60", http.StatusFound)
		},
		func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "a,b\n") })
	var trace bytes.Buffer
	h := newHarness(t, ts.URL, func(o *Options) { o.Debug = &trace; o.Retry = NoRetries() })
	h.clock.step = 2 * time.Millisecond
	d, err := h.client.Download(context.Background(), ts.URL+"/export.csv?sig=SIG1secret&exp=1")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, d.Body)
	d.Body.Close()
	got := trace.String()
	for _, want := range []string{
		"> GET " + ts.URL + "/export.csv?[REDACTED]\n",
		"> GET " + ts.URL + "/real/export.csv?[REDACTED]\n",
		"< 302 Found (2ms, ",
		"< 200 OK (2ms, 4 bytes)\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("trace lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "SIG1secret") || strings.Contains(got, "SIG2secret") || strings.Contains(got, "Authorization") {
		t.Errorf("trace shows a signature or a credential:\n%s", got)
	}
	// The server got the signed links as they were.
	if r := ts.requests(); len(r) != 2 || r[0].URI != "/export.csv?sig=SIG1secret&exp=1" || !strings.Contains(r[1].URI, "SIG2secret") {
		t.Errorf("requests %+v", r)
	}
}

func TestDebugTraceOfAFailedConnection(t *testing.T) {
	addr := closedPort(t)
	var trace bytes.Buffer
	h := newHarness(t, "http://"+addr, func(o *Options) { o.Debug = &trace; o.Retry = NoRetries() })
	h.clock.step = 3 * time.Millisecond
	h.client.GetRun(context.Background(), RunRef{Slug: "01KRUN"})
	want := "> GET http://" + addr + "/api/v2/worker-runs/01KRUN\n> Accept: application/json\n> Authorization: Bearer [REDACTED]\n> User-Agent: coreclaw/test\n" +
		"< error after 3ms: dial tcp " + addr + ": connect: connection refused\n"
	if got := trace.String(); got != want {
		t.Errorf("trace:\n%s\nwant:\n%s", got, want)
	}
}

func TestDebugRedaction(t *testing.T) {
	for in, want := range map[string]string{
		"Bearer abc":       "Bearer [REDACTED]",
		"abc":              "[REDACTED]",
		"Basic dXNlcjpwdw": "Basic [REDACTED]",
	} {
		if got := redactCredential(in); got != want {
			t.Errorf("redactCredential(%q) = %q", in, got)
		}
	}
	for _, h := range []string{"Authorization", "api-key", "X-API-Key", "cookie", "Set-Cookie", "Proxy-Authorization"} {
		if !isSensitiveHeader(h) {
			t.Errorf("%s is not sensitive", h)
		}
	}
	if isSensitiveHeader("Accept") {
		t.Error("Accept is sensitive")
	}
	u, _ := url.Parse("https://u:p@x.example.com/p?token=t&api-key=a&apikey=b&api_key=c&q=1#f")
	if got := redactURL(u); got != "https://x.example.com/p?api-key=[REDACTED]&api_key=[REDACTED]&apikey=[REDACTED]&q=1&token=[REDACTED]#f" {
		t.Errorf("redactURL = %s", got)
	}
	for in, want := range map[string]string{
		"https://files.example.com/a/export.csv?X-Amz-Signature=abc&exp=1": "https://files.example.com/a/export.csv?[REDACTED]",
		"https://files.example.com/log.txt":                                "https://files.example.com/log.txt",
		"https://files.example.com/log.txt?":                               "https://files.example.com/log.txt?[REDACTED]",
		"https://u:p@files.example.com/x?sig=1#frag":                       "https://files.example.com/x?[REDACTED]",
	} {
		u, _ := url.Parse(in)
		if got := hideQuery(u); got != want {
			t.Errorf("hideQuery(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestCancelledWhileWaitingForTheReply(t *testing.T) {
	arrived := make(chan struct{})
	ts := newTestServer(t, func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		<-r.Context().Done()
	})
	h := newHarness(t, ts.URL)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-arrived; cancel() }()
	_, err := h.client.GetRun(ctx, RunRef{Slug: "01KRUN"})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	var netErr *NetworkError
	if errors.As(err, &netErr) {
		t.Errorf("a cancelled request came back as a network error: %v", err)
	}
	if ts.count() != 1 || len(h.clock.slept()) != 0 {
		t.Errorf("%d requests, sleeps %v", ts.count(), h.clock.slept())
	}
}

func TestCancelledWhileBackingOff(t *testing.T) {
	ts := newTestServer(t, fail(503, 10000, "internal server error"))
	ctx, cancel := context.WithCancel(context.Background())
	h := newHarness(t, ts.URL, func(o *Options) {
		o.Sleep = func(ctx context.Context, d time.Duration) error { cancel(); return ctx.Err() }
	})
	_, err := h.client.GetRun(ctx, RunRef{Slug: "01KRUN"})
	if !errors.Is(err, context.Canceled) || ts.count() != 1 {
		t.Errorf("error %v after %d requests", err, ts.count())
	}
}

func TestUnexpectedReplies(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		call    func(c *Client) error
		want    string
	}{
		{"run without a slug", ok(`{"status":"running"}`),
			func(c *Client) error { _, err := c.GetRun(context.Background(), RunRef{Slug: "01KRUN"}); return err },
			"unexpected reply to GET /api/v2/worker-runs/01KRUN: no run slug in the reply"},
		{"run of the wrong shape", ok(`[1,2]`),
			func(c *Client) error { _, err := c.GetRun(context.Background(), RunRef{Slug: "01KRUN"}); return err },
			"unexpected reply to GET /api/v2/worker-runs/01KRUN: json: cannot unmarshal array into Go value of type api.Run"},
		{"run with a bad number", ok(`{"slug":"x","results":"many"}`),
			func(c *Client) error { _, err := c.GetRun(context.Background(), RunRef{Last: true}); return err },
			"unexpected reply to GET /api/v2/worker-runs/last: cannot read many as an integer"},
		{"run with no data", ok(""),
			func(c *Client) error { _, err := c.GetRun(context.Background(), RunRef{Slug: "01KRUN"}); return err },
			"unexpected reply to GET /api/v2/worker-runs/01KRUN: no run slug in the reply"},
		{"start without a slug", ok(`{}`),
			func(c *Client) error {
				_, err := c.StartRun(context.Background(), "o~w", RunRequest{IsAsync: true})
				return err
			},
			"unexpected reply to POST /api/v2/workers/o~w/runs: no run_slug in the reply"},
		{"start with a slug that is a path", ok(`{"run_slug":"../../users/account"}`),
			func(c *Client) error {
				_, err := c.StartRun(context.Background(), "o~w", RunRequest{IsAsync: true})
				return err
			},
			`unexpected reply to POST /api/v2/workers/o~w/runs: run id "../../users/account" contains '/', which is not allowed`},
		{"start with a slug holding escapes", ok(`{"run_slug":"01K\u001b[2J"}`),
			func(c *Client) error {
				_, err := c.StartRun(context.Background(), "o~w", RunRequest{IsAsync: true})
				return err
			},
			`unexpected reply to POST /api/v2/workers/o~w/runs: run id "01K\x1b[2J" contains whitespace or a control character`},
		{"last run with a bad slug", ok(`{"slug":".."}`),
			func(c *Client) error {
				_, err := c.GetRun(context.Background(), RunRef{Last: true, Worker: "o~w"})
				return err
			},
			`unexpected reply to GET /api/v2/workers/o~w/runs/last: run id ".." is not valid`},
		{"page of the wrong shape", ok(`{"list":{}}`),
			func(c *Client) error {
				_, err := c.ResultsPage(context.Background(), RunRef{Slug: "x"}, 1, 10)
				return err
			},
			"unexpected reply to GET /api/v2/worker-runs/x/result: json: cannot unmarshal object into Go struct field ResultPage.list of type []json.RawMessage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t, tt.handler)
			h := newHarness(t, ts.URL)
			err := tt.call(h.client)
			var re *ReplyError
			if !errors.As(err, &re) || err.Error() != tt.want {
				t.Errorf("error %v (%T), want %q", err, err, tt.want)
			}
			if ts.count() != 1 {
				t.Errorf("%d requests: a bad reply is not retried", ts.count())
			}
		})
	}
}

func TestClientURL(t *testing.T) {
	h := newHarness(t, "http://127.0.0.1:1/prefix/")
	tests := []struct {
		path  string
		query url.Values
		want  string
	}{
		{"/api/v2/worker-runs/x", nil, "http://127.0.0.1:1/prefix/api/v2/worker-runs/x"},
		{"/api/v2/workers/o~%E5%90%8D/runs", url.Values{"b": {"2"}, "a": {"1 x&y"}}, "http://127.0.0.1:1/prefix/api/v2/workers/o~%E5%90%8D/runs?a=1+x%26y&b=2"},
		{"/api/v2/worker-runs/caf%C3%A9/result", url.Values{"offset": {"1"}, "limit": {"100"}}, "http://127.0.0.1:1/prefix/api/v2/worker-runs/caf%C3%A9/result?limit=100&offset=1"},
	}
	for _, tt := range tests {
		if got := h.client.URL(tt.path, tt.query); got != tt.want {
			t.Errorf("URL(%q) = %s, want %s", tt.path, got, tt.want)
		}
	}
	if got := h.client.BaseURL(); got != "http://127.0.0.1:1/prefix" {
		t.Errorf("BaseURL() = %s", got)
	}
}

func TestNew(t *testing.T) {
	if _, err := New(Options{BaseURL: "http://api.example.com"}); err == nil || err.Error() != `base URL "http://api.example.com" uses http: only https is allowed, except on a loopback address` {
		t.Errorf("New with a bad URL: %v", err)
	}
	c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseURL() != DefaultBaseURL || c.HasKey() || c.userAgent != "coreclaw/dev" || c.timeouts != DefaultTimeouts() ||
		c.retry.MaxAttempts != 5 || c.now == nil || c.sleep == nil || c.notify == nil || c.debug != nil {
		t.Errorf("defaults: %+v", c)
	}
	if d := DefaultTimeouts(); d.Header != time.Minute || d.SyncHeader != 6*time.Minute+30*time.Second || d.Idle != time.Minute || d.Connect != 10*time.Second || d.TLS != 10*time.Second {
		t.Errorf("DefaultTimeouts() = %+v", d)
	}
	tr := NewTransport(Timeouts{Connect: time.Second, TLS: 2 * time.Second}, nil)
	if tr.TLSHandshakeTimeout != 2*time.Second || tr.Proxy != nil {
		t.Errorf("NewTransport without a proxy: %+v", tr)
	}
	tr = NewTransport(Timeouts{}, ProxyFromEnv(func(string) (string, bool) { return "", false }))
	if tr.Proxy == nil {
		t.Errorf("NewTransport with a proxy choice has no Proxy func")
	}
}

func TestSleepContext(t *testing.T) {
	if err := SleepContext(context.Background(), 0); err != nil {
		t.Errorf("zero sleep: %v", err)
	}
	if err := SleepContext(context.Background(), -time.Second); err != nil {
		t.Errorf("negative sleep: %v", err)
	}
	if err := SleepContext(context.Background(), time.Millisecond); err != nil {
		t.Errorf("1ms: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := SleepContext(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	if err := SleepContext(ctx, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled zero sleep: %v", err)
	}
}
