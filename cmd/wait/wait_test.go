package wait

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/coreclaw/coreclaw/internal/cmdtest"
	"github.com/coreclaw/coreclaw/internal/fakeapi"
	"github.com/coreclaw/coreclaw/internal/output"
	"github.com/coreclaw/coreclaw/internal/runwait"
)

func TestNewCmdWait(t *testing.T) {
	defaults := runwait.Flags{Interval: runwait.DefaultInterval, OnInterrupt: runwait.OnInterruptDetach, Concurrency: 4}
	tests := []struct {
		name    string
		argv    []string
		want    Options
		wantErr string
	}{
		{name: "a slug, defaults", argv: []string{"01KKDXV2G26BT7NH4ZQR2R4NPZ"}, want: Options{Run: "01KKDXV2G26BT7NH4ZQR2R4NPZ", WaitFlags: defaults}},
		{name: "every flag", argv: []string{"last", "--worker", "fake/slow", "--timeout", "10m", "--interval", "2s", "-o", "jsonl",
			"--jq", ".name", "--limit", "5", "--no-results", "--on-interrupt", "abort"},
			want: Options{Run: "last", Worker: "fake/slow", WaitFlags: runwait.Flags{Timeout: 10 * time.Minute, Interval: 2 * time.Second,
				Output: output.Flags{Output: "jsonl", JQ: ".name"}, Limit: 5, NoResults: true, OnInterrupt: "abort", Concurrency: 4}}},
		{name: "--timeout without a unit", argv: []string{"A", "--timeout", "30"},
			wantErr: "error: --timeout 30 needs a unit: 30s (seconds), 30m (minutes) or 30h (hours)\n" +
				"hint: see `coreclaw wait --help`\n" +
				"(exit 2)"},
		{name: "an unknown --on-interrupt", argv: []string{"A", "--on-interrupt", "kill"},
			wantErr: "error: --on-interrupt must be detach or abort, not \"kill\"\n" +
				"hint: see `coreclaw wait --help`\n" +
				"(exit 2)"},
		{name: "no run", wantErr: "error: coreclaw wait: missing the run to wait for (a run slug, or last)\n(exit 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, _ := cmdtest.Factory(t, nil, nil)
			var got *Options
			err := cmdtest.Parse(t, NewCmdWait(f, func(_ context.Context, o *Options) error { got = o; return nil }), tt.argv...)
			cmdtest.Diff(t, "error", cmdtest.Message(err), tt.wantErr)
			switch {
			case tt.wantErr != "" && got != nil:
				t.Error("runF was called")
			case tt.wantErr == "" && got == nil:
				t.Fatal("runF was not called")
			case tt.wantErr == "" && (got.Run != tt.want.Run || got.Worker != tt.want.Worker || got.WaitFlags != tt.want.WaitFlags):
				t.Errorf("options: got %+v, want %+v", *got, tt.want)
			case tt.wantErr == "" && (got.Now == nil || got.Sleep == nil || got.GitHub != nil):
				t.Error("Now and Sleep are the factory's; GitHub is nil outside Actions")
			}
		})
	}
}

func TestWaitRun(t *testing.T) {
	flags := runwait.Flags{Interval: runwait.DefaultInterval, OnInterrupt: runwait.OnInterruptDetach, Concurrency: 4}
	tests := []struct {
		name     string
		worker   string // the run's Worker; it starts ready
		opts     Options
		tty      bool
		stdout   string
		stderr   string
		wantErr  string
		requests string
		slept    string // the pauses, all through the injected sleep
	}{
		{name: "succeeds, pipe", worker: "fake/succeeds",
			stdout: "[\n" +
				"  {\n" +
				"    \"title\": \"Coffee Spot 1\",\n" +
				"    \"address\": \"101 Main St, New York, USA\",\n" +
				"    \"rating\": 4.1,\n" +
				"    \"reviews_count\": 10,\n" +
				"    \"phone\": \"+1 212 555 0001\",\n" +
				"    \"website\": \"https://example.com/places/1\"\n" +
				"  },\n" +
				"  {\n" +
				"    \"title\": \"Coffee Spot 2\",\n" +
				"    \"address\": \"102 Main St, New York, USA\",\n" +
				"    \"rating\": 4.2,\n" +
				"    \"reviews_count\": 20,\n" +
				"    \"phone\": \"+1 212 555 0002\",\n" +
				"    \"website\": \"https://example.com/places/2\"\n" +
				"  },\n" +
				"  {\n" +
				"    \"title\": \"Coffee Spot 3\",\n" +
				"    \"address\": \"103 Main St, New York, USA\",\n" +
				"    \"rating\": 4.3,\n" +
				"    \"reviews_count\": 30,\n" +
				"    \"phone\": \"+1 212 555 0003\",\n" +
				"    \"website\": \"https://example.com/places/3\"\n" +
				"  }\n" +
				"]\n",
			stderr: "run 01KFAKER000000000000000001: ready\n" +
				"run 01KFAKER000000000000000001: running\n" +
				"✓ run 01KFAKER000000000000000001 succeeded · 3 results · 1s · usage $0.0130\n",
			requests: "GET /api/v2/worker-runs/01KFAKER000000000000000001\n" +
				"GET /api/v2/worker-runs/01KFAKER000000000000000001\n" +
				"GET /api/v2/worker-runs/01KFAKER000000000000000001\n" +
				"GET /api/v2/worker-runs/01KFAKER000000000000000001/result?limit=100&offset=1\n",
			slept: "[250ms 900ms]"},
		{name: "fails: exit 3", worker: "fake/fails", opts: Options{WaitFlags: runwait.Flags{NoResults: true}},
			stdout: "{\n" +
				"  \"slug\": \"01KFAKER000000000000000001\",\n" +
				"  \"scraper_slug\": \"01KFAKE0000000000000000003\",\n" +
				"  \"scraper_title\": \"Fails\",\n" +
				"  \"version\": \"v1.2.8\",\n" +
				"  \"status\": \"failed\",\n" +
				"  \"results\": 1,\n" +
				"  \"usage\": \"0.0110\",\n" +
				"  \"traffic\": 2048,\n" +
				"  \"origin\": \"openapi\",\n" +
				"  \"started_at\": 1796025605,\n" +
				"  \"finished_at\": 1796025606,\n" +
				"  \"duration\": 1,\n" +
				"  \"err_msg\": \"navigation timeout on page 3\"\n" +
				"}\n",
			stderr: "run 01KFAKER000000000000000001: ready\n" +
				"run 01KFAKER000000000000000001: running\n" +
				"✗ run 01KFAKER000000000000000001 failed · 1 result · 1s · usage $0.0110 · navigation timeout on page 3\n",
			wantErr: "error: run 01KFAKER000000000000000001 failed: navigation timeout on page 3\n" +
				"hint: see why with `coreclaw logs 01KFAKER000000000000000001`\n" +
				"(exit 3)",
			requests: "GET /api/v2/worker-runs/01KFAKER000000000000000001\n" +
				"GET /api/v2/worker-runs/01KFAKER000000000000000001\n" +
				"GET /api/v2/worker-runs/01KFAKER000000000000000001\n",
			slept: "[250ms 900ms]"},
		{name: "--timeout: exit 5", worker: "fake/slow", opts: Options{WaitFlags: runwait.Flags{Timeout: 3 * time.Second}},
			stderr: "run 01KFAKER000000000000000001: running\n",
			wantErr: "error: timed out after 3s waiting for run 01KFAKER000000000000000001 (status running); the run goes on\n" +
				"hint: resume with `coreclaw wait 01KFAKER000000000000000001`, or stop it with `coreclaw abort 01KFAKER000000000000000001`\n" +
				"(exit 5)",
			requests: strings.Repeat("GET /api/v2/worker-runs/01KFAKER000000000000000001\n", 6),
			slept:    "[250ms 900ms 900ms 900ms 50ms]"},
		{name: "last --worker --limit 1", worker: "fake/succeeds", opts: Options{Run: "last", Worker: "fake/succeeds", WaitFlags: runwait.Flags{Limit: 1, Output: output.Flags{Output: "csv"}}},
			stdout: "title,address,rating,reviews_count,phone,website\n" +
				"Coffee Spot 1,\"101 Main St, New York, USA\",4.1,10,+1 212 555 0001,https://example.com/places/1\n",
			stderr: "run 01KFAKER000000000000000001: running\n" +
				"✓ run 01KFAKER000000000000000001 succeeded · 3 results · 1s · usage $0.0130\n",
			requests: "GET /api/v2/workers/fake~succeeds/runs/last\n" +
				"GET /api/v2/worker-runs/01KFAKER000000000000000001\n" +
				"GET /api/v2/worker-runs/01KFAKER000000000000000001\n" +
				"GET /api/v2/worker-runs/01KFAKER000000000000000001/result?limit=1&offset=0\n",
			slept: "[250ms]"},
		{name: "succeeds, terminal", worker: "fake/succeeds", tty: true,
			stdout: "\x1b[1mTITLE\x1b[22m          \x1b[1mADDRESS\x1b[22m                     \x1b[1mRATING\x1b[22m  \x1b[1mREVIEWS_COUNT\x1b[22m  \x1b[1mPHONE\x1b[22m            \x1b[1mWEBSITE\x1b[22m\n" +
				"Coffee Spot 1  101 Main St, New York, USA  4.1     10             +1 212 555 0001  https://example.com/places/1\n" +
				"Coffee Spot 2  102 Main St, New York, USA  4.2     20             +1 212 555 0002  https://example.com/places/2\n" +
				"Coffee Spot 3  103 Main St, New York, USA  4.3     30             +1 212 555 0003  https://example.com/places/3\n",
			// A status line instead of a line per change, erased before
			// the summary (the test streams draw its first frame only).
			stderr: "\r⠋ 01KFAKER000000000000000001  \x1b[36mstarting\x1b[0m  0s  0 results\x1b[K\x1b[2K\r" +
				"\x1b[32m✓\x1b[0m run 01KFAKER000000000000000001 \x1b[32msucceeded\x1b[0m · 3 results · 1s · usage $0.0130\n",
			requests: "GET /api/v2/worker-runs/01KFAKER000000000000000001\n" +
				"GET /api/v2/worker-runs/01KFAKER000000000000000001\n" +
				"GET /api/v2/worker-runs/01KFAKER000000000000000001\n" +
				"GET /api/v2/worker-runs/01KFAKER000000000000000001/result?limit=100&offset=1\n",
			slept: "[250ms 900ms]"},
		{name: "a bad --interval sends nothing", worker: "fake/succeeds", opts: Options{WaitFlags: runwait.Flags{Interval: -time.Second}},
			wantErr: "error: --interval must be positive, not -1s\n(exit 2)",
			slept:   "[]"},
		{name: "a bad worker sends nothing", worker: "fake/succeeds", opts: Options{Run: "last", Worker: "a/b/c"},
			wantErr: "error: worker id \"a/b/c\" has more than one separator: use owner/name, owner~name or a Worker slug\n" +
				"(exit 2)",
			slept: "[]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := cmdtest.Server(t, fakeapi.Options{})
			slug, err := srv.AddRun(tt.worker, "ready", -1)
			if err != nil {
				t.Fatal(err)
			}
			f, streams, clock := cmdtest.Factory(t, srv, nil)
			f.IOStreams.SetTTY(false, tt.tty, tt.tty)
			opts := tt.opts
			if opts.Run == "" {
				opts.Run = slug
			}
			if opts.WaitFlags.Interval == 0 {
				opts.WaitFlags.Interval = flags.Interval
			}
			if opts.WaitFlags.OnInterrupt == "" {
				opts.WaitFlags.OnInterrupt = flags.OnInterrupt
			}
			if opts.WaitFlags.Concurrency == 0 {
				opts.WaitFlags.Concurrency = flags.Concurrency
			}
			opts.IO, opts.APIClient, opts.Now, opts.Sleep = f.IOStreams, f.APIClient, f.Now, f.Sleep
			err = Run(context.Background(), &opts)
			cmdtest.Diff(t, "error", cmdtest.Message(err), tt.wantErr)
			cmdtest.Diff(t, "stdout", streams.Out.String(), tt.stdout)
			cmdtest.Diff(t, "stderr", streams.Err.String(), tt.stderr)
			cmdtest.Diff(t, "requests", cmdtest.Requests(srv), tt.requests)
			cmdtest.Diff(t, "pauses", fmt.Sprint(clock.Slept()), tt.slept)
		})
	}
}

// Ctrl-C during a pause: exit 130, the run goes on (nothing else sent).
func TestWaitRunInterrupted(t *testing.T) {
	srv := cmdtest.Server(t, fakeapi.Options{})
	slug, err := srv.AddRun("fake/slow", "running", -1)
	if err != nil {
		t.Fatal(err)
	}
	f, streams, _ := cmdtest.Factory(t, srv, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opts := &Options{IO: f.IOStreams, APIClient: f.APIClient, Now: f.Now, Run: slug,
		WaitFlags: runwait.Flags{Interval: runwait.DefaultInterval, OnInterrupt: runwait.OnInterruptDetach, Concurrency: 4},
		Sleep:     func(context.Context, time.Duration) error { cancel(); return context.Canceled }}
	err = Run(ctx, opts)
	cmdtest.Diff(t, "error", cmdtest.Message(err), "error: interrupted; run "+slug+" goes on\n"+
		"hint: resume with `coreclaw wait "+slug+"`, or stop it with `coreclaw abort "+slug+"`\n(exit 130)")
	cmdtest.Diff(t, "stdout", streams.Out.String(), "")
	cmdtest.Diff(t, "stderr", streams.Err.String(), "run "+slug+": running\n")
	cmdtest.Diff(t, "requests", cmdtest.Requests(srv), "GET /api/v2/worker-runs/"+slug+"\n")
}
