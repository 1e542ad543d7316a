package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/coreclaw/coreclaw/internal/fakeapi"
)

// errorLine is the "error: ..." line of stderr, or "".
func errorLine(stderr string) string {
	for _, l := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(l, "error: ") {
			return l
		}
	}
	return ""
}

// commandKind is one kind of command the fault matrix exercises: which
// endpoint it hits that the fault spoils, and how to run it.
type commandKind struct {
	name   string
	method string
	path   string // path.Match pattern of the spoiled endpoint
	// args builds the command line; slug is an existing finished run.
	args func(slug string) []string
}

func commandKinds() []commandKind {
	return []commandKind{
		{"start", "POST", "/api/v2/workers/*/runs", func(string) []string { return []string{"run", "fake/instant"} }},
		{"wait", "GET", "/api/v2/worker-runs/*", func(s string) []string { return []string{"wait", s, "--no-results"} }},
		{"results", "GET", "/api/v2/worker-runs/*/result", func(s string) []string { return []string{"results", s, "-o", "jsonl"} }},
		{"export", "GET", "/api/v2/worker-runs/*/result/export", func(s string) []string { return []string{"export", s, "--format", "jsonl"} }},
		{"download", "GET", "/_downloads/*", func(s string) []string { return []string{"export", s, "--format", "jsonl"} }},
		{"abort", "POST", "/api/v2/worker-runs/*/abort", func(s string) []string { return []string{"abort", s} }},
	}
}

// outcome is what a cell of the matrix expects.
type outcome struct {
	code  int
	err   string // regexp for the error line; "" means no error line
	calls int    // requests to the spoiled endpoint
	runs  int    // runs that exist afterwards (start only; -1 to skip)
}

func TestFaultMatrix(t *testing.T) {
	spec := loadSpec(t)
	ok := outcome{code: 0, calls: 2, runs: -1}
	// reads: the spoiled request is retried once and the command succeeds.
	reads := func(m map[string]outcome) map[string]outcome {
		for _, k := range []string{"wait", "results", "export", "download", "abort"} {
			if _, set := m[k]; !set {
				m[k] = ok
			}
		}
		return m
	}
	faults := []struct {
		name  string
		fault fakeapi.Fault
		want  map[string]outcome
	}{
		{"429 once", fakeapi.Fault{Status: 429, Code: 13000, RetryAfter: "1", Times: 1}, reads(map[string]outcome{
			"start": {code: 0, calls: 2, runs: 1}})},
		{"500 before handling", fakeapi.Fault{Status: 500, Code: 10000, Times: 1}, reads(map[string]outcome{
			"start": {code: 1, err: `^error: internal server error \(HTTP 500, code 10000, request req-\d+\)$`, calls: 1, runs: 0}})},
		{"500 after handling", fakeapi.Fault{Status: 500, Code: 10000, Times: 1, AfterHandling: true}, reads(map[string]outcome{
			"start": {code: 1, err: `^error: internal server error \(HTTP 500, code 10000, request req-\d+\)$`, calls: 1, runs: 1}})},
		{"html 502", fakeapi.Fault{HTML: true, Status: 502, Times: 1}, reads(map[string]outcome{
			"start": {code: 1, err: `^error: unexpected reply from the API \(HTTP 502 Bad Gateway\): "502 Bad Gateway"$`, calls: 1, runs: 0}})},
		{"dropped before handling", fakeapi.Fault{Drop: true, Times: 1}, reads(map[string]outcome{
			"start": {code: 1, err: `^error: cannot reach the API: POST http://127\.0\.0\.1:\d+/api/v2/workers/fake~instant/runs: EOF; the run may have started$`, calls: 1, runs: 0}})},
		{"dropped after handling", fakeapi.Fault{Drop: true, Times: 1, AfterHandling: true}, reads(map[string]outcome{
			"start": {code: 1, err: `; the run may have started$`, calls: 1, runs: 1}})},
		// A download cut short after its body began is not retried (with
		// stdout as the target, bytes are already out): it fails whole.
		{"truncated body", fakeapi.Fault{Truncate: true, Times: 1, AfterHandling: true}, reads(map[string]outcome{
			"start":    {code: 1, err: `unexpected EOF; the run may have started$`, calls: 1, runs: 1},
			"download": {code: 1, err: `^error: download of http://127\.0\.0\.1:\d+/_downloads/\S+ incomplete: got 246 of 492 bytes: the connection closed early$`, calls: 1, runs: -1}})},
		// A download host is not the API: whatever 200 body it sends is the file.
		{"200 with code 14000", fakeapi.Fault{Status: 200, Code: 14000, Times: 1}, reads(map[string]outcome{
			"start":    {code: 1, err: `^error: database error \(HTTP 200, code 14000, request req-\d+\)$`, calls: 1, runs: 0},
			"download": {code: 0, calls: 1, runs: -1}})},
		{"200 with code 11000", fakeapi.Fault{Status: 200, Code: 11000, Times: 1}, reads(map[string]outcome{
			"start":    {code: 1, err: `^error: invalid argument \(HTTP 200, code 11000, request req-\d+\)$`, calls: 1, runs: 0},
			"wait":     {code: 1, err: `^error: invalid argument \(HTTP 200, code 11000, request req-\d+\)$`, calls: 1, runs: -1},
			"results":  {code: 1, err: `^error: invalid argument \(HTTP 200, code 11000, request req-\d+\)$`, calls: 1, runs: -1},
			"export":   {code: 1, err: `^error: invalid argument \(HTTP 200, code 11000, request req-\d+\)$`, calls: 1, runs: -1},
			"abort":    {code: 1, err: `^error: invalid argument \(HTTP 200, code 11000, request req-\d+\)$`, calls: 1, runs: -1},
			"download": {code: 0, calls: 1, runs: -1}})},
		{"slow headers", fakeapi.Fault{Delay: 400 * time.Millisecond, Times: 1}, reads(map[string]outcome{
			"start": {code: 1, err: `no reply within 150ms; the run may have started$`, calls: 1, runs: -1}})},
		{"slow body", fakeapi.Fault{SlowBody: 400 * time.Millisecond, Times: 1, AfterHandling: true}, reads(map[string]outcome{
			"start":    {code: 1, err: `reply stalled for 150ms; the run may have started$`, calls: 1, runs: 1},
			"download": {code: 1, err: `incomplete: got 16 of 492 bytes: no data for 150ms$`, calls: 1, runs: -1}})},
		{"401", fakeapi.Fault{Status: 401, Code: 12002, Times: 1}, reads(map[string]outcome{
			"start":   {code: 4, err: `^error: invalid token \(HTTP 401, code 12002, request req-\d+\)$`, calls: 1, runs: 0},
			"wait":    {code: 4, err: `^error: invalid token \(HTTP 401, code 12002, request req-\d+\)$`, calls: 1, runs: -1},
			"results": {code: 4, err: `^error: invalid token \(HTTP 401, code 12002, request req-\d+\)$`, calls: 1, runs: -1},
			"export":  {code: 4, err: `^error: invalid token \(HTTP 401, code 12002, request req-\d+\)$`, calls: 1, runs: -1},
			"abort":   {code: 4, err: `^error: invalid token \(HTTP 401, code 12002, request req-\d+\)$`, calls: 1, runs: -1},
			// A refused download link is the link's problem, not the key's.
			"download": {code: 1, err: `^error: downloading http://127\.0\.0\.1:\d+/_downloads/\S+ failed: HTTP 401 Unauthorized$`, calls: 1, runs: -1}})},
	}
	for _, fc := range faults {
		for _, kind := range commandKinds() {
			want, ok := fc.want[kind.name]
			if !ok {
				t.Fatalf("%s: no expectation for %s", fc.name, kind.name)
			}
			t.Run(fc.name+"/"+kind.name, func(t *testing.T) {
				t.Parallel()
				inBubble(t, spec, func(t *testing.T, srv *fakeAPI) {
					slug, err := srv.AddRun("fake/succeeds", "succeeded", 3)
					if err != nil {
						t.Fatal(err)
					}
					runsBefore := srv.RunsCreated()
					srv.ResetRequests()
					f := fc.fault
					f.Method, f.Path = kind.method, kind.path
					srv.AddFault(f)

					code, stdout, stderr := inProcess(t, srv, kind.args(slug)...)
					if code != want.code {
						t.Errorf("exit code %d, want %d\nstderr:\n%s", code, want.code, stderr)
					}
					line := errorLine(stderr)
					switch {
					case want.err == "" && line != "":
						t.Errorf("unexpected error line %q", line)
					case want.err != "" && !regexp.MustCompile(want.err).MatchString(line):
						t.Errorf("error line %q does not match %q\nstderr:\n%s", line, want.err, stderr)
					}
					if n := countCalls(srv, kind.method, kind.path); n != want.calls {
						t.Errorf("%d requests to %s %s, want %d", n, kind.method, kind.path, want.calls)
					}
					created := srv.RunsCreated() - runsBefore
					if want.runs >= 0 && created != want.runs {
						t.Errorf("%d runs created, want %d", created, want.runs)
					}
					if created > 1 {
						t.Errorf("%d runs created: a start was carried out twice", created)
					}
					if want.code == 0 && (kind.name == "results" || (kind.name == "export" || kind.name == "download") && fc.fault.Code == 0) {
						if got := strings.Count(stdout, "\n"); got != 3 {
							t.Errorf("%d rows printed, want 3:\n%s", got, stdout)
						}
					}
					if strings.Contains(stdout+stderr, srv.APIKey()) {
						t.Errorf("the API key was printed")
					}
					if v := srv.Violations(); len(v) > 0 {
						t.Errorf("spec violations: %v", v)
					}
				})
			})
		}
	}
}

func countCalls(srv *fakeAPI, method, pattern string) int {
	re := regexp.MustCompile("^" + strings.ReplaceAll(regexp.QuoteMeta(pattern), `\*`, `[^/]+`) + "$")
	n := 0
	for _, r := range srv.Requests() {
		if r.Method == method && re.MatchString(r.Path) {
			n++
		}
	}
	return n
}

// TestStartGivesUpOnPersistentRateLimit: 429 proves no run was created, so a
// start is retried, but only within the attempt limit.
func TestStartGivesUpOnPersistentRateLimit(t *testing.T) {
	inBubble(t, loadSpec(t), testStartGivesUpOnPersistentRateLimit)
}

func testStartGivesUpOnPersistentRateLimit(t *testing.T, srv *fakeAPI) {
	srv.AddFault(fakeapi.Fault{Method: "POST", Path: "/api/v2/workers/*/runs", Status: 429, Code: 13000})
	code, stdout, stderr := inProcess(t, srv, "run", "fake/instant")
	if code != 1 || stdout != "" {
		t.Fatalf("code %d, stdout %q", code, stdout)
	}
	// req-1 is the read of the input schema; req-2 to req-6 the five starts.
	if got, want := errorLine(stderr), `error: too many requests (HTTP 429, code 13000, request req-6)`; got != want {
		t.Errorf("error line %q, want %q", got, want)
	}
	if n := strings.Count(stderr, "notice: retrying POST /api/v2/workers/fake~instant/runs"); n != 4 {
		t.Errorf("%d retry notices, want 4:\n%s", n, stderr)
	}
	if n := countCalls(srv, "POST", "/api/v2/workers/*/runs"); n != 5 {
		t.Errorf("%d starts sent, want 5", n)
	}
	if n := srv.RunsCreated(); n != 0 {
		t.Errorf("%d runs created, want 0", n)
	}
}

// TestResultsNothingLost: when pages fail and are retried, results still
// delivers exactly count rows, each once, in order — under both paging
// behaviours of the server.
func TestResultsNothingLost(t *testing.T) {
	spec := loadSpec(t)
	for _, rowOffset := range []bool{false, true} {
		t.Run(fmt.Sprintf("row offset paging %v", rowOffset), func(t *testing.T) {
			inBubble(t, spec, func(t *testing.T, srv *fakeAPI) {
				srv.SetVariants(fakeapi.Variants{RowOffsetPaging: rowOffset})
				slug, err := srv.AddRun("fake/big", "succeeded", 250)
				if err != nil {
					t.Fatal(err)
				}
				srv.AddFault(fakeapi.Fault{Method: "GET", Path: "/api/v2/worker-runs/*/result", Skip: 1, Times: 1, Status: 502, Code: 10000})
				srv.AddFault(fakeapi.Fault{Method: "GET", Path: "/api/v2/worker-runs/*/result", Skip: 1, Times: 1, Drop: true})
				code, stdout, stderr := inProcess(t, srv, "results", slug, "-o", "jsonl")
				if code != 0 {
					t.Fatalf("exit %d\n%s", code, stderr)
				}
				lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
				if len(lines) != 250 {
					t.Fatalf("%d rows, want 250", len(lines))
				}
				for i, l := range lines {
					if want := fmt.Sprintf(`{"n":%d,"title":"Item %d"}`, i+1, i+1); l != want {
						t.Fatalf("row %d = %s, want %s", i+1, l, want)
					}
				}
				// The second page fails twice. The 502 is retried by the
				// client, with a notice. The dropped connection was a reused
				// keep-alive one, and net/http's Transport sends a GET again by
				// itself, unannounced, when such a connection closes before any
				// reply: three sends of the page, one notice.
				notice := regexp.MustCompile(`^notice: retrying GET /api/v2/worker-runs/` + slug +
					`/result in \d+ms: server error \(HTTP 502\) \(attempt 2 of 5\)\n$`)
				if !notice.MatchString(stderr) {
					t.Errorf("stderr:\n%s\nwant one notice, for the 502", stderr)
				}
				reqs := srv.Requests()
				sends := 0
				for _, r := range reqs {
					if r.Path == reqs[1].Path && r.Query == reqs[1].Query {
						sends++
					}
				}
				if sends != 3 {
					t.Errorf("the second page was sent %d times, want 3: %v", sends, reqs)
				}
			})
		})
	}
}

// TestWaitForSlot: 30003 proves no run was created, so with --wait-for-slot
// the start is sent again until a slot comes free or the time is up;
// without it, the start fails at once.
func TestWaitForSlot(t *testing.T) {
	spec := loadSpec(t)
	start := func(t *testing.T, times int) *fakeAPI {
		srv := startFake(t, fakeapi.Options{Spec: spec})
		srv.AddFault(fakeapi.Fault{Method: "POST", Path: "/api/v2/workers/*/runs", Status: 400, Code: 30003, Times: times})
		return srv
	}
	t.Run("a slot comes free", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			srv := start(t, 2)
			code, stdout, stderr := inProcess(t, srv, "run", "fake/instant", "--no-validate", "--wait-for-slot", "1m")
			if code != 0 || stdout != "01KFAKER000000000000000001\n" {
				t.Fatalf("exit %d, stdout %q\n%s", code, stdout, stderr)
			}
			want := "notice: the plan's concurrent-run limit is reached; trying again in 5s (waiting up to 1m0s more for a slot)\n" +
				"notice: the plan's concurrent-run limit is reached; trying again in 10s (waiting up to 55s more for a slot)\n"
			if stderr != want {
				t.Fatalf("stderr:\n%s\nwant:\n%s", stderr, want)
			}
			if n := countCalls(srv, "POST", "/api/v2/workers/*/runs"); n != 3 {
				t.Fatalf("%d starts sent, want 3", n)
			}
		})
	})
	t.Run("no slot in time", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			srv := start(t, 0)
			code, _, stderr := inProcess(t, srv, "run", "fake/instant", "--no-validate", "--wait-for-slot", "20s")
			if code != 1 {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			if !strings.HasSuffix(stderr, "hint: no run slot came free within --wait-for-slot 20s; no run was started\n") {
				t.Fatalf("stderr:\n%s", stderr)
			}
			// 5s + 10s + 5s (what was left), then the deadline.
			if n := countCalls(srv, "POST", "/api/v2/workers/*/runs"); n != 4 {
				t.Fatalf("%d starts sent, want 4", n)
			}
			if srv.RunsCreated() != 0 {
				t.Fatal("a run was created")
			}
		})
	})
	t.Run("rerun waits too", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			srv := start(t, 0)
			slug, err := srv.AddRun("fake/succeeds", "succeeded", 1)
			if err != nil {
				t.Fatal(err)
			}
			srv.AddFault(fakeapi.Fault{Method: "POST", Path: "/api/v2/worker-runs/*/rerun", Status: 400, Code: 30003, Times: 1})
			code, stdout, stderr := inProcess(t, srv, "rerun", slug, "--wait-for-slot", "1m")
			if code != 0 || stdout != "01KFAKER000000000000000002\n" || strings.Count(stderr, "notice: the plan's concurrent-run limit") != 1 {
				t.Fatalf("exit %d, stdout %q\n%s", code, stdout, stderr)
			}
		})
	})
	t.Run("without the flag", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			srv := start(t, 0)
			code, _, stderr := inProcess(t, srv, "run", "fake/instant", "--no-validate")
			if code != 1 || countCalls(srv, "POST", "/api/v2/workers/*/runs") != 1 {
				t.Fatalf("exit %d, %d starts\n%s", code, countCalls(srv, "POST", "/api/v2/workers/*/runs"), stderr)
			}
			if !strings.Contains(stderr, "pass --wait-for-slot DURATION") {
				t.Fatalf("no hint about --wait-for-slot:\n%s", stderr)
			}
		})
	})
}
