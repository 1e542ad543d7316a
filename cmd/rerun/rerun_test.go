package rerun

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/coreclaw/coreclaw/internal/cmdtest"
	"github.com/coreclaw/coreclaw/internal/fakeapi"
	"github.com/coreclaw/coreclaw/internal/output"
	"github.com/coreclaw/coreclaw/internal/runstart"
	"github.com/coreclaw/coreclaw/internal/runwait"
)

func TestNewCmdRerun(t *testing.T) {
	waitDefaults := runwait.Flags{Interval: runwait.DefaultInterval, OnInterrupt: runwait.OnInterruptDetach}
	tests := []struct {
		name     string
		argv     []string
		want     Options
		start    runstart.Flags
		checkErr string
		wantErr  string
	}{
		{name: "a slug", argv: []string{"01KKDXV2G26BT7NH4ZQR2R4NPZ"},
			want: Options{Run: "01KKDXV2G26BT7NH4ZQR2R4NPZ"}, start: runstart.Flags{WaitFlags: waitDefaults}},
		{name: "last --worker --callback-url --wait", argv: []string{"last", "--worker", "fake/succeeds", "--callback-url", "https://example.com/hook", "--wait", "--timeout", "1h", "-o", "csv"},
			want: Options{Run: "last", Worker: "fake/succeeds", CallbackURL: "https://example.com/hook"},
			start: runstart.Flags{Wait: true, WaitFlags: runwait.Flags{Timeout: time.Hour, Output: output.Flags{Output: "csv"},
				Interval: runwait.DefaultInterval, OnInterrupt: runwait.OnInterruptDetach}}},
		{name: "--sync --limit --page --dry-run", argv: []string{"A", "--sync", "--limit", "20", "--page", "2", "--dry-run"},
			want: Options{Run: "A"}, start: runstart.Flags{Sync: true, Page: 2, DryRun: true, WaitFlags: runwait.Flags{Limit: 20,
				Interval: runwait.DefaultInterval, OnInterrupt: runwait.OnInterruptDetach}}},
		{name: "--timeout without --wait", argv: []string{"A", "--timeout", "1m"}, want: Options{Run: "A"},
			start:    runstart.Flags{WaitFlags: runwait.Flags{Timeout: time.Minute, Interval: runwait.DefaultInterval, OnInterrupt: runwait.OnInterruptDetach}},
			checkErr: "error: --timeout only applies with --wait or --sync\n(exit 2)"},
		{name: "no run", wantErr: "error: coreclaw rerun: missing the run to start again (a run slug, or last)\n(exit 2)"},
		{name: "-f is not a rerun flag", argv: []string{"A", "-f", "in.json"},
			wantErr: "error: unknown shorthand flag: 'f' in -f\nhint: see `coreclaw rerun --help`\n(exit 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, _ := cmdtest.Factory(t, nil, nil)
			var got *Options
			err := cmdtest.Parse(t, NewCmdRerun(f, func(_ context.Context, o *Options) error { got = o; return nil }), tt.argv...)
			cmdtest.Diff(t, "error", cmdtest.Message(err), tt.wantErr)
			switch {
			case tt.wantErr != "" && got != nil:
				t.Error("runF was called")
				return
			case tt.wantErr != "":
				return
			case got == nil:
				t.Fatal("runF was not called")
			}
			if got.Run != tt.want.Run || got.Worker != tt.want.Worker || got.CallbackURL != tt.want.CallbackURL {
				t.Errorf("options: got %+v, want %+v", *got, tt.want)
			}
			s := got.Start
			if s.Wait != tt.start.Wait || s.Sync != tt.start.Sync || s.Page != tt.start.Page || s.DryRun != tt.start.DryRun ||
				s.WaitForSlot != tt.start.WaitForSlot || s.WaitFlags != tt.start.WaitFlags {
				t.Errorf("start flags: got %+v, want %+v", s, tt.start)
			}
			if got.Now == nil || got.Sleep == nil || got.GitHub != nil {
				t.Error("Now and Sleep are the factory's; GitHub is nil outside Actions")
			}
			_, err = got.Start.Check(f.IOStreams)
			cmdtest.Diff(t, "check", cmdtest.Message(err), tt.checkErr)
		})
	}
}

// startFlags are the start flags as parsed from argv.
func startFlags(t *testing.T, argv ...string) runstart.Flags {
	t.Helper()
	f, _, _ := cmdtest.Factory(t, nil, nil)
	var got *Options
	if err := cmdtest.Parse(t, NewCmdRerun(f, func(_ context.Context, o *Options) error { got = o; return nil }), append([]string{"A"}, argv...)...); err != nil {
		t.Fatal(err)
	}
	return got.Start
}

func TestRerunRun(t *testing.T) {
	tests := []struct {
		name     string
		opts     Options
		argv     []string
		env      cmdtest.Env
		stdout   string
		stderr   string
		wantErr  string
		requests string
	}{
		{name: "the new slug alone on stdout",
			stdout:   "01KFAKER000000000000000002\n",
			requests: "POST /api/v2/worker-runs/01KFAKER000000000000000001/rerun {\"is_async\":true}\n"},
		{name: "last --worker --wait", opts: Options{Run: "last", Worker: "fake/succeeds"}, argv: []string{"--wait", "--jq", "length"},
			stdout: "3\n",
			stderr: "started run 01KFAKER000000000000000002\n" +
				"run 01KFAKER000000000000000002: ready\n" +
				"run 01KFAKER000000000000000002: running\n" +
				"✓ run 01KFAKER000000000000000002 succeeded · 3 results · 1s · usage $0.0130\n",
			requests: "POST /api/v2/workers/fake~succeeds/runs/last/rerun {\"is_async\":true}\n" +
				"GET /api/v2/worker-runs/01KFAKER000000000000000002\n" +
				"GET /api/v2/worker-runs/01KFAKER000000000000000002\n" +
				"GET /api/v2/worker-runs/01KFAKER000000000000000002\n" +
				"GET /api/v2/worker-runs/01KFAKER000000000000000002/result?limit=100&offset=1\n"},
		{name: "--sync --limit 2 --callback-url", opts: Options{CallbackURL: "https://example.com/hook"}, argv: []string{"--sync", "--limit", "2", "-o", "csv"},
			stdout: "title,address,rating,reviews_count,phone,website\n" +
				"Coffee Spot 1,\"101 Main St, New York, USA\",4.1,10,+1 212 555 0001,https://example.com/places/1\n" +
				"Coffee Spot 2,\"102 Main St, New York, USA\",4.2,20,+1 212 555 0002,https://example.com/places/2\n",
			stderr: "started run 01KFAKER000000000000000002\n" +
				"✓ run 01KFAKER000000000000000002 succeeded · 3 results · 1s · usage $0.0130\n",
			requests: "POST /api/v2/worker-runs/01KFAKER000000000000000001/rerun {\"is_async\":false,\"callback_url\":\"https://example.com/hook\",\"limit\":2}\n" +
				"GET /api/v2/worker-runs/01KFAKER000000000000000002\n"},
		{name: "--dry-run", argv: []string{"--dry-run"},
			stdout: "POST $URL/api/v2/worker-runs/01KFAKER000000000000000001/rerun\n" +
				"Accept: application/json\n" +
				"Authorization: Bearer [REDACTED]\n" +
				"Content-Type: application/json\n" +
				"User-Agent: coreclaw/1.2.3\n" +
				"\n" +
				"{\n" +
				"  \"is_async\": true\n" +
				"}\n"},
		{name: "an unknown run", opts: Options{Run: "01KNOSUCHRUN0000000000000A"},
			wantErr: "error: run record does not exist (HTTP 404, code 70001, request req-1)\n" +
				"hint: check the run slug; `coreclaw runs` lists recent runs\n" +
				"(exit 1)",
			requests: "POST /api/v2/worker-runs/01KNOSUCHRUN0000000000000A/rerun {\"is_async\":true}\n"},
		{name: "a server fault: the run may have started", argv: nil,
			stdout: "",
			wantErr: "error: bad gateway (HTTP 502, code 10000, request req-2)\n" +
				"hint: the run may have started: `coreclaw status last` shows the account's newest run before you try again\n" +
				"(exit 1)",
			requests: "POST /api/v2/worker-runs/01KFAKER000000000000000001/rerun {\"is_async\":true}\n"},
		{name: "--worker without last: nothing sent", opts: Options{Worker: "fake/succeeds"},
			wantErr: "error: --worker only goes with the run \"last\"\n(exit 2)"},
		{name: "no key: nothing sent", env: cmdtest.Env{"CORECLAW_API_KEY": ""},
			wantErr: "error: no API key: set CORECLAW_API_KEY or store one with `coreclaw config set api_key -`\n" +
				"hint: create a key in the CoreClaw console under Settings → API & Integrations\n" +
				"(exit 4)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := cmdtest.Server(t, fakeapi.Options{})
			first, err := srv.AddRun("fake/succeeds", "succeeded", -1)
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasPrefix(tt.name, "a server fault") {
				srv.AddFault(fakeapi.Fault{Method: "POST", Path: "/api/v2/worker-runs/*/rerun", Status: 502, Code: 10000, Message: "bad gateway", AfterHandling: true})
			}
			f, streams, _ := cmdtest.Factory(t, srv, tt.env)
			opts := tt.opts
			if opts.Run == "" {
				opts.Run = first
			}
			opts.Start = startFlags(t, tt.argv...)
			opts.IO, opts.APIClient, opts.Now, opts.Sleep = f.IOStreams, f.APIClient, f.Now, f.Sleep
			err = Run(context.Background(), &opts)
			cmdtest.Diff(t, "error", cmdtest.Message(err), tt.wantErr)
			cmdtest.Diff(t, "stdout", strings.ReplaceAll(streams.Out.String(), srv.URL, "$URL"), tt.stdout)
			cmdtest.Diff(t, "stderr", streams.Err.String(), tt.stderr)
			cmdtest.Diff(t, "requests", cmdtest.Requests(srv), tt.requests)
		})
	}
}
