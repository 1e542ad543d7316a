// Package task is `coreclaw task get|delete|create|update|input|run` and
// `coreclaw tasks`: saved Worker tasks, their input, schedule and runs
// (REFERENCE §8.4).
package task

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/dryrun"
	"github.com/coreclaw/coreclaw/internal/ghactions"
	"github.com/coreclaw/coreclaw/internal/input"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/output"
	"github.com/coreclaw/coreclaw/internal/runstart"
	"github.com/coreclaw/coreclaw/internal/schema"
)

// NewCmdTask builds `coreclaw task` and its subcommands.
func NewCmdTask(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "task <command>",
		Short: "Create, change, run and delete saved tasks",
		Long: `A task is a saved Worker run: a Worker, its input and, optionally, a
schedule. ` + "`coreclaw tasks`" + ` lists them; TASK is a task slug as printed by
` + "`coreclaw task create`" + ` or listed by ` + "`coreclaw tasks`" + `.`,
		Example: `  slug=$(coreclaw task create coreclaw/google-maps-scraper --title "Coffee NYC" -f input.json)
  coreclaw task run "$slug" --wait -o csv > places.csv
  coreclaw task update "$slug" --schedule weekly --weekday 1 --at 09:00`,
		Args: cmdutil.NoArgs,
	}
	cmd.AddCommand(
		NewCmdGet(f, nil),
		NewCmdDelete(f, nil),
		NewCmdCreate(f, nil),
		NewCmdUpdate(f, nil),
		NewCmdInput(f, nil),
		NewCmdRun(f, nil),
	)
	return cmd
}

// taskArg checks a TASK argument before it goes into a URL path.
func taskArg(s string) (string, error) {
	if err := api.ValidateSlug("task", s); err != nil {
		return "", cmdutil.UsageError(err)
	}
	return s, nil
}

// emptyInput is what a task is saved with when no input flag is given: the
// API requires an input, wrapped.
const emptyInput = `{"parameters":{"custom":{}}}`

// GetOptions are everything `task get` needs.
type GetOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)
	Task      string
	Output    output.Flags
}

// NewCmdGet builds `task get`; runF replaces the action in tests.
func NewCmdGet(f *cmdutil.Factory, runF func(context.Context, *GetOptions) error) *cobra.Command {
	opts := &GetOptions{IO: f.IOStreams, APIClient: f.APIClient}
	cmd := &cobra.Command{
		Use:   "get TASK",
		Short: "Show a saved task",
		Long: `Show a saved task: its Worker, version, input, schedule and run count.
On a terminal, one field a line, with times in RFC 3339 (UTC) and the
schedule type by its name; elsewhere the task as JSON, as the API sent it.`,
		Example: `  coreclaw task get 01KX4ZM5DE8Y8GAZQ7R0KYZ3FD
  coreclaw task get 01KX4ZM5DE8Y8GAZQ7R0KYZ3FD --jq .schedule_time`,
		Args: cmdutil.ExactArgs(1, "the task (a task slug)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Task = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runGet(cmd.Context(), opts)
		},
	}
	output.AddFlags(cmd, &opts.Output)
	return cmd
}

func runGet(ctx context.Context, opts *GetOptions) error {
	id, err := taskArg(opts.Task)
	if err != nil {
		return err
	}
	printer, err := opts.Output.Printer(opts.IO)
	if err != nil {
		return cmdutil.UsageError(err)
	}
	client, err := opts.APIClient()
	if err != nil {
		return err
	}
	task, err := client.GetTask(ctx, id)
	if err != nil {
		return err
	}
	if printer.Format == output.Table && !printer.HasJQ() {
		if human, err := humanTask(task); err == nil {
			task = human
		}
	}
	return printer.Value(ctx, task)
}

// DeleteOptions are everything `task delete` needs.
type DeleteOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)
	Task      string
}

// NewCmdDelete builds `task delete`; runF replaces the action in tests.
func NewCmdDelete(f *cmdutil.Factory, runF func(context.Context, *DeleteOptions) error) *cobra.Command {
	opts := &DeleteOptions{IO: f.IOStreams, APIClient: f.APIClient}
	cmd := &cobra.Command{
		Use:   "delete TASK",
		Short: "Delete a saved task",
		Long: `Delete a saved task, at once: like kubectl delete, there is no confirmation.
The runs it started are kept. The request is never repeated automatically
(a second delete fails with "task does not exist").`,
		Example: `  coreclaw task delete 01KX4ZM5DE8Y8GAZQ7R0KYZ3FD`,
		Args:    cmdutil.ExactArgs(1, "the task to delete (a task slug)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Task = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runDelete(cmd.Context(), opts)
		},
	}
	return cmd
}

func runDelete(ctx context.Context, opts *DeleteOptions) error {
	id, err := taskArg(opts.Task)
	if err != nil {
		return err
	}
	client, err := opts.APIClient()
	if err != nil {
		return err
	}
	if err := client.DeleteTask(ctx, id); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.ErrOut, "%s deleted task %s\n", opts.IO.Stderr().SuccessIcon(), id)
	return nil
}

// CreateOptions are everything `task create` needs.
type CreateOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)

	Worker      string
	Title       string
	Description string
	Version     string
	Input       input.Sources
	Schedule    scheduleFlags
	titleGiven  bool
	// NoValidate skips the schema check; SchemaCache keeps schemas.
	NoValidate  bool
	SchemaCache *schema.Cache
}

// NewCmdCreate builds `task create`; runF replaces the action in tests.
func NewCmdCreate(f *cmdutil.Factory, runF func(context.Context, *CreateOptions) error) *cobra.Command {
	opts := &CreateOptions{IO: f.IOStreams, APIClient: f.APIClient}
	cmd := &cobra.Command{
		Use:   "create WORKER --title NAME [flags]",
		Short: "Save a task: a Worker, its input and an optional schedule",
		Long: `Save a task for a Worker and print its slug on stdout.

The input is built from -f, --input and -p exactly as for ` + "`coreclaw run`" + `
and saved wrapped as parameters.custom; with no input flag the task is saved
with an empty input ({"parameters":{"custom":{}}}). As for ` + "`coreclaw run`" + `, the
input is first checked against the Worker's input schema: a -p key=value
string becomes the declared type (-p max_results=10 is saved as the number
10), and a field of the wrong type, a value not allowed or a missing required
field is a usage error (exit 2) and nothing is saved. --no-validate skips
the check.

--schedule daily|weekly|monthly|once with --at HH:MM runs the task on a
schedule; weekly needs --weekday (1 = Monday ... 7 = Sunday), monthly
--day (1-31), once --date YYYY-MM-DD. A new schedule is switched on unless
--enabled=false. CoreClaw decides the time zone of schedules.`,
		Example: `  coreclaw task create coreclaw/google-maps-scraper --title "Coffee NYC" -f input.json
  coreclaw task create coreclaw/google-maps-scraper --title "Weekly coffee" -p 'keywords:=["coffee"]' \
    --schedule weekly --weekday 1 --at 09:00`,
		Args:              cmdutil.ExactArgs(1, "the Worker of the task (owner/name, owner~name or a Worker slug)"),
		ValidArgsFunction: f.CompleteWorkers,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Worker = args[0]
			opts.titleGiven = cmd.Flags().Changed("title")
			cmdutil.FinishInputFlags(cmd, &opts.Input)
			opts.Schedule.record(cmd)
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			opts.SchemaCache = schema.UserCache(f.LookupEnv, f.Now)
			return runCreate(cmd.Context(), opts)
		},
	}
	cmdutil.AddInputFlags(cmd, &opts.Input)
	fl := cmd.Flags()
	fl.StringVar(&opts.Title, "title", "", "the task's `name` (required)")
	fl.StringVar(&opts.Description, "description", "", "a `text` describing the task")
	fl.StringVar(&opts.Version, "version", "", "run this Worker `version` (default: the Worker's current version)")
	addNoValidateFlag(cmd, &opts.NoValidate)
	addScheduleFlags(cmd, &opts.Schedule)
	cmdutil.OrderFlags(cmd, "title", "input-file", "param", "input", "schedule", "at", "weekday", "day", "date", "enabled",
		"description", "version", "system", "max-charge", "no-validate")
	return cmd
}

// addNoValidateFlag is run's --no-validate, for the commands that save an
// input.
func addNoValidateFlag(cmd *cobra.Command, v *bool) {
	cmd.Flags().BoolVar(v, "no-validate", false, "do not check the input against the Worker's input schema (-p key=value then stays a string)")
}

// warner writes warnings to stderr.
func warner(ios *iostreams.IOStreams) func(string) {
	return func(msg string) { fmt.Fprintf(ios.ErrOut, "warning: %s\n", msg) }
}

// taskWorker reads which Worker a task runs, for the schema check of its
// new input: worker_path (owner~name, or owner/name as some replies
// write it), else worker_slug.
func taskWorker(ctx context.Context, client *api.Client, id string) (api.WorkerID, error) {
	raw, err := client.GetTask(ctx, id)
	if err != nil {
		return "", err
	}
	var t struct {
		Path api.Text `json:"worker_path"`
		Slug api.Text `json:"worker_slug"`
	}
	_ = json.Unmarshal(raw, &t) // an object, GetTask checked; odd fields stay empty
	for _, s := range []api.Text{t.Path, t.Slug} {
		if w, err := api.ParseWorkerID(string(s)); err == nil {
			return w, nil
		}
	}
	return "", cmdutil.WithHint(&api.ReplyError{Op: "GET /api/v2/worker-tasks/" + id, Err: errors.New("no worker_path or worker_slug in the reply: cannot tell which Worker's schema the input must fit")},
		"--no-validate saves the input unchecked")
}

// checkTaskInput checks a task's new input against its Worker's schema,
// as run does (typing -p values in place); nothing is saved on a mismatch.
func checkTaskInput(ctx context.Context, client *api.Client, cache *schema.Cache, worker api.WorkerID, id string, in *input.Input, warn func(string)) error {
	if worker == "" {
		w, err := taskWorker(ctx, client, id)
		if err != nil {
			return err
		}
		worker = w
	}
	return schema.CheckInput(ctx, client, cache, worker, in, warn)
}

func runCreate(ctx context.Context, opts *CreateOptions) error {
	worker, err := api.ParseWorkerID(opts.Worker)
	if err != nil {
		return cmdutil.UsageError(err)
	}
	if !opts.titleGiven || opts.Title == "" {
		return cmdutil.UsageErrorf("--title is required: the task's name")
	}
	if err := checkVersion(opts.Version); err != nil {
		return err
	}
	sched, err := opts.Schedule.fields(true)
	if err != nil {
		return err
	}
	warn := warner(opts.IO)
	in, err := input.Build(opts.Input, input.Env{Context: ctx, Stdin: opts.IO.In, Warn: warn})
	if err != nil {
		return cmdutil.UsageError(err)
	}
	client, err := opts.APIClient()
	if err != nil {
		return err
	}
	if !opts.NoValidate {
		if err := checkTaskInput(ctx, client, opts.SchemaCache, worker, "", in, warn); err != nil {
			return err
		}
	}
	body := json.RawMessage(emptyInput)
	if in != nil {
		body = in.JSON()
	}
	slug, err := client.CreateTask(ctx, api.CreateTaskRequest{
		WorkerID:     worker,
		Title:        opts.Title,
		Input:        body,
		Description:  opts.Description,
		Version:      opts.Version,
		TaskSchedule: sched,
	})
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(opts.IO.Out, slug)
	return err
}

// checkVersion refuses "latest", which many Workers reject (REFERENCE §13).
func checkVersion(v string) error {
	if v == "latest" {
		return cmdutil.UsageErrorf(`--version "latest" is refused by many Workers: omit --version to use the current version`)
	}
	return nil
}

// UpdateOptions are everything `task update` needs.
type UpdateOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)

	Task        string
	Title       string
	Description string
	Version     string
	Input       input.Sources
	Schedule    scheduleFlags
	given       map[string]bool
	NoValidate  bool
	SchemaCache *schema.Cache
}

// NewCmdUpdate builds `task update`; runF replaces the action in tests.
func NewCmdUpdate(f *cmdutil.Factory, runF func(context.Context, *UpdateOptions) error) *cobra.Command {
	opts := &UpdateOptions{IO: f.IOStreams, APIClient: f.APIClient}
	cmd := &cobra.Command{
		Use:   "update TASK [flags]",
		Short: "Change a saved task: only the fields given change",
		Long: `Change a saved task. Only what is given changes; everything else keeps
its value.

--title, --description and the schedule flags (as for ` + "`task create`" + `) are
sent as one partial update. The input flags replace the whole saved input
(as ` + "`task input --set`" + ` does), with --version if given; --version alone
saves the current input again with that version.

A new input is built and checked against the Worker's input schema exactly
as for ` + "`coreclaw run`" + ` (-p values typed, every bad field listed, exit 2,
nothing changed); --no-validate skips the check. When --version alone
cannot read the saved input back, nothing is changed (exit 1).`,
		Example: `  coreclaw task update 01KX4ZM5DE8Y8GAZQ7R0KYZ3FD --title "Coffee NYC (weekly)"
  coreclaw task update 01KX4ZM5DE8Y8GAZQ7R0KYZ3FD --schedule daily --at 06:30
  coreclaw task update 01KX4ZM5DE8Y8GAZQ7R0KYZ3FD --enabled=false
  coreclaw task update 01KX4ZM5DE8Y8GAZQ7R0KYZ3FD -p max_results:=50 --version v1.2.8`,
		Args: cmdutil.ExactArgs(1, "the task to change (a task slug)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Task = args[0]
			opts.given = map[string]bool{}
			for _, n := range []string{"title", "description", "version"} {
				opts.given[n] = cmd.Flags().Changed(n)
			}
			cmdutil.FinishInputFlags(cmd, &opts.Input)
			opts.Schedule.record(cmd)
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			opts.SchemaCache = schema.UserCache(f.LookupEnv, f.Now)
			return runUpdate(cmd.Context(), opts)
		},
	}
	cmdutil.AddInputFlags(cmd, &opts.Input)
	fl := cmd.Flags()
	fl.StringVar(&opts.Title, "title", "", "the task's new `name`")
	fl.StringVar(&opts.Description, "description", "", "a new `text` describing the task (\"\" clears it)")
	fl.StringVar(&opts.Version, "version", "", "run this Worker `version` from now on")
	addNoValidateFlag(cmd, &opts.NoValidate)
	addScheduleFlags(cmd, &opts.Schedule)
	cmdutil.OrderFlags(cmd, "title", "description", "schedule", "at", "weekday", "day", "date", "enabled",
		"input-file", "param", "input", "version", "system", "max-charge", "no-validate")
	return cmd
}

func runUpdate(ctx context.Context, opts *UpdateOptions) error {
	id, err := taskArg(opts.Task)
	if err != nil {
		return err
	}
	sched, err := opts.Schedule.fields(false)
	if err != nil {
		return err
	}
	req := api.UpdateTaskRequest{TaskSchedule: sched}
	if opts.given["title"] {
		if opts.Title == "" {
			return cmdutil.UsageErrorf("--title must not be empty")
		}
		req.Title = &opts.Title
	}
	if opts.given["description"] {
		req.Description = &opts.Description
	}
	if err := checkVersion(opts.Version); err != nil {
		return err
	}
	if opts.given["version"] && opts.Version == "" {
		return cmdutil.UsageErrorf("--version must not be empty")
	}
	warn := warner(opts.IO)
	in, err := input.Build(opts.Input, input.Env{Context: ctx, Stdin: opts.IO.In, Warn: warn})
	if err != nil {
		return cmdutil.UsageError(err)
	}
	newInput := in != nil || opts.given["version"]
	if req.IsZero() && !newInput {
		return cmdutil.UsageErrorf("nothing to change: give --title, --description, a schedule flag, the input flags or --version")
	}
	client, err := opts.APIClient()
	if err != nil {
		return err
	}
	// Everything that can stop the update comes before the first change:
	// the new input's check, or reading back the input to save again.
	var body api.SetTaskInputRequest
	switch {
	case in != nil:
		if !opts.NoValidate {
			if err := checkTaskInput(ctx, client, opts.SchemaCache, "", id, in, warn); err != nil {
				return err
			}
		}
		body = api.SetTaskInputRequest{Input: in.JSON(), Version: opts.Version}
	case newInput:
		saved, err := client.GetTaskInput(ctx, id)
		var unexpected *api.ReplyError
		if errors.As(err, &unexpected) {
			return cmdutil.WithHint(err, "nothing was changed: --version alone saves the current input again, and it could not be read")
		}
		if err != nil {
			return err
		}
		body = api.SetTaskInputRequest{Input: saved.Input, Version: opts.Version}
	}
	if !req.IsZero() {
		if err := client.UpdateTask(ctx, id, req); err != nil {
			return err
		}
	}
	if newInput {
		if err := client.SetTaskInput(ctx, id, body); err != nil {
			return updatedPartly(req, err)
		}
	}
	fmt.Fprintf(opts.IO.ErrOut, "%s updated task %s\n", opts.IO.Stderr().SuccessIcon(), id)
	return nil
}

// updatedPartly says that the first of the two updates went through.
func updatedPartly(req api.UpdateTaskRequest, err error) error {
	if req.IsZero() {
		return err
	}
	return fmt.Errorf("updated the task's title, description or schedule, but not its input: %w", err)
}

// InputOptions are everything `task input` needs.
type InputOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)

	Task    string
	Set     bool
	Input   input.Sources
	Version string
	Output  output.Flags
	given   []string
	// NoValidate skips the schema check of --set; SchemaCache keeps
	// schemas.
	NoValidate  bool
	SchemaCache *schema.Cache
}

// NewCmdInput builds `task input`; runF replaces the action in tests.
func NewCmdInput(f *cmdutil.Factory, runF func(context.Context, *InputOptions) error) *cobra.Command {
	opts := &InputOptions{IO: f.IOStreams, APIClient: f.APIClient}
	cmd := &cobra.Command{
		Use:   "input TASK [--set input flags]",
		Short: "Print a task's saved input, or replace it with --set",
		Long: `Print the input saved with a task, as JSON: the document the task's runs
get ({"parameters": {"custom": ...}}), which -f takes back as it is.

With --set, replace the whole saved input with the one built from -f,
--input and -p, and --version if given. As for ` + "`coreclaw run`" + `, the new input
is checked against the task's Worker's input schema first (-p values typed,
every bad field listed, exit 2, nothing saved); --no-validate skips it.`,
		Example: `  coreclaw task input 01KX4ZM5DE8Y8GAZQ7R0KYZ3FD > input.json
  coreclaw task input 01KX4ZM5DE8Y8GAZQ7R0KYZ3FD --set -f input.json -p max_results:=50`,
		Args: cmdutil.ExactArgs(1, "the task (a task slug)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Task = args[0]
			cmdutil.FinishInputFlags(cmd, &opts.Input)
			opts.given = cmdutil.Changed(cmd, "input-file", "input", "param", "system", "max-charge", "version", "no-validate", "output", "jq")
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			opts.SchemaCache = schema.UserCache(f.LookupEnv, f.Now)
			return runInput(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Set, "set", false, "replace the saved input with the one the input flags build")
	cmdutil.AddInputFlags(cmd, &opts.Input)
	cmd.Flags().StringVar(&opts.Version, "version", "", "with --set: run this Worker `version` from now on")
	addNoValidateFlag(cmd, &opts.NoValidate)
	output.AddFlags(cmd, &opts.Output)
	cmdutil.OrderFlags(cmd, "set", "input-file", "param", "input", "version", "system", "max-charge", "no-validate", "output", "jq")
	return cmd
}

func runInput(ctx context.Context, opts *InputOptions) error {
	id, err := taskArg(opts.Task)
	if err != nil {
		return err
	}
	if !opts.Set {
		for _, g := range opts.given {
			if g != "--output" && g != "--jq" {
				return cmdutil.UsageErrorf("%s only applies with --set", g)
			}
		}
		return printInput(ctx, opts, id)
	}
	for _, g := range opts.given {
		if g == "--output" || g == "--jq" {
			return cmdutil.UsageErrorf("%s does not apply with --set, which prints nothing", g)
		}
	}
	if err := checkVersion(opts.Version); err != nil {
		return err
	}
	warn := warner(opts.IO)
	in, err := input.Build(opts.Input, input.Env{Context: ctx, Stdin: opts.IO.In, Warn: warn})
	if err != nil {
		return cmdutil.UsageError(err)
	}
	if in == nil {
		return cmdutil.UsageErrorf("--set needs the new input: -f, --input or -p")
	}
	client, err := opts.APIClient()
	if err != nil {
		return err
	}
	if !opts.NoValidate {
		if err := checkTaskInput(ctx, client, opts.SchemaCache, "", id, in, warn); err != nil {
			return err
		}
	}
	if err := client.SetTaskInput(ctx, id, api.SetTaskInputRequest{Input: in.JSON(), Version: opts.Version}); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.ErrOut, "%s saved the input of task %s\n", opts.IO.Stderr().SuccessIcon(), id)
	return nil
}

// printInput prints the saved input as JSON whatever stdout is (a table of
// one "parameters" field would say nothing).
func printInput(ctx context.Context, opts *InputOptions, id string) error {
	printer, err := opts.Output.Printer(opts.IO)
	if err != nil {
		return cmdutil.UsageError(err)
	}
	if printer.Format == output.Table || printer.Format == output.CSV {
		if opts.Output.Output != "" {
			return cmdutil.UsageErrorf("-o %s does not apply: the input is printed as JSON (-o json or jsonl)", opts.Output.Output)
		}
		printer.Format = output.JSON
	}
	client, err := opts.APIClient()
	if err != nil {
		return err
	}
	saved, err := client.GetTaskInput(ctx, id)
	if err != nil {
		return err
	}
	in := saved.Input
	if len(in) == 0 {
		in = json.RawMessage("null")
	}
	return printer.Value(ctx, in)
}

// RunOptions are everything `task run` needs.
type RunOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)
	Now       func() time.Time
	Sleep     func(context.Context, time.Duration) error
	// GitHub is the GitHub Actions step coreclaw runs in; nil elsewhere.
	GitHub *ghactions.Env

	Task        string
	CallbackURL string
	Start       runstart.Flags
}

// NewCmdRun builds `task run`; runF replaces the action in tests.
func NewCmdRun(f *cmdutil.Factory, runF func(context.Context, *RunOptions) error) *cobra.Command {
	opts := &RunOptions{IO: f.IOStreams, APIClient: f.APIClient, Now: f.Now, Sleep: f.Sleep, GitHub: f.GitHubActions()}
	cmd := &cobra.Command{
		Use:   "run TASK [flags]",
		Short: "Start a run of a saved task",
		Long: `Start a run of a saved task, with the task's input and version.

Exactly like ` + "`coreclaw run`" + `: by default the run starts asynchronously and
its slug alone is printed on stdout; --wait writes the slug to stderr, waits
and prints what ` + "`coreclaw wait`" + ` prints; --sync has the server hold the
request up to 5 minutes (--limit and --page choose the window of results);
--dry-run prints the request and sends nothing. A start is never sent
twice: a reply that does not say which run started exits 1 and names the
command that shows whether it did.`,
		Example: `  coreclaw task run 01KX4ZM5DE8Y8GAZQ7R0KYZ3FD
  coreclaw task run 01KX4ZM5DE8Y8GAZQ7R0KYZ3FD --wait -o csv > places.csv
  coreclaw task run 01KX4ZM5DE8Y8GAZQ7R0KYZ3FD --sync --limit 10`,
		Args: cmdutil.ExactArgs(1, "the task to run (a task slug)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Task = args[0]
			opts.Start.Record(cmd)
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.CallbackURL, "callback-url", "", "have CoreClaw POST status changes to this `URL`")
	runstart.AddFlags(cmd, &opts.Start)
	return cmd
}

func runRun(ctx context.Context, opts *RunOptions) error {
	id, err := taskArg(opts.Task)
	if err != nil {
		return err
	}
	printer, err := opts.Start.Check(opts.IO)
	if err != nil {
		return err
	}
	client, err := opts.APIClient()
	if err != nil {
		return err
	}
	if !client.HasKey() && !opts.Start.DryRun {
		return api.ErrNoAPIKey
	}
	req := api.RunTaskRequest{CallbackURL: opts.CallbackURL, IsAsync: !opts.Start.Sync}
	req.Limit, req.Offset = opts.Start.Window()
	if opts.Start.DryRun {
		prepared, err := client.PrepareRunTask(id, req)
		if err != nil {
			return err
		}
		return dryrun.Print(ctx, opts.IO, opts.Start.WaitFlags.Output, prepared)
	}
	so := runstart.Options{IO: opts.IO, Client: client, Now: opts.Now, Sleep: opts.Sleep, GitHub: opts.GitHub}
	started, err := runstart.Start(ctx, so, &opts.Start, "`coreclaw status last` shows the account's newest run",
		func(ctx context.Context) (*api.StartedRun, error) { return client.RunTask(ctx, id, req) })
	if err != nil {
		return err
	}
	return runstart.Finish(ctx, so, &opts.Start, printer, started)
}
