package workers

import (
	"context"
	"testing"

	"github.com/coreclaw/coreclaw/internal/cmdtest"
	"github.com/coreclaw/coreclaw/internal/fakeapi"
	"github.com/coreclaw/coreclaw/internal/output"
)

const workerArg = "the Worker (owner/name, owner~name or a Worker slug)"

func TestNewCmdWorkersList(t *testing.T) {
	tests := []struct {
		name    string
		verb    string
		argv    []string
		want    ListOptions
		wantErr string
	}{
		{name: "search, everything", verb: "search", want: ListOptions{}},
		{name: "search KEYWORD --limit -o", verb: "search", argv: []string{"maps", "--limit", "5", "-o", "csv"},
			want: ListOptions{Keyword: "maps", Limit: 5, Output: output.Flags{Output: "csv"}}},
		{name: "search, two keywords", verb: "search", argv: []string{"google", "maps"},
			wantErr: "error: coreclaw workers search takes one KEYWORD at most (quote a phrase)\n(exit 2)"},
		{name: "search --limit x", verb: "search", argv: []string{"--limit", "x"},
			wantErr: "error: --limit \"x\" is not a whole number\n" +
				"hint: see `coreclaw workers search --help`\n" +
				"(exit 2)"},
		{name: "search has no --keyword", verb: "search", argv: []string{"--keyword", "maps"},
			wantErr: "error: unknown flag: --keyword\nhint: see `coreclaw workers search --help`\n(exit 2)"},
		{name: "list", verb: "list", want: ListOptions{Own: true}},
		{name: "list --keyword --limit --jq", verb: "list", argv: []string{"--keyword", "scraper", "--limit", "2", "--jq", ".[].path"},
			want: ListOptions{Own: true, Keyword: "scraper", Limit: 2, Output: output.Flags{JQ: ".[].path"}}},
		{name: "list takes no KEYWORD", verb: "list", argv: []string{"maps"},
			wantErr: "error: coreclaw workers list takes no arguments (got \"maps\")\n(exit 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, _ := cmdtest.Factory(t, nil, nil)
			var got *ListOptions
			runF := func(_ context.Context, o *ListOptions) error { got = o; return nil }
			cmd := NewCmdSearch(f, runF)
			if tt.verb == "list" {
				cmd = NewCmdList(f, runF)
			}
			err := cmdtest.ParseSub(t, "workers", cmd, tt.argv...)
			cmdtest.Diff(t, "error", cmdtest.Message(err), tt.wantErr)
			switch {
			case tt.wantErr != "" && got != nil:
				t.Error("runF was called")
			case tt.wantErr == "" && got == nil:
				t.Fatal("runF was not called")
			case tt.wantErr == "" && (got.Keyword != tt.want.Keyword || got.Limit != tt.want.Limit || got.Output != tt.want.Output || got.Own != tt.want.Own):
				t.Errorf("options: got %+v, want %+v", *got, tt.want)
			}
		})
	}
}

func TestWorkersListRun(t *testing.T) {
	tests := []struct {
		name     string
		opts     ListOptions
		tty      bool
		stdout   string
		stderr   string
		wantErr  string
		requests string
	}{
		{name: "search, terminal", opts: ListOptions{Keyword: "maps"}, tty: true,
			stdout: "\x1b[1mWORKER\x1b[22m                        \x1b[1mTITLE\x1b[22m                \x1b[1mDESCRIPTION\x1b[22m\n" +
				"coreclaw/google-maps-scraper  Google Maps Scraper  Extract places, ratings and contacts from Googl…\n",
			requests: "GET /api/v2/store?keyword=maps&limit=100&offset=1\n"},
		{name: "search, pipe", opts: ListOptions{Keyword: "fetcher"},
			stdout: "[\n" +
				"  {\n" +
				"    \"description\": \"Web Page Fetcher (fake)\",\n" +
				"    \"name\": \"web-page-fetcher\",\n" +
				"    \"path\": \"coreclaw~web-page-fetcher\",\n" +
				"    \"slug\": \"01KQWEB0000000000000000001\",\n" +
				"    \"title\": \"Web Page Fetcher\",\n" +
				"    \"username\": \"coreclaw\"\n" +
				"  }\n" +
				"]\n",
			requests: "GET /api/v2/store?keyword=fetcher&limit=100&offset=1\n"},
		{name: "search, nothing found", opts: ListOptions{Keyword: "zzz"}, tty: true,
			stderr:   "no Workers found\n",
			requests: "GET /api/v2/store?keyword=zzz&limit=100&offset=1\n"},
		{name: "search, nothing found, pipe", opts: ListOptions{Keyword: "zzz"},
			stdout:   "[]\n",
			requests: "GET /api/v2/store?keyword=zzz&limit=100&offset=1\n"},
		{name: "list --limit, csv", opts: ListOptions{Own: true, Limit: 2, Output: output.Flags{Output: "csv"}},
			stdout: "description,name,path,slug,title,username\n" +
				"Succeeds (fake),succeeds,fake~succeeds,01KFAKE0000000000000000001,Succeeds,fake\n" +
				"Instant (fake),instant,fake~instant,01KFAKE0000000000000000002,Instant,fake\n",
			requests: "GET /api/v2/workers?limit=2&offset=1\n"},
		{name: "negative --limit", opts: ListOptions{Limit: -1}, wantErr: "error: --limit must be a positive number, not -1\n(exit 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := cmdtest.Server(t, fakeapi.Options{})
			f, streams, _ := cmdtest.Factory(t, srv, nil)
			f.IOStreams.SetTTY(false, tt.tty, tt.tty)
			opts := tt.opts
			opts.IO, opts.APIClient = f.IOStreams, f.APIClient
			err := runList(context.Background(), &opts)
			cmdtest.Diff(t, "error", cmdtest.Message(err), tt.wantErr)
			cmdtest.Diff(t, "stdout", streams.Out.String(), tt.stdout)
			cmdtest.Diff(t, "stderr", streams.Err.String(), tt.stderr)
			cmdtest.Diff(t, "requests", cmdtest.Requests(srv), tt.requests)
		})
	}
}

func TestNewCmdWorkersInfo(t *testing.T) {
	tests := []struct {
		name    string
		argv    []string
		want    InfoOptions
		wantErr string
	}{
		{name: "a worker", argv: []string{"coreclaw/google-maps-scraper"}, want: InfoOptions{Worker: "coreclaw/google-maps-scraper"}},
		{name: "--jq", argv: []string{"a~b", "--jq", ".version"}, want: InfoOptions{Worker: "a~b", Output: output.Flags{JQ: ".version"}}},
		{name: "no worker", wantErr: "error: coreclaw workers info: missing " + workerArg + "\n(exit 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, _ := cmdtest.Factory(t, nil, nil)
			var got *InfoOptions
			err := cmdtest.ParseSub(t, "workers", NewCmdInfo(f, func(_ context.Context, o *InfoOptions) error { got = o; return nil }), tt.argv...)
			cmdtest.Diff(t, "error", cmdtest.Message(err), tt.wantErr)
			switch {
			case tt.wantErr != "" && got != nil:
				t.Error("runF was called")
			case tt.wantErr == "" && got == nil:
				t.Fatal("runF was not called")
			case tt.wantErr == "" && (got.Worker != tt.want.Worker || got.Output != tt.want.Output):
				t.Errorf("options: got %+v, want %+v", *got, tt.want)
			}
		})
	}
}

func TestWorkersInfoRun(t *testing.T) {
	tests := []struct {
		name     string
		opts     InfoOptions
		tty      bool
		stdout   string
		wantErr  string
		requests string
	}{
		{name: "--jq", opts: InfoOptions{Worker: "coreclaw/google-maps-scraper", Output: output.Flags{JQ: ".version"}},
			stdout:   "v1.2.8\n",
			requests: "GET /api/v2/workers/coreclaw~google-maps-scraper\n"},
		{name: "terminal", opts: InfoOptions{Worker: "fake/succeeds"}, tty: true,
			stdout: "\x1b[1mname:\x1b[22m       succeeds\n" +
				"\x1b[1mparameters:\x1b[22m {\"custom\":{\"properties\":[]},\"system\":{\"proxy_region\":\"US\"}}\n" +
				"\x1b[1mreadme:\x1b[22m     # Succeeds Succeeds (fake)\n" +
				"\x1b[1musername:\x1b[22m   fake\n" +
				"\x1b[1mversion:\x1b[22m    v1.2.8\n",
			requests: "GET /api/v2/workers/fake~succeeds\n"},
		{name: "unknown", opts: InfoOptions{Worker: "nobody/nothing"},
			wantErr: "error: worker does not exist (HTTP 400, code 50001, request req-1)\n" +
				"hint: check the Worker id (owner/name or slug); `coreclaw workers search` lists Store Workers\n" +
				"(exit 1)",
			requests: "GET /api/v2/workers/nobody~nothing\n"},
		{name: "not a worker id", opts: InfoOptions{Worker: "/x"}, wantErr: "error: worker id \"/x\" has an empty owner or name\n(exit 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := cmdtest.Server(t, fakeapi.Options{})
			f, streams, _ := cmdtest.Factory(t, srv, nil)
			f.IOStreams.SetTTY(false, tt.tty, tt.tty)
			opts := tt.opts
			opts.IO, opts.APIClient = f.IOStreams, f.APIClient
			err := runInfo(context.Background(), &opts)
			cmdtest.Diff(t, "error", cmdtest.Message(err), tt.wantErr)
			cmdtest.Diff(t, "stdout", streams.Out.String(), tt.stdout)
			cmdtest.Diff(t, "stderr", streams.Err.String(), "")
			cmdtest.Diff(t, "requests", cmdtest.Requests(srv), tt.requests)
		})
	}
}

func TestNewCmdWorkersSchema(t *testing.T) {
	tests := []struct {
		name    string
		argv    []string
		want    SchemaOptions
		wantErr string
	}{
		{name: "a worker", argv: []string{"coreclaw/web-page-fetcher"}, want: SchemaOptions{Worker: "coreclaw/web-page-fetcher"}},
		{name: "--raw", argv: []string{"--raw", "x/y"}, want: SchemaOptions{Worker: "x/y", Raw: true}},
		{name: "-o jsonl", argv: []string{"x/y", "-o", "jsonl"}, want: SchemaOptions{Worker: "x/y", Output: output.Flags{Output: "jsonl"}}},
		{name: "two workers", argv: []string{"x/y", "z/w"},
			wantErr: "error: coreclaw workers schema: too many arguments (got \"x/y\" \"z/w\"); expected " + workerArg + "\n" +
				"(exit 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, _ := cmdtest.Factory(t, nil, nil)
			var got *SchemaOptions
			err := cmdtest.ParseSub(t, "workers", newCmdSchema(f, func(_ context.Context, o *SchemaOptions) error { got = o; return nil }), tt.argv...)
			cmdtest.Diff(t, "error", cmdtest.Message(err), tt.wantErr)
			switch {
			case tt.wantErr != "" && got != nil:
				t.Error("runF was called")
			case tt.wantErr == "" && got == nil:
				t.Fatal("runF was not called")
			case tt.wantErr == "" && (got.Worker != tt.want.Worker || got.Output != tt.want.Output || got.Raw != tt.want.Raw || got.Cache == nil):
				t.Errorf("options: got %+v, want %+v", *got, tt.want)
			}
		})
	}
}

func TestWorkersSchemaRun(t *testing.T) {
	tests := []struct {
		name     string
		opts     SchemaOptions
		tty      bool
		stdout   string
		stderr   string
		wantErr  string
		requests string
	}{
		{name: "terminal", opts: SchemaOptions{Worker: "coreclaw/web-page-fetcher"}, tty: true,
			stdout: "\x1b[1mNAME\x1b[22m          \x1b[1mTYPE\x1b[22m     \x1b[1mREQUIRED\x1b[22m  \x1b[1mDEFAULT\x1b[22m  \x1b[1mALLOWED\x1b[22m               \x1b[1mDESCRIPTION\x1b[22m\n" +
				"url           string   yes                                      Page to fetch\n" +
				"depth         integer  no        1        0 to 5\n" +
				"follow_links  boolean  no        false\n" +
				"format        string   no        \"text\"   html, text, markdown\n",
			requests: "GET /api/v2/workers/coreclaw~web-page-fetcher/input-schema\n"},
		{name: "pipe", opts: SchemaOptions{Worker: "coreclaw/web-page-fetcher"},
			stdout: "[\n" +
				"  {\n" +
				"    \"name\": \"url\",\n" +
				"    \"title\": null,\n" +
				"    \"type\": \"string\",\n" +
				"    \"required\": true,\n" +
				"    \"default\": null,\n" +
				"    \"enum\": null,\n" +
				"    \"minimum\": null,\n" +
				"    \"maximum\": null,\n" +
				"    \"description\": \"Page to fetch\"\n" +
				"  },\n" +
				"  {\n" +
				"    \"name\": \"depth\",\n" +
				"    \"title\": null,\n" +
				"    \"type\": \"integer\",\n" +
				"    \"required\": false,\n" +
				"    \"default\": 1,\n" +
				"    \"enum\": null,\n" +
				"    \"minimum\": 0,\n" +
				"    \"maximum\": 5,\n" +
				"    \"description\": null\n" +
				"  },\n" +
				"  {\n" +
				"    \"name\": \"follow_links\",\n" +
				"    \"title\": null,\n" +
				"    \"type\": \"boolean\",\n" +
				"    \"required\": false,\n" +
				"    \"default\": false,\n" +
				"    \"enum\": null,\n" +
				"    \"minimum\": null,\n" +
				"    \"maximum\": null,\n" +
				"    \"description\": null\n" +
				"  },\n" +
				"  {\n" +
				"    \"name\": \"format\",\n" +
				"    \"title\": null,\n" +
				"    \"type\": \"string\",\n" +
				"    \"required\": false,\n" +
				"    \"default\": \"text\",\n" +
				"    \"enum\": [\n" +
				"      \"html\",\n" +
				"      \"text\",\n" +
				"      \"markdown\"\n" +
				"    ],\n" +
				"    \"minimum\": null,\n" +
				"    \"maximum\": null,\n" +
				"    \"description\": null\n" +
				"  }\n" +
				"]\n",
			requests: "GET /api/v2/workers/coreclaw~web-page-fetcher/input-schema\n"},
		{name: "--raw", opts: SchemaOptions{Worker: "coreclaw/web-page-fetcher", Raw: true}, tty: true,
			stdout: "{\n" +
				"  \"type\": \"object\",\n" +
				"  \"required\": [\n" +
				"    \"url\"\n" +
				"  ],\n" +
				"  \"properties\": {\n" +
				"    \"url\": {\n" +
				"      \"type\": \"string\",\n" +
				"      \"description\": \"Page to fetch\"\n" +
				"    },\n" +
				"    \"depth\": {\n" +
				"      \"type\": \"integer\",\n" +
				"      \"default\": 1,\n" +
				"      \"minimum\": 0,\n" +
				"      \"maximum\": 5\n" +
				"    },\n" +
				"    \"follow_links\": {\n" +
				"      \"type\": \"boolean\",\n" +
				"      \"default\": false\n" +
				"    },\n" +
				"    \"format\": {\n" +
				"      \"type\": \"string\",\n" +
				"      \"enum\": [\n" +
				"        \"html\",\n" +
				"        \"text\",\n" +
				"        \"markdown\"\n" +
				"      ],\n" +
				"      \"default\": \"text\"\n" +
				"    }\n" +
				"  }\n" +
				"}\n",
			requests: "GET /api/v2/workers/coreclaw~web-page-fetcher/input-schema\n"},
		{name: "--raw -o csv", opts: SchemaOptions{Worker: "coreclaw/web-page-fetcher", Raw: true, Output: output.Flags{Output: "csv"}},
			wantErr: "error: --raw prints JSON: drop -o csv\n(exit 2)"},
		{name: "no fields", opts: SchemaOptions{Worker: "fake/succeeds"}, tty: true,
			stdout:   "\x1b[1mNAME\x1b[22m  \x1b[1mTYPE\x1b[22m  \x1b[1mREQUIRED\x1b[22m  \x1b[1mDEFAULT\x1b[22m  \x1b[1mALLOWED\x1b[22m  \x1b[1mDESCRIPTION\x1b[22m\n",
			stderr:   "the input schema of fake~succeeds declares no fields\n",
			requests: "GET /api/v2/workers/fake~succeeds/input-schema\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := cmdtest.Server(t, fakeapi.Options{})
			f, streams, _ := cmdtest.Factory(t, srv, nil)
			f.IOStreams.SetTTY(false, tt.tty, tt.tty)
			opts := tt.opts
			opts.IO, opts.APIClient = f.IOStreams, f.APIClient
			err := RunSchema(context.Background(), &opts)
			cmdtest.Diff(t, "error", cmdtest.Message(err), tt.wantErr)
			cmdtest.Diff(t, "stdout", streams.Out.String(), tt.stdout)
			cmdtest.Diff(t, "stderr", streams.Err.String(), tt.stderr)
			cmdtest.Diff(t, "requests", cmdtest.Requests(srv), tt.requests)
		})
	}
}
