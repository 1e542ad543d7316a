package runs

import (
	"context"
	"testing"
	"time"

	"github.com/coreclaw/coreclaw/internal/cmdtest"
	"github.com/coreclaw/coreclaw/internal/fakeapi"
	"github.com/coreclaw/coreclaw/internal/output"
)

func TestNewCmdRuns(t *testing.T) {
	tests := []struct {
		name    string
		argv    []string
		want    Options
		wantErr string
	}{
		{name: "no flags"},
		{name: "every flag", argv: []string{"--worker", "fake/fails", "--status", "failed", "--since", "2026-10-01", "--until", "2026-11-15", "--limit", "3", "-o", "jsonl"},
			want: Options{Worker: "fake/fails", Status: "failed", Since: "2026-10-01", Until: "2026-11-15", Limit: 3, Output: output.Flags{Output: "jsonl"}}},
		{name: "an unknown --status", argv: []string{"--status", "done"},
			wantErr: "error: --status must be ready, running, succeeded, failed or aborting, not \"done\"\n" +
				"hint: see `coreclaw runs --help`\n" +
				"(exit 2)"},
		{name: "an argument", argv: []string{"fake/fails"}, wantErr: "error: coreclaw runs takes no arguments (got \"fake/fails\")\n(exit 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, _ := cmdtest.Factory(t, nil, nil)
			var got *Options
			err := cmdtest.Parse(t, NewCmdRuns(f, func(_ context.Context, o *Options) error { got = o; return nil }), tt.argv...)
			cmdtest.Diff(t, "error", cmdtest.Message(err), tt.wantErr)
			switch {
			case tt.wantErr != "" && got != nil:
				t.Error("runF was called")
			case tt.wantErr == "" && got == nil:
				t.Fatal("runF was not called")
			case tt.wantErr == "" && (got.Worker != tt.want.Worker || got.Status != tt.want.Status || got.Since != tt.want.Since ||
				got.Until != tt.want.Until || got.Limit != tt.want.Limit || got.Output != tt.want.Output || got.Now == nil):
				t.Errorf("options: got %+v, want %+v", *got, tt.want)
			}
		})
	}
}

func TestRunsRun(t *testing.T) {
	tests := []struct {
		name     string
		opts     Options
		tty      bool
		stdout   string
		stderr   string
		wantErr  string
		requests string
	}{
		{name: "terminal: this month, a table", tty: true,
			stdout: "\x1b[1mSLUG\x1b[22m                        \x1b[1mWORKER\x1b[22m    \x1b[1mSTATUS\x1b[22m     \x1b[1mRESULTS\x1b[22m  \x1b[1mSTARTED\x1b[22m               \x1b[1mDURATION\x1b[22m  \x1b[1mUSAGE\x1b[22m\n" +
				"01KFAKER000000000000000003  Fails     failed     2        2026-11-30T01:00:02Z  7s        $0.0120\n" +
				"01KFAKER000000000000000002  Succeeds  succeeded  2        2026-11-29T12:00:02Z  7s        $0.0120\n",
			requests: "GET /api/v2/worker-runs?end_time=1795968000&limit=100&offset=1&start_time=1793462400\n"},
		{name: "--since: month by month", opts: Options{Since: "2026-10-01", Output: output.Flags{JQ: "[.[] | .slug]"}},
			stdout: "[\"01KFAKER000000000000000003\",\"01KFAKER000000000000000002\",\"01KFAKER000000000000000001\"]\n",
			requests: "GET /api/v2/worker-runs?end_time=1795968000&limit=100&offset=1&start_time=1793462400\n" +
				"GET /api/v2/worker-runs?end_time=1793376000&limit=100&offset=1&start_time=1790784000\n"},
		{name: "--status --worker --limit", opts: Options{Since: "2026-10-01", Status: "failed", Worker: "fake/fails", Limit: 1, Output: output.Flags{Output: "jsonl"}},
			stdout:   "{\"duration\":7,\"err_msg\":\"navigation timeout on page 3\",\"finished_at\":1796000409,\"origin\":\"openapi\",\"results\":2,\"scraper_slug\":\"01KFAKE0000000000000000003\",\"scraper_title\":\"Fails\",\"slug\":\"01KFAKER000000000000000003\",\"started_at\":1796000402,\"status\":\"failed\",\"traffic\":4096,\"usage\":\"0.0120\",\"version\":\"v1.2.8\"}\n",
			requests: "GET /api/v2/worker-runs?end_time=1795968000&limit=1&offset=1&start_time=1793462400&status=failed&worker_id=fake~fails\n"},
		{name: "nothing in the range", tty: true, opts: Options{Since: "2026-09-01", Until: "2026-09-30"},
			stderr:   "no runs from 2026-09-01 to 2026-09-30\n",
			requests: "GET /api/v2/worker-runs?end_time=1790697600&limit=100&offset=1&start_time=1788192000\n"},
		{name: "--since after --until: nothing sent", opts: Options{Since: "2026-11-02", Until: "2026-11-01"},
			wantErr: "error: --since 2026-11-02 is after --until 2026-11-01\n(exit 2)"},
		{name: "--until not a day: nothing sent", opts: Options{Until: "2026-13-01"},
			wantErr: "error: invalid --until: \"2026-13-01\" is not a day of the form YYYY-MM-DD (a day in Beijing time, UTC+8)\n" +
				"(exit 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := cmdtest.Server(t, fakeapi.Options{})
			for _, r := range []struct {
				worker, status string
				at             time.Time
			}{
				{"fake/fails", "failed", time.Date(2026, 10, 15, 12, 0, 0, 0, time.UTC)},
				{"fake/succeeds", "succeeded", time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)},
				{"fake/fails", "failed", time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC)},
			} {
				if _, err := srv.AddRunAt(r.worker, r.status, 2, r.at); err != nil {
					t.Fatal(err)
				}
			}
			f, streams, _ := cmdtest.Factory(t, srv, nil)
			f.IOStreams.SetTTY(false, tt.tty, tt.tty)
			opts := tt.opts
			opts.IO, opts.APIClient, opts.Now = f.IOStreams, f.APIClient, f.Now
			err := Run(context.Background(), &opts)
			cmdtest.Diff(t, "error", cmdtest.Message(err), tt.wantErr)
			cmdtest.Diff(t, "stdout", streams.Out.String(), tt.stdout)
			cmdtest.Diff(t, "stderr", streams.Err.String(), tt.stderr)
			cmdtest.Diff(t, "requests", cmdtest.Requests(srv), tt.requests)
		})
	}
}
