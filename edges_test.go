package main

import (
	"regexp"
	"testing"
	"time"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/fakeapi"
)

// TestStatusAgainstATricklingServer: a reply that keeps coming, 16 bytes at
// a time, never trips the idle timeout; the call's total limit cuts it, so
// `status` ends (after its retries) instead of running as long as the
// server likes.
func TestStatusAgainstATricklingServer(t *testing.T) {
	inBubble(t, loadSpec(t), testStatusAgainstATricklingServer)
}

func testStatusAgainstATricklingServer(t *testing.T, srv *fakeAPI) {
	slug, err := srv.AddRun("fake/succeeds", "succeeded", 3)
	if err != nil {
		t.Fatal(err)
	}
	srv.ResetRequests()
	srv.AddFault(fakeapi.Fault{Method: "GET", Path: "/api/v2/worker-runs/*", SlowBody: 30 * time.Millisecond, AfterHandling: true})
	code, stdout, stderr := runWith(t, srv, srv.APIKey(),
		api.Timeouts{Header: time.Second, Idle: time.Second, Total: 200 * time.Millisecond}, "status", slug)
	if code != cmdutil.ExitFailure || stdout != "" {
		t.Fatalf("exit %d, stdout %q\n%s", code, stdout, stderr)
	}
	want := regexp.MustCompile(`^error: cannot reach the API: GET http://127\.0\.0\.1:\d+/api/v2/worker-runs/` + slug + `: no complete reply within 200ms$`)
	if line := errorLine(stderr); !want.MatchString(line) {
		t.Errorf("error line %q", line)
	}
	// A read that timed out is retried, within the attempt limit.
	if n := countCalls(srv, "GET", "/api/v2/worker-runs/*"); n != 5 {
		t.Errorf("%d requests, want 5", n)
	}
}
