package api

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/coreclaw/coreclaw/internal/iostreams"
)

// debugLog writes the --debug trace. The key is kept out of it where
// everything is printed: the writer is coreclaw's redacting stderr
// (iostreams), which replaces the key wherever a header, a URL or a body
// would carry it. Credential headers are hidden here as well, whatever
// credential they hold.
type debugLog struct {
	mu  sync.Mutex
	w   io.Writer
	now func() time.Time
}

func newDebugLog(w io.Writer, now func() time.Time) *debugLog {
	return &debugLog{w: w, now: now}
}

func (d *debugLog) printf(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	d.mu.Lock()
	defer d.mu.Unlock()
	fmt.Fprintln(d.w, line)
}

// debugTransport logs each request and reply: method, URL, headers with
// credentials redacted, request body, status, timing and size.
type debugTransport struct {
	next http.RoundTripper
	log  *debugLog
	// showURL is how a URL appears: API URLs as sent (they are built
	// here), download links without their signed query.
	showURL func(*url.URL) string
}

func isSensitiveHeader(k string) bool {
	switch http.CanonicalHeaderKey(k) {
	case "Authorization", "Api-Key", "X-Api-Key", "Cookie", "Set-Cookie", "Proxy-Authorization":
		return true
	}
	return false
}

func (t *debugTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.log.printf("> %s %s", req.Method, t.showURL(req.URL))
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

// redactCredential hides the value of a credential header (the key in
// Authorization, but also a proxy's or a cookie's), keeping its scheme.
func redactCredential(v string) string {
	if scheme, _, ok := strings.Cut(v, " "); ok {
		return scheme + " " + iostreams.Redacted
	}
	return iostreams.Redacted
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
