package task

import (
	"context"
	"fmt"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/spf13/cobra"
)

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
