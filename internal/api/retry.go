package api

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
	"time"
)

// RetryPolicy bounds automatic retries: a number of attempts and a total
// time budget, with exponential backoff and jitter in between.
type RetryPolicy struct {
	MaxAttempts int           // including the first
	BaseDelay   time.Duration // delay before the second attempt
	MaxDelay    time.Duration // cap on one delay
	Budget      time.Duration // no retry starts later than this after the first attempt
	// Jitter spreads a delay; nil picks uniformly in [d/2, d].
	Jitter func(time.Duration) time.Duration
}

// DefaultRetryPolicy: 5 attempts within a minute, 0.5s doubling to 8s.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxAttempts: 5, BaseDelay: 500 * time.Millisecond, MaxDelay: 8 * time.Second, Budget: 60 * time.Second}
}

// NoRetries is a policy that sends each request once.
func NoRetries() RetryPolicy { return RetryPolicy{MaxAttempts: 1} }

func (p RetryPolicy) backoff(attempt int) time.Duration {
	d := p.BaseDelay
	for i := 1; i < attempt && d < p.MaxDelay; i++ {
		d *= 2
	}
	if d > p.MaxDelay {
		d = p.MaxDelay
	}
	if p.Jitter != nil {
		return p.Jitter(d)
	}
	if d <= 1 {
		return d
	}
	return d/2 + rand.N(d/2+1)
}

// classifier says whether a failure may be retried: a short reason for
// the notice and the server's Retry-After, if any.
type classifier func(error) (why, retryAfter string, ok bool)

// retrying is the one retry loop, for API calls (do) and downloads
// (Download). It calls try until it succeeds, ctx ends, or retryDelay
// says no more. Each retry is announced through Notify, naming the
// operation (what), and waited out through the injected Sleep.
func (c *Client) retrying(ctx context.Context, what string, classify classifier, try func() error) error {
	start := c.now()
	for attempt := 1; ; attempt++ {
		err := try()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		delay, why, ok := c.retryDelay(err, classify, attempt, c.now().Sub(start))
		if !ok {
			return err
		}
		c.notify(fmt.Sprintf("retrying %s in %s: %s (attempt %d of %d)",
			what, roundDelay(delay), why, attempt+1, c.retry.MaxAttempts))
		if err := c.sleep(ctx, delay); err != nil {
			return err
		}
	}
}

// retryDelay decides whether a failed attempt is tried again, and when:
// never after the policy's last attempt, nor for a Permanent failure or
// one that classify refuses, nor when the pause (the backoff, or the
// server's Retry-After when it can be read) would end past the budget.
func (c *Client) retryDelay(err error, classify classifier, attempt int, elapsed time.Duration) (time.Duration, string, bool) {
	if attempt >= c.retry.MaxAttempts || Permanent(err) {
		return 0, "", false
	}
	why, retryAfter, ok := classify(err)
	if !ok {
		return 0, "", false
	}
	delay := c.retry.backoff(attempt)
	if ra, ok := ParseRetryAfter(retryAfter, c.now()); ok {
		delay = ra
	}
	if c.retry.Budget > 0 && elapsed+delay > c.retry.Budget {
		return 0, "", false
	}
	return delay, why, true
}

// callClassifier is the classifier of an API call: its class says which
// failures may be retried.
func callClassifier(cl call) classifier {
	return func(err error) (string, string, bool) { return retryable(cl.retry, err) }
}

// retryable classifies a failure. It returns a short reason for the notice
// and the server's Retry-After, if any.
func retryable(class retryClass, err error) (string, string, bool) {
	if class == retryNever {
		return "", "", false
	}
	var apiErr *Error
	if errors.As(err, &apiErr) {
		switch {
		case apiErr.IsRateLimited():
			return fmt.Sprintf("rate limited (HTTP %d)", apiErr.HTTPStatus), apiErr.RetryAfter, true
		case class == retryReads && (apiErr.IsServerFault() || (apiErr.NotJSON && apiErr.HTTPStatus >= 500)):
			return fmt.Sprintf("server error (HTTP %d)", apiErr.HTTPStatus), apiErr.RetryAfter, true
		}
		return "", "", false
	}
	var netErr *NetworkError
	if errors.As(err, &netErr) {
		switch {
		case netErr.NotSent:
			return "cannot connect: " + netErr.Err.Error(), "", true
		case class == retryReads:
			return netErr.Err.Error(), "", true
		}
	}
	return "", "", false
}

// Permanent reports failures that the same request would meet again, so
// that retrying (or waiting on) them only delays the error: an untrusted
// or invalid TLS certificate, a malformed reply, a reply over the size
// cap, a refused redirect, a key that is rejected or cannot be sent.
func Permanent(err error) bool {
	var apiErr *Error
	switch {
	case err == nil:
		return false
	case errors.As(err, &apiErr):
		return apiErr.IsAuth()
	case errors.Is(err, ErrInvalidAPIKey), errors.Is(err, errReplyTooLarge), errors.Is(err, errForeignRedirect):
		return true
	}
	return badCertificate(err) || malformedReply(err)
}

// badCertificate reports a TLS certificate that failed verification.
func badCertificate(err error) bool {
	var (
		verifyErr    *tls.CertificateVerificationError
		unknownAuth  x509.UnknownAuthorityError
		hostnameErr  x509.HostnameError
		invalidCert  x509.CertificateInvalidError
		recordHdrErr tls.RecordHeaderError
	)
	return errors.As(err, &verifyErr) || errors.As(err, &unknownAuth) || errors.As(err, &hostnameErr) ||
		errors.As(err, &invalidCert) || errors.As(err, &recordHdrErr)
}

// malformedReply reports a reply that is not valid HTTP: a bad status line
// or header. net/http has no error type for the status line, only text.
func malformedReply(err error) bool {
	var protoErr textproto.ProtocolError
	if errors.As(err, &protoErr) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "malformed HTTP") || strings.Contains(msg, "malformed MIME header")
}

// maxRetryAfter caps a Retry-After; anything that long is beyond any
// retry budget anyway.
const maxRetryAfter = 24 * time.Hour

// ParseRetryAfter reads Retry-After as seconds or as an HTTP date (now
// is when the reply came).
func ParseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		if secs < 0 {
			return 0, false
		}
		// Capped: a huge value would overflow time.Duration into a
		// negative, that is immediate, retry.
		if secs > int64(maxRetryAfter/time.Second) {
			return maxRetryAfter, true
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

func roundDelay(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(10 * time.Millisecond)
}

// ReplyLeavesRunUnknown reports a failed start after which a run may
// exist all the same: a server fault (5xx, codes 10000 and 14000), a reply
// that is not an API envelope (a gateway page, an empty body, a redirect),
// or a 2xx that names no usable run. Network failures are the caller's to
// judge (whether the request was sent).
func ReplyLeavesRunUnknown(err error) bool {
	var replyErr *ReplyError
	if errors.As(err, &replyErr) {
		return true
	}
	var apiErr *Error
	if errors.As(err, &apiErr) {
		return apiErr.IsServerFault() || apiErr.NotJSON || apiErr.HTTPStatus >= 500
	}
	return false
}
