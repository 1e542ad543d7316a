// Package wait is `coreclaw wait RUN`: wait for a run to end, then print
// its results.
package wait

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/ghactions"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/runwait"
)

// Options are everything `wait` needs.
type Options struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)
	Now       func() time.Time
	Sleep     func(context.Context, time.Duration) error
	// GitHub is the GitHub Actions step coreclaw runs in; nil elsewhere.
	GitHub *ghactions.Env

	Run       string
	Worker    string
	WaitFlags runwait.Flags
}

// NewCmdWait builds the command; runF replaces the action in tests.
func NewCmdWait(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, APIClient: f.APIClient, Now: f.Now, Sleep: f.Sleep, GitHub: f.GitHubActions()}
	cmd := &cobra.Command{
		Use:   "wait RUN [flags]",
		Short: "Wait for a run to end and print its results",
		Long: `Wait until a run reaches a final status, then print a one-line summary on
stderr and the results on stdout (all rows, fetched 100 a page).

The first check is immediate, the next after 250ms, then one every 0.9s
for 10s, then after a tenth of the time waited so far, up to --interval:
a run that ends T after the wait began is noticed within max(1s, T/10). On a terminal a spinner shows the run's status,
elapsed time and result count; elsewhere each status change is one line.

The exit status follows the run: 0 succeeded, 3 failed, 6 aborted, 5 when
--timeout passes first (the run goes on), 130 on Ctrl-C (the run goes on
unless --on-interrupt abort). --timeout bounds the whole wait, a check the
server has not answered yet included. A failed run's reason is on the
summary line and the error line: from the run's detail, else its entry in
the run list, else the last error line of its log. RUN may be "last" for
the account's newest run, or "last --worker WORKER" for one Worker's.

In a GitHub Actions step (GITHUB_ACTIONS=true), how the wait ended also
goes to the step's outputs (run_slug, status, results, usage) and its
summary, and error and warning lines are written as annotations; so for
run --wait, run --sync, rerun and task run.`,
		Example: `  coreclaw wait 01KKDXV2G26BT7NH4ZQR2R4NPZ
  coreclaw wait 01KKDXV2G26BT7NH4ZQR2R4NPZ --timeout 10m -o jsonl > rows.jsonl
  coreclaw wait last --worker coreclaw/google-maps-scraper --no-results`,
		Args:              cmdutil.ExactArgs(1, "the run to wait for (a run slug, or last)"),
		ValidArgsFunction: f.CompleteRuns,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Run = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Worker, "worker", "", "with RUN \"last\": the newest run of this `WORKER`")
	runwait.AddFlags(cmd, &opts.WaitFlags, "print at most `N` rows")
	cmdutil.SeeTopics(cmd, "exit-codes")
	return cmd
}

// Run waits and reports.
func Run(ctx context.Context, opts *Options) error {
	var worker api.WorkerID
	if opts.Worker != "" {
		w, err := api.ParseWorkerID(opts.Worker)
		if err != nil {
			return cmdutil.UsageError(err)
		}
		worker = w
	}
	ref, err := api.ParseRunRef(opts.Run, worker)
	if err != nil {
		return cmdutil.UsageError(err)
	}
	printer, err := opts.WaitFlags.Check(opts.IO)
	if err != nil {
		return err
	}
	client, err := opts.APIClient()
	if err != nil {
		return err
	}
	slug := ref.Slug
	if ref.Last {
		// Pin "last" to one run: another run started meanwhile must not
		// take its place halfway through the wait. --timeout bounds this
		// look-up too.
		pinCtx, cancel := ctx, context.CancelFunc(func() {})
		if t := opts.WaitFlags.Timeout; t > 0 {
			pinCtx, cancel = context.WithTimeout(ctx, t)
		}
		run, err := client.GetRun(pinCtx, ref)
		cancel()
		if err != nil && ctx.Err() == nil && pinCtx.Err() != nil {
			return &cmdutil.ExitError{Code: cmdutil.ExitTimeout,
				Err: fmt.Errorf("timed out after %s looking up the newest run", opts.WaitFlags.Timeout)}
		}
		if err != nil {
			return err
		}
		slug = run.Slug
	}
	wo := runwait.Options{
		IO: opts.IO, Client: client, Now: opts.Now, Sleep: opts.Sleep,
		Interval: opts.WaitFlags.Interval, Timeout: opts.WaitFlags.Timeout, OnInterrupt: opts.WaitFlags.OnInterrupt,
		GitHub: opts.GitHub,
	}
	run, err := runwait.Wait(ctx, wo, slug)
	if err != nil {
		return err
	}
	return runwait.Finish(ctx, wo, run, runwait.Report{
		Printer: printer, Limit: opts.WaitFlags.Limit, NoResults: opts.WaitFlags.NoResults,
	})
}
