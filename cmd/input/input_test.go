package input

import (
	"context"
	"testing"

	"github.com/coreclaw/coreclaw/internal/cmdtest"
	"github.com/coreclaw/coreclaw/internal/fakeapi"
)

func TestNewCmdTemplate(t *testing.T) {
	tests := []struct {
		name    string
		argv    []string
		want    string
		wantErr string
	}{
		{name: "a worker", argv: []string{"coreclaw/web-page-fetcher"}, want: "coreclaw/web-page-fetcher"},
		{name: "no worker", wantErr: "error: coreclaw input template: missing the Worker (owner/name, owner~name or a Worker slug)\n(exit 2)"},
		{name: "two workers", argv: []string{"a/b", "c/d"},
			wantErr: "error: coreclaw input template: too many arguments (got \"a/b\" \"c/d\"); expected the Worker (owner/name, owner~name or a Worker slug)\n" +
				"(exit 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, _ := cmdtest.Factory(t, nil, nil)
			var got *TemplateOptions
			cmd := newCmdTemplate(f, func(_ context.Context, o *TemplateOptions) error { got = o; return nil })
			err := cmdtest.ParseSub(t, "input", cmd, tt.argv...)
			cmdtest.Diff(t, "error", cmdtest.Message(err), tt.wantErr)
			switch {
			case tt.wantErr != "" && got != nil:
				t.Error("runF was called")
			case tt.wantErr == "" && got == nil:
				t.Fatal("runF was not called")
			case tt.wantErr == "" && (got.Worker != tt.want || got.Cache == nil):
				t.Errorf("options: worker %q, cache %v", got.Worker, got.Cache)
			}
		})
	}
}

func TestTemplateRun(t *testing.T) {
	tests := []struct {
		name     string
		worker   string
		tty      bool
		noKey    bool
		stdout   string
		stderr   string
		wantErr  string
		requests string
	}{
		{name: "defaults and placeholders", worker: "coreclaw/web-page-fetcher",
			stdout: "{\n" +
				"  \"url\": \"<required: string>\",\n" +
				"  \"depth\": 1,\n" +
				"  \"follow_links\": false,\n" +
				"  \"format\": \"text\"\n" +
				"}\n",
			requests: "GET /api/v2/workers/coreclaw~web-page-fetcher/input-schema\n"},
		{name: "no key needed", worker: "coreclaw/web-page-fetcher", noKey: true,
			stdout: "{\n" +
				"  \"url\": \"<required: string>\",\n" +
				"  \"depth\": 1,\n" +
				"  \"follow_links\": false,\n" +
				"  \"format\": \"text\"\n" +
				"}\n",
			requests: "GET /api/v2/workers/coreclaw~web-page-fetcher/input-schema\n"},
		{name: "a schema with no fields", worker: "fake/succeeds", stdout: "{}\n",
			stderr: "the input schema of fake~succeeds declares no fields\n" +
				"", requests: "GET /api/v2/workers/fake~succeeds/input-schema\n"},
		{name: "not a worker", worker: "a/b/c",
			wantErr: "error: worker id \"a/b/c\" has more than one separator: use owner/name, owner~name or a Worker slug\n" +
				"(exit 2)"},
		{name: "an unknown worker", worker: "nobody/nothing",
			wantErr: "error: no input schema for nobody~nothing: the Worker does not exist, or has none: not found (HTTP 404, code 11004, request req-1)\n" +
				"hint: `coreclaw workers search KEYWORD` finds Workers in the Store\n(exit 1)",
			requests: "GET /api/v2/workers/nobody~nothing/input-schema\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := cmdtest.Server(t, fakeapi.Options{})
			env := cmdtest.Env{}
			if tt.noKey {
				env["CORECLAW_API_KEY"] = ""
			}
			f, streams, _ := cmdtest.Factory(t, srv, env)
			f.IOStreams.SetTTY(false, tt.tty, tt.tty)
			opts := &TemplateOptions{IO: f.IOStreams, APIClient: f.APIClient, Worker: tt.worker}
			err := RunTemplate(context.Background(), opts)
			cmdtest.Diff(t, "error", cmdtest.Message(err), tt.wantErr)
			cmdtest.Diff(t, "stdout", streams.Out.String(), tt.stdout)
			cmdtest.Diff(t, "stderr", streams.Err.String(), tt.stderr)
			cmdtest.Diff(t, "requests", cmdtest.Requests(srv), tt.requests)
			for _, r := range srv.Requests() {
				if tt.noKey && (r.Authorization != "" || r.APIKeyHeader != "") {
					t.Errorf("%s sent a key, with none set", r.Line(false))
				}
			}
		})
	}
}
