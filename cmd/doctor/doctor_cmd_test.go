package doctor

import (
	"context"
	"io/fs"
	"strings"
	"testing"

	"github.com/coreclaw/coreclaw/internal/cmdtest"
	"github.com/coreclaw/coreclaw/internal/fakeapi"
	"github.com/coreclaw/coreclaw/internal/output"
)

func TestNewCmdDoctor(t *testing.T) {
	tests := []struct {
		name    string
		argv    []string
		want    output.Flags
		wantErr string
	}{
		{name: "no flags"},
		{name: "-o json --jq", argv: []string{"-o", "json", "--jq", ".[].ok"}, want: output.Flags{Output: "json", JQ: ".[].ok"}},
		{name: "an argument", argv: []string{"api"}, wantErr: "error: coreclaw doctor takes no arguments (got \"api\")\n(exit 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, _ := cmdtest.Factory(t, nil, nil)
			var got *Options
			err := cmdtest.Parse(t, NewCmdDoctor(f, func(_ context.Context, o *Options) error { got = o; return nil }), tt.argv...)
			cmdtest.Diff(t, "error", cmdtest.Message(err), tt.wantErr)
			switch {
			case tt.wantErr != "" && got != nil:
				t.Error("runF was called")
			case tt.wantErr == "" && got == nil:
				t.Fatal("runF was not called")
			case tt.wantErr == "" && (got.Output != tt.want || got.Stat == nil || got.GOOS == "" || got.LookupEnv == nil || got.Config == nil):
				t.Errorf("options: got %+v, want output %+v", *got, tt.want)
			}
		})
	}
}

func TestDoctorRun(t *testing.T) {
	tests := []struct {
		name     string
		env      cmdtest.Env
		output   output.Flags
		stdout   string
		wantErr  string
		requests string
	}{
		{name: "all well", output: output.Flags{JQ: `.[] | "\(.check) \(.ok)"`},
			stdout:   "API key true\nAPI true\nconfig file true\nproxy true\nclock true\n",
			wantErr:  "",
			requests: "GET /api/v2/store?limit=1&offset=1\nGET /api/v2/users/account\n"},
		{name: "a rejected key", env: cmdtest.Env{"CORECLAW_API_KEY": "cc_live_wrongwrongwrong"}, output: output.Flags{JQ: `.[] | select(.ok | not) | .detail`},
			stdout:   "from CORECLAW_API_KEY, rejected: invalid token (HTTP 401, code 12002, request req-2)\n",
			wantErr:  "error: 1 of 5 checks failed\n(exit 1)",
			requests: "GET /api/v2/store?limit=1&offset=1\nGET /api/v2/users/account\n"},
		{name: "no key", env: cmdtest.Env{"CORECLAW_API_KEY": ""}, output: output.Flags{JQ: `.[] | select(.ok | not) | .detail`},
			stdout:   "not set: set CORECLAW_API_KEY or run `coreclaw config set api_key -`\n",
			wantErr:  "error: 1 of 5 checks failed\n(exit 1)",
			requests: "GET /api/v2/store?limit=1&offset=1\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := cmdtest.Server(t, fakeapi.Options{})
			// The fake dates its replies by the machine's clock, and the
			// factory's is fixed: no Date header keeps the clock check
			// out of it (TestClockCheck has it).
			srv.SetVariants(fakeapi.Variants{NoDateHeader: true})
			f, streams, _ := cmdtest.Factory(t, srv, tt.env)
			opts := &Options{IO: f.IOStreams, Config: f.Config, APIClient: f.APIClient, LookupEnv: f.LookupEnv, GOOS: "linux", Output: tt.output,
				Stat: func(string) (fs.FileInfo, error) { return nil, fs.ErrNotExist }}
			err := Run(context.Background(), opts)
			cmdtest.Diff(t, "error", cmdtest.Message(err), tt.wantErr)
			cmdtest.Diff(t, "stdout", strings.ReplaceAll(streams.Out.String(), srv.URL, "$URL"), tt.stdout)
			cmdtest.Diff(t, "stderr", streams.Err.String(), "")
			cmdtest.Diff(t, "requests", cmdtest.Requests(srv), tt.requests)
		})
	}
}
