package account

import (
	"context"
	"testing"

	"github.com/coreclaw/coreclaw/internal/cmdtest"
	"github.com/coreclaw/coreclaw/internal/fakeapi"
	"github.com/coreclaw/coreclaw/internal/output"
)

func TestNewCmdAccount(t *testing.T) {
	tests := []struct {
		name    string
		argv    []string
		want    output.Flags
		wantErr string
	}{
		{name: "no flags"},
		{name: "-o json", argv: []string{"-o", "json"}, want: output.Flags{Output: "json"}},
		{name: "--jq", argv: []string{"--jq", ".balance"}, want: output.Flags{JQ: ".balance"}},
		{name: "unknown format", argv: []string{"-o", "xml"},
			wantErr: "error: --output must be json, jsonl, csv or table, not \"xml\"\n" +
				"hint: see `coreclaw account --help`\n" +
				"(exit 2)"},
		{name: "an argument", argv: []string{"me"}, wantErr: "error: coreclaw account takes no arguments (got \"me\")\n(exit 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, _ := cmdtest.Factory(t, nil, nil)
			var got *Options
			cmd := NewCmdAccount(f, func(_ context.Context, o *Options) error { got = o; return nil })
			err := cmdtest.Parse(t, cmd, tt.argv...)
			cmdtest.Diff(t, "error", cmdtest.Message(err), tt.wantErr)
			switch {
			case tt.wantErr != "" && got != nil:
				t.Error("runF was called")
			case tt.wantErr == "" && got == nil:
				t.Fatal("runF was not called")
			case tt.wantErr == "" && got.Output != tt.want:
				t.Errorf("output flags: got %+v, want %+v", got.Output, tt.want)
			}
		})
	}
}

func TestAccountRun(t *testing.T) {
	tests := []struct {
		name     string
		tty      bool
		output   output.Flags
		key      string
		stdout   string
		stderr   string
		wantErr  string
		requests string
	}{
		{name: "pipe: the API's JSON",
			stdout:   "{\n  \"balance\": \"2.7129\",\n  \"balance_expiration_at\": 1812418930\n}\n",
			requests: "GET /api/v2/users/account\n"},
		{name: "terminal: balance and expiry", tty: true,
			stdout:   "\x1b[1mbalance:\x1b[22m 2.7129\n\x1b[1mexpires:\x1b[22m 2027-06-08T01:42:10Z\n",
			requests: "GET /api/v2/users/account\n"},
		{name: "--jq", output: output.Flags{JQ: ".balance"}, stdout: "2.7129\n", requests: "GET /api/v2/users/account\n"},
		{name: "-o csv", output: output.Flags{Output: "csv"},
			stdout:   "balance,balance_expiration_at\n2.7129,1812418930\n",
			requests: "GET /api/v2/users/account\n"},
		{name: "a bad --jq sends nothing", output: output.Flags{JQ: ".["}, wantErr: "error: invalid --jq expression \".[\": unexpected EOF\n(exit 2)"},
		{name: "a rejected key", key: "cc_live_wrongwrongwrong",
			wantErr: "error: invalid token (HTTP 401, code 12002, request req-1)\n" +
				"hint: check the key: set CORECLAW_API_KEY or run `coreclaw config set api_key -`\n" +
				"(exit 4)",
			requests: "GET /api/v2/users/account\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := cmdtest.Server(t, fakeapi.Options{})
			env := cmdtest.Env{}
			if tt.key != "" {
				env["CORECLAW_API_KEY"] = tt.key
			}
			f, streams, _ := cmdtest.Factory(t, srv, env)
			f.IOStreams.SetTTY(false, tt.tty, tt.tty)
			err := Run(context.Background(), &Options{IO: f.IOStreams, APIClient: f.APIClient, Output: tt.output})
			cmdtest.Diff(t, "error", cmdtest.Message(err), tt.wantErr)
			cmdtest.Diff(t, "stdout", streams.Out.String(), tt.stdout)
			cmdtest.Diff(t, "stderr", streams.Err.String(), tt.stderr)
			cmdtest.Diff(t, "requests", cmdtest.Requests(srv), tt.requests)
		})
	}
}
