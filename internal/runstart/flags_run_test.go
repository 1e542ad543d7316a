package runstart

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/cmdtest"
	"github.com/coreclaw/coreclaw/internal/fakeapi"
	"github.com/coreclaw/coreclaw/internal/output"
	"github.com/coreclaw/coreclaw/internal/runwait"
)

// newCmdStart is a command with the start flags, as run, rerun and task
// run have them; its action hands the recorded flags to runF.
func newCmdStart(runF func(*Flags)) *cobra.Command {
	var flags Flags
	cmd := &cobra.Command{
		Use: "start",
		RunE: func(cmd *cobra.Command, args []string) error {
			flags.Record(cmd)
			runF(&flags)
			return nil
		},
	}
	AddFlags(cmd, &flags)
	return cmd
}

// TestNewCmdStart: the start flags to Flags, and Check's usage errors for
// the combinations that cannot mean anything.
func TestNewCmdStart(t *testing.T) {
	def := func(w runwait.Flags) runwait.Flags {
		if w.Interval == 0 {
			w.Interval = runwait.DefaultInterval
		}
		if w.OnInterrupt == "" {
			w.OnInterrupt = runwait.OnInterruptDetach
		}
		return w
	}
	tests := []struct {
		name     string
		argv     []string
		want     Flags
		checkErr string
		wantErr  string
	}{
		{name: "none", want: Flags{WaitFlags: def(runwait.Flags{})}},
		{name: "--wait and every wait flag", argv: []string{"--wait", "--timeout", "5m", "--interval", "3s", "-o", "json", "--jq", ".x", "--limit", "7", "--no-results", "--on-interrupt", "abort", "--wait-for-slot", "90s"},
			want: Flags{Wait: true, WaitForSlot: 90 * time.Second, WaitFlags: runwait.Flags{Timeout: 5 * time.Minute, Interval: 3 * time.Second,
				Output: output.Flags{Output: "json", JQ: ".x"}, Limit: 7, NoResults: true, OnInterrupt: "abort"}}},
		{name: "--sync --page --limit", argv: []string{"--sync", "--page", "3", "--limit", "100"},
			want: Flags{Sync: true, Page: 3, WaitFlags: def(runwait.Flags{Limit: 100})}},
		{name: "--dry-run -o json", argv: []string{"--dry-run", "-o", "json"},
			want: Flags{DryRun: true, WaitFlags: def(runwait.Flags{Output: output.Flags{Output: "json"}})}},
		{name: "--dry-run -o csv", argv: []string{"--dry-run", "-o", "csv"},
			want:     Flags{DryRun: true, WaitFlags: def(runwait.Flags{Output: output.Flags{Output: "csv"}})},
			checkErr: "error: --dry-run prints text, or JSON with -o json or -o jsonl; not -o csv\n(exit 2)"},
		{name: "--page without --sync", argv: []string{"--page", "2", "--limit", "5", "--wait"},
			want:     Flags{Wait: true, Page: 2, WaitFlags: def(runwait.Flags{Limit: 5})},
			checkErr: "error: --page only applies with --sync\n(exit 2)"},
		{name: "--no-results alone", argv: []string{"--no-results"},
			want:     Flags{WaitFlags: def(runwait.Flags{NoResults: true})},
			checkErr: "error: --no-results only applies with --wait or --sync\n(exit 2)"},
		{name: "--interval alone, at its default", argv: []string{"--interval", "10s"},
			want:     Flags{WaitFlags: def(runwait.Flags{Interval: 10 * time.Second})},
			checkErr: "error: --interval only applies with --wait or --sync\n(exit 2)"},
		{name: "--sync --limit 101", argv: []string{"--sync", "--limit", "101"},
			want:     Flags{Sync: true, WaitFlags: def(runwait.Flags{Limit: 101})},
			checkErr: "error: --limit with --sync must be between 1 and 100, not 101\n(exit 2)"},
		{name: "--sync --page without --limit", argv: []string{"--sync", "--page", "2"},
			want:     Flags{Sync: true, Page: 2, WaitFlags: def(runwait.Flags{})},
			checkErr: "error: --page needs --limit (the size of the page)\n(exit 2)"},
		{name: "--wait-for-slot negative", argv: []string{"--wait-for-slot", "-1s"},
			want:     Flags{WaitForSlot: -time.Second, WaitFlags: def(runwait.Flags{})},
			checkErr: "error: --wait-for-slot must not be negative, not -1s\n(exit 2)"},
		{name: "--sync --page -1 --limit 5", argv: []string{"--sync", "--page", "-1", "--limit", "5"},
			want:     Flags{Sync: true, Page: -1, WaitFlags: def(runwait.Flags{Limit: 5})},
			checkErr: "error: --page must be 1 or more, not -1\n(exit 2)"},
		{name: "--wait=yes", argv: []string{"--wait=yes"},
			wantErr: "error: --wait takes no value, or =true or =false (not \"yes\")\n" +
				"hint: see `coreclaw start --help`\n" +
				"(exit 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *Flags
			err := cmdtest.Parse(t, newCmdStart(func(f *Flags) { got = f }), tt.argv...)
			cmdtest.Diff(t, "error", cmdtest.Message(err), tt.wantErr)
			switch {
			case tt.wantErr != "" && got != nil:
				t.Error("the action ran")
				return
			case tt.wantErr != "":
				return
			case got == nil:
				t.Fatal("the action did not run")
			}
			if got.Wait != tt.want.Wait || got.Sync != tt.want.Sync || got.Page != tt.want.Page || got.DryRun != tt.want.DryRun ||
				got.WaitForSlot != tt.want.WaitForSlot || got.WaitFlags != tt.want.WaitFlags {
				t.Errorf("flags: got %+v, want %+v", *got, tt.want)
			}
			f, _, _ := cmdtest.Factory(t, nil, nil)
			_, err = got.Check(f.IOStreams)
			cmdtest.Diff(t, "check", cmdtest.Message(err), tt.checkErr)
		})
	}
}

// TestStartRun: Start and Finish against the fake: a start refused by the
// plan's concurrent-run limit is tried again on the injected clock while
// --wait-for-slot allows, and then Finish waits and reports.
func TestStartRun(t *testing.T) {
	const check = "`coreclaw status last --worker fake~succeeds` shows the newest run of the Worker"
	tests := []struct {
		name     string
		refusals int // starts refused with 30003 before one goes through; -1: all
		argv     []string
		stdout   string
		stderr   string
		wantErr  string
		requests string
		slept    string
	}{
		{name: "the slug", stdout: "01KFAKER000000000000000001\n", requests: "POST /api/v2/workers/fake~succeeds/runs {\"is_async\":true}\n", slept: "[]"},
		{name: "refused, no --wait-for-slot: no second try", refusals: -1,
			wantErr: "error: concurrent run limit reached (HTTP 400, code 30003, request req-1)\n" +
				"hint: the plan's concurrent-run limit is reached: wait for a run to finish, or pass --wait-for-slot DURATION\n" +
				"(exit 1)",
			requests: "POST /api/v2/workers/fake~succeeds/runs {\"is_async\":true}\n",
			slept:    "[]"},
		{name: "a slot frees after two tries", refusals: 2, argv: []string{"--wait-for-slot", "1m", "--wait", "--no-results", "--jq", ".status"},
			stdout: "succeeded\n",
			stderr: "notice: the plan's concurrent-run limit is reached; trying again in 5s (waiting up to 1m0s more for a slot)\n" +
				"notice: the plan's concurrent-run limit is reached; trying again in 10s (waiting up to 55s more for a slot)\n" +
				"started run 01KFAKER000000000000000001\n" +
				"run 01KFAKER000000000000000001: ready\n" +
				"run 01KFAKER000000000000000001: running\n" +
				"✓ run 01KFAKER000000000000000001 succeeded · 3 results · 1s · usage $0.0130\n",
			requests: "POST /api/v2/workers/fake~succeeds/runs {\"is_async\":true}\n" +
				"POST /api/v2/workers/fake~succeeds/runs {\"is_async\":true}\n" +
				"POST /api/v2/workers/fake~succeeds/runs {\"is_async\":true}\n" +
				"GET /api/v2/worker-runs/01KFAKER000000000000000001\n" +
				"GET /api/v2/worker-runs/01KFAKER000000000000000001\n" +
				"GET /api/v2/worker-runs/01KFAKER000000000000000001\n",
			slept: "[5s 10s 250ms 900ms]"},
		{name: "no slot within --wait-for-slot", refusals: -1, argv: []string{"--wait-for-slot", "20s"},
			stderr: "notice: the plan's concurrent-run limit is reached; trying again in 5s (waiting up to 20s more for a slot)\n" +
				"notice: the plan's concurrent-run limit is reached; trying again in 10s (waiting up to 15s more for a slot)\n" +
				"notice: the plan's concurrent-run limit is reached; trying again in 5s (waiting up to 5s more for a slot)\n",
			wantErr: "error: concurrent run limit reached (HTTP 400, code 30003, request req-4)\n" +
				"hint: no run slot came free within --wait-for-slot 20s; no run was started\n" +
				"(exit 1)",
			requests: "POST /api/v2/workers/fake~succeeds/runs {\"is_async\":true}\n" +
				"POST /api/v2/workers/fake~succeeds/runs {\"is_async\":true}\n" +
				"POST /api/v2/workers/fake~succeeds/runs {\"is_async\":true}\n" +
				"POST /api/v2/workers/fake~succeeds/runs {\"is_async\":true}\n",
			slept: "[5s 10s 5s]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := cmdtest.Server(t, fakeapi.Options{})
			if tt.refusals != 0 {
				srv.AddFault(fakeapi.Fault{Method: "POST", Path: "/api/v2/workers/*/runs", Times: max(tt.refusals, 0),
					Status: 400, Code: api.CodeConcurrencyLimited, Message: "concurrent run limit reached"})
			}
			f, streams, clock := cmdtest.Factory(t, srv, nil)
			var flags *Flags
			if err := cmdtest.Parse(t, newCmdStart(func(fl *Flags) { flags = fl }), tt.argv...); err != nil {
				t.Fatal(err)
			}
			printer, err := flags.Check(f.IOStreams)
			if err != nil {
				t.Fatal(err)
			}
			client, err := f.APIClient()
			if err != nil {
				t.Fatal(err)
			}
			o := Options{IO: f.IOStreams, Client: client, Now: f.Now, Sleep: f.Sleep}
			ctx := context.Background()
			started, err := Start(ctx, o, flags, check, func(ctx context.Context) (*api.StartedRun, error) {
				return client.StartRun(ctx, "fake~succeeds", api.RunRequest{IsAsync: true})
			})
			if err == nil {
				err = Finish(ctx, o, flags, printer, started)
			}
			cmdtest.Diff(t, "error", cmdtest.Message(err), tt.wantErr)
			cmdtest.Diff(t, "stdout", streams.Out.String(), tt.stdout)
			cmdtest.Diff(t, "stderr", streams.Err.String(), tt.stderr)
			cmdtest.Diff(t, "requests", cmdtest.Requests(srv), tt.requests)
			cmdtest.Diff(t, "pauses", fmt.Sprint(clock.Slept()), tt.slept)
		})
	}
}

// TestLaunchRun: the one launch sequence, with each of a command's hooks.
func TestLaunchRun(t *testing.T) {
	tests := []struct {
		name     string
		argv     []string
		setupErr bool   // Setup refuses
		before   string // "rejoin" or "done"
		env      cmdtest.Env
		stdout   string
		stderr   string
		wantErr  string
		requests string
		events   string // what the hooks saw, in order
	}{
		{name: "start: Setup, Before, Started before the slug is printed",
			stdout:   "01KFAKER000000000000000002\n",
			requests: "POST /api/v2/workers/fake~succeeds/runs {\"is_async\":true}\n",
			events:   "setup; before; send {Async:true Limit:0 Offset:0}; started 01KFAKER000000000000000002, stdout \"\""},
		{name: "--sync --limit 1: the window is the request's", argv: []string{"--sync", "--limit", "1", "-o", "csv"},
			stdout: "title,address,rating,reviews_count,phone,website\n" +
				"Coffee Spot 1,\"101 Main St, New York, USA\",4.1,10,+1 212 555 0001,https://example.com/places/1\n",
			stderr: "started run 01KFAKER000000000000000002\n" +
				"✓ run 01KFAKER000000000000000002 succeeded · 3 results · 1s · usage $0.0130\n",
			requests: "POST /api/v2/workers/fake~succeeds/runs {\"is_async\":false,\"limit\":1}\n" +
				"GET /api/v2/worker-runs/01KFAKER000000000000000002\n",
			events: "setup; before; send {Async:false Limit:1 Offset:0}; started 01KFAKER000000000000000002, stdout \"\""},
		{name: "--dry-run: the prepared request, nothing sent", argv: []string{"--dry-run"},
			stdout: "POST $URL/api/v2/workers/fake~succeeds/runs\n" +
				"Accept: application/json\n" +
				"Authorization: Bearer [REDACTED]\n" +
				"Content-Type: application/json\n" +
				"User-Agent: coreclaw/1.2.3\n" +
				"\n" +
				"{\n" +
				"  \"is_async\": true\n" +
				"}\n",
			events: "setup; before; prepare {Async:true Limit:0 Offset:0}"},
		{name: "Setup refuses: nothing sent", setupErr: true, wantErr: "error: setup refused\n(exit 1)", events: "setup"},
		{name: "Before re-attaches: finished, not announced as started", before: "rejoin", argv: []string{"--wait", "--no-results", "--jq", ".status"},
			stdout: "succeeded\n" +
				"", stderr: "✓ run 01KFAKER000000000000000001 succeeded · 3 results · 1s · usage $0.0130\n" +
				"", requests: "GET /api/v2/worker-runs/01KFAKER000000000000000001\n" +
				"", events: "setup; before"},
		{name: "Before did the work", before: "done", events: "setup; before"},
		{name: "a bad flag combination: no hook runs", argv: []string{"--page", "2"},
			wantErr: "error: --page only applies with --sync\n(exit 2)",
			events:  ""},
		{name: "no key: nothing sent", env: cmdtest.Env{"CORECLAW_API_KEY": ""},
			wantErr: "error: no API key: set CORECLAW_API_KEY or store one with `coreclaw config set api_key -`\n" +
				"hint: create a key in the CoreClaw console under Settings → API & Integrations\n" +
				"(exit 4)",
			events: "setup"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := cmdtest.Server(t, fakeapi.Options{})
			existing, err := srv.AddRun("fake/succeeds", "running", -1)
			if err != nil {
				t.Fatal(err)
			}
			srv.ResetRequests()
			f, streams, _ := cmdtest.Factory(t, srv, tt.env)
			var flags *Flags
			if err := cmdtest.Parse(t, newCmdStart(func(fl *Flags) { flags = fl }), tt.argv...); err != nil {
				t.Fatal(err)
			}
			var events []string
			launch := Launch{
				Check: "`coreclaw status last` shows the account's newest run",
				Prepare: func(c *api.Client, w Window) (*api.PreparedRequest, error) {
					events = append(events, fmt.Sprintf("prepare %+v", w))
					return c.PrepareStartRun("fake~succeeds", api.RunRequest{IsAsync: w.Async, Limit: w.Limit, Offset: w.Offset})
				},
				Send: func(ctx context.Context, c *api.Client, w Window) (*api.StartedRun, error) {
					events = append(events, fmt.Sprintf("send %+v", w))
					return c.StartRun(ctx, "fake~succeeds", api.RunRequest{IsAsync: w.Async, Limit: w.Limit, Offset: w.Offset})
				},
				Setup: func(context.Context) error {
					events = append(events, "setup")
					if tt.setupErr {
						return fmt.Errorf("setup refused")
					}
					return nil
				},
				Before: func(context.Context, *api.Client) (*api.StartedRun, bool, error) {
					events = append(events, "before")
					switch tt.before {
					case "rejoin":
						return &api.StartedRun{RunSlug: existing}, false, nil
					case "done":
						return nil, true, nil
					}
					return nil, false, nil
				},
				Started: func(slug string) {
					events = append(events, fmt.Sprintf("started %s, stdout %q", slug, streams.Out.String()))
				},
			}
			env := Env{IO: f.IOStreams, APIClient: f.APIClient, Now: f.Now, Sleep: f.Sleep}
			err = Run(context.Background(), env, flags, launch)
			cmdtest.Diff(t, "error", cmdtest.Message(err), tt.wantErr)
			cmdtest.Diff(t, "stdout", strings.ReplaceAll(streams.Out.String(), srv.URL, "$URL"), tt.stdout)
			cmdtest.Diff(t, "stderr", streams.Err.String(), tt.stderr)
			cmdtest.Diff(t, "requests", cmdtest.Requests(srv), tt.requests)
			cmdtest.Diff(t, "events", strings.Join(events, "; "), tt.events)
		})
	}
}
