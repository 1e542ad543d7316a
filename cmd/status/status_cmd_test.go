package status

import (
	"context"
	"testing"

	"github.com/coreclaw/coreclaw/internal/cmdtest"
	"github.com/coreclaw/coreclaw/internal/fakeapi"
	"github.com/coreclaw/coreclaw/internal/output"
)

func TestNewCmdStatus(t *testing.T) {
	tests := []struct {
		name    string
		argv    []string
		want    Options
		wantErr string
	}{
		{name: "a slug", argv: []string{"01KKDXV2G26BT7NH4ZQR2R4NPZ"}, want: Options{Run: "01KKDXV2G26BT7NH4ZQR2R4NPZ"}},
		{name: "last --worker --jq", argv: []string{"last", "--worker", "fake/slow", "--jq", ".status"},
			want: Options{Run: "last", Worker: "fake/slow", Output: output.Flags{JQ: ".status"}}},
		{name: "no run", wantErr: "error: coreclaw status: missing the run (a run slug, or last)\n(exit 2)"},
		{name: "--worker without a value", argv: []string{"last", "--worker"},
			wantErr: "error: flag needs an argument: --worker\nhint: see `coreclaw status --help`\n(exit 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, _ := cmdtest.Factory(t, nil, nil)
			var got *Options
			err := cmdtest.Parse(t, NewCmdStatus(f, func(_ context.Context, o *Options) error { got = o; return nil }), tt.argv...)
			cmdtest.Diff(t, "error", cmdtest.Message(err), tt.wantErr)
			switch {
			case tt.wantErr != "" && got != nil:
				t.Error("runF was called")
			case tt.wantErr == "" && got == nil:
				t.Fatal("runF was not called")
			case tt.wantErr == "" && (got.Run != tt.want.Run || got.Worker != tt.want.Worker || got.Output != tt.want.Output):
				t.Errorf("options: got %+v, want %+v", *got, tt.want)
			}
		})
	}
}

func TestStatusRun(t *testing.T) {
	tests := []struct {
		name     string
		opts     Options
		tty      bool
		stdout   string
		wantErr  string
		requests string
	}{
		{name: "terminal: field lines", tty: true,
			stdout: "\x1b[1mrun:\x1b[22m      01KFAKER000000000000000001\n" +
				"\x1b[1mstatus:\x1b[22m   failed\n" +
				"\x1b[1mworker:\x1b[22m   Fails\n" +
				"\x1b[1mversion:\x1b[22m  v1.2.8\n" +
				"\x1b[1mresults:\x1b[22m  1\n" +
				"\x1b[1musage:\x1b[22m    $0.0110\n" +
				"\x1b[1mtraffic:\x1b[22m  2048\n" +
				"\x1b[1morigin:\x1b[22m   openapi\n" +
				"\x1b[1mstarted:\x1b[22m  2026-11-30T08:00:03Z\n" +
				"\x1b[1mfinished:\x1b[22m 2026-11-30T08:00:10Z\n" +
				"\x1b[1mduration:\x1b[22m 7s\n" +
				"\x1b[1merror:\x1b[22m    navigation timeout on page 3\n",
			requests: "GET /api/v2/worker-runs/01KFAKER000000000000000001\n"},
		{name: "pipe: the run record",
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
				"  \"started_at\": 1796025603,\n" +
				"  \"finished_at\": 1796025610,\n" +
				"  \"duration\": 7,\n" +
				"  \"err_msg\": \"navigation timeout on page 3\"\n" +
				"}\n",
			requests: "GET /api/v2/worker-runs/01KFAKER000000000000000001\n"},
		{name: "--jq on a terminal: the record", tty: true, opts: Options{Output: output.Flags{JQ: ".err_msg"}},
			stdout:   "navigation timeout on page 3\n",
			requests: "GET /api/v2/worker-runs/01KFAKER000000000000000001\n"},
		{name: "last --worker", opts: Options{Run: "last", Worker: "fake/fails", Output: output.Flags{JQ: ".slug"}},
			stdout:   "01KFAKER000000000000000001\n",
			requests: "GET /api/v2/workers/fake~fails/runs/last\n"},
		{name: "a slug with a slash: nothing sent", opts: Options{Run: "a/b"},
			wantErr: "error: run id \"a/b\" contains '/', which is not allowed\n(exit 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := cmdtest.Server(t, fakeapi.Options{})
			slug, err := srv.AddRun("fake/fails", "failed", -1)
			if err != nil {
				t.Fatal(err)
			}
			f, streams, _ := cmdtest.Factory(t, srv, nil)
			f.IOStreams.SetTTY(false, tt.tty, tt.tty)
			opts := tt.opts
			if opts.Run == "" {
				opts.Run = slug
			}
			opts.IO, opts.APIClient = f.IOStreams, f.APIClient
			err = Run(context.Background(), &opts)
			cmdtest.Diff(t, "error", cmdtest.Message(err), tt.wantErr)
			cmdtest.Diff(t, "stdout", streams.Out.String(), tt.stdout)
			cmdtest.Diff(t, "stderr", streams.Err.String(), "")
			cmdtest.Diff(t, "requests", cmdtest.Requests(srv), tt.requests)
		})
	}
}
