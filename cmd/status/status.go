// Package status is `coreclaw status RUN`: a run's detail.
package status

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/output"
	"github.com/coreclaw/coreclaw/internal/runview"
)

// Options are everything `status` needs.
type Options struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)

	Run    string
	Worker string
	Output output.Flags
}

// NewCmdStatus builds the command; runF replaces the action in tests.
func NewCmdStatus(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, APIClient: f.APIClient}
	cmd := &cobra.Command{
		Use:   "status RUN [flags]",
		Short: "Show a run's status and details",
		Long: `Show a run's detail: status, Worker, version, results, usage, traffic,
start and end times, duration and error message.

On a terminal it is a list of "field: value" lines, with times in RFC 3339
(UTC); otherwise it is the API's run record as JSON (times as Unix
seconds, the status always a string such as "running").

` + cmdutil.RunArgHelp,
		Example: `  coreclaw status 01KKDXV2G26BT7NH4ZQR2R4NPZ
  coreclaw status last --worker coreclaw/google-maps-scraper
  coreclaw status last --jq .status`,
		Args:              cmdutil.ExactArgs(1, "the run (a run slug, or last)"),
		ValidArgsFunction: f.CompleteRuns,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Run = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	cmdutil.AddRunWorkerFlag(cmd, &opts.Worker)
	output.AddFlags(cmd, &opts.Output)
	return cmd
}

// Run reads the run and prints it.
func Run(ctx context.Context, opts *Options) error {
	ref, err := cmdutil.ParseRunRef(opts.Run, opts.Worker)
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
	run, err := client.GetRun(ctx, ref)
	if err != nil {
		return err
	}
	return runview.Print(ctx, printer, run)
}
