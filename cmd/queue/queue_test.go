package queue

import (
	"context"
	"slices"
	"testing"

	"github.com/coreclaw/coreclaw/internal/cmdtest"
	"github.com/coreclaw/coreclaw/internal/fakeapi"
	"github.com/coreclaw/coreclaw/internal/output"
)

func TestNewCmdQueue(t *testing.T) {
	tests := []struct {
		name    string
		argv    []string
		want    ListOptions
		wantErr string
	}{
		{name: "no flags"},
		{name: "--status --limit --jq", argv: []string{"--status", "waiting", "--limit", "3", "--jq", ".[].queue_ref"},
			want: ListOptions{Status: "waiting", Limit: 3, Output: output.Flags{JQ: ".[].queue_ref"}}},
		{name: "--status inactive -o jsonl", argv: []string{"--status=inactive", "-o", "jsonl"},
			want: ListOptions{Status: "inactive", Output: output.Flags{Output: "jsonl"}}},
		{name: "an unknown --status", argv: []string{"--status", "running"},
			wantErr: "error: --status must be waiting or inactive, not \"running\"\n" +
				"hint: see `coreclaw queue --help`\n" +
				"(exit 2)"},
		{name: "a mistyped subcommand", argv: []string{"activte", "1"},
			wantErr: "error: unknown command \"activte\" for \"coreclaw queue\"; did you mean \"activate\"?\n" +
				"hint: see `coreclaw queue --help`\n" +
				"(exit 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, _ := cmdtest.Factory(t, nil, nil)
			var got *ListOptions
			cmd := NewCmdQueue(f, func(_ context.Context, o *ListOptions) error { got = o; return nil })
			err := cmdtest.Parse(t, cmd, tt.argv...)
			cmdtest.Diff(t, "error", cmdtest.Message(err), tt.wantErr)
			switch {
			case tt.wantErr != "" && got != nil:
				t.Error("runF was called")
			case tt.wantErr == "" && got == nil:
				t.Fatal("runF was not called")
			case tt.wantErr == "" && (got.Status != tt.want.Status || got.Limit != tt.want.Limit || got.Output != tt.want.Output):
				t.Errorf("options: got %+v, want %+v", *got, tt.want)
			}
		})
	}
}

func TestNewCmdQueueAction(t *testing.T) {
	tests := []struct {
		name    string
		verb    string
		argv    []string
		want    ActionOptions
		wantErr string
	}{
		{name: "activate two", verb: "activate", argv: []string{"123456", "123457"}, want: ActionOptions{Refs: []string{"123456", "123457"}}},
		{name: "release --reason -o csv", verb: "release", argv: []string{"123456", "--reason", "not needed", "-o", "csv"},
			want: ActionOptions{Refs: []string{"123456"}, Reason: "not needed", Output: output.Flags{Output: "csv"}}},
		{name: "activate nothing", verb: "activate",
			wantErr: "error: coreclaw queue activate: missing the queue refs (as `coreclaw queue` lists them)\n" +
				"(exit 2)"},
		{name: "release nothing", verb: "release", argv: []string{"--reason", "x"},
			wantErr: "error: coreclaw queue release: missing the queue refs (as `coreclaw queue` lists them)\n" +
				"(exit 2)"},
		{name: "activate has no --reason", verb: "activate", argv: []string{"123456", "--reason", "x"},
			wantErr: "error: unknown flag: --reason\nhint: see `coreclaw queue activate --help`\n(exit 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, _ := cmdtest.Factory(t, nil, nil)
			var got *ActionOptions
			runF := func(_ context.Context, o *ActionOptions) error { got = o; return nil }
			cmd := NewCmdActivate(f, runF)
			if tt.verb == "release" {
				cmd = NewCmdRelease(f, runF)
			}
			err := cmdtest.ParseSub(t, "queue", cmd, tt.argv...)
			cmdtest.Diff(t, "error", cmdtest.Message(err), tt.wantErr)
			switch {
			case tt.wantErr != "" && got != nil:
				t.Error("runF was called")
			case tt.wantErr == "" && got == nil:
				t.Fatal("runF was not called")
			case tt.wantErr == "" && (!slices.Equal(got.Refs, tt.want.Refs) || got.Reason != tt.want.Reason || got.Output != tt.want.Output ||
				got.action.name != tt.verb):
				t.Errorf("options: got %+v, want %+v", *got, tt.want)
			}
		})
	}
}

func TestQueueRun(t *testing.T) {
	tests := []struct {
		name     string
		opts     ListOptions
		tty      bool
		stdout   string
		stderr   string
		wantErr  string
		requests string
	}{
		{name: "terminal: refs and status first, times in RFC 3339", tty: true,
			stdout: "\x1b[1mQUEUE_REF\x1b[22m  \x1b[1mQUEUE_STATUS\x1b[22m  \x1b[1mCREATED_AT\x1b[22m            \x1b[1mWORKER_SLUG\x1b[22m                 \x1b[1mWORKER_TITLE\x1b[22m\n" +
				"123456     waiting       2026-11-30T08:00:01Z  01KFAKE0000000000000000001  Succeeds\n" +
				"123457     waiting       2026-11-30T08:00:02Z  01KFAKE0000000000000000001  Succeeds\n",
			requests: "GET /api/v2/run-queue/items?limit=100&offset=1\n"},
		{name: "pipe: the items as sent",
			stdout: "[\n" +
				"  {\n" +
				"    \"created_at\": 1796025601,\n" +
				"    \"queue_ref\": \"123456\",\n" +
				"    \"queue_status\": \"waiting\",\n" +
				"    \"worker_slug\": \"01KFAKE0000000000000000001\",\n" +
				"    \"worker_title\": \"Succeeds\"\n" +
				"  },\n" +
				"  {\n" +
				"    \"created_at\": 1796025602,\n" +
				"    \"queue_ref\": \"123457\",\n" +
				"    \"queue_status\": \"waiting\",\n" +
				"    \"worker_slug\": \"01KFAKE0000000000000000001\",\n" +
				"    \"worker_title\": \"Succeeds\"\n" +
				"  }\n" +
				"]\n",
			requests: "GET /api/v2/run-queue/items?limit=100&offset=1\n"},
		{name: "--status waiting --limit 1", opts: ListOptions{Status: "waiting", Limit: 1, Output: output.Flags{JQ: ".[].queue_ref"}},
			stdout:   "123456\n",
			requests: "GET /api/v2/run-queue/items?limit=1&offset=1&status=waiting\n"},
		{name: "empty, on a terminal", opts: ListOptions{Status: "inactive", Limit: 0}, tty: true,
			stderr:   "the Run Queue is empty\n",
			requests: "GET /api/v2/run-queue/items?limit=100&offset=1&status=inactive\n"},
		{name: "a bad --jq sends nothing", opts: ListOptions{Output: output.Flags{JQ: "]"}},
			wantErr: "error: invalid --jq expression \"]\": unexpected token \"]\"\n(exit 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := cmdtest.Server(t, fakeapi.Options{})
			for _, status := range []string{"waiting", "waiting"} {
				if _, err := srv.AddQueued("fake/succeeds", status); err != nil {
					t.Fatal(err)
				}
			}
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

func TestQueueActionRun(t *testing.T) {
	tests := []struct {
		name     string
		release  bool
		opts     ActionOptions
		tty      bool
		variants fakeapi.Variants
		stdout   string
		wantErr  string
		requests string
	}{
		{name: "activate, terminal", opts: ActionOptions{Refs: []string{"123456"}}, tty: true,
			stdout:   "\x1b[1mQUEUE_REF\x1b[22m  \x1b[1mSUCCESS\x1b[22m  \x1b[1mERROR\x1b[22m\n123456     true\n",
			requests: "POST /api/v2/run-queue/items/activate {\"queue_refs\":[\"123456\"]}\n"},
		{name: "activate one that is not waiting, and one unknown", opts: ActionOptions{Refs: []string{"123456", "123457", "999999"}},
			stdout: "[\n" +
				"  {\n" +
				"    \"queue_ref\": \"123456\",\n" +
				"    \"success\": true\n" +
				"  },\n" +
				"  {\n" +
				"    \"queue_ref\": \"123457\",\n" +
				"    \"success\": false,\n" +
				"    \"error\": \"queue item is not waiting\"\n" +
				"  },\n" +
				"  {\n" +
				"    \"queue_ref\": \"999999\",\n" +
				"    \"success\": false,\n" +
				"    \"error\": \"queue item does not exist\"\n" +
				"  }\n" +
				"]\n",
			wantErr: "error: 2 of 3 queue items not activated: 123457 (queue item is not waiting), 999999 (queue item does not exist)\n" +
				"hint: `coreclaw queue` lists the items still in the queue and their status\n" +
				"(exit 1)",
			requests: "POST /api/v2/run-queue/items/activate {\"queue_refs\":[\"123456\",\"123457\",\"999999\"]}\n"},
		{name: "release with a reason, csv", release: true, opts: ActionOptions{Refs: []string{"123457"}, Reason: "not needed", Output: output.Flags{Output: "csv"}},
			stdout:   "queue_ref,success,error\n123457,true,\n",
			requests: "POST /api/v2/run-queue/items/release {\"queue_refs\":[\"123457\"],\"reason\":\"not needed\"}\n"},
		{name: "release, a reply without results", release: true, variants: fakeapi.Variants{QueueNoResults: true},
			opts: ActionOptions{Refs: []string{"123456", "123457"}},
			stdout: "[\n" +
				"  {\n" +
				"    \"queue_ref\": \"123456\",\n" +
				"    \"success\": true\n" +
				"  },\n" +
				"  {\n" +
				"    \"queue_ref\": \"123457\",\n" +
				"    \"success\": true\n" +
				"  }\n" +
				"]\n",
			requests: "POST /api/v2/run-queue/items/release {\"queue_refs\":[\"123456\",\"123457\"]}\n"},
		{name: "a ref that is no ref sends nothing", opts: ActionOptions{Refs: []string{"123456", "../x"}},
			wantErr: "error: queue id \"../x\" contains '/', which is not allowed\n(exit 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := cmdtest.Server(t, fakeapi.Options{})
			srv.SetVariants(tt.variants)
			for _, status := range []string{"waiting", "inactive"} {
				if _, err := srv.AddQueued("fake/succeeds", status); err != nil {
					t.Fatal(err)
				}
			}
			f, streams, _ := cmdtest.Factory(t, srv, nil)
			f.IOStreams.SetTTY(false, tt.tty, tt.tty)
			opts := tt.opts
			opts.IO, opts.APIClient, opts.action = f.IOStreams, f.APIClient, activate()
			if tt.release {
				opts.action = release()
			}
			err := runAction(context.Background(), &opts)
			cmdtest.Diff(t, "error", cmdtest.Message(err), tt.wantErr)
			cmdtest.Diff(t, "stdout", streams.Out.String(), tt.stdout)
			cmdtest.Diff(t, "stderr", streams.Err.String(), "")
			cmdtest.Diff(t, "requests", cmdtest.Requests(srv), tt.requests)
		})
	}
}
