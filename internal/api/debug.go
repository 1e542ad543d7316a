package api

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// debugLog writes the --debug trace. Every line goes through redact, so the
// key cannot appear even if some header or URL carried it.
type debugLog struct {
	mu     sync.Mutex
	w      io.Writer
	secret string
	now    func() time.Time
}

func newDebugLog(w io.Writer, secret string, now func() time.Time) *debugLog {
	return &debugLog{w: w, secret: secret, now: now}
}

func (d *debugLog) printf(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	if d.secret != "" {
		line = strings.ReplaceAll(line, d.secret, "[REDACTED]")
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	fmt.Fprintln(d.w, line)
}

// debugTransport logs each request and reply: method, URL, headers with
// credentials redacted, request body, status, timing and size.
type debugTransport struct {
	next http.RoundTripper
	log  *debugLog
}

func isSensitiveHeader(k string) bool {
	switch http.CanonicalHeaderKey(k) {
	case "Authorization", "Api-Key", "X-Api-Key", "Cookie", "Set-Cookie", "Proxy-Authorization":
		return true
	}
	return false
}

func (t *debugTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.log.printf("> %s %s", req.Method, redactURL(req.URL))
	for _, k := range sortedKeys(req.Header) {
		v := strings.Join(req.Header[k], ", ")
		if isSensitiveHeader(k) {
			v = redactCredential(v)
		}
		t.log.printf("> %s: %s", k, v)
	}
	if req.GetBody != nil && req.ContentLength > 0 {
		if body, err := req.GetBody(); err == nil {
			b, _ := io.ReadAll(io.LimitReader(body, 4096))
			body.Close()
			t.log.printf("> %s", oneLine(string(b)))
		}
	}
	start := t.log.now()
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		t.log.printf("< error after %s: %v", t.log.now().Sub(start).Round(time.Millisecond), err)
		return nil, err
	}
	reqID := resp.Header.Get("X-Request-Id")
	resp.Body = &countingBody{ReadCloser: resp.Body, done: func(n int64) {
		extra := ""
		if reqID != "" {
			extra = ", request " + reqID
		}
		t.log.printf("< %s (%s, %d bytes%s)", resp.Status, t.log.now().Sub(start).Round(time.Millisecond), n, extra)
	}}
	return resp, nil
}

func redactCredential(v string) string {
	if scheme, _, ok := strings.Cut(v, " "); ok {
		return scheme + " [REDACTED]"
	}
	return "[REDACTED]"
}

func sortedKeys(h http.Header) []string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// countingBody reports the number of bytes read once, at EOF or Close.
type countingBody struct {
	io.ReadCloser
	n    int64
	once sync.Once
	done func(int64)
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n += int64(n)
	if err == io.EOF {
		b.once.Do(func() { b.done(b.n) })
	}
	return n, err
}

func (b *countingBody) Close() error {
	b.once.Do(func() { b.done(b.n) })
	return b.ReadCloser.Close()
}
