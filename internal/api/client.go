// Package api is the CoreClaw API v2 client: typed calls, the envelope and
// its errors, tolerant decoding, strict encoding, timeouts and retries.
package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/coreclaw/coreclaw/internal/iostreams"
)

// DefaultBaseURL is the production API.
const DefaultBaseURL = "https://openapi.coreclaw.com"

// maxReplyBytes bounds an API reply held in memory (a result page of 100
// rows is far below it). Downloads stream and are not bounded by it.
const maxReplyBytes = 64 << 20

// Timeouts bound each phase of a request, and each API call as a whole.
// A download has no total limit, so that a large file on a slow link is
// not cut; it must keep moving instead (Idle, MinRate).
type Timeouts struct {
	Connect    time.Duration // TCP connect
	TLS        time.Duration // TLS handshake
	Header     time.Duration // request sent → response headers, normal calls
	SyncHeader time.Duration // the same for synchronous runs (server holds ≤ 5 min)
	Idle       time.Duration // no body bytes for this long
	// Total bounds one attempt of an API call from sending to the last
	// byte of the reply: a reply that trickles in a byte at a time cannot
	// hold a command for hours.
	Total     time.Duration
	SyncTotal time.Duration // the same for synchronous runs
	// MinRate is the slowest a download may be, in bytes per second of
	// waiting for the network, measured over each RateWindow: a download
	// that trickles slower than that fails (and can be started again).
	MinRate    int64
	RateWindow time.Duration
}

// DefaultTimeouts returns the timeouts used unless told otherwise.
func DefaultTimeouts() Timeouts {
	return Timeouts{
		Connect:    10 * time.Second,
		TLS:        10 * time.Second,
		Header:     60 * time.Second,
		SyncHeader: 6*time.Minute + 30*time.Second,
		Idle:       60 * time.Second,
		Total:      2 * time.Minute,
		SyncTotal:  7 * time.Minute,
		MinRate:    1 << 10,
		RateWindow: 60 * time.Second,
	}
}

// withDefaults fills every zero field with its default.
func (t Timeouts) withDefaults() Timeouts {
	d := DefaultTimeouts()
	fill := func(v *time.Duration, def time.Duration) {
		if *v <= 0 {
			*v = def
		}
	}
	fill(&t.Connect, d.Connect)
	fill(&t.TLS, d.TLS)
	fill(&t.Header, d.Header)
	fill(&t.SyncHeader, d.SyncHeader)
	fill(&t.Idle, d.Idle)
	fill(&t.Total, d.Total)
	fill(&t.SyncTotal, d.SyncTotal)
	fill(&t.RateWindow, d.RateWindow)
	if t.MinRate <= 0 {
		t.MinRate = d.MinRate
	}
	return t
}

// Options configure a Client. Everything with side effects is injected.
type Options struct {
	BaseURL   string
	APIKey    string
	UserAgent string
	// Transport is the HTTP transport; nil builds one with the timeouts
	// and Proxy.
	Transport Transport
	// Proxy picks the proxy for a request (nil: none). ProxyFromEnv
	// builds one from HTTPS_PROXY, HTTP_PROXY and NO_PROXY.
	Proxy func(*url.URL) (*url.URL, error)
	// Debug, when not nil, receives a trace of every request and reply
	// with secrets redacted.
	Debug io.Writer
	// Notify receives one line per retry, for stderr.
	Notify   func(string)
	Sleep    func(context.Context, time.Duration) error
	Now      func() time.Time
	Retry    RetryPolicy
	Timeouts Timeouts
}

// Transport is an HTTP round tripper (net/http's interface, named here so
// that callers need not import net/http to inject one).
type Transport = http.RoundTripper

// Client calls CoreClaw API v2.
type Client struct {
	base      *url.URL
	apiKey    string
	userAgent string
	http      *http.Client // API calls: never follows a redirect to another host
	download  *http.Client // download URLs: no key, redirects allowed
	notify    func(string)
	sleep     func(context.Context, time.Duration) error
	now       func() time.Time
	retry     RetryPolicy
	timeouts  Timeouts
	maxReply  int64 // replies larger than this are refused
	// netNow times waits on the network (a download's minimum rate); like
	// the per-phase timers it is real time, not the injected Now.
	netNow func() time.Time
	paging *pagingMode
	debug  *debugLog
}

// New builds a client. The base URL must be https, or http on a loopback
// address (for the bundled fake API and local proxies).
func New(opts Options) (*Client, error) {
	base, err := ParseBaseURL(opts.BaseURL)
	if err != nil {
		return nil, err
	}
	opts.Timeouts = opts.Timeouts.withDefaults()
	if opts.Retry.MaxAttempts == 0 {
		opts.Retry = DefaultRetryPolicy()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Sleep == nil {
		opts.Sleep = SleepContext
	}
	if opts.Notify == nil {
		opts.Notify = func(string) {}
	}
	if opts.UserAgent == "" {
		opts.UserAgent = "coreclaw/dev"
	}
	transport := opts.Transport
	if transport == nil {
		transport = NewTransport(opts.Timeouts, opts.Proxy)
	}
	c := &Client{
		base:      base,
		apiKey:    opts.APIKey,
		userAgent: opts.UserAgent,
		notify:    opts.Notify,
		sleep:     opts.Sleep,
		now:       opts.Now,
		retry:     opts.Retry,
		timeouts:  opts.Timeouts,
		maxReply:  maxReplyBytes,
		netNow:    time.Now,
		paging:    &pagingMode{},
	}
	apiTransport, downloadTransport := transport, transport
	if opts.Debug != nil {
		c.debug = newDebugLog(opts.Debug, opts.Now)
		apiTransport = &debugTransport{next: transport, log: c.debug, showURL: redactURL}
		downloadTransport = &debugTransport{next: transport, log: c.debug, showURL: hideQuery}
	}
	c.http = &http.Client{Transport: apiTransport, CheckRedirect: sameHostRedirects}
	c.download = &http.Client{Transport: downloadTransport, CheckRedirect: limitRedirects}
	return c, nil
}

// NewTransport returns an HTTP transport with per-phase timeouts and the
// given proxy choice.
func NewTransport(t Timeouts, proxy func(*url.URL) (*url.URL, error)) *http.Transport {
	dialer := &net.Dialer{Timeout: t.Connect, KeepAlive: 30 * time.Second}
	var proxyFunc func(*http.Request) (*url.URL, error)
	if proxy != nil {
		proxyFunc = func(r *http.Request) (*url.URL, error) { return proxy(r.URL) }
	}
	return &http.Transport{
		Proxy:                 proxyFunc,
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   t.TLS,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          10,
		IdleConnTimeout:       90 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

// ParseBaseURL checks a base URL: https, or http only on loopback; no user
// info, query or fragment (nothing secret or ambiguous rides along).
func ParseBaseURL(raw string) (*url.URL, error) {
	if raw == "" {
		raw = DefaultBaseURL
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("base URL %q is not an http(s) URL", raw)
	}
	if u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return nil, fmt.Errorf("base URL %q must not carry user info, a query or a fragment", redactURL(u))
	}
	if u.Scheme == "http" && !IsLoopbackHost(u.Hostname()) {
		return nil, fmt.Errorf("base URL %q uses http: only https is allowed, except on a loopback address", raw)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// IsLoopbackHost reports localhost and loopback IP addresses.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// BaseURL is the API base URL in use.
func (c *Client) BaseURL() string { return c.base.String() }

// HasKey reports whether an API key is configured.
func (c *Client) HasKey() bool { return c.apiKey != "" }

// URL returns the full URL for an API path and query; it never contains
// the key.
func (c *Client) URL(path string, query url.Values) string {
	u := *c.base
	u.Path = c.base.Path + path
	u.RawPath = ""
	if strings.Contains(path, "%") {
		u.RawPath = c.base.Path + path
		if p, err := url.PathUnescape(path); err == nil {
			u.Path = c.base.Path + p
		}
	}
	u.RawQuery = query.Encode()
	return u.String()
}

// call describes one API operation.
type call struct {
	method string
	path   string // already escaped
	query  url.Values
	body   any  // JSON-encoded when not nil
	public bool // the operation needs no key (security: [] in the spec)
	// retry says which failures may be retried.
	retry retryClass
	// sync marks a synchronous run: the server may hold it 5 minutes.
	sync bool
	// header, when not nil, receives the reply's headers (doctor reads Date).
	header *http.Header
}

type retryClass int

const (
	// retryReads: safe to repeat (GET, abort, PUT): network faults,
	// timeouts, 429 and 5xx are retried.
	retryReads retryClass = iota
	// retryCreates: the request may start a paid run. Only replies that
	// prove nothing happened (429/13000, a refused connection) are retried.
	retryCreates
	// retryNever: never repeated (DELETE, which is not idempotent).
	retryNever
)

// envelope is the API's reply wrapper (REFERENCE §4). Only code must be
// readable: a message or request_id of an odd type must not make a reply
// (a started run, say) unreadable.
type envelope struct {
	Code      *Int64          `json:"code"`
	Message   Text            `json:"message"`
	RequestID Text            `json:"request_id"`
	Data      json.RawMessage `json:"data"`
	Details   detailList      `json:"details"`
}

// detailList accepts details as strings or any other JSON values.
type detailList []string

func (d *detailList) UnmarshalJSON(b []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		// A single string, or null.
		var s string
		if json.Unmarshal(b, &s) == nil && s != "" {
			*d = detailList{s}
		}
		return nil
	}
	out := make(detailList, 0, len(raw))
	for _, r := range raw {
		var s string
		if json.Unmarshal(r, &s) == nil {
			out = append(out, s)
		} else {
			out = append(out, string(r))
		}
	}
	*d = out
	return nil
}

// do sends a call, retrying as its class allows, and decodes the reply's
// data into out (when out is not nil).
func (c *Client) do(ctx context.Context, cl call, out any) error {
	if !cl.public && c.apiKey == "" {
		return ErrNoAPIKey
	}
	if !validHeaderValue(c.apiKey) {
		return ErrInvalidAPIKey
	}
	body, err := encodeBody(cl)
	if err != nil {
		return err
	}
	var data json.RawMessage
	err = c.retrying(ctx, cl.method+" "+cl.path, callClassifier(cl), func() (err error) {
		data, err = c.once(ctx, cl, body)
		return err
	})
	if err != nil {
		return err
	}
	if out == nil || len(data) == 0 || string(data) == "null" {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return &ReplyError{Op: cl.method + " " + cl.path, Err: err}
	}
	return nil
}

// once sends the request one time and returns the envelope's data. The
// attempt is bounded per phase (headers, gaps in the body) and as a whole.
func (c *Client) once(ctx context.Context, cl call, body []byte) (json.RawMessage, error) {
	headerTimeout, total := c.limits(cl)
	reqCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	totalTimer := time.AfterFunc(total, func() { cancel(errTotalTimeout) })
	defer totalTimer.Stop()

	req, err := c.newRequest(reqCtx, cl, body)
	if err != nil {
		return nil, err
	}

	timer := time.AfterFunc(headerTimeout, func() { cancel(errHeaderTimeout) })
	resp, err := c.http.Do(req)
	timer.Stop()
	if err != nil {
		return nil, c.transportError(reqCtx, cl, err)
	}
	defer resp.Body.Close()
	if cl.header != nil {
		*cl.header = resp.Header
	}

	raw, err := readIdle(reqCtx, resp.Body, c.maxReply, c.timeouts.Idle, cancel)
	if errors.Is(err, errReplyTooLarge) {
		return nil, &ReplyError{Op: cl.method + " " + cl.path, Err: err}
	}
	if err != nil {
		return nil, c.transportError(reqCtx, cl, err)
	}
	return decodeEnvelope(resp, raw)
}

// limits are the header timeout and the total limit of a call.
func (c *Client) limits(cl call) (header, total time.Duration) {
	if cl.sync {
		return c.timeouts.SyncHeader, c.timeouts.SyncTotal
	}
	return c.timeouts.Header, c.timeouts.Total
}

// encodeBody encodes a call's body as JSON; nil when it has none.
func encodeBody(cl call) ([]byte, error) {
	if cl.body == nil {
		return nil, nil
	}
	// Without HTML escaping: the user's input goes out as written, not
	// with <, > and & turned into \u003c, \u003e, \u0026.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(cl.body); err != nil {
		return nil, fmt.Errorf("encoding the request: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// newRequest builds the HTTP request for a call: URL, body and headers.
// Sending (once) and previewing (prepare) share it, so that a dry run
// shows exactly what would be sent.
func (c *Client) newRequest(ctx context.Context, cl call, body []byte) (*http.Request, error) {
	var rdr io.Reader
	if body != nil {
		rdr = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, cl.method, c.URL(cl.path, cl.query), rdr)
	if err != nil {
		return nil, fmt.Errorf("building the request: %w", err)
	}
	c.setHeaders(req, body != nil)
	return req, nil
}

func (c *Client) setHeaders(req *http.Request, hasBody bool) {
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("Accept", "application/json")
	if hasBody {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.apiKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.apiKey)
	}
}

// decodeEnvelope turns a reply into data or an *Error (REFERENCE §4: decode
// the envelope whatever the status; non-2xx or code != 0 is an error).
func decodeEnvelope(resp *http.Response, raw []byte) (json.RawMessage, error) {
	var env envelope
	jsonErr := json.Unmarshal(raw, &env)
	ok2xx := resp.StatusCode >= 200 && resp.StatusCode < 300
	redirect := resp.StatusCode >= 300 && resp.StatusCode < 400
	if jsonErr != nil || env.Code == nil || redirect {
		return nil, &Error{
			HTTPStatus:  resp.StatusCode,
			NotJSON:     true,
			BodyExcerpt: excerpt(raw),
			RequestID:   resp.Header.Get("X-Request-Id"),
			RetryAfter:  resp.Header.Get("Retry-After"),
		}
	}
	if ok2xx && *env.Code == CodeOK {
		return env.Data, nil
	}
	reqID := string(env.RequestID)
	if reqID == "" {
		reqID = resp.Header.Get("X-Request-Id")
	}
	return nil, &Error{
		HTTPStatus: resp.StatusCode,
		Code:       int64(*env.Code),
		Message:    string(env.Message),
		Details:    env.Details,
		RequestID:  reqID,
		RetryAfter: resp.Header.Get("Retry-After"),
	}
}

// excerpt says what a body that is not the API's JSON is, on one line,
// safe to print: an HTML page by its title (or, without one, its first
// line of visible text), never its markup; anything else by its first
// line of text.
func excerpt(raw []byte) string {
	s := string(bytes.ToValidUTF8(raw, []byte("?")))
	if looksLikeHTML(s) {
		s = htmlSummary(s)
	}
	return truncate(strings.Join(strings.Fields(oneLine(firstLine(s))), " "), 120)
}

// firstLine is the first line with something on it besides spaces and
// controls.
func firstLine(s string) string {
	for _, line := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' }) {
		if l := oneLine(line); l != "" {
			return l
		}
	}
	return ""
}

// htmlRegexps are compiled on first use (an HTML error page): at package
// level they would be compiled on every start, --version included.
type htmlRegexps struct {
	once                        sync.Once
	start, title, hidden, tagRE *regexp.Regexp
}

var htmlCompiled htmlRegexps

func htmlPatterns() *htmlRegexps {
	h := &htmlCompiled
	h.once.Do(func() {
		h.start = regexp.MustCompile(`(?i)^\s*(?:<!doctype\s+html|<html|<head|<body|<title|<!--|<h[1-6]|<p>|<div|<center)`)
		h.title = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title`)
		// Elements whose content is not visible text, comments, and tags.
		h.hidden = regexp.MustCompile(`(?is)<(script|style|head|template)\b.*?</(?:script|style|head|template)\s*>|<!--.*?-->`)
		h.tagRE = regexp.MustCompile(`(?s)<[^>]*>`)
	})
	return h
}

func looksLikeHTML(s string) bool { return htmlPatterns().start.MatchString(s) }

// htmlSummary is a page's title, else its visible text with one line per
// block of markup.
func htmlSummary(s string) string {
	h := htmlPatterns()
	if m := h.title.FindStringSubmatch(s); m != nil {
		if title := oneLine(html.UnescapeString(h.tagRE.ReplaceAllString(m[1], " "))); title != "" {
			return title
		}
	}
	s = h.hidden.ReplaceAllString(s, "\n")
	s = h.tagRE.ReplaceAllString(s, "\n")
	return html.UnescapeString(s)
}

// ReplyError is a 2xx reply whose data does not have the documented shape.
type ReplyError struct {
	Op  string
	Err error
}

func (e *ReplyError) Error() string {
	return fmt.Sprintf("unexpected reply to %s: %v", e.Op, e.Err)
}

func (e *ReplyError) Unwrap() error { return e.Err }

// NetworkError is a failure to get a reply at all.
type NetworkError struct {
	Method string
	URL    string // never contains a secret
	Err    error
	// NotSent is true when the connection was never made, so the server
	// cannot have acted on the request.
	NotSent bool
	Timeout bool
}

func (e *NetworkError) Error() string {
	return fmt.Sprintf("%s %s: %v", e.Method, e.URL, e.Err)
}

func (e *NetworkError) Unwrap() error { return e.Err }

var (
	errHeaderTimeout = errors.New("no reply")
	errIdleTimeout   = errors.New("reply stalled")
	errTotalTimeout  = errors.New("reply too slow")
	errTooSlow       = errors.New("download too slow")
	// errForeignRedirect marks a redirect away from the API host: the
	// same request would be redirected again, so it is not retried.
	errForeignRedirect = errors.New("refusing to follow a redirect to another host")
	// errReplyTooLarge: the same request would get the same reply.
	errReplyTooLarge = fmt.Errorf("the reply is larger than %d MiB", maxReplyBytes>>20)
)

// ErrInvalidAPIKey is returned, before anything is sent, when the key holds
// characters that an HTTP header cannot carry (a line break pasted with it,
// say): no server could accept it, so nothing is sent or retried.
var ErrInvalidAPIKey = errors.New("the API key contains a line break or another control character, so it cannot be sent")

// validHeaderValue reports whether v can be sent as a header value as it
// is: no control characters but tab.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if b := v[i]; (b < ' ' && b != '\t') || b == 0x7f {
			return false
		}
	}
	return true
}

func (c *Client) transportError(ctx context.Context, cl call, err error) error {
	ne := &NetworkError{Method: cl.method, URL: c.URL(cl.path, cl.query), Err: err}
	header, total := c.limits(cl)
	switch cause := context.Cause(ctx); {
	case errors.Is(cause, errHeaderTimeout):
		ne.Err = fmt.Errorf("no reply within %s", header)
		ne.Timeout = true
	case errors.Is(cause, errIdleTimeout):
		ne.Err = fmt.Errorf("reply stalled for %s", c.timeouts.Idle)
		ne.Timeout = true
	case errors.Is(cause, errTotalTimeout):
		ne.Err = fmt.Errorf("no complete reply within %s", total)
		ne.Timeout = true
	default:
		ne.Err = unwrapURLError(err)
		var netErr net.Error
		if errors.As(err, &netErr) && netErr.Timeout() {
			ne.Timeout = true
		}
		var opErr *net.OpError
		if errors.As(err, &opErr) && opErr.Op == "dial" {
			ne.NotSent = true
		}
	}
	return ne
}

func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// readIdle reads a body up to limit bytes, failing when no byte arrives for
// idle. cancel aborts the request when the idle timer fires.
func readIdle(ctx context.Context, r io.Reader, limit int64, idle time.Duration, cancel context.CancelCauseFunc) ([]byte, error) {
	timer := time.AfterFunc(idle, func() { cancel(errIdleTimeout) })
	defer timer.Stop()
	var buf bytes.Buffer
	chunk := make([]byte, 32<<10)
	for {
		n, err := r.Read(chunk)
		if n > 0 {
			timer.Reset(idle)
			if int64(buf.Len()+n) > limit {
				return nil, errReplyTooLarge
			}
			buf.Write(chunk[:n])
		}
		if err == io.EOF {
			return buf.Bytes(), nil
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, err
		}
	}
}

// sameHostRedirects follows redirects only within the API host: the key
// must never be sent anywhere else.
func sameHostRedirects(req *http.Request, via []*http.Request) error {
	// A redirect is never followed for a request that changes something:
	// net/http would send a POST again (307, 308) or turn it into a GET
	// (301-303), and a start sent twice pays twice. The 3xx itself is the
	// reply (decodeEnvelope).
	if via[0].Method != http.MethodGet && via[0].Method != http.MethodHead {
		return http.ErrUseLastResponse
	}
	if len(via) >= 5 {
		return errors.New("too many redirects")
	}
	if req.URL.Host != via[0].URL.Host || req.URL.Scheme != via[0].URL.Scheme {
		return fmt.Errorf("%w (%s)", errForeignRedirect, req.URL.Host)
	}
	return nil
}

func limitRedirects(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("too many redirects")
	}
	// Download requests never carry the key; make sure nothing added one.
	req.Header.Del("Authorization")
	// Nor the previous link's signed query, which net/http would pass on
	// as the Referer (and --debug would print).
	req.Header.Del("Referer")
	return nil
}

// redactURL prints a URL without user info, and with the value of any
// credential-like query parameter replaced by [REDACTED].
func redactURL(u *url.URL) string {
	cp := *u
	cp.User = nil
	if cp.RawQuery == "" {
		return cp.String()
	}
	q := cp.Query()
	cp.RawQuery = q.Encode()
	for _, k := range []string{"token", "api-key", "api_key", "apikey"} {
		for _, v := range q[k] {
			cp.RawQuery = strings.Replace(cp.RawQuery, url.QueryEscape(k)+"="+url.QueryEscape(v), k+"="+iostreams.Redacted, 1)
		}
	}
	return cp.String()
}

// hideQuery prints a download link without its query, which often carries
// a signature: https://files.example.com/export.csv?[REDACTED].
func hideQuery(u *url.URL) string {
	shown := downloadDisplayURL(u)
	if u.RawQuery != "" || u.ForceQuery {
		shown += "?" + iostreams.Redacted
	}
	return shown
}

// SleepContext sleeps for d or until ctx is done.
func SleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
