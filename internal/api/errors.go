package api

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/coreclaw/coreclaw/internal/iostreams"
)

// Application codes of API v2 (REFERENCE §4).
const (
	CodeOK                  = 0
	CodeSystemError         = 10000
	CodeInvalidArgument     = 11000
	CodeNotFound            = 11004
	CodeUnauthorized        = 12001
	CodeInvalidToken        = 12002
	CodeRateLimited         = 13000
	CodeDatabaseError       = 14000
	CodeNotImplemented      = 16000
	CodeInsufficientBalance = 30001
	CodeConcurrencyLimited  = 30003
	CodeWorkerNotFound      = 50001
	CodeWorkerRunFailed     = 50002
	CodeVersionUnavailable  = 50003
	CodeTaskNotFound        = 60001
	CodeRunNotFound         = 70001
	CodeRunOperationFailed  = 70002
)

// ErrNoAPIKey is returned, before anything is sent, by calls that need a key
// when none is configured.
var ErrNoAPIKey = errors.New("no API key configured")

// Error is an error reply from the API: a non-2xx status, or a 2xx whose
// envelope code is not 0, or a reply that is not the documented JSON.
type Error struct {
	HTTPStatus int
	Code       int64
	Message    string
	Details    []string
	RequestID  string
	// NotJSON is set when the body was not a JSON envelope (a gateway page,
	// say), or the reply was a redirect (the API never answers with one);
	// BodyExcerpt then says what it was (an HTML page's title, or the
	// first line of text), made safe to print.
	NotJSON     bool
	BodyExcerpt string
	// RetryAfter is the raw Retry-After header, if any.
	RetryAfter string
}

func (e *Error) Error() string {
	var b strings.Builder
	switch {
	case e.NotJSON:
		fmt.Fprintf(&b, "unexpected reply from the API (HTTP %d", e.HTTPStatus)
		if text := http.StatusText(e.HTTPStatus); text != "" {
			b.WriteString(" " + text)
		}
		if e.RequestID != "" {
			fmt.Fprintf(&b, ", request %s", oneLine(e.RequestID))
		}
		b.WriteString(")")
		if e.BodyExcerpt != "" {
			fmt.Fprintf(&b, ": %q", e.BodyExcerpt)
		}
		return b.String()
	case e.Message != "":
		b.WriteString(oneLine(e.Message))
	default:
		b.WriteString("API error")
	}
	if len(e.Details) > 0 {
		b.WriteString(": ")
		b.WriteString(oneLine(strings.Join(e.Details, "; ")))
	}
	b.WriteString(" (")
	fmt.Fprintf(&b, "HTTP %d", e.HTTPStatus)
	if e.Code != 0 {
		fmt.Fprintf(&b, ", code %d", e.Code)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, ", request %s", oneLine(e.RequestID))
	}
	b.WriteString(")")
	return b.String()
}

// IsAuth reports an authentication failure (HTTP 401 or codes 12001/12002).
func (e *Error) IsAuth() bool {
	return e.HTTPStatus == http.StatusUnauthorized || e.Code == CodeUnauthorized || e.Code == CodeInvalidToken
}

// IsNotFound reports that the addressed resource does not exist.
func (e *Error) IsNotFound() bool {
	switch e.Code {
	case CodeNotFound, CodeWorkerNotFound, CodeTaskNotFound, CodeRunNotFound:
		return true
	}
	return e.HTTPStatus == http.StatusNotFound
}

// IsRateLimited reports 429 or code 13000; such a reply proves the request
// was not carried out.
func (e *Error) IsRateLimited() bool {
	return e.HTTPStatus == http.StatusTooManyRequests || e.Code == CodeRateLimited
}

// IsServerFault reports a server-side failure worth retrying for a read.
func (e *Error) IsServerFault() bool {
	if e.Code == CodeSystemError || e.Code == CodeDatabaseError {
		return true
	}
	switch e.HTTPStatus {
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// Hint is a one-line suggestion for the codes a user can act on.
func (e *Error) Hint() string {
	switch {
	case e.IsAuth():
		return "check the key: set CORECLAW_API_KEY or run `coreclaw config set api_key -`"
	case e.Code == CodeInsufficientBalance:
		return "the account balance is too low: top it up in the CoreClaw console"
	case e.Code == CodeConcurrencyLimited:
		return "the plan's concurrent-run limit is reached: wait for a run to finish, or pass --wait-for-slot DURATION"
	case e.Code == CodeWorkerNotFound:
		return "check the Worker id (owner/name or slug); `coreclaw workers search` lists Store Workers"
	case e.Code == CodeVersionUnavailable:
		return "that Worker version is not available: omit --version to use the current one"
	case e.Code == CodeRunNotFound:
		return "check the run slug; `coreclaw runs` lists recent runs"
	case e.Code == CodeTaskNotFound:
		return "check the task id; `coreclaw tasks` lists your tasks"
	case e.IsRateLimited():
		return "the API is rate limiting this key: try again in a little while"
	}
	return ""
}

// oneLine keeps server text in an error on one line and free of terminal
// controls and escape sequences.
func oneLine(s string) string {
	return strings.TrimSpace(iostreams.SanitizeLine(s))
}
