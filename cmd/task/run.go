package task

import (
	"context"
	"time"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/ghactions"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/runstart"
	"github.com/spf13/cobra"
)

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
	request := func(w runstart.Window) api.RunTaskRequest {
		return api.RunTaskRequest{CallbackURL: opts.CallbackURL, IsAsync: w.Async, Limit: w.Limit, Offset: w.Offset}
	}
	env := runstart.Env{IO: opts.IO, APIClient: opts.APIClient, Now: opts.Now, Sleep: opts.Sleep, GitHub: opts.GitHub}
	return runstart.Run(ctx, env, &opts.Start, runstart.Launch{
		Check: "`coreclaw status last` shows the account's newest run",
		Prepare: func(c *api.Client, w runstart.Window) (*api.PreparedRequest, error) {
			return c.PrepareRunTask(id, request(w))
		},
		Send: func(ctx context.Context, c *api.Client, w runstart.Window) (*api.StartedRun, error) {
			return c.RunTask(ctx, id, request(w))
		},
	})
}
