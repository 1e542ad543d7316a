package results

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/coreclaw/coreclaw/internal/cmdtest"
	"github.com/coreclaw/coreclaw/internal/fakeapi"
	"github.com/coreclaw/coreclaw/internal/output"
)

func TestNewCmdResults(t *testing.T) {
	tests := []struct {
		name    string
		argv    []string
		want    Options
		wantErr string
	}{
		{name: "a slug", argv: []string{"01KKDXV2G26BT7NH4ZQR2R4NPZ"}, want: Options{Run: "01KKDXV2G26BT7NH4ZQR2R4NPZ"}},
		{name: "every flag", argv: []string{"last", "--worker", "fake/big", "--limit", "50", "--page", "3", "--fields", "title,phone", "--fields", "rating",
			"--raw", "-o", "csv", "--jq", ".[]"},
			want: Options{Run: "last", Worker: "fake/big", Limit: 50, Page: 3, Fields: []string{"title", "phone", "rating"}, Raw: true,
				Output: output.Flags{Output: "csv", JQ: ".[]"}}},
		{name: "--page x", argv: []string{"A", "--page", "x"},
			wantErr: "error: --page \"x\" is not a whole number\nhint: see `coreclaw results --help`\n(exit 2)"},
		{name: "no run", wantErr: "error: coreclaw results: missing the run (a run slug, or last)\n(exit 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, _ := cmdtest.Factory(t, nil, nil)
			var got *Options
			err := cmdtest.Parse(t, NewCmdResults(f, func(_ context.Context, o *Options) error { got = o; return nil }), tt.argv...)
			cmdtest.Diff(t, "error", cmdtest.Message(err), tt.wantErr)
			switch {
			case tt.wantErr != "" && got != nil:
				t.Error("runF was called")
			case tt.wantErr == "" && got == nil:
				t.Fatal("runF was not called")
			case tt.wantErr == "" && (got.Run != tt.want.Run || got.Worker != tt.want.Worker || got.Limit != tt.want.Limit || got.Page != tt.want.Page ||
				!slices.Equal(got.Fields, tt.want.Fields) || got.Raw != tt.want.Raw || got.Output != tt.want.Output):
				t.Errorf("options: got %+v, want %+v", *got, tt.want)
			}
		})
	}
}

func sortLines(s string) string {
	lines := strings.SplitAfter(s, "\n")
	slices.Sort(lines)
	return strings.Join(lines, "")
}

// bigPages are the requests for every page of fake/big's 2500 rows.
func bigPages(slug string) string {
	var b strings.Builder
	for offset := 1; offset <= 25; offset++ {
		fmt.Fprintf(&b, "GET /api/v2/worker-runs/%s/result?limit=100&offset=%d\n", slug, offset)
	}
	return b.String()
}

func TestResultsRun(t *testing.T) {
	const slug = "01KFAKER000000000000000001"
	tests := []struct {
		name     string
		worker   string
		opts     Options
		tty      bool
		stdout   string
		stderr   string
		wantErr  string
		requests string
		anyOrder bool // the requests, in any order
	}{
		{name: "pipe: JSON as sent", worker: "fake/succeeds", opts: Options{Fields: []string{"title", "rating"}},
			stdout: "[\n" +
				"  {\n" +
				"    \"title\": \"Coffee Spot 1\",\n" +
				"    \"rating\": 4.1\n" +
				"  },\n" +
				"  {\n" +
				"    \"title\": \"Coffee Spot 2\",\n" +
				"    \"rating\": 4.2\n" +
				"  },\n" +
				"  {\n" +
				"    \"title\": \"Coffee Spot 3\",\n" +
				"    \"rating\": 4.3\n" +
				"  }\n" +
				"]\n",
			requests: "GET /api/v2/worker-runs/01KFAKER000000000000000001/result?limit=100&offset=1\n"},
		{name: "terminal: a table", worker: "fake/succeeds", tty: true,
			stdout: "\x1b[1mTITLE\x1b[22m          \x1b[1mADDRESS\x1b[22m                     \x1b[1mRATING\x1b[22m  \x1b[1mREVIEWS_COUNT\x1b[22m  \x1b[1mPHONE\x1b[22m            \x1b[1mWEBSITE\x1b[22m\n" +
				"Coffee Spot 1  101 Main St, New York, USA  4.1     10             +1 212 555 0001  https://example.com/places/1\n" +
				"Coffee Spot 2  102 Main St, New York, USA  4.2     20             +1 212 555 0002  https://example.com/places/2\n" +
				"Coffee Spot 3  103 Main St, New York, USA  4.3     30             +1 212 555 0003  https://example.com/places/3\n",
			requests: "GET /api/v2/worker-runs/01KFAKER000000000000000001/result?limit=100&offset=1\n"},
		{name: "--raw keeps internal keys", worker: "fake/succeeds", opts: Options{Raw: true, Limit: 1, Output: output.Flags{Output: "jsonl"}},
			stdout:   "{\"title\":\"Coffee Spot 1\",\"address\":\"101 Main St, New York, USA\",\"rating\":4.1,\"reviews_count\":10,\"phone\":\"+1 212 555 0001\",\"website\":\"https://example.com/places/1\",\"__coreclaw_data_id__\":\"p000001\"}\n",
			requests: "GET /api/v2/worker-runs/01KFAKER000000000000000001/result?limit=1&offset=1\n"},
		{name: "tricky rows as csv", worker: "fake/tricky", opts: Options{Output: output.Flags{Output: "csv"}},
			stdout: "name,note,count,tags,meta,empty\n" +
				"\"Comma, Inc.\",\"says \"\"hi\"\"\",9007199254740993,\"[\"\"a\"\",\"\"b\"\"]\",\"{\"\"k\"\":1}\",\n" +
				"\"Line\n" +
				"break\",tab\there,0,[],{},\n" +
				"Ünïcødé 咖啡,\x1b[31mred\x1b[0m,-1.5,\"[\"\"x\"\"]\",,true\n" +
				",,1e3,,\"{\"\"nested\"\":{\"\"deep\"\":[1,2]}}\",false\n",
			requests: "GET /api/v2/worker-runs/01KFAKER000000000000000001/result?limit=100&offset=1\n"},
		{name: "every page, each row once", worker: "fake/big", opts: Options{Output: output.Flags{JQ: "[length, ([.[].n] | unique | length), .[0].n, .[2499].n]"}},
			stdout: "[2500,2500,1,2500]\n", requests: bigPages(slug), anyOrder: true},
		{name: "--page --limit", worker: "fake/big", opts: Options{Page: 3, Limit: 2, Fields: []string{"n", "title"}, Output: output.Flags{Output: "csv"}},
			stdout:   "n,title\n5,Item 5\n6,Item 6\n",
			requests: "GET /api/v2/worker-runs/01KFAKER000000000000000001/result?limit=2&offset=3\n"},
		{name: "--page past the end", worker: "fake/succeeds", opts: Options{Page: 5, Limit: 2},
			stderr:   "no rows: page 5 is past the end (the run has 3 results: 2 pages of 2)\n",
			requests: "GET /api/v2/worker-runs/01KFAKER000000000000000001/result?limit=2&offset=5\n"},
		{name: "last: pinned to a slug first", worker: "fake/succeeds", opts: Options{Run: "last", Worker: "fake/succeeds", Output: output.Flags{JQ: "length"}},
			stdout: "3\n",
			requests: "GET /api/v2/workers/fake~succeeds/runs/last\n" +
				"GET /api/v2/worker-runs/01KFAKER000000000000000001/result?limit=100&offset=1\n"},
		{name: "last --limit 2: one request", worker: "fake/succeeds", opts: Options{Run: "last", Limit: 2, Output: output.Flags{JQ: "length"}},
			stdout:   "2\n",
			requests: "GET /api/v2/worker-runs/last/result?limit=2&offset=1\n"},
		{name: "--page without --limit", worker: "fake/succeeds", opts: Options{Page: 2},
			wantErr: "error: --page needs --limit (the size of the page)\n(exit 2)"},
		{name: "--page with --limit 101", worker: "fake/succeeds", opts: Options{Page: 2, Limit: 101},
			wantErr: "error: --limit with --page must be between 1 and 100, not 101\n(exit 2)"},
		{name: "--fields with an empty key", worker: "fake/succeeds", opts: Options{Fields: []string{"title", ""}},
			wantErr: "error: --fields has an empty name\n(exit 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := cmdtest.Server(t, fakeapi.Options{})
			if _, err := srv.AddRun(tt.worker, "succeeded", -1); err != nil {
				t.Fatal(err)
			}
			f, streams, _ := cmdtest.Factory(t, srv, nil)
			f.IOStreams.SetTTY(false, tt.tty, tt.tty)
			opts := tt.opts
			if opts.Run == "" {
				opts.Run = slug
			}
			opts.IO, opts.APIClient = f.IOStreams, f.APIClient
			err := Run(context.Background(), &opts)
			cmdtest.Diff(t, "error", cmdtest.Message(err), tt.wantErr)
			cmdtest.Diff(t, "stdout", streams.Out.String(), tt.stdout)
			cmdtest.Diff(t, "stderr", streams.Err.String(), tt.stderr)
			got := cmdtest.Requests(srv)
			if tt.anyOrder {
				// The pages may be fetched in any order; each once.
				got, tt.requests = sortLines(got), sortLines(tt.requests)
			}
			cmdtest.Diff(t, "requests", got, tt.requests)
		})
	}
}
