package task

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/cmdtest"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/fakeapi"
)

// parsed is what a verb's runF captured, as one comparable line: the
// options each verb has, in a fixed form.
type parsed struct {
	line   string
	called bool
}

// verbs builds each verb of `task` (and `tasks`) with a runF that records
// its options as a line.
func verbs(f *cmdutil.Factory, p *parsed) map[string]*cobra.Command {
	rec := func(format string, args ...any) error {
		p.called, p.line = true, fmt.Sprintf(format, args...)
		return nil
	}
	return map[string]*cobra.Command{
		"create": NewCmdCreate(f, func(_ context.Context, o *CreateOptions) error {
			return rec("worker=%s title=%q description=%q version=%q input=%+v schedule=%s no-validate=%v",
				o.Worker, o.Title, o.Description, o.Version, o.Input, schedule(o.Schedule), o.NoValidate)
		}),
		"get": NewCmdGet(f, func(_ context.Context, o *GetOptions) error {
			return rec("task=%s output=%+v", o.Task, o.Output)
		}),
		"update": NewCmdUpdate(f, func(_ context.Context, o *UpdateOptions) error {
			return rec("task=%s title=%q description=%q version=%q input=%+v schedule=%s no-validate=%v",
				o.Task, o.Title, o.Description, o.Version, o.Input, schedule(o.Schedule), o.NoValidate)
		}),
		"delete": NewCmdDelete(f, func(_ context.Context, o *DeleteOptions) error { return rec("task=%s", o.Task) }),
		"input": NewCmdInput(f, func(_ context.Context, o *InputOptions) error {
			return rec("task=%s set=%v input=%+v version=%q output=%+v no-validate=%v", o.Task, o.Set, o.Input, o.Version, o.Output, o.NoValidate)
		}),
		"run": NewCmdRun(f, func(_ context.Context, o *RunOptions) error {
			return rec("task=%s callback=%q wait=%v sync=%v page=%d dry-run=%v wait-flags=%+v", o.Task, o.CallbackURL,
				o.Start.Wait, o.Start.Sync, o.Start.Page, o.Start.DryRun, o.Start.WaitFlags)
		}),
		"tasks": NewCmdTasks(f, func(_ context.Context, o *ListOptions) error {
			return rec("worker=%q keyword=%q limit=%d output=%+v", o.Worker, o.Keyword, o.Limit, o.Output)
		}),
	}
}

// schedule is the schedule flags' values. Which flags were given is left
// to TestTaskRun, which sees what it changes.
func schedule(s scheduleFlags) string {
	return fmt.Sprintf("{%s at=%q weekday=%d day=%d date=%q enabled=%v}", s.Schedule, s.At, s.Weekday, s.Day, s.Date, s.Enabled)
}

func TestNewCmdTask(t *testing.T) {
	tests := []struct {
		name    string
		verb    string
		argv    []string
		want    string
		wantErr string
	}{
		{name: "create", verb: "create", argv: []string{"fake/succeeds", "--title", "T", "--description", "D", "--version", "v1", "-p", "q=tea", "--no-validate"},
			want: "worker=fake/succeeds title=\"T\" description=\"D\" version=\"v1\" input={File: Inline: HasInline:false Params:[q=tea] System:[] MaxCharge:} schedule={ at=\"\" weekday=0 day=0 date=\"\" enabled=false} no-validate=true"},
		{name: "create --schedule weekly", verb: "create", argv: []string{"fake/succeeds", "--title", "T", "--schedule", "weekly", "--weekday", "1", "--at", "09:00", "--enabled"},
			want: "worker=fake/succeeds title=\"T\" description=\"\" version=\"\" input={File: Inline: HasInline:false Params:[] System:[] MaxCharge:} schedule={weekly at=\"09:00\" weekday=1 day=0 date=\"\" enabled=true} no-validate=false"},
		{name: "create, no worker", verb: "create", argv: []string{"--title", "T"},
			wantErr: "error: coreclaw task create: missing the Worker of the task (owner/name, owner~name or a Worker slug)\n" +
				"(exit 2)"},
		{name: "create, an unknown --schedule", verb: "create", argv: []string{"a/b", "--title", "T", "--schedule", "hourly"},
			wantErr: "error: --schedule must be daily, weekly, monthly or once, not \"hourly\"\n" +
				"hint: see `coreclaw task create --help`\n" +
				"(exit 2)"},
		{name: "get -o json", verb: "get", argv: []string{"01KX4ZM5DE8Y8GAZQ7R0KYZ3FD", "-o", "json"},
			want: "task=01KX4ZM5DE8Y8GAZQ7R0KYZ3FD output={Output:json JQ:}"},
		{name: "get, two tasks", verb: "get", argv: []string{"A", "B"},
			wantErr: "error: coreclaw task get: too many arguments (got \"A\" \"B\"); expected the task (a task slug)\n" +
				"(exit 2)"},
		{name: "update --title --enabled=false", verb: "update", argv: []string{"A", "--title", "New", "--enabled=false"},
			want: "task=A title=\"New\" description=\"\" version=\"\" input={File: Inline: HasInline:false Params:[] System:[] MaxCharge:} schedule={ at=\"\" weekday=0 day=0 date=\"\" enabled=false} no-validate=false"},
		{name: "update --version", verb: "update", argv: []string{"A", "--version", "v2"},
			want: "task=A title=\"\" description=\"\" version=\"v2\" input={File: Inline: HasInline:false Params:[] System:[] MaxCharge:} schedule={ at=\"\" weekday=0 day=0 date=\"\" enabled=false} no-validate=false"},
		{name: "update --weekday x", verb: "update", argv: []string{"A", "--weekday", "x"},
			wantErr: "error: --weekday \"x\" is not a whole number\n" +
				"hint: see `coreclaw task update --help`\n" +
				"(exit 2)"},
		{name: "delete", verb: "delete", argv: []string{"A"}, want: "task=A"},
		{name: "delete, no task", verb: "delete", wantErr: "error: coreclaw task delete: missing the task to delete (a task slug)\n(exit 2)"},
		{name: "input", verb: "input", argv: []string{"A"},
			want: "task=A set=false input={File: Inline: HasInline:false Params:[] System:[] MaxCharge:} version=\"\" output={Output: JQ:} no-validate=false"},
		{name: "input --set -f --version", verb: "input", argv: []string{"A", "--set", "-f", "in.json", "--version", "v2"},
			want: "task=A set=true input={File:in.json Inline: HasInline:false Params:[] System:[] MaxCharge:} version=\"v2\" output={Output: JQ:} no-validate=false"},
		{name: "run --wait --callback-url", verb: "run", argv: []string{"A", "--wait", "--callback-url", "https://example.com/h", "-o", "csv"},
			want: "task=A callback=\"https://example.com/h\" wait=true sync=false page=0 dry-run=false wait-flags={Interval:10s Timeout:0s Output:{Output:csv JQ:} Limit:0 NoResults:false OnInterrupt:detach}"},
		{name: "run, no task", verb: "run", wantErr: "error: coreclaw task run: missing the task to run (a task slug)\n(exit 2)"},
		{name: "tasks", verb: "tasks", argv: []string{"--worker", "fake/succeeds", "--keyword", "coffee", "--limit", "2", "--jq", ".[].slug"},
			want: "worker=\"fake/succeeds\" keyword=\"coffee\" limit=2 output={Output: JQ:.[].slug}"},
		{name: "tasks takes no argument", verb: "tasks", argv: []string{"x"}, wantErr: "error: coreclaw tasks takes no arguments (got \"x\")\n(exit 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, _ := cmdtest.Factory(t, nil, nil)
			var p parsed
			cmd := verbs(f, &p)[tt.verb]
			var err error
			if tt.verb == "tasks" {
				err = cmdtest.Parse(t, cmd, tt.argv...)
			} else {
				err = cmdtest.ParseSub(t, "task", cmd, tt.argv...)
			}
			cmdtest.Diff(t, "error", cmdtest.Message(err), tt.wantErr)
			if tt.wantErr != "" {
				if p.called {
					t.Error("runF was called")
				}
				return
			}
			if !p.called {
				t.Fatal("runF was not called")
			}
			cmdtest.Diff(t, "options", p.line, tt.want)
		})
	}
}

// TestTaskRun runs each verb's action through its command (the flags that
// were given are part of its options) against the fake.
func TestTaskRun(t *testing.T) {
	tests := []struct {
		name     string
		verb     string
		argv     []string
		tty      bool
		stdout   string
		stderr   string
		wantErr  string
		requests string
	}{
		{name: "create", verb: "create", argv: []string{"fake/succeeds", "--title", "Coffee", "-p", "q=tea", "--schedule", "daily", "--at", "06:30"},
			stdout: "01KFAKETASK000000000000003\n",
			requests: "GET /api/v2/workers/fake~succeeds/input-schema\n" +
				"POST /api/v2/worker-tasks {\"worker_id\":\"fake~succeeds\",\"title\":\"Coffee\",\"input\":{\"parameters\":{\"custom\":{\"q\":\"tea\"}}},\"schedule_type\":1,\"schedule_time\":\"06:30\",\"schedule_enabled\":1}\n"},
		{name: "create without --title: nothing sent", verb: "create", argv: []string{"fake/succeeds"},
			wantErr: "error: --title is required: the task's name\n(exit 2)"},
		{name: "get, terminal", verb: "get", argv: []string{"$TASK"}, tty: true,
			stdout: "\x1b[1mcreated_at:\x1b[22m         2026-11-30T08:00:01Z\n" +
				"\x1b[1mdescription:\x1b[22m\n" +
				"\x1b[1mid:\x1b[22m                 1786001196232214890\n" +
				"\x1b[1minput:\x1b[22m              {\"parameters\":{\"custom\":{}}}\n" +
				"\x1b[1mlast_modified_at:\x1b[22m   2026-11-30T08:00:01Z\n" +
				"\x1b[1mlast_run_id:\x1b[22m\n" +
				"\x1b[1mplatform_actors_id:\x1b[22m 32708435342582325\n" +
				"\x1b[1mrun_times:\x1b[22m          0\n" +
				"\x1b[1mschedule_enabled:\x1b[22m   no\n" +
				"\x1b[1mschedule_time:\x1b[22m\n" +
				"\x1b[1mschedule_type:\x1b[22m      0\n" +
				"\x1b[1mslug:\x1b[22m               01KFAKETASK000000000000001\n" +
				"\x1b[1mtitle:\x1b[22m              Task 1\n" +
				"\x1b[1mupdated_at:\x1b[22m         2026-11-30T08:00:01Z\n" +
				"\x1b[1mversion:\x1b[22m            v1.2.8\n" +
				"\x1b[1mworker_id:\x1b[22m          32708435342582318\n" +
				"\x1b[1mworker_path:\x1b[22m        fake~succeeds\n" +
				"\x1b[1mworker_slug:\x1b[22m        01KFAKE0000000000000000001\n" +
				"\x1b[1mworker_title:\x1b[22m       Succeeds\n",
			requests: "GET /api/v2/worker-tasks/01KFAKETASK000000000000001\n"},
		{name: "get --jq", verb: "get", argv: []string{"$TASK", "--jq", ".title"},
			stdout:   "Task 1\n",
			requests: "GET /api/v2/worker-tasks/01KFAKETASK000000000000001\n"},
		{name: "update --title", verb: "update", argv: []string{"$TASK", "--title", "Renamed"},
			stdout:   "",
			stderr:   "✓ updated task 01KFAKETASK000000000000001\n",
			requests: "PUT /api/v2/worker-tasks/01KFAKETASK000000000000001 {\"title\":\"Renamed\"}\n"},
		{name: "update --enabled=false: given, so sent", verb: "update", argv: []string{"$TASK", "--enabled=false"},
			stdout:   "",
			stderr:   "✓ updated task 01KFAKETASK000000000000001\n",
			requests: "PUT /api/v2/worker-tasks/01KFAKETASK000000000000001 {\"schedule_enabled\":0}\n"},
		{name: "update, nothing to change: nothing sent", verb: "update", argv: []string{"$TASK"},
			wantErr: "error: nothing to change: give --title, --description, a schedule flag, the input flags or --version\n" +
				"(exit 2)"},
		{name: "delete", verb: "delete", argv: []string{"$TASK"},
			stdout:   "",
			stderr:   "✓ deleted task 01KFAKETASK000000000000001\n",
			requests: "DELETE /api/v2/worker-tasks/01KFAKETASK000000000000001\n"},
		{name: "delete an unknown task", verb: "delete", argv: []string{"01KNOSUCHTASK000000000000A"},
			wantErr: "error: task does not exist (HTTP 400, code 60001, request req-1)\n" +
				"hint: check the task id; `coreclaw tasks` lists your tasks\n" +
				"(exit 1)",
			requests: "DELETE /api/v2/worker-tasks/01KNOSUCHTASK000000000000A\n"},
		{name: "input", verb: "input", argv: []string{"$TASK"},
			stdout:   "{\n  \"parameters\": {\n    \"custom\": {}\n  }\n}\n",
			requests: "GET /api/v2/worker-tasks/01KFAKETASK000000000000001/input\n"},
		{name: "input --set", verb: "input", argv: []string{"$TASK", "--set", "--input", `{"q":"coffee"}`},
			stdout: "",
			stderr: "✓ saved the input of task 01KFAKETASK000000000000001\n",
			requests: "GET /api/v2/worker-tasks/01KFAKETASK000000000000001\n" +
				"GET /api/v2/workers/fake~succeeds/input-schema\n" +
				"PUT /api/v2/worker-tasks/01KFAKETASK000000000000001/input {\"input\":{\"parameters\":{\"custom\":{\"q\":\"coffee\"}}}}\n"},
		{name: "input -p without --set: nothing sent", verb: "input", argv: []string{"$TASK", "-p", "q=x"},
			wantErr: "error: --param only applies with --set\n(exit 2)"},
		{name: "run", verb: "run", argv: []string{"$TASK"},
			stdout:   "01KFAKER000000000000000001\n",
			requests: "POST /api/v2/worker-tasks/01KFAKETASK000000000000001/runs {\"is_async\":true}\n"},
		{name: "run --wait", verb: "run", argv: []string{"$TASK", "--wait", "--jq", "length"},
			stdout: "3\n",
			stderr: "started run 01KFAKER000000000000000001\n" +
				"run 01KFAKER000000000000000001: ready\n" +
				"run 01KFAKER000000000000000001: running\n" +
				"✓ run 01KFAKER000000000000000001 succeeded · 3 results · 1s · usage $0.0130\n",
			requests: "POST /api/v2/worker-tasks/01KFAKETASK000000000000001/runs {\"is_async\":true}\n" +
				"GET /api/v2/worker-runs/01KFAKER000000000000000001\n" +
				"GET /api/v2/worker-runs/01KFAKER000000000000000001\n" +
				"GET /api/v2/worker-runs/01KFAKER000000000000000001\n" +
				"GET /api/v2/worker-runs/01KFAKER000000000000000001/result?limit=100&offset=1\n"},
		{name: "tasks, terminal", verb: "tasks", tty: true,
			stdout: "\x1b[1mSLUG\x1b[22m                        \x1b[1mTITLE\x1b[22m   \x1b[1mWORKER\x1b[22m         \x1b[1mSCHEDULE\x1b[22m  \x1b[1mRUNS\x1b[22m\n" +
				"01KFAKETASK000000000000002  Task 2  fake/succeeds            0\n" +
				"01KFAKETASK000000000000001  Task 1  fake/succeeds            0\n",
			requests: "GET /api/v2/worker-tasks?limit=100&offset=1\n"},
		{name: "tasks --worker --limit", verb: "tasks", argv: []string{"--worker", "fake/succeeds", "--limit", "1", "--jq", ".[].slug"},
			stdout:   "01KFAKETASK000000000000002\n",
			requests: "GET /api/v2/worker-tasks?limit=1&offset=1&worker_id=fake~succeeds\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := cmdtest.Server(t, fakeapi.Options{})
			tasks, err := srv.AddTasks("fake/succeeds", 2)
			if err != nil {
				t.Fatal(err)
			}
			f, streams, _ := cmdtest.Factory(t, srv, nil)
			f.IOStreams.SetTTY(false, tt.tty, tt.tty)
			var cmd *cobra.Command
			switch tt.verb {
			case "create":
				cmd = NewCmdCreate(f, nil)
			case "get":
				cmd = NewCmdGet(f, nil)
			case "update":
				cmd = NewCmdUpdate(f, nil)
			case "delete":
				cmd = NewCmdDelete(f, nil)
			case "input":
				cmd = NewCmdInput(f, nil)
			case "run":
				cmd = NewCmdRun(f, nil)
			case "tasks":
				cmd = NewCmdTasks(f, nil)
			}
			argv := slices.Clone(tt.argv)
			for i, a := range argv {
				argv[i] = strings.ReplaceAll(a, "$TASK", tasks[0])
			}
			if tt.verb == "tasks" {
				err = cmdtest.Parse(t, cmd, argv...)
			} else {
				err = cmdtest.ParseSub(t, "task", cmd, argv...)
			}
			cmdtest.Diff(t, "error", cmdtest.Message(err), tt.wantErr)
			cmdtest.Diff(t, "stdout", streams.Out.String(), tt.stdout)
			cmdtest.Diff(t, "stderr", streams.Err.String(), tt.stderr)
			cmdtest.Diff(t, "requests", cmdtest.Requests(srv), tt.requests)
		})
	}
}
