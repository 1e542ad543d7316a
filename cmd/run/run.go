// Package run is `coreclaw run WORKER`: start a Worker run, and optionally
// wait for it (--wait) or run it synchronously (--sync).
package run

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/input"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/output"
	"github.com/coreclaw/coreclaw/internal/runwait"
)

// Options are everything `run` needs.
type Options struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)
	Now       func() time.Time
	Sleep     func(context.Context, time.Duration) error

	Worker  string
	Input   input.Sources
	Version string
	Start   runwait.StartFlags
	// Queue puts the run into the Run Queue instead of starting it.
	Queue bool
}

// NewCmdRun builds the command; runF replaces the action in tests.
func NewCmdRun(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, APIClient: f.APIClient, Now: f.Now, Sleep: f.Sleep}
	cmd := &cobra.Command{
		Use:   "run WORKER [flags]",
		Short: "Start a Worker run",
		Long: `Start a run of a Worker (owner/name, owner~name or a Worker slug).

By default the run starts asynchronously and its slug is printed on stdout,
and nothing else. With --wait, the slug goes to stderr at once and the
command then waits and prints exactly what ` + "`coreclaw wait`" + ` prints. With
--sync, the server holds the request for up to 5 minutes; --limit and
--page choose the window of results it sends back, and if the run has not
ended by then the command keeps waiting as --wait does. With --queue, the
run goes into the Run Queue instead and the queue ref is printed on stdout.

The input is built from -f, --input and -p, in that order, a later source
winning per field; a document without a top-level "parameters" object is
wrapped as parameters.custom.`,
		Example: `  # start a run and keep its slug
  slug=$(coreclaw run coreclaw/google-maps-scraper -f input.json)

  # start, wait, and save the results as CSV
  coreclaw run coreclaw/google-maps-scraper -f input.json -p max_results:=50 --wait -o csv > places.csv

  # set fields on the command line only
  coreclaw run coreclaw/google-maps-scraper -p 'keywords:=["coffee"]' -p base_location="New York,USA" --wait

  # queue the run instead (prints the queue ref)
  coreclaw run coreclaw/google-maps-scraper -f input.json --queue`,
		Args: cmdutil.ExactArgs(1, "the Worker to run (owner/name, owner~name or a Worker slug)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Worker = args[0]
			cmdutil.FinishInputFlags(cmd, &opts.Input)
			opts.Start.Record(cmd)
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	cmdutil.AddInputFlags(cmd, &opts.Input)
	fl := cmd.Flags()
	fl.StringVar(&opts.Version, "version", "", "run this Worker `version` (default: the Worker's current version)")
	fl.BoolVar(&opts.Queue, "queue", false, "put the run into the Run Queue instead of starting it; prints the queue ref")
	runwait.AddStartFlags(cmd, &opts.Start)
	return cmd
}

// Run starts the run and, if asked, waits for it.
func Run(ctx context.Context, opts *Options) error {
	worker, err := api.ParseWorkerID(opts.Worker)
	if err != nil {
		return cmdutil.UsageError(err)
	}
	printer, err := opts.checkFlags()
	if err != nil {
		return err
	}
	in, err := input.Build(opts.Input, input.Env{Stdin: opts.IO.In})
	if err != nil {
		return cmdutil.UsageError(err)
	}
	client, err := opts.APIClient()
	if err != nil {
		return err
	}
	if !client.HasKey() {
		return api.ErrNoAPIKey
	}

	if opts.Queue {
		return queueRun(ctx, opts, client, worker, in.JSON())
	}
	limit, offset := opts.Start.SyncWindow()
	started, err := client.StartRun(ctx, worker, api.RunRequest{
		Input:       in.JSON(),
		IsAsync:     !opts.Start.Sync,
		Version:     opts.Version,
		CallbackURL: opts.Start.CallbackURL,
		Limit:       limit,
		Offset:      offset,
	})
	if err != nil {
		return runwait.StartError(ctx, err, newestRunHint(worker))
	}
	wo := runwait.Options{IO: opts.IO, Client: client, Now: opts.Now, Sleep: opts.Sleep}
	return opts.Start.AfterStart(ctx, wo, printer, started)
}

// checkFlags rejects flag combinations that cannot mean anything.
func (opts *Options) checkFlags() (*output.Printer, error) {
	if opts.Queue && (opts.Start.Wait || opts.Start.Sync) {
		return nil, cmdutil.UsageErrorf("--queue cannot be combined with --wait or --sync: a queued run starts later")
	}
	if opts.Version == "latest" {
		return nil, cmdutil.UsageErrorf(`--version "latest" is refused by many Workers: omit --version to run the current version`)
	}
	return opts.Start.Check(opts.IO)
}

// newestRunHint says how to find out whether a start that failed halfway
// created a run.
func newestRunHint(worker api.WorkerID) string {
	return fmt.Sprintf("`coreclaw status last --worker %s` shows the newest run of the Worker", worker)
}
