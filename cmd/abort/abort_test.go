package abort

import (
	"context"
	"testing"

	"github.com/coreclaw/coreclaw/internal/cmdtest"
	"github.com/coreclaw/coreclaw/internal/fakeapi"
	"github.com/coreclaw/coreclaw/internal/output"
)

func TestNewCmdAbort(t *testing.T) {
	tests := []struct {
		name    string
		argv    []string
		want    Options
		wantErr string
	}{
		{name: "a slug", argv: []string{"01KKDXV2G26BT7NH4ZQR2R4NPZ"}, want: Options{Run: "01KKDXV2G26BT7NH4ZQR2R4NPZ"}},
		{name: "last --worker -o json", argv: []string{"last", "--worker", "coreclaw/google-maps-scraper", "-o", "json"},
			want: Options{Run: "last", Worker: "coreclaw/google-maps-scraper", Output: output.Flags{Output: "json"}}},
		{name: "no run", wantErr: "error: coreclaw abort: missing the run to abort (a run slug, or last)\n(exit 2)"},
		{name: "two runs", argv: []string{"A", "B"},
			wantErr: "error: coreclaw abort: too many arguments (got \"A\" \"B\"); expected the run to abort (a run slug, or last)\n" +
				"(exit 2)"},
		{name: "--jq without a value", argv: []string{"A", "--jq"},
			wantErr: "error: flag needs an argument: --jq\nhint: see `coreclaw abort --help`\n(exit 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, _ := cmdtest.Factory(t, nil, nil)
			var got *Options
			err := cmdtest.Parse(t, NewCmdAbort(f, func(_ context.Context, o *Options) error { got = o; return nil }), tt.argv...)
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

func TestAbortRun(t *testing.T) {
	tests := []struct {
		name     string
		status   string // the run's status before the abort
		refuse   bool   // the abort is refused with 70002, as for an ended run
		opts     Options
		tty      bool
		stdout   string
		stderr   string
		wantErr  string
		requests string
	}{
		{name: "a running run", status: "running",
			stdout: "aborting\n",
			stderr: "requested the abort of run 01KFAKER000000000000000001\n",
			requests: "POST /api/v2/worker-runs/01KFAKER000000000000000001/abort\n" +
				"GET /api/v2/worker-runs/01KFAKER000000000000000001\n"},
		{name: "-o json prints the detail", status: "running", opts: Options{Output: output.Flags{Output: "json"}},
			stdout: "{\n" +
				"  \"slug\": \"01KFAKER000000000000000001\",\n" +
				"  \"scraper_slug\": \"01KFAKE0000000000000000006\",\n" +
				"  \"scraper_title\": \"Slow\",\n" +
				"  \"version\": \"v1.2.8\",\n" +
				"  \"status\": \"aborting\",\n" +
				"  \"results\": 1,\n" +
				"  \"usage\": \"0.0110\",\n" +
				"  \"traffic\": 2048,\n" +
				"  \"origin\": \"openapi\",\n" +
				"  \"started_at\": 1796025603,\n" +
				"  \"finished_at\": 1796025605,\n" +
				"  \"duration\": 2,\n" +
				"  \"err_msg\": \"\"\n" +
				"}\n",
			stderr: "requested the abort of run 01KFAKER000000000000000001\n",
			requests: "POST /api/v2/worker-runs/01KFAKER000000000000000001/abort\n" +
				"GET /api/v2/worker-runs/01KFAKER000000000000000001\n"},
		{name: "an ended run: a warning, exit 0", status: "succeeded",
			stdout: "succeeded\n",
			stderr: "warning: run 01KFAKER000000000000000001 has already ended (status succeeded); there is nothing to abort\n",
			requests: "POST /api/v2/worker-runs/01KFAKER000000000000000001/abort\n" +
				"GET /api/v2/worker-runs/01KFAKER000000000000000001\n"},
		{name: "last --worker", status: "running", opts: Options{Run: "last", Worker: "fake/slow"},
			stdout:   "aborting\n",
			stderr:   "requested the abort of run 01KFAKER000000000000000001\n",
			requests: "POST /api/v2/workers/fake~slow/runs/last/abort\nGET /api/v2/workers/fake~slow/runs/last\n"},
		{name: "a running run that refuses the abort", status: "running", refuse: true,
			wantErr: "error: run 01KFAKER000000000000000001 (status running) refused the abort: run operation failed (HTTP 400, code 70002, request req-1)\n" +
				"hint: try again in a moment; `coreclaw status 01KFAKER000000000000000001` shows where it is\n" +
				"(exit 1)",
			requests: "POST /api/v2/worker-runs/01KFAKER000000000000000001/abort\n" +
				"GET /api/v2/worker-runs/01KFAKER000000000000000001\n"},
		{name: "--worker without last sends nothing", status: "running", opts: Options{Worker: "fake/slow"},
			wantErr: "error: --worker only goes with the run \"last\"\n(exit 2)"},
		{name: "an unknown run", opts: Options{Run: "01KNOSUCHRUN0000000000000A"},
			wantErr: "error: run record does not exist (HTTP 404, code 70001, request req-1)\n" +
				"hint: check the run slug; `coreclaw runs` lists recent runs\n" +
				"(exit 1)",
			requests: "POST /api/v2/worker-runs/01KNOSUCHRUN0000000000000A/abort\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := cmdtest.Server(t, fakeapi.Options{})
			opts := tt.opts
			if tt.status != "" {
				slug, err := srv.AddRun("fake/slow", tt.status, 1)
				if err != nil {
					t.Fatal(err)
				}
				if opts.Run == "" {
					opts.Run = slug
				}
			}
			if tt.refuse {
				srv.AddFault(fakeapi.Fault{Method: "POST", Path: "/api/v2/worker-runs/*/abort", Status: 400, Code: 70002, Message: "run operation failed"})
			}
			f, streams, _ := cmdtest.Factory(t, srv, nil)
			f.IOStreams.SetTTY(false, tt.tty, tt.tty)
			opts.IO, opts.APIClient = f.IOStreams, f.APIClient
			err := Run(context.Background(), &opts)
			cmdtest.Diff(t, "error", cmdtest.Message(err), tt.wantErr)
			cmdtest.Diff(t, "stdout", streams.Out.String(), tt.stdout)
			cmdtest.Diff(t, "stderr", streams.Err.String(), tt.stderr)
			cmdtest.Diff(t, "requests", cmdtest.Requests(srv), tt.requests)
		})
	}
}
