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
		return &InterruptedError{Msg: err.Error(), Err: err}
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

// ErrInterrupted matches (errors.Is) the error of every command stopped
// by Ctrl-C or SIGTERM; ExitCode maps it, and only it, to 130.
var ErrInterrupted = errors.New("interrupted")

// InterruptedError is a command stopped by Ctrl-C or SIGTERM: Msg says
// what it left how ("interrupted; run X goes on"), Hint how to carry on;
// Err is what the interrupt cut short, if anything.
type InterruptedError struct {
	Msg  string
	Hint string
	Err  error
}

func (e *InterruptedError) Error() string {
	if e.Msg == "" {
		return ErrInterrupted.Error()
	}
	return e.Msg
}

func (e *InterruptedError) Unwrap() error { return e.Err }

// Is makes every InterruptedError an ErrInterrupted.
func (e *InterruptedError) Is(target error) bool { return target == ErrInterrupted }

// Interrupted is an interruption with a message (formatted) and a hint.
func Interrupted(hint, format string, args ...any) error {
	return &InterruptedError{Msg: fmt.Sprintf(format, args...), Hint: hint}
}

// AsInterrupted is what a command returned once its context (which the
// first Ctrl-C or SIGTERM cancels) is done: a context's cancellation, or a
// failure to get a reply that the interrupt caused, becomes the plain
// interruption; an interruption, or an error that decides another
// outcome (usage, auth, a run's own end), stays as it is.
func AsInterrupted(ctx context.Context, err error) error {
	if err == nil || errors.Is(err, ErrInterrupted) {
		return err
	}
	if errors.Is(err, context.Canceled) || (ctx.Err() != nil && ExitCode(err) == ExitFailure) {
		return &InterruptedError{Err: err}
	}
	return err
}

// ExitCode maps an error to the process exit status. It is the only place
// that does.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	if errors.Is(err, ErrInterrupted) {
		return ExitInterrupted
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
	// An interruption says what it left how, whatever it cut short.
	var ie *InterruptedError
	if errors.As(err, &ie) {
		if hint == "" {
			hint = ie.Hint
		}
		return oneLine(msg), oneLine(hint)
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
