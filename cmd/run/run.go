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
	"github.com/coreclaw/coreclaw/internal/runstart"
)

// Options are everything `run` needs.
type Options struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)
	Now       func() time.Time
	Sleep     func(context.Context, time.Duration) error

	Worker      string
	Input       input.Sources
	Version     string
	CallbackURL string
	Start       runstart.Flags
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
ended by then the command keeps waiting as --wait does.

The input is built from -f, --input and -p, in that order, a later source
winning per field; a document without a top-level "parameters" object is
wrapped as parameters.custom.`,
		Example: `  # start a run and keep its slug
  slug=$(coreclaw run coreclaw/google-maps-scraper -f input.json)

  # start, wait, and save the results as CSV
  coreclaw run coreclaw/google-maps-scraper -f input.json -p max_results:=50 --wait -o csv > places.csv

  # set fields on the command line only
  coreclaw run coreclaw/google-maps-scraper -p 'keywords:=["coffee"]' -p base_location="New York,USA" --wait`,
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
	fl.StringVar(&opts.CallbackURL, "callback-url", "", "have CoreClaw POST status changes to this `URL`")
	runstart.AddFlags(cmd, &opts.Start)
	return cmd
}

// Run starts the run and, if asked, waits for it.
func Run(ctx context.Context, opts *Options) error {
	worker, err := api.ParseWorkerID(opts.Worker)
	if err != nil {
		return cmdutil.UsageError(err)
	}
	if opts.Version == "latest" {
		return cmdutil.UsageErrorf(`--version "latest" is refused by many Workers: omit --version to run the current version`)
	}
	printer, err := opts.Start.Check(opts.IO)
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

	req := api.RunRequest{
		Input:       in.JSON(),
		IsAsync:     !opts.Start.Sync,
		Version:     opts.Version,
		CallbackURL: opts.CallbackURL,
	}
	req.Limit, req.Offset = opts.Start.Window()
	started, err := client.StartRun(ctx, worker, req)
	if err != nil {
		return runstart.Error(ctx, err, fmt.Sprintf("`coreclaw status last --worker %s` shows the newest run of the Worker", worker))
	}
	return runstart.Finish(ctx, runstart.Options{IO: opts.IO, Client: client, Now: opts.Now, Sleep: opts.Sleep},
		&opts.Start, printer, started)
}
