// Package cmdutil holds what every command shares: the factory of
// dependencies, the error types and the one place that maps errors to
// exit codes.
package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/coreclaw/coreclaw/internal/api"
)

// Exit codes (CONTRACT §5).
const (
	ExitOK          = 0
	ExitFailure     = 1
	ExitUsage       = 2
	ExitRunFailed   = 3
	ExitAuth        = 4
	ExitTimeout     = 5
	ExitAborted     = 6
	ExitInterrupted = 130
)

// ExitCodesHelp is the table `coreclaw help exit-codes` prints.
const ExitCodesHelp = `code  meaning
0     success: the run was started, or the awaited run succeeded
1     error: the API or the network failed (after retries), or an unexpected reply
2     usage: bad flags, arguments or input; nothing was sent
3     the awaited run finished with status failed
4     authentication: no API key, or the API answered 401
5     the wait timed out; the run is still going (its slug is on stderr)
6     the awaited run was aborted (aborting, aborted)
130   interrupted (Ctrl-C or SIGTERM) while waiting; the run goes on; the slug is on stderr
`

// ExitError is an error with a decided exit code and an optional hint.
type ExitError struct {
	Code int
	Err  error
	Hint string
}

func (e *ExitError) Error() string { return e.Err.Error() }
func (e *ExitError) Unwrap() error { return e.Err }

// UsageErrorf is a bad flag, argument or input: exit 2, nothing sent.
func UsageErrorf(format string, args ...any) error {
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf(format, args...)}
}

// UsageError wraps err as a usage error. Reading input cut short by
// Ctrl-C is not the user's mistake: it stays an interrupt (exit 130).
func UsageError(err error) error {
	if err == nil {
		return nil
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return err
	}
	if errors.Is(err, context.Canceled) {
		return &ExitError{Code: ExitInterrupted, Err: err}
	}
	return &ExitError{Code: ExitUsage, Err: err}
}

// WithHint attaches a hint line to an error, keeping its exit code and its
// message (an ExitError wrapped in more context is wrapped again, not
// unwrapped).
func WithHint(err error, hint string) error {
	if ee, ok := err.(*ExitError); ok {
		cp := *ee
		cp.Hint = hint
		return &cp
	}
	return &ExitError{Code: ExitCode(err), Err: err, Hint: hint}
}

// ErrInterrupted is returned when Ctrl-C or SIGTERM stopped a command.
var ErrInterrupted = errors.New("interrupted")

// ExitCode maps an error to the process exit status. It is the only place
// that does.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	var um usageMistake
	if errors.As(err, &um) && um.UsageMistake() {
		return ExitUsage
	}
	if errors.Is(err, api.ErrNoAPIKey) || errors.Is(err, api.ErrInvalidAPIKey) {
		return ExitAuth
	}
	var apiErr *api.Error
	if errors.As(err, &apiErr) && apiErr.IsAuth() {
		return ExitAuth
	}
	if errors.Is(err, ErrInterrupted) || errors.Is(err, context.Canceled) {
		return ExitInterrupted
	}
	return ExitFailure
}

// Describe returns the error line (without "error: ") and the hint line
// (may be empty) to print for err.
func Describe(err error) (string, string) {
	msg := err.Error()
	hint := ""
	var ee *ExitError
	if errors.As(err, &ee) && ee.Hint != "" {
		hint = ee.Hint
	}
	var apiErr *api.Error
	var netErr *api.NetworkError
	var hostErr *api.DownloadHostError
	switch {
	case hint == "" && ownHint(err) != "":
		// The outermost error that knows a hint: an *api.Error's own, or
		// one of a package below cmdutil (schema).
		hint = ownHint(err)
	case errors.Is(err, api.ErrNoAPIKey):
		msg = "no API key: set CORECLAW_API_KEY or store one with `coreclaw config set api_key -`"
		if hint == "" {
			hint = "create a key in the CoreClaw console under Settings → API & Integrations"
		}
	case errors.As(err, &apiErr):
		if hint == "" {
			hint = apiErr.Hint()
		}
	case errors.As(err, &netErr):
		msg = "cannot reach the API: " + msg
		if hint == "" {
			hint = "check the network, the proxy settings (HTTPS_PROXY, NO_PROXY) and the base URL; `coreclaw doctor` checks them all"
		}
	case errors.As(err, &hostErr):
		if hint == "" {
			hint = "the file comes from that host, not from the API: check the network and the proxy settings (HTTPS_PROXY, NO_PROXY), then run the command again"
		}
	case errors.Is(err, context.Canceled) && strings.Contains(msg, context.Canceled.Error()):
		// Go's own wording; an error that says more keeps its message.
		msg = "interrupted"
	}
	return oneLine(msg), oneLine(hint)
}

// Errors from packages that commands use but that do not import cmdutil
// (schema) tell ExitCode and Describe what they are through methods:
// Hint() says what the user can do, UsageMistake() that the user's flags
// or input are at fault (exit 2, nothing sent).
type (
	hinted       interface{ Hint() string }
	usageMistake interface{ UsageMistake() bool }
)

// ownHint is the hint of the outermost error in err's chain that has a
// Hint method; "" when none has.
func ownHint(err error) string {
	var h hinted
	if errors.As(err, &h) {
		return h.Hint()
	}
	return ""
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
