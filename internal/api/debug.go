package api

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

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
	d.lines(fmt.Sprintf(format, args...))
}

// lines writes a block of lines at once, so that the trace of two
// requests in flight together never interleaves inside a reply.
func (d *debugLog) lines(lines ...string) {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	io.WriteString(d.w, b.String())
}

// debugBodyPreview is how much of a reply's body the trace shows.
const debugBodyPreview = 4 << 10

// debugTransport logs each request and reply: method, URL, headers with
// credentials redacted, request body; status, timing, size, headers and
// the first debugBodyPreview bytes of the reply's body.
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
	lines := []string{fmt.Sprintf("> %s %s", req.Method, t.showURL(req.URL))}
	lines = append(lines, t.headerLines(">", req.Header)...)
	if req.GetBody != nil && req.ContentLength > 0 {
		if body, err := req.GetBody(); err == nil {
			b, _ := io.ReadAll(io.LimitReader(body, debugBodyPreview))
			body.Close()
			lines = append(lines, "> "+oneLine(string(b)))
		}
	}
	t.log.lines(lines...)
	start := t.log.now()
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		t.log.printf("< error after %s: %v", elapsedText(t.log.now().Sub(start)), err)
		return nil, err
	}
	resp.Body = &debugBody{ReadCloser: resp.Body, t: t, resp: resp, header: resp.Header.Clone(), start: start}
	return resp, nil
}

// headerLines are the headers, sorted, each on a line after prefix, with
// credentials hidden and URLs shown as the transport shows them (a
// redirect's Location may be a signed link).
func (t *debugTransport) headerLines(prefix string, h http.Header) []string {
	var out []string
	for _, k := range sortedKeys(h) {
		v := strings.Join(h[k], ", ")
		switch {
		case k == "Cookie" || k == "Set-Cookie":
			v = iostreams.Redacted // no scheme: the value is all secret
		case isSensitiveHeader(k):
			v = redactCredential(v)
		case http.CanonicalHeaderKey(k) == "Location":
			if u, err := url.Parse(v); err == nil {
				v = t.showURL(u)
			}
		}
		out = append(out, fmt.Sprintf("%s %s: %s", prefix, k, oneLine(v)))
	}
	return out
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

// debugBody passes a reply's body through to its reader untouched,
// keeping a copy of its first debugBodyPreview bytes: the reply is traced
// once the body ends (EOF or Close), or as soon as the preview is full,
// so that a download is never held in memory; the bytes past the preview
// are then only counted, and reported when the body ends.
type debugBody struct {
	io.ReadCloser
	t      *debugTransport
	resp   *http.Response
	header http.Header
	start  time.Time

	mu      sync.Mutex
	preview bytes.Buffer
	n       int64 // bytes read so far
	eof     bool
	shown   bool // the status, headers and preview are printed
	// shownLen is how much of the preview was printed: all of it but a
	// character cut in two at its end.
	shownLen int
	ended    bool // the body's end is reported
}

func (b *debugBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.mu.Lock()
	defer b.mu.Unlock()
	if room := debugBodyPreview - b.preview.Len(); room > 0 {
		b.preview.Write(p[:min(n, room)])
	}
	b.n += int64(n)
	switch {
	case err == io.EOF:
		b.eof = true
		b.end()
	case b.n > debugBodyPreview && !b.shown:
		b.show()
	}
	return n, err
}

func (b *debugBody) Close() error {
	b.mu.Lock()
	b.end()
	b.mu.Unlock()
	return b.ReadCloser.Close()
}

// show prints the status line, the headers and the preview (mu held).
func (b *debugBody) show() {
	b.shown = true
	status := fmt.Sprintf("< %s (%s", b.resp.Status, elapsedText(b.t.log.now().Sub(b.start)))
	if b.eof {
		status += fmt.Sprintf(", %d bytes", b.n)
	}
	if id := b.header.Get("X-Request-Id"); id != "" {
		status += ", request " + oneLine(id)
	}
	lines := append([]string{status + ")"}, b.t.headerLines("<", b.header)...)
	shown := b.preview.Bytes()
	if !b.eof {
		shown = withoutCutRune(shown)
	}
	b.shownLen = len(shown)
	lines = append(lines, bodyLines("<", shown)...)
	b.t.log.lines(lines...)
}

// end reports the body's end once (mu held): the whole reply when it fit
// in the preview, else how much more there was.
func (b *debugBody) end() {
	if b.ended {
		return
	}
	b.ended = true
	if !b.shown {
		b.show()
		if !b.eof && b.n > 0 {
			b.t.log.lines(fmt.Sprintf("< … (closed after %d bytes, before the end)", b.n))
		}
		return
	}
	more := b.n - int64(b.shownLen)
	if b.eof {
		b.t.log.lines(fmt.Sprintf("< … (%d more bytes)", more))
	} else {
		b.t.log.lines(fmt.Sprintf("< … (%d more bytes, then closed before the end)", more))
	}
}

// signedQuery is the query of an absolute URL in a body: download links
// in the API's replies carry their signature there. It is compiled on
// first use (--debug): at package level every start would compile it.
var signedQuery struct {
	once sync.Once
	re   *regexp.Regexp
}

func signedQueryRegexp() *regexp.Regexp {
	signedQuery.once.Do(func() {
		signedQuery.re = regexp.MustCompile(`((?:https?://|/)[^\s"'<>?#]*)\?[^\s"'<>#]*`)
	})
	return signedQuery.re
}

// bodyLines is a body as trace lines: text line by line, made safe for a
// terminal, with the query of every URL in it hidden; binary data by its
// size alone.
func bodyLines(prefix string, body []byte) []string {
	if len(body) == 0 {
		return nil
	}
	if isBinary(body) {
		return []string{prefix + " (binary data, not shown)"}
	}
	text := signedQueryRegexp().ReplaceAllString(string(body), "$1?"+iostreams.Redacted)
	text = strings.TrimSuffix(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	var out []string
	for _, l := range strings.Split(text, "\n") {
		out = append(out, strings.TrimRight(prefix+" "+iostreams.SanitizeLine(l), " "))
	}
	return out
}

// isBinary reports data that is not text: a NUL byte, or invalid UTF-8.
func isBinary(b []byte) bool {
	return bytes.IndexByte(b, 0) >= 0 || !utf8.Valid(b)
}

// withoutCutRune drops the start of a character that the preview's end
// cut in two, so that the text is not mistaken for binary data.
func withoutCutRune(b []byte) []byte {
	for cut := 1; cut < utf8.UTFMax && cut <= len(b); cut++ {
		if tail := b[len(b)-cut:]; utf8.RuneStart(tail[0]) {
			if !utf8.FullRune(tail) {
				return b[:len(b)-cut]
			}
			return b
		}
	}
	return b
}

// elapsedText shows a request's time in milliseconds under a second, so a
// reply that took no time reads "0ms", not Go's bare "0s".
func elapsedText(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%dms", d.Milliseconds())
	}
	return d.Round(time.Millisecond).String()
}
