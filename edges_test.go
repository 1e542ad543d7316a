package main

import (
	"context"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/coreclaw/coreclaw/cmd"
	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/build"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/fakeapi"
	"github.com/coreclaw/coreclaw/internal/iostreams"
)

// runWith runs one command line in process against srv with the given
// key and timeouts, on a clock that only moves when something sleeps.
func runWith(t *testing.T, srv *fakeapi.Server, key string, timeouts api.Timeouts, args ...string) (int, string, string) {
	t.Helper()
	ios, _, stdout, stderr := iostreams.Test()
	f := cmdutil.New(build.Info{Version: "1.2.3", Commit: "test", Date: "today"}, ios)
	env := map[string]string{
		"CORECLAW_BASE_URL":   srv.URL,
		"CORECLAW_API_KEY":    key,
		"CORECLAW_CONFIG_DIR": filepath.Join(t.TempDir(), "config"),
	}
	f.LookupEnv = func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	clock := &fakeClock{t: time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)}
	f.Now, f.Sleep = clock.Now, clock.Sleep
	f.Timeouts = timeouts
	code := cmd.Run(context.Background(), f, args)
	return code, stdout.String(), stderr.String()
}

// TestStatusAgainstATricklingServer: a reply that keeps coming, 16 bytes at
// a time, never trips the idle timeout; the call's total limit cuts it, so
// `status` ends (after its retries) instead of running as long as the
// server likes.
func TestStatusAgainstATricklingServer(t *testing.T) {
	srv, err := fakeapi.Start(fakeapi.Options{Spec: loadSpec(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
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
