package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Download is a file being fetched from a download link (an export's
// download_url, a log's all_logs_url). Body streams it; reading it past
// the end fails with an *IncompleteError when fewer bytes came than the
// server announced.
type Download struct {
	Body io.ReadCloser
	// Size is the Content-Length, or -1 when the server did not say.
	Size        int64
	ContentType string
	// Encoding is the Content-Encoding the host applied although asked
	// for none ("" normally). Body is then the bytes as they came: they
	// are not decompressed, so nothing can expand behind the size check.
	Encoding string
}

// DownloadError is a download link that answered with an error status.
type DownloadError struct {
	URL        string // scheme, host and path only: a signed query stays out
	HTTPStatus int
	RetryAfter string
}

func (e *DownloadError) Error() string {
	return fmt.Sprintf("downloading %s failed: HTTP %d %s", e.URL, e.HTTPStatus, http.StatusText(e.HTTPStatus))
}

// DownloadHostError is a download link whose host gave no reply: it names
// that host, which is not the API (so the API's base URL is not to blame).
type DownloadHostError struct {
	Host    string // host[:port] of the link
	URL     string // scheme, host and path only: a signed query stays out
	Err     error
	Timeout bool
	// NotSent: the connection was never made.
	NotSent bool
}

func (e *DownloadHostError) Error() string {
	return fmt.Sprintf("cannot reach the download host %s: GET %s: %v", e.Host, e.URL, e.Err)
}

func (e *DownloadHostError) Unwrap() error { return e.Err }

// IncompleteError is a download that ended before all its bytes arrived.
type IncompleteError struct {
	URL       string
	Got, Want int64
	Err       error // what cut it short, if known
}

func (e *IncompleteError) Error() string {
	msg := fmt.Sprintf("download of %s incomplete: got %d of %d bytes", e.URL, e.Got, e.Want)
	if e.Want < 0 {
		msg = fmt.Sprintf("download of %s cut short after %d bytes", e.URL, e.Got)
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *IncompleteError) Unwrap() error { return e.Err }

// Download fetches a download link with a plain GET. The API key is never
// sent: the link is not the API, and whoever serves it must not see the
// key. Failures before the body starts (network, 429, 5xx) are retried as
// reads are; a body cut short is not (the caller starts again).
func (c *Client) Download(ctx context.Context, rawURL string) (*Download, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return nil, &ReplyError{Op: "download", Err: fmt.Errorf("the download link is not a plain http(s) URL")}
	}
	shown := downloadDisplayURL(u)
	var d *Download
	err = c.retrying(ctx, "the download of "+shown, downloadRetryable, func() (err error) {
		d, err = c.downloadOnce(ctx, u, shown)
		return err
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

func (c *Client) downloadOnce(ctx context.Context, u *url.URL, shown string) (*Download, error) {
	reqCtx, cancel := context.WithCancelCause(ctx)
	req, err := http.NewRequestWithContext(reqCtx, "GET", u.String(), nil)
	if err != nil {
		cancel(nil)
		return nil, fmt.Errorf("building the download request: %w", err)
	}
	// Deliberately no Authorization, api-key or token: see Download.
	req.Header.Set("User-Agent", c.userAgent)
	// Asking for the file as stored keeps net/http from decompressing it
	// behind the size check: a small compressed reply must not become a
	// huge file.
	req.Header.Set("Accept-Encoding", "identity")

	timer := time.AfterFunc(c.timeouts.Header, func() { cancel(errHeaderTimeout) })
	resp, err := c.download.Do(req)
	timer.Stop()
	if err != nil {
		he := &DownloadHostError{Host: u.Host, URL: shown, Err: unwrapURLError(err)}
		var netErr net.Error
		switch {
		case errors.Is(context.Cause(reqCtx), errHeaderTimeout):
			he.Err, he.Timeout = fmt.Errorf("no reply within %s", c.timeouts.Header), true
		case errors.As(err, &netErr) && netErr.Timeout():
			he.Timeout = true
		}
		var opErr *net.OpError
		if errors.As(err, &opErr) && opErr.Op == "dial" {
			he.NotSent = true
		}
		cancel(nil)
		return nil, he
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		cancel(nil)
		return nil, &DownloadError{URL: shown, HTTPStatus: resp.StatusCode, RetryAfter: resp.Header.Get("Retry-After")}
	}
	body := &downloadBody{
		ctx: reqCtx, cancel: cancel, body: resp.Body, idle: c.timeouts.Idle,
		size: resp.ContentLength, url: shown,
		now: c.netNow, minRate: c.timeouts.MinRate, window: c.timeouts.RateWindow,
	}
	// Armed only while a Read waits for the network: a consumer that
	// reads slowly (a pager) does not make the download look stalled.
	body.timer = time.AfterFunc(time.Hour, func() { cancel(errIdleTimeout) })
	body.timer.Stop()
	encoding := strings.TrimSpace(resp.Header.Get("Content-Encoding"))
	if strings.EqualFold(encoding, "identity") {
		encoding = ""
	}
	return &Download{Body: body, Size: resp.ContentLength, ContentType: resp.Header.Get("Content-Type"), Encoding: encoding}, nil
}

// downloadRetryable says whether a failure before the body may be retried.
func downloadRetryable(err error) (string, string, bool) {
	var de *DownloadError
	if errors.As(err, &de) {
		switch {
		case de.HTTPStatus == http.StatusTooManyRequests:
			return "rate limited (HTTP 429)", de.RetryAfter, true
		case de.HTTPStatus >= 500:
			return fmt.Sprintf("server error (HTTP %d)", de.HTTPStatus), de.RetryAfter, true
		}
		return "", "", false
	}
	var he *DownloadHostError
	if errors.As(err, &he) {
		return he.Err.Error(), "", true
	}
	return "", "", false
}

// downloadDisplayURL is how a download link appears in messages: without
// its query, which often carries a signature.
func downloadDisplayURL(u *url.URL) string {
	cp := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path, RawPath: u.RawPath}
	return cp.String()
}

// downloadBody streams a download: it fails when a read waits the idle
// timeout without a byte, when the bytes come slower than minRate over a
// window of waiting, and when the body ends short of its Content-Length.
type downloadBody struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	body   io.ReadCloser
	timer  *time.Timer
	idle   time.Duration
	size   int64
	got    int64
	url    string

	now     func() time.Time
	minRate int64         // bytes per second
	window  time.Duration // the span minRate is measured over
	waited  time.Duration // time spent in Read, waiting for the network
	// windowStart (in waited time) and windowGot: the current window.
	windowStart time.Duration
	windowGot   int64
}

func (b *downloadBody) Read(p []byte) (int, error) {
	start := b.now()
	b.timer.Reset(b.idle)
	n, err := b.body.Read(p)
	b.timer.Stop()
	b.waited += b.now().Sub(start)
	if n > 0 {
		b.got += int64(n)
		b.windowGot += int64(n)
	}
	if err == nil {
		if span := b.waited - b.windowStart; span >= b.window {
			if float64(b.windowGot) < float64(b.minRate)*span.Seconds() {
				b.cancel(errTooSlow)
				return n, &IncompleteError{URL: b.url, Got: b.got, Want: b.size,
					Err: fmt.Errorf("only %d bytes in %s (the least is %d bytes a second)", b.windowGot, span.Round(time.Millisecond), b.minRate)}
			}
			b.windowStart, b.windowGot = b.waited, 0
		}
	}
	switch {
	case err == nil:
		return n, nil
	case err == io.EOF:
		if b.size >= 0 && b.got != b.size {
			return n, &IncompleteError{URL: b.url, Got: b.got, Want: b.size}
		}
		return n, io.EOF
	case errors.Is(context.Cause(b.ctx), errTooSlow):
		return n, &IncompleteError{URL: b.url, Got: b.got, Want: b.size, Err: errTooSlow}
	case errors.Is(context.Cause(b.ctx), errIdleTimeout):
		return n, &IncompleteError{URL: b.url, Got: b.got, Want: b.size, Err: fmt.Errorf("no data for %s", b.idle)}
	case b.ctx.Err() != nil:
		return n, b.ctx.Err()
	default:
		if errors.Is(err, io.ErrUnexpectedEOF) {
			err = errors.New("the connection closed early")
		}
		return n, &IncompleteError{URL: b.url, Got: b.got, Want: b.size, Err: err}
	}
}

func (b *downloadBody) Close() error {
	b.timer.Stop()
	err := b.body.Close()
	b.cancel(nil)
	return err
}
