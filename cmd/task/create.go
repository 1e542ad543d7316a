package task

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/input"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/schema"
	"github.com/spf13/cobra"
)

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
	Given       cmdutil.Given
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
			opts.Given = cmdutil.GivenFlags(cmd)
			cmdutil.FinishInputFlags(cmd, &opts.Input)
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

func runCreate(ctx context.Context, opts *CreateOptions) error {
	worker, err := api.ParseWorkerID(opts.Worker)
	if err != nil {
		return cmdutil.UsageError(err)
	}
	if !opts.Given.Has("title") || opts.Title == "" {
		return cmdutil.UsageErrorf("--title is required: the task's name")
	}
	if err := checkVersion(opts.Version); err != nil {
		return err
	}
	sched, err := opts.Schedule.fields(opts.Given, true)
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
