package api

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// traceOf sends one GET through a debug transport whose server answers
// with header and body, lets read consume the body, and returns the
// trace (the clock moves 5ms per reading).
func traceOf(t *testing.T, showURL func(*url.URL) string, header http.Header, body string, read func(io.ReadCloser)) string {
	t.Helper()
	var trace bytes.Buffer
	clock := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	now := func() time.Time { clock = clock.Add(5 * time.Millisecond); return clock }
	tr := &debugTransport{log: newDebugLog(&trace, now), showURL: showURL,
		next: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			return &http.Response{Status: "200 OK", StatusCode: 200, Header: header,
				Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
		})}
	req, _ := http.NewRequest("GET", "https://api.example.com/api/v2/worker-runs/01KRUN", nil)
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	read(resp.Body)
	return trace.String()
}

func readAllAndClose(t *testing.T, want string) func(io.ReadCloser) {
	return func(b io.ReadCloser) {
		got, err := io.ReadAll(b)
		b.Close()
		if err != nil || string(got) != want {
			t.Errorf("the reader got %d bytes (%v), not the body as sent", len(got), err)
		}
	}
}

// A reply that fits the preview: status with size and request id,
// headers (cookies and credentials hidden, a Location without its signed
// query), then the body line by line, controls removed, URL queries hidden.
func TestDebugReplyWhole(t *testing.T) {
	header := http.Header{
		"Content-Type":  {"application/json"},
		"X-Request-Id":  {"req-7"},
		"Set-Cookie":    {"session=abc123; HttpOnly"},
		"Authorization": {"Bearer secret"},
		"Location":      {"https://files.example.com/x.csv?sig=SECRETSIG"},
	}
	body := `{"code":0,"data":{"download_url":"https://files.example.com/x.csv?X-Amz-Signature=SECRETSIG\u0026exp=1"}}` + "\n" +
		"line two \x1b[31mred\x1b[0m\r\nhref=\"/real/x.csv?sig=SECRETSIG&amp;e=1\"\n"
	got := traceOf(t, hideQuery, header, body, readAllAndClose(t, body))
	want := `> GET https://api.example.com/api/v2/worker-runs/01KRUN?[REDACTED]
< 200 OK (5ms, ` + strconv.Itoa(len(body)) + ` bytes, request req-7)
< Authorization: Bearer [REDACTED]
< Content-Type: application/json
< Location: https://files.example.com/x.csv?[REDACTED]
< Set-Cookie: [REDACTED]
< X-Request-Id: req-7
< {"code":0,"data":{"download_url":"https://files.example.com/x.csv?[REDACTED]"}}
< line two red
< href="/real/x.csv?[REDACTED]"
`
	// (hideQuery shows the request URL as a download link: a URL
	// without a query is shown as it is.)
	want = strings.Replace(want, "01KRUN?[REDACTED]", "01KRUN", 1)
	if got != want {
		t.Errorf("trace:\n%s\nwant:\n%s", got, want)
	}
	if strings.Contains(got, "SECRETSIG") || strings.Contains(got, "abc123") || strings.Contains(got, "secret") {
		t.Error("the trace shows a secret")
	}
}

// A long body: the reply is printed as soon as the preview is full (a
// download is not held back, nor kept in memory), with the first 4 KiB;
// the rest is counted and reported when the body ends.
func TestDebugReplyLong(t *testing.T) {
	line := strings.Repeat("x", 99) + "\n" // 100 bytes
	body := strings.Repeat(line, 100)      // 10000 bytes
	trace := traceOf(t, redactURL, http.Header{}, body, func(b io.ReadCloser) {
		first := make([]byte, 5000)
		if _, err := io.ReadFull(b, first); err != nil {
			t.Fatal(err)
		}
		rest, _ := io.ReadAll(b)
		b.Close()
		if string(first)+string(rest) != body {
			t.Error("the reader did not get the body as sent")
		}
	})
	lines := strings.Split(strings.TrimSuffix(trace, "\n"), "\n")
	// request line, status, 40 full lines + one of 96 bytes, the end.
	if len(lines) != 1+1+41+1 {
		t.Fatalf("%d lines:\n%s", len(lines), trace)
	}
	if lines[1] != "< 200 OK (5ms)" {
		t.Errorf("status line %q", lines[1])
	}
	if lines[2] != "< "+strings.Repeat("x", 99) || lines[42] != "< "+strings.Repeat("x", 96) {
		t.Errorf("preview lines %q ... %q", lines[2], lines[42])
	}
	if lines[43] != "< … (5904 more bytes)" {
		t.Errorf("end line %q", lines[43])
	}
}

// The status and the preview come out when the preview is full, before
// the body ends.
func TestDebugReplyShownBeforeTheEnd(t *testing.T) {
	body := strings.Repeat("y", 9000)
	var trace bytes.Buffer
	tr := &debugTransport{log: newDebugLog(&trace, time.Now), showURL: redactURL,
		next: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			return &http.Response{Status: "200 OK", StatusCode: 200, Header: http.Header{},
				Body: io.NopCloser(strings.NewReader(body))}, nil
		})}
	req, _ := http.NewRequest("GET", "https://files.example.com/big", nil)
	resp, _ := tr.RoundTrip(req)
	if _, err := io.ReadFull(resp.Body, make([]byte, 4097)); err != nil {
		t.Fatal(err)
	}
	if got := trace.String(); !strings.Contains(got, "< 200 OK (") || !strings.Contains(got, "< "+strings.Repeat("y", 4096)+"\n") || strings.Contains(got, "more bytes") {
		t.Errorf("after 4097 bytes the trace is:\n%s", got)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if got := trace.String(); !strings.HasSuffix(got, "< … (4904 more bytes)\n") || strings.Count(got, "200 OK") != 1 {
		t.Errorf("at the end the trace is:\n%s", got)
	}
}

func TestDebugReplyEdges(t *testing.T) {
	exactly := strings.Repeat("z", debugBodyPreview)
	for _, c := range []struct {
		name, body string
		read       func(io.ReadCloser)
		want       string
	}{
		{"empty", "", func(b io.ReadCloser) { io.ReadAll(b); b.Close() },
			"< 200 OK (5ms, 0 bytes)\n"},
		{"exactly the preview", exactly, func(b io.ReadCloser) { io.ReadAll(b); b.Close() },
			"< 200 OK (5ms, 4096 bytes)\n< " + exactly + "\n"},
		{"closed unread", "abc", func(b io.ReadCloser) { b.Close() },
			"< 200 OK (5ms)\n"},
		{"closed early", "abcdef", func(b io.ReadCloser) { b.Read(make([]byte, 2)); b.Close() },
			"< 200 OK (5ms)\n< ab\n< … (closed after 2 bytes, before the end)\n"},
		{"closed early past the preview", exactly + "0123456789", func(b io.ReadCloser) {
			io.ReadFull(b, make([]byte, debugBodyPreview+4))
			b.Close()
		}, "< 200 OK (5ms)\n< " + exactly + "\n< … (4 more bytes, then closed before the end)\n"},
		{"binary", "PK\x03\x04\x00\x00binary", func(b io.ReadCloser) { io.ReadAll(b); b.Close() },
			"< 200 OK (5ms, 12 bytes)\n< (binary data, not shown)\n"},
		{"invalid UTF-8", "caf\xe9 au lait", func(b io.ReadCloser) { io.ReadAll(b); b.Close() },
			"< 200 OK (5ms, 12 bytes)\n< (binary data, not shown)\n"},
		{"a rune cut by the preview", strings.Repeat("a", debugBodyPreview-1) + "é and more", func(b io.ReadCloser) { io.ReadAll(b); b.Close() },
			"< 200 OK (5ms)\n< " + strings.Repeat("a", debugBodyPreview-1) + "\n< … (11 more bytes)\n"},
		{"read twice to the end", "abc", func(b io.ReadCloser) { io.ReadAll(b); io.ReadAll(b); b.Close(); b.Close() },
			"< 200 OK (5ms, 3 bytes)\n< abc\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := traceOf(t, redactURL, http.Header{}, c.body, c.read)
			got = strings.TrimPrefix(got, "> GET https://api.example.com/api/v2/worker-runs/01KRUN\n")
			if got != c.want {
				t.Errorf("trace:\n%q\nwant:\n%q", got, c.want)
			}
		})
	}
}
