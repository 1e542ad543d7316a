package run

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coreclaw/coreclaw/internal/cmdtest"
	"github.com/coreclaw/coreclaw/internal/fakeapi"
	"github.com/coreclaw/coreclaw/internal/input"
	"github.com/coreclaw/coreclaw/internal/output"
	"github.com/coreclaw/coreclaw/internal/runstart"
	"github.com/coreclaw/coreclaw/internal/runwait"
)

func TestNewCmdRun(t *testing.T) {
	waitDefaults := runwait.Flags{Interval: runwait.DefaultInterval, OnInterrupt: runwait.OnInterruptDetach}
	tests := []struct {
		name  string
		argv  []string
		want  Options
		start runstart.Flags
		// checkErr is what the start flags' check says (the flags given
		// are recorded for it); wantErr is a parse error.
		checkErr string
		wantErr  string
	}{
		{name: "a worker, defaults", argv: []string{"coreclaw/google-maps-scraper"},
			want: Options{Worker: "coreclaw/google-maps-scraper"}, start: runstart.Flags{WaitFlags: waitDefaults}},
		{name: "input flags, in order", argv: []string{"a/b", "-f", "in.json", "--input", "", "-p", "k=v", "-p", "n:=1", "--system", "memory=1024", "--max-charge", "2.5"},
			want:  Options{Worker: "a/b", Input: input.Sources{File: "in.json", HasInline: true, Params: []string{"k=v", "n:=1"}, System: []string{"memory=1024"}, MaxCharge: "2.5"}},
			start: runstart.Flags{WaitFlags: waitDefaults}},
		{name: "the run's own flags", argv: []string{"a/b", "--version", "v1.2.8", "--callback-url", "https://example.com/hook", "--queue", "--no-validate", "--slug-file", "run.slug"},
			want:  Options{Worker: "a/b", Version: "v1.2.8", CallbackURL: "https://example.com/hook", Queue: true, NoValidate: true, SlugFile: "run.slug"},
			start: runstart.Flags{WaitFlags: waitDefaults}},
		{name: "--wait and the wait flags", argv: []string{"a/b", "--wait", "--timeout", "30m", "-o", "csv", "--limit", "10", "--interval", "5s", "--on-interrupt", "abort", "--wait-for-slot", "2m"},
			want: Options{Worker: "a/b"},
			start: runstart.Flags{Wait: true, WaitForSlot: 2 * time.Minute, WaitFlags: runwait.Flags{Timeout: 30 * time.Minute, Output: output.Flags{Output: "csv"},
				Limit: 10, Interval: 5 * time.Second, OnInterrupt: "abort"}}},
		{name: "--sync --page --limit", argv: []string{"a/b", "--sync", "--page", "2", "--limit", "50", "--no-results"},
			want: Options{Worker: "a/b"}, start: runstart.Flags{Sync: true, Page: 2, WaitFlags: runwait.Flags{Limit: 50, NoResults: true,
				Interval: runwait.DefaultInterval, OnInterrupt: runwait.OnInterruptDetach}}},
		{name: "--dry-run -o json", argv: []string{"a/b", "--dry-run", "-o", "json"},
			want: Options{Worker: "a/b"}, start: runstart.Flags{DryRun: true, WaitFlags: runwait.Flags{Output: output.Flags{Output: "json"},
				Interval: runwait.DefaultInterval, OnInterrupt: runwait.OnInterruptDetach}}},
		{name: "--limit without --wait", argv: []string{"a/b", "--limit", "5"},
			want: Options{Worker: "a/b"}, start: runstart.Flags{WaitFlags: runwait.Flags{Limit: 5, Interval: runwait.DefaultInterval, OnInterrupt: runwait.OnInterruptDetach}},
			checkErr: "error: --limit only applies with --wait or --sync\n(exit 2)"},
		{name: "--page without --sync", argv: []string{"a/b", "--wait", "--page", "2"},
			want: Options{Worker: "a/b"}, start: runstart.Flags{Wait: true, Page: 2, WaitFlags: waitDefaults},
			checkErr: "error: --page only applies with --sync\n(exit 2)"},
		{name: "no worker", wantErr: "error: coreclaw run: missing the Worker to run (owner/name, owner~name or a Worker slug)\n(exit 2)"},
		{name: "-p without a value", argv: []string{"a/b", "-p"},
			wantErr: "error: flag needs an argument: 'p' in -p\nhint: see `coreclaw run --help`\n(exit 2)"},
		{name: "--wait-for-slot 5", argv: []string{"a/b", "--wait-for-slot", "5"},
			wantErr: "error: --wait-for-slot 5 needs a unit: 5s (seconds), 5m (minutes) or 5h (hours)\n" +
				"hint: see `coreclaw run --help`\n" +
				"(exit 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, _ := cmdtest.Factory(t, nil, nil)
			var got *Options
			err := cmdtest.Parse(t, NewCmdRun(f, func(_ context.Context, o *Options) error { got = o; return nil }), tt.argv...)
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
			if got.Worker != w.Worker || got.Version != w.Version || got.CallbackURL != w.CallbackURL || got.Queue != w.Queue ||
				got.NoValidate != w.NoValidate || got.SlugFile != w.SlugFile || !sameSources(got.Input, w.Input) {
				t.Errorf("options: got %+v, want %+v", *got, w)
			}
			s := got.Start
			if s.Wait != tt.start.Wait || s.Sync != tt.start.Sync || s.Page != tt.start.Page || s.DryRun != tt.start.DryRun ||
				s.WaitForSlot != tt.start.WaitForSlot || s.WaitFlags != tt.start.WaitFlags {
				t.Errorf("start flags: got %+v, want %+v", s, tt.start)
			}
			if got.Now == nil || got.Sleep == nil || got.SchemaCache == nil || got.GitHub != nil {
				t.Error("Now, Sleep and SchemaCache are the factory's; GitHub is nil outside Actions")
			}
			_, err = got.Start.Check(f.IOStreams)
			cmdtest.Diff(t, "check", cmdtest.Message(err), tt.checkErr)
		})
	}
}

func sameSources(a, b input.Sources) bool {
	return a.File == b.File && a.Inline == b.Inline && a.HasInline == b.HasInline && slices.Equal(a.Params, b.Params) &&
		slices.Equal(a.System, b.System) && a.MaxCharge == b.MaxCharge
}

// startFlags are the start flags as parsed from argv (defaults, and the
// given flags recorded).
func startFlags(t *testing.T, argv ...string) runstart.Flags {
	t.Helper()
	f, _, _ := cmdtest.Factory(t, nil, nil)
	var got *Options
	if err := cmdtest.Parse(t, NewCmdRun(f, func(_ context.Context, o *Options) error { got = o; return nil }), append([]string{"a/b"}, argv...)...); err != nil {
		t.Fatal(err)
	}
	return got.Start
}

func TestRunRun(t *testing.T) {
	tests := []struct {
		name     string
		opts     Options
		argv     []string // the start flags
		env      cmdtest.Env
		tty      bool
		stdin    string
		stdout   string
		stderr   string
		wantErr  string
		requests string
	}{
		{name: "the slug alone on stdout", opts: Options{Worker: "fake/succeeds", Input: input.Sources{Params: []string{"q=tea"}}},
			stdout: "01KFAKER000000000000000001\n",
			requests: "GET /api/v2/workers/fake~succeeds/input-schema\n" +
				"POST /api/v2/workers/fake~succeeds/runs {\"input\":{\"parameters\":{\"custom\":{\"q\":\"tea\"}}},\"is_async\":true}\n"},
		{name: "--wait: results on stdout, the rest on stderr", opts: Options{Worker: "fake/succeeds"}, argv: []string{"--wait", "-o", "jsonl", "--limit", "1"},
			stdout: "{\"title\":\"Coffee Spot 1\",\"address\":\"101 Main St, New York, USA\",\"rating\":4.1,\"reviews_count\":10,\"phone\":\"+1 212 555 0001\",\"website\":\"https://example.com/places/1\"}\n",
			stderr: "started run 01KFAKER000000000000000001\n" +
				"run 01KFAKER000000000000000001: ready\n" +
				"run 01KFAKER000000000000000001: running\n" +
				"✓ run 01KFAKER000000000000000001 succeeded · 3 results · 1s · usage $0.0130\n",
			requests: "GET /api/v2/workers/fake~succeeds/input-schema\n" +
				"POST /api/v2/workers/fake~succeeds/runs {\"is_async\":true}\n" +
				"GET /api/v2/worker-runs/01KFAKER000000000000000001\n" +
				"GET /api/v2/worker-runs/01KFAKER000000000000000001\n" +
				"GET /api/v2/worker-runs/01KFAKER000000000000000001\n" +
				"GET /api/v2/worker-runs/01KFAKER000000000000000001/result?limit=1&offset=1\n"},
		{name: "--wait, failed: exit 3", opts: Options{Worker: "fake/fails"}, argv: []string{"--wait", "--no-results"},
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
				"  \"started_at\": 1796025604,\n" +
				"  \"finished_at\": 1796025605,\n" +
				"  \"duration\": 1,\n" +
				"  \"err_msg\": \"navigation timeout on page 3\"\n" +
				"}\n",
			stderr: "started run 01KFAKER000000000000000001\n" +
				"run 01KFAKER000000000000000001: ready\n" +
				"run 01KFAKER000000000000000001: running\n" +
				"✗ run 01KFAKER000000000000000001 failed · 1 result · 1s · usage $0.0110 · navigation timeout on page 3\n",
			wantErr: "error: run 01KFAKER000000000000000001 failed: navigation timeout on page 3\n" +
				"hint: see why with `coreclaw logs 01KFAKER000000000000000001`\n" +
				"(exit 3)",
			requests: "GET /api/v2/workers/fake~fails/input-schema\n" +
				"POST /api/v2/workers/fake~fails/runs {\"is_async\":true}\n" +
				"GET /api/v2/worker-runs/01KFAKER000000000000000001\n" +
				"GET /api/v2/worker-runs/01KFAKER000000000000000001\n" +
				"GET /api/v2/worker-runs/01KFAKER000000000000000001\n"},
		{name: "--sync --limit 1: the reply's window", opts: Options{Worker: "fake/instant", Input: input.Sources{File: "-"}}, stdin: `{"q":"tea"}`,
			argv:   []string{"--sync", "--limit", "1", "--jq", ".[].title"},
			stdout: "Coffee Spot 1\n",
			stderr: "started run 01KFAKER000000000000000001\n" +
				"✓ run 01KFAKER000000000000000001 succeeded · 2 results · usage $0.0120\n",
			requests: "GET /api/v2/workers/fake~instant/input-schema\n" +
				"POST /api/v2/workers/fake~instant/runs {\"input\":{\"parameters\":{\"custom\":{\"q\":\"tea\"}}},\"is_async\":false,\"limit\":1}\n" +
				"GET /api/v2/worker-runs/01KFAKER000000000000000001\n"},
		{name: "--dry-run: nothing started", opts: Options{Worker: "coreclaw/web-page-fetcher", Input: input.Sources{Params: []string{"url=https://example.com", "depth=2"}}},
			argv: []string{"--dry-run", "-o", "json"},
			stdout: "{\n" +
				"  \"method\": \"POST\",\n" +
				"  \"url\": \"$URL/api/v2/workers/coreclaw~web-page-fetcher/runs\",\n" +
				"  \"headers\": {\n" +
				"    \"Accept\": \"application/json\",\n" +
				"    \"Authorization\": \"Bearer [REDACTED]\",\n" +
				"    \"Content-Type\": \"application/json\",\n" +
				"    \"User-Agent\": \"coreclaw/1.2.3\"\n" +
				"  },\n" +
				"  \"body\": {\n" +
				"    \"input\": {\n" +
				"      \"parameters\": {\n" +
				"        \"custom\": {\n" +
				"          \"url\": \"https://example.com\",\n" +
				"          \"depth\": 2\n" +
				"        }\n" +
				"      }\n" +
				"    },\n" +
				"    \"is_async\": true\n" +
				"  }\n" +
				"}\n",
			requests: "GET /api/v2/workers/coreclaw~web-page-fetcher/input-schema\n"},
		{name: "--queue: the queue ref", opts: Options{Worker: "fake/succeeds", Queue: true, NoValidate: true},
			stdout:   "123456\n",
			requests: "POST /api/v2/workers/fake~succeeds/queued-runs {}\n"},
		{name: "schema check: every bad field, nothing started", opts: Options{Worker: "coreclaw/web-page-fetcher", Input: input.Sources{Params: []string{"depth=9", "format=pdf"}}},
			wantErr: "error: the input does not match the schema of coreclaw~web-page-fetcher: url: required; depth: 9 is more than the maximum 5; format: \"pdf\" is not one of \"html\", \"text\", \"markdown\"\n" +
				"hint: `coreclaw workers schema coreclaw~web-page-fetcher` lists the fields; --no-validate skips this check\n" +
				"(exit 2)",
			requests: "GET /api/v2/workers/coreclaw~web-page-fetcher/input-schema\n"},
		{name: "an unknown run setting warns", opts: Options{Worker: "fake/succeeds", NoValidate: true, Input: input.Sources{System: []string{"colour=red"}}},
			stdout:   "01KFAKER000000000000000001\n",
			stderr:   "warning: \"colour\" is not a documented run setting (proxy_region, memory, cpus, execute_limit_time_seconds, max_total_charge, max_total_traffic); sent as given\n",
			requests: "POST /api/v2/workers/fake~succeeds/runs {\"input\":{\"parameters\":{\"custom\":{},\"system\":{\"colour\":\"red\"}}},\"is_async\":true}\n"},
		{name: "bad JSON: exit 2, nothing sent", opts: Options{Worker: "fake/succeeds", Input: input.Sources{Inline: `{"a":`, HasInline: true}},
			wantErr: "error: invalid JSON in --input at line 1, column 6: unexpected end of input\n(exit 2)"},
		{name: "--queue --wait: nothing sent", opts: Options{Worker: "fake/succeeds", Queue: true}, argv: []string{"--wait"},
			wantErr: "error: --queue cannot be combined with --wait or --sync: a queued run starts later\n(exit 2)"},
		{name: "--version latest: nothing sent", opts: Options{Worker: "fake/succeeds", Version: "latest"},
			wantErr: "error: --version \"latest\" is refused by many Workers: omit --version to run the current version\n" +
				"(exit 2)"},
		{name: "a name without its owner: nothing sent", opts: Options{Worker: "succeeds"},
			wantErr: "error: worker id \"succeeds\" has no owner: write owner/name (`coreclaw workers search succeeds` shows it) or the Worker's slug\n" +
				"(exit 2)"},
		{name: "no key: exit 4, nothing sent", opts: Options{Worker: "fake/succeeds"}, env: cmdtest.Env{"CORECLAW_API_KEY": ""},
			wantErr: "error: no API key: set CORECLAW_API_KEY or store one with `coreclaw config set api_key -`\n" +
				"hint: create a key in the CoreClaw console under Settings → API & Integrations\n" +
				"(exit 4)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := cmdtest.Server(t, fakeapi.Options{})
			f, streams, _ := cmdtest.Factory(t, srv, tt.env)
			f.IOStreams.SetTTY(false, tt.tty, tt.tty)
			streams.In.WriteString(tt.stdin)
			opts := tt.opts
			opts.Start = startFlags(t, tt.argv...)
			opts.IO, opts.APIClient, opts.Now, opts.Sleep = f.IOStreams, f.APIClient, f.Now, f.Sleep
			err := Run(context.Background(), &opts)
			cmdtest.Diff(t, "error", cmdtest.Message(err), tt.wantErr)
			// A dry run prints the URL, and the fake's port changes.
			cmdtest.Diff(t, "stdout", strings.ReplaceAll(streams.Out.String(), srv.URL, "$URL"), tt.stdout)
			cmdtest.Diff(t, "stderr", streams.Err.String(), tt.stderr)
			cmdtest.Diff(t, "requests", cmdtest.Requests(srv), tt.requests)
		})
	}
}

// --slug-file: written before the slug is printed; a file naming a run of
// the Worker that has not ended re-attaches to it, and starts nothing.
func TestRunSlugFile(t *testing.T) {
	srv := cmdtest.Server(t, fakeapi.Options{})
	path := filepath.Join(t.TempDir(), "run.slug")
	run := func(argv ...string) (string, string, error) {
		f, streams, _ := cmdtest.Factory(t, srv, nil)
		opts := &Options{Worker: "fake/slow", NoValidate: true, SlugFile: path, Start: startFlags(t, argv...)}
		opts.IO, opts.APIClient, opts.Now, opts.Sleep = f.IOStreams, f.APIClient, f.Now, f.Sleep
		err := Run(context.Background(), opts)
		return streams.Out.String(), streams.Err.String(), err
	}
	stdout, stderr, err := run()
	cmdtest.Diff(t, "first: error", cmdtest.Message(err), "")
	cmdtest.Diff(t, "first: stdout", stdout, "01KFAKER000000000000000001\n")
	cmdtest.Diff(t, "first: stderr", stderr, "")
	b, _ := os.ReadFile(path)
	cmdtest.Diff(t, "first: the file", string(b), stdout)
	cmdtest.Diff(t, "first: requests", cmdtest.Requests(srv), "POST /api/v2/workers/fake~slow/runs {\"is_async\":true}\n")

	srv.ResetRequests()
	stdout, stderr, err = run()
	cmdtest.Diff(t, "again: error", cmdtest.Message(err), "")
	cmdtest.Diff(t, "again: stdout", stdout, "01KFAKER000000000000000001\n")
	cmdtest.Diff(t, "again: stderr", stderr, "notice: re-attaching to run 01KFAKER000000000000000001 of --slug-file "+path+" (running); no new run is started\n")
	// The run list of this month and the last (the factory's clock is
	// 2026-11-30) is where the API says whose run it is.
	cmdtest.Diff(t, "again: requests", cmdtest.Requests(srv), "GET /api/v2/worker-runs/01KFAKER000000000000000001\n"+
		"GET /api/v2/worker-runs?end_time=1795968000&limit=100&offset=1&start_time=1793462400&worker_id=fake~slow\n")
	if n := srv.RunsCreated(); n != 1 {
		t.Errorf("%d runs created, want 1", n)
	}

	if err := os.WriteFile(path, []byte(`{"not":"a slug"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	srv.ResetRequests()
	_, _, err = run()
	cmdtest.Diff(t, "not a slug: error", cmdtest.Message(err), "error: --slug-file "+path+" does not hold a run slug; not overwriting it\n(exit 2)")
	cmdtest.Diff(t, "not a slug: requests", cmdtest.Requests(srv), "")
}
