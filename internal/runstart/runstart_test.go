package runstart

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"testing"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/iostreams"
)

type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }

// TestFinishWhenStdoutFails: the slug of a started run goes to stderr when
// stdout cannot take it, and the exit is 1.
func TestFinishWhenStdoutFails(t *testing.T) {
	for _, cause := range []error{syscall.ENOSPC, syscall.EPIPE} {
		ios, _, _, errOut := iostreams.Test()
		ios.Out = failingWriter{cause}
		started := &api.StartedRun{RunSlug: "01KS", Unread: []string{"error_message=12"}}
		err := Finish(context.Background(), Options{IO: ios}, &Flags{}, nil, started)
		if cmdutil.ExitCode(err) != cmdutil.ExitFailure || !errors.Is(err, cause) {
			t.Fatalf("%v: error %v (exit %d)", cause, err, cmdutil.ExitCode(err))
		}
		msg, hint := cmdutil.Describe(err)
		if want := "cannot write the run's slug to stdout: " + cause.Error(); msg != want {
			t.Errorf("message %q, want %q", msg, want)
		}
		if want := "the run 01KS was started; `coreclaw wait 01KS` waits for it"; hint != want {
			t.Errorf("hint %q, want %q", hint, want)
		}
		if errOut.String() != "started run 01KS\n" {
			t.Errorf("stderr %q", errOut.String())
		}
	}
}

// TestFinishPrintsTheSlugFirst: the slug, then what could not be read.
func TestFinishPrintsTheSlugFirst(t *testing.T) {
	ios, _, out, errOut := iostreams.Test()
	started := &api.StartedRun{RunSlug: "01KS", Unread: []string{"error_message=12", "results=\"x\x1b[2J\""}}
	if err := Finish(context.Background(), Options{IO: ios}, &Flags{}, nil, started); err != nil {
		t.Fatal(err)
	}
	if out.String() != "01KS\n" {
		t.Errorf("stdout %q", out.String())
	}
	if want := "warning: ignored what could not be read in the reply to the start: error_message=12, results=\"x\"\n"; errOut.String() != want {
		t.Errorf("stderr %q, want %q", errOut.String(), want)
	}
}

// TestErrorSaysWhenTheRunMayHaveStarted: only a reply that proves no run
// was created goes without the hint.
func TestErrorSaysWhenTheRunMayHaveStarted(t *testing.T) {
	const check = "`coreclaw status last` shows the account's newest run"
	maybe := "the run may have started: " + check + " before you try again"
	tests := []struct {
		name string
		err  error
		hint string
	}{
		{"5xx", &api.Error{HTTPStatus: 500, Code: 10000}, maybe},
		{"501 with a code", &api.Error{HTTPStatus: 501, Code: 16000}, maybe},
		{"200 with code 14000", &api.Error{HTTPStatus: 200, Code: 14000}, maybe},
		{"gateway page", &api.Error{HTTPStatus: 502, NotJSON: true}, maybe},
		{"redirect", &api.Error{HTTPStatus: 307, NotJSON: true}, maybe},
		{"2xx without a slug", &api.ReplyError{Op: "POST /x", Err: errors.New("no run_slug in the reply")}, maybe},
		{"wrapped", fmt.Errorf("starting: %w", &api.ReplyError{Op: "POST /x", Err: errors.New("x")}), maybe},
		{"worker not found", &api.Error{HTTPStatus: 400, Code: 50001}, "check the Worker id (owner/name or slug); `coreclaw workers search` lists Store Workers"},
		{"balance", &api.Error{HTTPStatus: 400, Code: 30001}, "the account balance is too low: top it up in the CoreClaw console"},
		{"not sent", &api.NetworkError{Method: "POST", URL: "u", Err: errors.New("connection refused"), NotSent: true},
			"check the network, the proxy settings (HTTPS_PROXY, NO_PROXY) and the base URL; `coreclaw doctor` checks them all"},
		{"cut", &api.NetworkError{Method: "POST", URL: "u", Err: errors.New("EOF")}, check + " before you try again"},
	}
	for _, tt := range tests {
		err := Error(context.Background(), tt.err, check)
		_, hint := cmdutil.Describe(err)
		if hint != tt.hint {
			t.Errorf("%s: hint %q, want %q", tt.name, hint, tt.hint)
		}
		if cmdutil.ExitCode(err) != cmdutil.ExitFailure {
			t.Errorf("%s: exit %d", tt.name, cmdutil.ExitCode(err))
		}
	}
}
