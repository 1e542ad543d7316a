package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/api"
)

func TestExitCode(t *testing.T) {
	authErr := &api.Error{HTTPStatus: 401, Code: 12001, Message: "authentication required"}
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, ExitOK},
		{"plain error", errors.New("boom"), ExitFailure},
		{"usage", UsageErrorf("bad %s", "flag"), ExitUsage},
		{"usage wrapped", fmt.Errorf("ctx: %w", UsageErrorf("bad")), ExitUsage},
		{"exit error 3", &ExitError{Code: ExitRunFailed, Err: errors.New("failed")}, ExitRunFailed},
		{"exit error 5 wrapped twice", fmt.Errorf("a: %w", fmt.Errorf("b: %w", &ExitError{Code: ExitTimeout, Err: errors.New("t")})), ExitTimeout},
		{"exit error 6", &ExitError{Code: ExitAborted, Err: errors.New("a")}, ExitAborted},
		{"exit error wins over what it wraps", &ExitError{Code: ExitFailure, Err: api.ErrNoAPIKey}, ExitFailure},
		{"no key", api.ErrNoAPIKey, ExitAuth},
		{"no key wrapped", fmt.Errorf("starting: %w", api.ErrNoAPIKey), ExitAuth},
		{"HTTP 401", authErr, ExitAuth},
		{"HTTP 401 wrapped", fmt.Errorf("x: %w", authErr), ExitAuth},
		{"code 12002 on HTTP 400", &api.Error{HTTPStatus: 400, Code: 12002}, ExitAuth},
		{"code 12001 on HTTP 200", &api.Error{HTTPStatus: 200, Code: 12001}, ExitAuth},
		{"HTTP 403 is not auth", &api.Error{HTTPStatus: 403, Code: 11000}, ExitFailure},
		{"HTTP 500", &api.Error{HTTPStatus: 500, Code: 10000}, ExitFailure},
		{"not JSON 502", &api.Error{HTTPStatus: 502, NotJSON: true}, ExitFailure},
		{"network error", &api.NetworkError{Method: "GET", URL: "u", Err: errors.New("refused")}, ExitFailure},
		{"reply error", &api.ReplyError{Op: "GET /x", Err: errors.New("bad")}, ExitFailure},
		{"interrupted", ErrInterrupted, ExitInterrupted},
		{"interrupted wrapped", fmt.Errorf("x: %w", ErrInterrupted), ExitInterrupted},
		{"context canceled", AsInterrupted(context.Background(), context.Canceled), ExitInterrupted},
		{"context canceled wrapped", AsInterrupted(context.Background(), fmt.Errorf("GET: %w", context.Canceled)), ExitInterrupted},
		{"typed interruption", Interrupted("h", "interrupted; run %s goes on", "R"), ExitInterrupted},
		{"typed interruption wrapped", fmt.Errorf("x: %w", Interrupted("", "i")), ExitInterrupted},
		{"deadline exceeded is a failure", context.DeadlineExceeded, ExitFailure},
		{"exit error 130", &ExitError{Code: ExitInterrupted, Err: errors.New("i")}, ExitInterrupted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ExitCode(tt.err); got != tt.want {
				t.Errorf("ExitCode(%v) = %d, want %d", tt.err, got, tt.want)
			}
		})
	}
}

func TestUsageError(t *testing.T) {
	if UsageError(nil) != nil {
		t.Error("UsageError(nil) should be nil")
	}
	err := UsageError(errors.New("bad input"))
	if ExitCode(err) != ExitUsage || err.Error() != "bad input" {
		t.Errorf("UsageError: code %d, %q", ExitCode(err), err)
	}
	// An error that already has a code keeps it.
	auth := &ExitError{Code: ExitAuth, Err: errors.New("no key")}
	if got := UsageError(auth); got != auth {
		t.Errorf("UsageError(ExitError) = %v, want the same error", got)
	}
	if got := UsageErrorf("--limit must be %d or more, not %d", 1, 0); got.Error() != "--limit must be 1 or more, not 0" || ExitCode(got) != ExitUsage {
		t.Errorf("UsageErrorf = %q (code %d)", got, ExitCode(got))
	}
	var ee *ExitError
	if errors.As(UsageErrorf("x"), &ee) && ee.Hint != "" {
		t.Errorf("UsageErrorf has a hint: %q", ee.Hint)
	}
}

func TestExitErrorUnwrap(t *testing.T) {
	inner := errors.New("inner")
	e := &ExitError{Code: 3, Err: inner, Hint: "h"}
	if e.Error() != "inner" || !errors.Is(e, inner) || errors.Unwrap(e) != inner {
		t.Errorf("ExitError does not wrap: %q", e)
	}
}

func TestWithHint(t *testing.T) {
	tests := []struct {
		name     string
		err      error
		wantMsg  string
		wantCode int
	}{
		{"plain error", errors.New("boom"), "boom", ExitFailure},
		{"api 401", &api.Error{HTTPStatus: 401, Code: 12002, Message: "invalid token"}, "invalid token (HTTP 401, code 12002)", ExitAuth},
		{"api 500", &api.Error{HTTPStatus: 500, Code: 10000, Message: "internal server error"}, "internal server error (HTTP 500, code 10000)", ExitFailure},
		{"exit error", &ExitError{Code: ExitTimeout, Err: errors.New("timed out"), Hint: "old"}, "timed out", ExitTimeout},
		{"wrapped exit error keeps the outer message", fmt.Errorf("starting run: %w", &ExitError{Code: ExitUsage, Err: errors.New("bad"), Hint: "old"}), "starting run: bad", ExitUsage},
		{"no key", api.ErrNoAPIKey, "no API key configured", ExitAuth},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := WithHint(tt.err, "new hint")
			if got.Error() != tt.wantMsg {
				t.Errorf("message = %q, want %q", got, tt.wantMsg)
			}
			if code := ExitCode(got); code != tt.wantCode {
				t.Errorf("exit code = %d, want %d", code, tt.wantCode)
			}
			if _, hint := Describe(got); hint != "new hint" {
				t.Errorf("hint = %q, want %q", hint, "new hint")
			}
			if !errors.Is(got, tt.err) && errors.Unwrap(tt.err) == nil {
				t.Errorf("WithHint(%v) no longer wraps the error", tt.err)
			}
		})
	}
	// The original error is left as it was.
	orig := &ExitError{Code: ExitTimeout, Err: errors.New("t"), Hint: "old"}
	WithHint(orig, "new")
	if orig.Hint != "old" {
		t.Errorf("WithHint changed its argument: hint %q", orig.Hint)
	}
}

func TestDescribe(t *testing.T) {
	noKeyMsg := "no API key: set CORECLAW_API_KEY or store one with `coreclaw config set api_key -`"
	noKeyHint := "create a key in the CoreClaw console under Settings → API & Integrations"
	netHint := "check the network, the proxy settings (HTTPS_PROXY, NO_PROXY) and the base URL; `coreclaw doctor` checks them all"
	tests := []struct {
		name     string
		err      error
		msg      string
		hint     string
		wantCode int
	}{
		{"plain", errors.New("something\nbroke\t here"), "something broke here", "", ExitFailure},
		{"no key", api.ErrNoAPIKey, noKeyMsg, noKeyHint, ExitAuth},
		{"no key wrapped", fmt.Errorf("x: %w", api.ErrNoAPIKey), noKeyMsg, noKeyHint, ExitAuth},
		{"no key with its own hint", &ExitError{Code: ExitAuth, Err: api.ErrNoAPIKey, Hint: "mine"}, noKeyMsg, "mine", ExitAuth},
		{"api invalid token", &api.Error{HTTPStatus: 401, Code: 12002, Message: "invalid token", RequestID: "req-123"},
			"invalid token (HTTP 401, code 12002, request req-123)",
			"check the key: set CORECLAW_API_KEY or run `coreclaw config set api_key -`", ExitAuth},
		{"api insufficient balance", &api.Error{HTTPStatus: 400, Code: 30001, Message: "account balance is insufficient"},
			"account balance is insufficient (HTTP 400, code 30001)",
			"the account balance is too low: top it up in the CoreClaw console", ExitFailure},
		{"api error without hint", &api.Error{HTTPStatus: 400, Code: 11000, Message: "invalid argument", Details: []string{"limit: must be <= 100"}},
			"invalid argument: limit: must be <= 100 (HTTP 400, code 11000)", "", ExitFailure},
		{"api error wrapped with an exit hint", &ExitError{Code: ExitFailure, Err: &api.Error{HTTPStatus: 429, Code: 13000, Message: "too many requests"}, Hint: "mine"},
			"too many requests (HTTP 429, code 13000)", "mine", ExitFailure},
		{"network", &api.NetworkError{Method: "GET", URL: "https://openapi.coreclaw.com/api/v2/worker-runs/x", Err: errors.New("connection refused"), NotSent: true},
			"cannot reach the API: GET https://openapi.coreclaw.com/api/v2/worker-runs/x: connection refused", netHint, ExitFailure},
		{"network wrapped", fmt.Errorf("waiting: %w", &api.NetworkError{Method: "POST", URL: "u", Err: errors.New("EOF")}),
			"cannot reach the API: waiting: POST u: EOF", netHint, ExitFailure},
		{"canceled", AsInterrupted(context.Background(), context.Canceled), "interrupted", "", ExitInterrupted},
		{"canceled wrapped", AsInterrupted(context.Background(), fmt.Errorf("GET x: %w", context.Canceled)), "interrupted", "", ExitInterrupted},
		{"interruption with a hint", Interrupted("resume with `coreclaw wait R`", "interrupted; run %s goes on", "R"),
			"interrupted; run R goes on", "resume with `coreclaw wait R`", ExitInterrupted},
		{"interruption of a request: no network hint", &InterruptedError{Err: &api.NetworkError{Method: "GET", URL: "u", Err: context.Canceled}},
			"interrupted", "", ExitInterrupted},
		{"input cut short keeps its words", UsageError(fmt.Errorf("interrupted while reading the input from stdin: %w", context.Canceled)),
			"interrupted while reading the input from stdin: context canceled", "", ExitInterrupted},
		{"exit error with hint", &ExitError{Code: ExitTimeout, Err: errors.New("timed out after 1s"), Hint: "resume with\n `coreclaw wait X`"},
			"timed out after 1s", "resume with `coreclaw wait X`", ExitTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg, hint := Describe(tt.err)
			if msg != tt.msg {
				t.Errorf("message = %q, want %q", msg, tt.msg)
			}
			if hint != tt.hint {
				t.Errorf("hint = %q, want %q", hint, tt.hint)
			}
			if code := ExitCode(tt.err); code != tt.wantCode {
				t.Errorf("exit code = %d, want %d", code, tt.wantCode)
			}
		})
	}
}

func TestArgs(t *testing.T) {
	root := &cobra.Command{Use: "coreclaw"}
	wait := &cobra.Command{Use: "wait", Run: func(*cobra.Command, []string) {}}
	root.AddCommand(wait)
	exact := ExactArgs(1, "the run to wait for")
	tests := []struct {
		name string
		fn   cobra.PositionalArgs
		args []string
		want string // "" for no error
	}{
		{"exact: one", exact, []string{"R"}, ""},
		{"exact: none", exact, nil, "coreclaw wait: missing the run to wait for"},
		{"exact: two", exact, []string{"a", "b c"}, `coreclaw wait: too many arguments (got "a" "b c"); expected the run to wait for`},
		{"exact: escapes", exact, []string{"a", "x\ny"}, `coreclaw wait: too many arguments (got "a" "x\ny"); expected the run to wait for`},
		{"exact two: one", ExactArgs(2, "a key and a value"), []string{"k"}, "coreclaw wait: missing a key and a value"},
		{"no args: none", NoArgs, []string{}, ""},
		{"no args: one", NoArgs, []string{"x"}, `coreclaw wait takes no arguments (got "x")`},
		{"no args: two", NoArgs, []string{"x", ""}, `coreclaw wait takes no arguments (got "x" "")`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.fn(wait, tt.args)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("error = %q, want %q", err, tt.want)
			}
			if ExitCode(err) != ExitUsage {
				t.Errorf("exit code = %d, want %d", ExitCode(err), ExitUsage)
			}
		})
	}
}

// TestGivenFlags: a flag counts as given when it is on the command line,
// even as its default value or empty, and not otherwise; inherited
// (persistent) flags count too.
func TestGivenFlags(t *testing.T) {
	root := &cobra.Command{Use: "root"}
	root.PersistentFlags().Bool("debug", false, "")
	cmd := &cobra.Command{Use: "x", Run: func(*cobra.Command, []string) {}}
	cmd.Flags().Bool("a", false, "")
	cmd.Flags().Int("b", 0, "")
	cmd.Flags().String("c", "", "")
	cmd.Flags().Bool("d", false, "")
	root.AddCommand(cmd)
	root.SetArgs([]string{"x", "--c", "", "--a", "--d=false", "--debug"})
	root.SetOut(io.Discard)
	var g Given
	cmd.Run = func(cmd *cobra.Command, _ []string) { g = GivenFlags(cmd) }
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(g) != "map[a:true c:true d:true debug:true]" {
		t.Errorf("GivenFlags = %v", g)
	}
	if !g.Has("c") || g.Has("b") || g.Has("unknown") {
		t.Errorf("Has: c %v, b %v, unknown %v", g.Has("c"), g.Has("b"), g.Has("unknown"))
	}
	if got := g.Which("d", "a", "b", "c", "unknown"); fmt.Sprint(got) != "[--d --a --c]" {
		t.Errorf("Which = %v, want [--d --a --c]", got)
	}
	var none Given
	if none.Has("a") || none.Which("a") != nil {
		t.Error("a nil Given has flags")
	}
}

func TestCheckLimit(t *testing.T) {
	for _, n := range []int{0, 1, 100, 5000} {
		if err := CheckLimit(n); err != nil {
			t.Errorf("CheckLimit(%d) = %v", n, err)
		}
	}
	err := CheckLimit(-1)
	if ExitCode(err) != ExitUsage || err.Error() != "--limit must be a positive number, not -1" {
		t.Errorf("CheckLimit(-1) = %v (exit %d)", err, ExitCode(err))
	}
}

// AsInterrupted is the one place where what an interrupt cut short becomes
// the interruption: a context's cancellation, or a failure to get a reply
// once the command's context is done; never a decided outcome.
func TestAsInterrupted(t *testing.T) {
	done, cancel := context.WithCancel(context.Background())
	cancel()
	live := context.Background()
	netErr := &api.NetworkError{Method: "GET", URL: "u", Err: errors.New("connection reset")}
	typed := Interrupted("resume", "interrupted; run R goes on")
	tests := []struct {
		name string
		ctx  context.Context
		err  error
		code int
		msg  string
	}{
		{"nil", done, nil, ExitOK, ""},
		{"canceled", live, context.Canceled, ExitInterrupted, "interrupted"},
		{"request cut by the interrupt", done, netErr, ExitInterrupted, "interrupted"},
		{"network failure without an interrupt", live, netErr, ExitFailure, "cannot reach the API: GET u: connection reset"},
		{"usage error stays", done, UsageErrorf("bad"), ExitUsage, "bad"},
		{"run failed stays", done, &ExitError{Code: ExitRunFailed, Err: errors.New("run R failed")}, ExitRunFailed, "run R failed"},
		{"auth stays", done, api.ErrNoAPIKey, ExitAuth, ""},
		{"typed stays", done, typed, ExitInterrupted, "interrupted; run R goes on"},
	}
	for _, tt := range tests {
		err := AsInterrupted(tt.ctx, tt.err)
		if code := ExitCode(err); code != tt.code {
			t.Errorf("%s: exit %d, want %d", tt.name, code, tt.code)
		}
		if err == nil || tt.msg == "" {
			continue
		}
		if msg, _ := Describe(err); msg != tt.msg {
			t.Errorf("%s: message %q, want %q", tt.name, msg, tt.msg)
		}
	}
	if AsInterrupted(done, typed) != typed {
		t.Error("an interruption was wrapped again")
	}
	if !errors.Is(typed, ErrInterrupted) {
		t.Error("a typed interruption is not ErrInterrupted")
	}
}
