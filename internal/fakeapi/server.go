// Package fakeapi is a CoreClaw API v2 on loopback for tests and the demo.
// It behaves as the API is documented (runs that progress, paged results,
// the error envelopes and codes, the documented variants), records every
// request, checks each one against the upstream openapi.json and records
// anything the spec rejects as a violation, and can be told to fail
// requests in scripted ways.
package fakeapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/routers"
)

// DefaultAPIKey is the key the fake accepts unless told otherwise.
const DefaultAPIKey = "cc_test_0123456789abcdef"

// Options configure a fake server.
type Options struct {
	Spec *Spec
	// APIKey is the one key accepted; DefaultAPIKey when empty.
	APIKey string
	// Now is the server's clock; time.Now when nil. Tests pass a clock
	// that ticks on each call so that timestamps are reproducible.
	Now func() time.Time
	// Workers replaces the default catalogue.
	Workers []*Worker
	// Addr to listen on; 127.0.0.1:0 when empty. Must be loopback.
	Addr string
	// DownloadRate caps what the download host sends, in bytes a second
	// (fakeclaw --download-rate); 0 sends at full speed.
	DownloadRate int64
	// Sleep makes the download throttle's pauses; a timer when nil.
	Sleep func(ctx context.Context, d time.Duration) error
	// Latency is how long every API reply takes, from its request's
	// arrival to its first byte, as a distant server's round trip would
	// (fakeclaw --latency, the benchmarks): the fake's own work is inside
	// it, so that a benchmark measures the client and not the fake. A
	// reply that took longer to make leaves at once; 0 sends each reply
	// when it is ready. The download host is not delayed.
	Latency time.Duration
	// RunSlugs and TaskSlugs name the first runs and tasks created (the
	// README's examples show real-looking slugs); the rest, and all when
	// these are empty, get counted slugs (01KFAKER000000000000000001).
	RunSlugs, TaskSlugs []string
	// Listen opens the API's and the download host's listeners; net.Listen
	// when nil. Tests in a testing/synctest bubble pass an in-memory
	// network's (internal/memnet), on which the fake's delays and the
	// client's timeouts run on the bubble's clock.
	Listen func(network, address string) (net.Listener, error)
}

// Variants are the documented behaviours the real API has shown, selectable
// per test (REFERENCE §5, §6, §7.3, §9).
type Variants struct {
	IntegerStatus   bool // status as v1 integers 1–5
	StringLogs      bool // log entries as plain strings
	RowOffsetPaging bool // offset read as a row offset (before 2026-08-06)
	NoPageIndex     bool // result pages without page_index/page_size
	DetailNoErrMsg  bool // run detail without err_msg (production audit)
	// TimeProgress makes runs progress with the clock instead of reads:
	// ready for ReadyFor, then running for RunningFor.
	TimeProgress         bool
	ReadyFor, RunningFor time.Duration
	// ConcurrencyLimit > 0 refuses starts with 30003 while that many runs
	// are ready or running.
	ConcurrencyLimit int
	// LimitedBalance gives the account a balance of Balance starts: each
	// start that goes ahead costs one, and at zero starts are refused
	// with 30001 (balance.go).
	LimitedBalance bool
	Balance        int
	// SyncPolls is how many progress steps a synchronous start waits for
	// before replying; 0 waits until the run has ended.
	SyncPolls int
	// AbortSettles turns aborting into aborted on the next read.
	AbortSettles bool
	// ClockSkew moves the replies' Date header away from the real clock;
	// NoDateHeader leaves it out.
	ClockSkew    time.Duration
	NoDateHeader bool
	// QueueNoResults answers queue activate/release with data {}, as the
	// spec's examples do, instead of results[].
	QueueNoResults bool
	// IgnoreOffset serves the first page whatever offset asks for: a
	// broken server that a walk must report, never loop on.
	IgnoreOffset bool
	// Count is what paged lists (results, runs, tasks, queue items)
	// report as count: "" the true total, "zero" 0 whatever the rows,
	// "over" 100 more than there are, "off" no count at all.
	Count string
	// SyncSlugOnly answers a synchronous start with run_slug alone, as
	// the spec's example does (REFERENCE §9).
	SyncSlugOnly bool
	// WorkerPathSlash writes tasks' worker_path as owner/name instead of
	// owner~name (REFERENCE §16).
	WorkerPathSlash bool
	// LeakKey makes failed runs report the caller's key in err_msg (and
	// their last log line); Hostile fills run records' free text with
	// terminal controls, bidi overrides and line breaks (hostile.go).
	LeakKey bool
	Hostile bool
	// SignedLinks gives download links a signed query, as object storage
	// does; the CLI must not print it.
	SignedLinks bool
}

// Request is one request as the fake received it.
type Request struct {
	Method        string
	Path          string
	Query         string
	Body          string
	Authorization string
	APIKeyHeader  string
	UserAgent     string
	ContentType   string
	Host          string
}

// Line renders a request as "METHOD /path?query body" for scripts.
func (r Request) Line(withBody bool) string {
	s := r.Method + " " + r.Path
	if r.Query != "" {
		s += "?" + r.Query
	}
	if withBody && r.Body != "" {
		s += " " + r.Body
	}
	return s
}

// Server is a running fake API.
type Server struct {
	URL string

	spec     *Spec
	key      string
	now      func() time.Time
	listener net.Listener
	http     *http.Server
	mux      *http.ServeMux

	mu         sync.Mutex
	variants   Variants
	workers    []*Worker
	runs       []*fakeRun // in creation order
	tasks      []*fakeTask
	queue      []*queueItem
	requests   []Request
	changed    chan struct{} // closed and replaced on every new request
	violations []string
	faults     []*Fault
	nextID     int
	nextRun    int
	nextTask   int
	nextQueue  int
	downloads  map[string]download
	exports    map[string][]byte // export files of ended runs, by run, rows, format and fields
	files      *downloadHost

	downloadRate int64
	sleep        func(ctx context.Context, d time.Duration) error
	latency      time.Duration

	runSlugs, taskSlugs []string
	listen              func(network, address string) (net.Listener, error)
}

// Start starts a fake server on loopback.
func Start(opts Options) (*Server, error) {
	if opts.Spec == nil {
		return nil, errors.New("fakeapi: a Spec is required: the fake checks every request against it")
	}
	if opts.APIKey == "" {
		opts.APIKey = DefaultAPIKey
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Workers == nil {
		opts.Workers = DefaultWorkers()
	}
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	if opts.Sleep == nil {
		opts.Sleep = sleepContext
	}
	if opts.Latency < 0 {
		return nil, fmt.Errorf("fakeapi: negative latency %v", opts.Latency)
	}
	if opts.DownloadRate < 0 {
		return nil, fmt.Errorf("fakeapi: negative download rate %d", opts.DownloadRate)
	}
	host, _, err := net.SplitHostPort(opts.Addr)
	if err != nil {
		return nil, err
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("fakeapi: refusing to listen on %s: loopback only", opts.Addr)
	}
	if opts.Listen == nil {
		opts.Listen = net.Listen
	}
	ln, err := opts.Listen("tcp", opts.Addr)
	if err != nil {
		return nil, err
	}
	s := &Server{
		URL:       "http://" + ln.Addr().String(),
		spec:      opts.Spec,
		key:       opts.APIKey,
		now:       opts.Now,
		listener:  ln,
		workers:   opts.Workers,
		downloads: map[string]download{},
		exports:   map[string][]byte{},

		downloadRate: opts.DownloadRate,
		sleep:        opts.Sleep,
		latency:      opts.Latency,
		runSlugs:     opts.RunSlugs,
		taskSlugs:    opts.TaskSlugs,
		listen:       opts.Listen,
	}
	if err := s.startDownloadHost(ln.Addr().String()); err != nil {
		ln.Close()
		return nil, err
	}
	s.mux = http.NewServeMux()
	s.routes()
	s.http = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go s.http.Serve(ln)
	return s, nil
}

// Close stops the server.
func (s *Server) Close() error {
	s.closeDownloadHost()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := s.http.Shutdown(ctx); err != nil {
		return s.http.Close()
	}
	return nil
}

// APIKey is the key the server accepts.
func (s *Server) APIKey() string { return s.key }

// SetVariants replaces the behaviour variants.
func (s *Server) SetVariants(v Variants) {
	s.mu.Lock()
	s.variants = v
	s.mu.Unlock()
}

// Variants returns the behaviour variants in force.
func (s *Server) Variants() Variants {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.variants
}

// Requests returns the requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// ResetRequests forgets the requests received so far.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	s.requests = nil
	s.signalLocked()
	s.mu.Unlock()
}

// Violations returns what the spec rejected: requests the client should
// never have sent, and replies the fake should never have given.
func (s *Server) Violations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.violations...)
}

// ServeHTTP records, checks against the spec, applies faults and auth, then
// dispatches.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var arrived time.Time
	if s.latency > 0 {
		// Read only then: tests' clocks tick on every reading.
		arrived = s.now()
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	if err != nil {
		http.Error(w, "cannot read body", http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	s.record(r, body)

	route, params, verr := s.spec.ValidateRequest(r.Context(), r)
	r.Body = io.NopCloser(bytes.NewReader(body))
	if verr != nil {
		s.violation("request %s %s: %v", r.Method, r.URL.RequestURI(), verr)
		switch {
		case route == nil:
			s.writeError(w, http.StatusNotFound, 11004, "not found", nil)
		case errors.Is(verr, ErrUnexpectedBody):
			s.writeError(w, http.StatusUnprocessableEntity, 11000, "invalid argument", []string{verr.Error()})
		default:
			s.writeError(w, http.StatusBadRequest, 11000, "invalid argument", []string{verr.Error()})
		}
		return
	}

	fault := s.takeFault(r)
	if fault != nil && fault.delayOnly() {
		select {
		case <-time.After(fault.Delay):
		case <-r.Context().Done():
		}
		fault = nil
	}
	if fault != nil && !fault.AfterHandling {
		s.applyFault(w, r, fault, nil)
		return
	}

	if !isPublic(route) {
		if status, code, msg := s.checkAuth(r); status != 0 {
			s.writeError(w, status, code, msg, nil)
			return
		}
	}

	rec := &recorder{header: http.Header{}, status: http.StatusOK}
	s.mux.ServeHTTP(rec, r)
	if err := s.spec.ValidateResponse(r.Context(), r, route, params, rec.status, rec.header, rec.body.Bytes()); err != nil {
		s.violation("reply to %s %s: %v", r.Method, r.URL.RequestURI(), err)
	}
	if s.latency > 0 {
		if hold := holdBack(s.latency, s.now().Sub(arrived)); hold > 0 && s.sleep(r.Context(), hold) != nil {
			return // the client has gone
		}
	}
	if fault != nil {
		s.applyFault(w, r, fault, rec)
		return
	}
	s.stampDate(rec.header)
	rec.copyTo(w)
}

// holdBack is how long a reply that took spent to make still waits, so
// that it leaves latency after its request arrived.
func holdBack(latency, spent time.Duration) time.Duration {
	return max(latency-max(spent, 0), 0)
}

func isPublic(route *routers.Route) bool {
	if route == nil || route.Operation == nil || route.Operation.Security == nil {
		return false
	}
	return len(*route.Operation.Security) == 0
}

// checkAuth accepts the three documented modes (Bearer, api-key, ?token=).
func (s *Server) checkAuth(r *http.Request) (int, int, string) {
	var got string
	switch {
	case r.Header.Get("Authorization") != "":
		scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		if !strings.EqualFold(scheme, "Bearer") {
			return http.StatusUnauthorized, 12002, "invalid token"
		}
		got = strings.TrimSpace(token)
	case r.Header.Get("api-key") != "":
		got = r.Header.Get("api-key")
	case r.URL.Query().Get("token") != "":
		got = r.URL.Query().Get("token")
	default:
		return http.StatusUnauthorized, 12001, "authentication required"
	}
	if got != s.key {
		return http.StatusUnauthorized, 12002, "invalid token"
	}
	return 0, 0, ""
}

func (s *Server) record(r *http.Request, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, Request{
		Method:        r.Method,
		Path:          r.URL.EscapedPath(),
		Query:         r.URL.RawQuery,
		Body:          string(body),
		Authorization: r.Header.Get("Authorization"),
		APIKeyHeader:  r.Header.Get("api-key"),
		UserAgent:     r.Header.Get("User-Agent"),
		ContentType:   r.Header.Get("Content-Type"),
		Host:          r.Host,
	})
	s.signalLocked()
}

// signalLocked wakes everyone in WaitFor; callers hold s.mu.
func (s *Server) signalLocked() {
	if s.changed != nil {
		close(s.changed)
	}
	s.changed = make(chan struct{})
}

// WaitFor blocks until cond holds for the requests received so far, or ctx
// ends. It wakes on each new request rather than polling.
func (s *Server) WaitFor(ctx context.Context, cond func([]Request) bool) error {
	for {
		s.mu.Lock()
		if s.changed == nil {
			s.changed = make(chan struct{})
		}
		ok, changed := cond(s.requests), s.changed
		s.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (s *Server) violation(format string, args ...any) {
	s.mu.Lock()
	s.violations = append(s.violations, fmt.Sprintf(format, args...))
	s.mu.Unlock()
}

func (s *Server) requestID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	return fmt.Sprintf("req-%d", s.nextID)
}

// writeOK writes a success envelope; data nil leaves data out, as abort and
// delete replies do.
func (s *Server) writeOK(w http.ResponseWriter, data any) {
	env := map[string]any{"code": 0, "message": "success", "request_id": s.requestID()}
	if data != nil {
		env["data"] = data
	}
	s.writeJSON(w, http.StatusOK, env)
}

func (s *Server) writeError(w http.ResponseWriter, status, code int, msg string, details []string) {
	env := map[string]any{"code": code, "message": msg, "request_id": s.requestID()}
	if details != nil {
		env["details"] = details
	}
	s.writeJSON(w, status, env)
}

func (s *Server) writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"code":10000,"message":"internal server error"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	if id, ok := v.(map[string]any)["request_id"].(string); ok {
		w.Header().Set("X-Request-Id", id)
	}
	w.WriteHeader(status)
	w.Write(b)
}

// recorder holds a reply so it can be checked against the spec, or spoiled
// by a fault, before it is sent.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
	wrote  bool
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.body.Write(b)
}
func (r *recorder) WriteHeader(status int) {
	if !r.wrote {
		r.status = status
		r.wrote = true
	}
}

func (r *recorder) copyTo(w http.ResponseWriter) {
	for k, v := range r.header {
		w.Header()[k] = v
	}
	w.WriteHeader(r.status)
	w.Write(r.body.Bytes())
}
