// Package rerun is `coreclaw rerun RUN`: start a new run with the input of
// an earlier one, and optionally wait for it (--wait) or run it
// synchronously (--sync), as `coreclaw run` does.
package rerun

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/ghactions"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/runstart"
)

// Options are everything `rerun` needs.
type Options struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)
	Now       func() time.Time
	Sleep     func(context.Context, time.Duration) error
	// GitHub is the GitHub Actions step coreclaw runs in; nil elsewhere.
	GitHub *ghactions.Env

	Run         string
	Worker      string
	CallbackURL string
	Start       runstart.Flags
}

// NewCmdRerun builds the command; runF replaces the action in tests.
func NewCmdRerun(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, APIClient: f.APIClient, Now: f.Now, Sleep: f.Sleep, GitHub: f.GitHubActions()}
	cmd := &cobra.Command{
		Use:   "rerun RUN [flags]",
		Short: "Start a new run with the input of an earlier one",
		Long: `Start a new run of the same Worker with the same input as RUN, and print
the new run's slug on stdout, and nothing else.

--wait, --sync and --callback-url behave exactly as with ` + "`coreclaw run`" + `: with
--wait the new slug goes to stderr at once and the command waits and
prints what ` + "`coreclaw wait`" + ` prints; with --sync the server holds the request
for up to 5 minutes, --limit and --page choose the window of results it
sends back, and if the run has not ended by then the command keeps
waiting. The exit status then follows the new run.

A rerun is never repeated automatically unless the reply proves that no
run was created; a reply that does not say which run started (no usable
run_slug, a body that is not JSON or is cut short, a redirect) exits 1 and
names the command that shows whether it did.

` + cmdutil.RunArgHelp,
		Example: `  coreclaw rerun 01KKDXV2G26BT7NH4ZQR2R4NPZ
  coreclaw rerun last --worker coreclaw/google-maps-scraper --wait -o csv > places.csv
  coreclaw rerun last --sync --limit 20`,
		Args:              cmdutil.ExactArgs(1, "the run to start again (a run slug, or last)"),
		ValidArgsFunction: f.CompleteRuns,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Run = args[0]
			opts.Start.Record(cmd)
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	cmdutil.AddRunWorkerFlag(cmd, &opts.Worker)
	cmd.Flags().StringVar(&opts.CallbackURL, "callback-url", "", "have CoreClaw POST status changes to this `URL`")
	runstart.AddFlags(cmd, &opts.Start)
	return cmd
}

// Run starts the new run and, if asked, waits for it.
func Run(ctx context.Context, opts *Options) error {
	ref, err := cmdutil.ParseRunRef(opts.Run, opts.Worker)
	if err != nil {
		return err
	}
	request := func(w runstart.Window) api.RerunRequest {
		return api.RerunRequest{IsAsync: w.Async, CallbackURL: opts.CallbackURL, Limit: w.Limit, Offset: w.Offset}
	}
	check := "`coreclaw status last` shows the account's newest run"
	if ref.Worker != "" {
		check = fmt.Sprintf("`coreclaw status last --worker %s` shows the newest run of the Worker", ref.Worker)
	}
	env := runstart.Env{IO: opts.IO, APIClient: opts.APIClient, Now: opts.Now, Sleep: opts.Sleep, GitHub: opts.GitHub}
	return runstart.Run(ctx, env, &opts.Start, runstart.Launch{
		Check: check,
		Prepare: func(c *api.Client, w runstart.Window) (*api.PreparedRequest, error) {
			return c.PrepareRerun(ref, request(w))
		},
		Send: func(ctx context.Context, c *api.Client, w runstart.Window) (*api.StartedRun, error) {
			return c.Rerun(ctx, ref, request(w))
		},
	})
}
