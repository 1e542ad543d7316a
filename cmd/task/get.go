package task

import (
	"context"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/output"
	"github.com/spf13/cobra"
)

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
