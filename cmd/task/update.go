package task

import (
	"context"
	"errors"
	"fmt"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/input"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/schema"
	"github.com/spf13/cobra"
)

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
	Given       cmdutil.Given
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
			opts.Given = cmdutil.GivenFlags(cmd)
			cmdutil.FinishInputFlags(cmd, &opts.Input)
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
	sched, err := opts.Schedule.fields(opts.Given, false)
	if err != nil {
		return err
	}
	req := api.UpdateTaskRequest{TaskSchedule: sched}
	if opts.Given.Has("title") {
		if opts.Title == "" {
			return cmdutil.UsageErrorf("--title must not be empty")
		}
		req.Title = &opts.Title
	}
	if opts.Given.Has("description") {
		req.Description = &opts.Description
	}
	if err := checkVersion(opts.Version); err != nil {
		return err
	}
	if opts.Given.Has("version") && opts.Version == "" {
		return cmdutil.UsageErrorf("--version must not be empty")
	}
	warn := warner(opts.IO)
	in, err := input.Build(opts.Input, input.Env{Context: ctx, Stdin: opts.IO.In, Warn: warn})
	if err != nil {
		return cmdutil.UsageError(err)
	}
	newInput := in != nil || opts.Given.Has("version")
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
