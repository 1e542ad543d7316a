package batch

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/coreclaw/coreclaw/internal/cmdtest"
	"github.com/coreclaw/coreclaw/internal/fakeapi"
	"github.com/coreclaw/coreclaw/internal/output"
)

func TestNewCmdRun(t *testing.T) {
	tests := []struct {
		name    string
		argv    []string
		want    RunOptions
		wantErr string
	}{
		{name: "defaults", argv: []string{"coreclaw/google-maps-scraper", "-f", "in.jsonl"},
			want: RunOptions{Worker: "coreclaw/google-maps-scraper", InputsFile: "in.jsonl", Concurrency: 2, Interval: 10 * time.Second}},
		{name: "every flag", argv: []string{"fake/succeeds", "-f", "-", "-p", "a=1", "-p", "b:=2", "--system", "memory:=1024",
			"--max-charge", "1.5", "--manifest", "m.jsonl", "--concurrency", "5", "--wait", "--timeout", "1h", "--interval", "2s",
			"--skip-invalid", "--restart-changed", "--restart-uncertain", "--no-validate", "--version", "v1", "--callback-url", "https://example.com/cb"},
			want: RunOptions{Worker: "fake/succeeds", InputsFile: "-", Params: []string{"a=1", "b:=2"}, System: []string{"memory:=1024"},
				MaxCharge: "1.5", Manifest: "m.jsonl", Concurrency: 5, Wait: true, Timeout: time.Hour, Interval: 2 * time.Second,
				SkipInvalid: true, RestartChanged: true, RestartUncertain: true, NoValidate: true, Version: "v1",
				CallbackURL: "https://example.com/cb", given: []string{"--timeout"}}},
		{name: "--queue", argv: []string{"fake/succeeds", "-f", "in.jsonl", "--queue"},
			want: RunOptions{Worker: "fake/succeeds", InputsFile: "in.jsonl", Concurrency: 2, Interval: 10 * time.Second, Queue: true}},
		{name: "no Worker", argv: []string{"-f", "in.jsonl"},
			wantErr: "error: coreclaw batch run: missing the Worker to run (owner/name, owner~name or a Worker slug)\n(exit 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, _ := cmdtest.Factory(t, nil, nil)
			var got *RunOptions
			cmd := NewCmdRun(f, func(_ context.Context, o *RunOptions) error { got = o; return nil })
			err := cmdtest.ParseSub(t, "batch", cmd, tt.argv...)
			cmdtest.Diff(t, "error", cmdtest.Message(err), tt.wantErr)
			switch {
			case tt.wantErr != "" && got != nil:
				t.Error("runF was called")
			case tt.wantErr == "" && got == nil:
				t.Fatal("runF was not called")
			case tt.wantErr == "":
				w := tt.want
				if got.Worker != w.Worker || got.InputsFile != w.InputsFile || !slices.Equal(got.Params, w.Params) ||
					!slices.Equal(got.System, w.System) || got.MaxCharge != w.MaxCharge || got.Manifest != w.Manifest ||
					got.Concurrency != w.Concurrency || got.Wait != w.Wait || got.Timeout != w.Timeout || got.Interval != w.Interval ||
					got.SkipInvalid != w.SkipInvalid || got.RestartChanged != w.RestartChanged || got.RestartUncertain != w.RestartUncertain ||
					got.NoValidate != w.NoValidate || got.Queue != w.Queue || got.Version != w.Version || got.CallbackURL != w.CallbackURL ||
					!slices.Equal(got.given, w.given) {
					t.Errorf("options:\n got %+v\nwant %+v", *got, w)
				}
			}
		})
	}
}

func TestNewCmdManifestVerbs(t *testing.T) {
	f, _, _ := cmdtest.Factory(t, nil, nil)
	var wait *WaitOptions
	err := cmdtest.ParseSub(t, "batch", NewCmdWait(f, func(_ context.Context, o *WaitOptions) error { wait = o; return nil }),
		"m.jsonl", "--timeout", "2h", "--interval", "3s")
	if err != nil || wait == nil || wait.Manifest != "m.jsonl" || wait.Timeout != 2*time.Hour || wait.Interval != 3*time.Second {
		t.Errorf("wait: %v %+v", err, wait)
	}
	var results *ResultsOptions
	err = cmdtest.ParseSub(t, "batch", NewCmdResults(f, func(_ context.Context, o *ResultsOptions) error { results = o; return nil }),
		"m.jsonl", "--with-input", "a,b", "-o", "csv")
	if err != nil || results == nil || results.Manifest != "m.jsonl" || !slices.Equal(results.WithInput, []string{"a", "b"}) ||
		results.Output != (output.Flags{Output: "csv"}) {
		t.Errorf("results: %v %+v", err, results)
	}
	var status *StatusOptions
	err = cmdtest.ParseSub(t, "batch", NewCmdStatus(f, func(_ context.Context, o *StatusOptions) error { status = o; return nil }),
		"m.jsonl", "--jq", ".[].line")
	if err != nil || status == nil || status.Manifest != "m.jsonl" || status.Output.JQ != ".[].line" {
		t.Errorf("status: %v %+v", err, status)
	}
	err = cmdtest.ParseSub(t, "batch", NewCmdAbort(f, func(context.Context, *AbortOptions) error { return nil }))
	cmdtest.Diff(t, "abort without a manifest", cmdtest.Message(err),
		"error: coreclaw batch abort: missing the batch's manifest\n(exit 2)")
}

// The flag checks of batch run: each a usage error with nothing read and
// nothing sent.
func TestRunRunUsageErrors(t *testing.T) {
	tests := []struct {
		name    string
		opts    RunOptions
		wantErr string
	}{
		{"no inputs", RunOptions{Worker: "fake/succeeds"},
			"error: -f INPUTS is required: a JSON Lines file with one input a line, or a JSON array\n(exit 2)"},
		{"a bad Worker", RunOptions{Worker: "succeeds", InputsFile: "in.jsonl"},
			"error: worker id \"succeeds\" has no owner: write owner/name (`coreclaw workers search succeeds` shows it) or the Worker's slug\n(exit 2)"},
		{"stdin without a manifest", RunOptions{Worker: "fake/succeeds", InputsFile: "-"},
			"error: inputs from stdin need --manifest PATH: the manifest is what makes the batch resumable\n(exit 2)"},
		{"too many at once", RunOptions{Worker: "fake/succeeds", InputsFile: "in.jsonl", Concurrency: 101, Interval: time.Second},
			"error: --concurrency must be between 1 and 100, not 101\n(exit 2)"},
		{"--timeout without --wait", RunOptions{Worker: "fake/succeeds", InputsFile: "in.jsonl", Concurrency: 1, Interval: time.Second, given: []string{"--timeout"}},
			"error: --timeout only applies with --wait\n(exit 2)"},
		{"--version latest", RunOptions{Worker: "fake/succeeds", InputsFile: "in.jsonl", Concurrency: 1, Interval: time.Second, Version: "latest"},
			"error: --version \"latest\" is refused by many Workers: omit --version to run the current version\n(exit 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := cmdtest.Server(t, fakeapi.Options{})
			f, _, _ := cmdtest.Factory(t, srv, nil)
			opts := tt.opts
			opts.IO, opts.APIClient, opts.Now, opts.Sleep = f.IOStreams, f.APIClient, f.Now, f.Sleep
			err := runBatch(context.Background(), &opts)
			cmdtest.Diff(t, "error", cmdtest.Message(err), tt.wantErr)
			cmdtest.Diff(t, "requests", cmdtest.Requests(srv), "")
		})
	}
}

// batch run --wait against the fake: every line started once, each run
// followed to its end, the pipe view on stderr, nothing on stdout, and the
// manifest says it all.
func TestRunRun(t *testing.T) {
	srv := cmdtest.Server(t, fakeapi.Options{})
	f, streams, _ := cmdtest.Factory(t, srv, nil)
	dir := t.TempDir()
	inputs := filepath.Join(dir, "in.jsonl")
	if err := os.WriteFile(inputs, []byte("{\"n\":1}\n{\"n\":2}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := &RunOptions{IO: f.IOStreams, APIClient: f.APIClient, Now: f.Now, Sleep: f.Sleep,
		Worker: "fake/succeeds", InputsFile: inputs, Concurrency: 1, Interval: 10 * time.Second, Wait: true, NoValidate: true}
	if err := runBatch(context.Background(), opts); err != nil {
		t.Fatalf("%s\n%s", cmdtest.Message(err), streams.Err)
	}
	cmdtest.Diff(t, "stdout", streams.Out.String(), "")
	cmdtest.Diff(t, "stderr", streams.Err.String(), ""+
		"line 1: started run 01KFAKER000000000000000001\n"+
		"line 1: run 01KFAKER000000000000000001 ready\n"+
		"line 1: run 01KFAKER000000000000000001 running\n"+
		"line 1: ✓ run 01KFAKER000000000000000001 succeeded · 3 results · 1s · usage $0.0130\n"+
		"line 2: started run 01KFAKER000000000000000002\n"+
		"line 2: run 01KFAKER000000000000000002 ready\n"+
		"line 2: run 01KFAKER000000000000000002 running\n"+
		"line 2: ✓ run 01KFAKER000000000000000002 succeeded · 3 results · 1s · usage $0.0130\n"+
		"batch: 2 lines · 2 succeeded · 6 results · manifest "+inputs+".runs.jsonl\n")
	cmdtest.Diff(t, "requests", cmdtest.Requests(srv), ""+
		"POST /api/v2/workers/fake~succeeds/runs {\"input\":{\"parameters\":{\"custom\":{\"n\":1}}},\"is_async\":true}\n"+
		"GET /api/v2/worker-runs/01KFAKER000000000000000001\n"+
		"GET /api/v2/worker-runs/01KFAKER000000000000000001\n"+
		"GET /api/v2/worker-runs/01KFAKER000000000000000001\n"+
		"POST /api/v2/workers/fake~succeeds/runs {\"input\":{\"parameters\":{\"custom\":{\"n\":2}}},\"is_async\":true}\n"+
		"GET /api/v2/worker-runs/01KFAKER000000000000000002\n"+
		"GET /api/v2/worker-runs/01KFAKER000000000000000002\n"+
		"GET /api/v2/worker-runs/01KFAKER000000000000000002\n")
}
