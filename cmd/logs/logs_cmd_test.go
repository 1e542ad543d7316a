package logs

import (
	"context"
	"testing"
	"time"

	"github.com/coreclaw/coreclaw/internal/cmdtest"
	"github.com/coreclaw/coreclaw/internal/fakeapi"
)

func TestNewCmdLogs(t *testing.T) {
	tests := []struct {
		name    string
		argv    []string
		want    Options
		wantErr string
	}{
		{name: "a slug, defaults", argv: []string{"01KKDXV2G26BT7NH4ZQR2R4NPZ"},
			want: Options{Run: "01KKDXV2G26BT7NH4ZQR2R4NPZ", Interval: DefaultInterval}},
		{name: "last --worker --follow --interval --grep -o --jq", argv: []string{"last", "--worker", "fake/slow", "-f", "--interval", "1s", "--grep", "(?i)error", "-o", "json", "--jq", ".[]"},
			want: Options{Run: "last", Worker: "fake/slow", Follow: true, Interval: time.Second, Grep: "(?i)error", Output: "json", JQ: ".[]"}},
		{name: "--all", argv: []string{"A", "--all"}, want: Options{Run: "A", All: true, Interval: DefaultInterval}},
		{name: "-o csv", argv: []string{"A", "-o", "csv"},
			wantErr: "error: --output must be text, json or jsonl, not \"csv\"\n" +
				"hint: see `coreclaw logs --help`\n" +
				"(exit 2)"},
		{name: "no run", wantErr: "error: coreclaw logs: missing the run (a run slug, or last)\n(exit 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, _ := cmdtest.Factory(t, nil, nil)
			var got *Options
			err := cmdtest.Parse(t, NewCmdLogs(f, func(_ context.Context, o *Options) error { got = o; return nil }), tt.argv...)
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
			w := tt.want
			if got.Run != w.Run || got.Worker != w.Worker || got.Output != w.Output || got.JQ != w.JQ || got.Follow != w.Follow ||
				got.Grep != w.Grep || got.All != w.All || got.Interval != w.Interval || got.Now == nil || got.Sleep == nil {
				t.Errorf("options: got %+v, want %+v", *got, w)
			}
		})
	}
}

func TestLogsRun(t *testing.T) {
	tests := []struct {
		name     string
		status   string
		opts     Options
		tty      bool
		stdout   string
		stderr   string
		wantErr  string
		requests string
	}{
		{name: "text", status: "failed",
			stdout: "2026-11-30T08:00:03.000Z info SYSTEM: Starting fake~fails v1.2.8\n" +
				"2026-11-30T08:00:03.100Z debug proxy region US, memory 1024 MB\n" +
				"2026-11-30T08:00:03.200Z info Scraped item 1\n" +
				"2026-11-30T08:00:03.250Z warn slow reply from page 2\n" +
				"2026-11-30T08:00:03.250Z warn retrying in 2s\n" +
				"2026-11-30T08:00:10.000Z error Error: navigation timeout on page 3\n",
			requests: "GET /api/v2/worker-runs/01KFAKER000000000000000001/log\n"},
		{name: "--grep, jsonl", status: "failed", opts: Options{Grep: "(?i)timeout", Output: "jsonl"},
			stdout:   "{\"time\":\"2026-11-30T08:00:10.000Z\",\"timestamp\":1796025610000,\"level\":\"error\",\"type\":4,\"group\":\"49763990997368832\",\"content\":\"Error: navigation timeout on page 3\"}\n",
			requests: "GET /api/v2/worker-runs/01KFAKER000000000000000001/log\n"},
		{name: "--all", status: "failed", opts: Options{All: true},
			stdout: "2026-11-30 08:00:01.000 [INFO] SYSTEM: Run created, waiting for a slot\n" +
				"2026-11-30 08:00:03.000 [INFO] SYSTEM: Starting fake~fails v1.2.8\n" +
				"2026-11-30 08:00:03.100 [DEBUG] proxy region US, memory 1024 MB\n" +
				"2026-11-30 08:00:03.200 [INFO] Scraped item 1\n" +
				"2026-11-30 08:00:03.250 [WARN] \x1b[33mslow reply\x1b[0m from page 2\n" +
				"retrying in 2s\n" +
				"2026-11-30 08:00:10.000 [ERROR] Error: navigation timeout on page 3\n",
			requests: "GET /api/v2/worker-runs/01KFAKER000000000000000001/log\n" +
				"GET /_downloads/log-01KFAKER000000000000000001-1.txt\n"},
		{name: "--all on a terminal: cleaned", status: "failed", tty: true, opts: Options{All: true, Grep: "slow"},
			stdout: "2026-11-30 08:00:03.250 [WARN] slow reply from page 2\n",
			requests: "GET /api/v2/worker-runs/01KFAKER000000000000000001/log\n" +
				"GET /_downloads/log-01KFAKER000000000000000001-1.txt\n"},
		{name: "--follow: until the run ends", status: "running", opts: Options{Follow: true, Grep: "SYSTEM"},
			stdout: "2026-11-30T08:00:03.000Z info SYSTEM: Starting fake~fails v1.2.8\n",
			stderr: "✗ run 01KFAKER000000000000000001 failed · 1 result · 1s · usage $0.0110 · navigation timeout on page 3\n",
			requests: "GET /api/v2/worker-runs/01KFAKER000000000000000001\n" +
				"GET /api/v2/worker-runs/01KFAKER000000000000000001/log\n"},
		{name: "a bad --grep: nothing sent", status: "failed", opts: Options{Grep: "(["},
			wantErr: "error: invalid --grep expression: error parsing regexp: missing closing ]: `[`\n(exit 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := cmdtest.Server(t, fakeapi.Options{})
			slug, err := srv.AddRun("fake/fails", tt.status, -1)
			if err != nil {
				t.Fatal(err)
			}
			f, streams, _ := cmdtest.Factory(t, srv, nil)
			f.IOStreams.SetTTY(false, tt.tty, tt.tty)
			opts := tt.opts
			opts.Run = slug
			if opts.Interval == 0 {
				opts.Interval = DefaultInterval
			}
			opts.IO, opts.APIClient, opts.Now, opts.Sleep = f.IOStreams, f.APIClient, f.Now, f.Sleep
			err = Run(context.Background(), &opts)
			cmdtest.Diff(t, "error", cmdtest.Message(err), tt.wantErr)
			cmdtest.Diff(t, "stdout", streams.Out.String(), tt.stdout)
			cmdtest.Diff(t, "stderr", streams.Err.String(), tt.stderr)
			cmdtest.Diff(t, "requests", cmdtest.Requests(srv), tt.requests)
		})
	}
}

// --all with a flag that does not go with it, through the command (which
// records the flags given): exit 2, nothing sent.
func TestLogsAllRefusesFollow(t *testing.T) {
	srv := cmdtest.Server(t, fakeapi.Options{})
	f, streams, _ := cmdtest.Factory(t, srv, nil)
	err := cmdtest.Parse(t, NewCmdLogs(f, nil), "01KFAKER000000000000000001", "--all", "--follow")
	cmdtest.Diff(t, "error", cmdtest.Message(err), "error: --follow does not go with --all, which prints the log file as it is\n(exit 2)")
	cmdtest.Diff(t, "stdout", streams.Out.String(), "")
	cmdtest.Diff(t, "requests", cmdtest.Requests(srv), "")
}
