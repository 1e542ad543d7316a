package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/coreclaw/coreclaw/cmd"
	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/build"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/fakeapi"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/race"
)

// bubbleEpoch is where the fake's clock starts in the batch tests: the
// same moment as runWith's coreclaw clock, so that the run list's days
// agree with the manifest's times.
var bubbleEpoch = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

// sinceBubbleStart is a clock at bubbleEpoch when called first in a
// bubble, moving with the bubble's clock after that.
func sinceBubbleStart() func() time.Time {
	start := time.Now()
	return func() time.Time { return bubbleEpoch.Add(time.Since(start)) }
}

// writeInputs writes an inputs file of n lines made by line(i), i from 1.
func writeInputs(t *testing.T, n int, line func(i int) string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "inputs.jsonl")
	var b strings.Builder
	for i := 1; i <= n; i++ {
		b.WriteString(line(i) + "\n")
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// readManifest returns the manifest's newest record of each line.
func readManifest(t *testing.T, path string) map[int]map[string]any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[int]map[string]any{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("manifest record %q: %v", sc.Text(), err)
		}
		out[int(rec["line"].(float64))] = rec
	}
	return out
}

// A start whose reply is lost (the run is created, the connection drops)
// is recorded as uncertain and found in the Worker's run list before
// anything else starts: the line is not started twice.
func TestBatchLostStartReplyFoundInRunList(t *testing.T) {
	spec := loadSpec(t)
	synctest.Test(t, func(t *testing.T) {
		srv := startFake(t, fakeapi.Options{Spec: spec, Now: sinceBubbleStart()})
		srv.AddFault(fakeapi.Fault{Method: "POST", Path: "/api/v2/workers/*/runs", AfterHandling: true, Drop: true, Times: 1})
		inputs := writeInputs(t, 2, func(i int) string { return fmt.Sprintf(`{"n": %d}`, i) })
		code, stdout, stderr := inProcess(t, srv, "batch", "run", "fake/succeeds", "-f", inputs, "--no-validate", "--concurrency", "1", "--wait")
		if code != 0 || stdout != "" {
			t.Fatalf("exit %d, stdout %q\n%s", code, stdout, stderr)
		}
		if n := countCalls(srv, "POST", "/api/v2/workers/*/runs"); n != 2 {
			t.Fatalf("%d starts sent for 2 lines, want 2\n%s", n, stderr)
		}
		if n := countCalls(srv, "GET", "/api/v2/worker-runs"); n != 1 {
			t.Fatalf("the run list was read %d times, want 1", n)
		}
		want := "notice: line 1: the start may or may not have created a run (no reply to the start: the connection failed after it was sent); looking for it in the Worker's run list\n" +
			"notice: line 1: its run 01KFAKER000000000000000001 was found in the run list\n"
		if !strings.HasPrefix(stderr, want) {
			t.Fatalf("stderr:\n%s\nwant it to start with:\n%s", stderr, want)
		}
		m := readManifest(t, inputs+".runs.jsonl")
		for line, slug := range map[int]string{1: "01KFAKER000000000000000001", 2: "01KFAKER000000000000000002"} {
			if m[line]["slug"] != slug || m[line]["status"] != "succeeded" {
				t.Errorf("line %d: %v, want run %s succeeded", line, m[line], slug)
			}
		}
	})
}

// The same lost reply when the run list shows no new run: the start made
// nothing, so the line starts again, once.
func TestBatchLostStartWithoutRunStartsAgain(t *testing.T) {
	spec := loadSpec(t)
	synctest.Test(t, func(t *testing.T) {
		srv := startFake(t, fakeapi.Options{Spec: spec, Now: sinceBubbleStart()})
		srv.AddFault(fakeapi.Fault{Method: "POST", Path: "/api/v2/workers/*/runs", Status: 502, HTML: true, Times: 1})
		inputs := writeInputs(t, 1, func(i int) string { return `{"n": 1}` })
		code, _, stderr := inProcess(t, srv, "batch", "run", "fake/succeeds", "-f", inputs, "--no-validate", "--wait")
		if code != 0 {
			t.Fatalf("exit %d\n%s", code, stderr)
		}
		if n := countCalls(srv, "POST", "/api/v2/workers/*/runs"); n != 2 {
			t.Fatalf("%d starts sent, want 2 (the 502, then the start that worked)", n)
		}
		if !strings.Contains(stderr, "notice: line 1: no run was created; it starts again\n") {
			t.Fatalf("stderr:\n%s", stderr)
		}
	})
}

// runInBubbleTime runs one command line with coreclaw on the bubble's own
// clock (time.Now and real timers, which the bubble fakes), so that it and
// a fake whose runs progress with time share one clock.
func runInBubbleTime(t *testing.T, srv *fakeAPI, args ...string) (int, string, string) {
	t.Helper()
	ios, _, stdout, stderr := iostreams.Test()
	f := cmdutil.New(build.Info{Version: "1.2.3", Commit: "test", Date: "today"}, ios)
	env := map[string]string{
		"CORECLAW_BASE_URL":   srv.URL,
		"CORECLAW_API_KEY":    srv.APIKey(),
		"CORECLAW_CONFIG_DIR": filepath.Join(t.TempDir(), "config"),
	}
	f.LookupEnv = func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	clock := sinceBubbleStart()
	f.Now, f.Sleep = clock, api.SleepContext
	transport := api.NewTransport(api.Timeouts{}, nil)
	transport.DialContext = srv.net.DialContext
	defer transport.CloseIdleConnections()
	f.Transport = transport
	code := cmd.Run(context.Background(), f, args)
	return code, stdout.String(), stderr.String()
}

// readsPerRun counts the status reads of each run.
func readsPerRun(srv *fakeAPI) map[string]int {
	out := map[string]int{}
	for _, r := range srv.Requests() {
		if slug, ok := strings.CutPrefix(r.Path, "/api/v2/worker-runs/"); ok && r.Method == "GET" && !strings.Contains(slug, "/") {
			out[slug]++
		}
	}
	return out
}

// The batch figure: 200 inputs, a plan limit of 5, runs of 2 s, a server
// 20 ms away. The ideal is 200 ÷ 5 × 2 s = 80 s; the batch must finish
// within 1.2 times that, reading no run more often than one `coreclaw
// wait` reads a run of 2 s. It plays out on the bubble's clock, so the
// 80 s take a moment.
func TestBatchFigure(t *testing.T) {
	if race.Enabled {
		// 200 runs' worth of requests, ten times slower: the scheduler
		// meets the detector in the tests above; make test runs this in
		// its plain pass.
		t.Skip("runs in the plain pass of make test")
	}
	spec := loadSpec(t)
	const lines, plan, runFor = 200, 5, 2 * time.Second
	synctest.Test(t, func(t *testing.T) {
		opts := fakeapi.Options{Spec: spec, Workers: fakeapi.FakeclawWorkers(), Latency: 20 * time.Millisecond}
		srv := startFake(t, opts)
		srv.SetVariants(fakeapi.Variants{TimeProgress: true, ConcurrencyLimit: plan})

		// One wait, for the yardstick.
		code, _, stderr := runInBubbleTime(t, srv, "run", "fake/gen", "-p", "rows:=1", "-p", "seconds:=2", "--wait", "--no-results", "-o", "json")
		if code != 0 {
			t.Fatalf("run --wait: exit %d\n%s", code, stderr)
		}
		single := readsPerRun(srv)["01KFAKER000000000000000001"]
		srv.ResetRequests()

		inputs := writeInputs(t, lines, func(i int) string { return fmt.Sprintf(`{"rows": 1, "seconds": 2, "n": %d}`, i) })
		began := time.Now()
		code, _, stderr = runInBubbleTime(t, srv, "batch", "run", "fake/gen", "-f", inputs, "--concurrency", fmt.Sprint(plan), "--wait")
		took := time.Since(began)
		if code != 0 {
			t.Fatalf("batch run: exit %d\n%s", code, stderr)
		}
		ideal := time.Duration(lines/plan) * runFor
		t.Logf("%d runs in %s (ideal %s, %.2fx); one wait reads a run %d times", lines, took, ideal, float64(took)/float64(ideal), single)
		if took > ideal*12/10 {
			t.Errorf("the batch took %s, more than 1.2 × the ideal %s", took, ideal)
		}
		reads := readsPerRun(srv)
		if len(reads) != lines {
			t.Fatalf("%d runs read, want %d", len(reads), lines)
		}
		worst, total := 0, 0
		for _, n := range reads {
			worst = max(worst, n)
			total += n
		}
		t.Logf("status reads per run: at most %d, %.2f on average", worst, float64(total)/float64(lines))
		if worst > single {
			t.Errorf("a run of the batch was read %d times; one wait reads it %d times", worst, single)
		}
		if n := countCalls(srv, "POST", "/api/v2/workers/*/runs"); n != lines {
			t.Errorf("%d starts for %d lines (a start refused by the plan limit counts too)", n, lines)
		}
	})
}
