// Package abort is `coreclaw abort RUN`: ask CoreClaw to cancel a run.
package abort

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/output"
	"github.com/coreclaw/coreclaw/internal/runview"
)

// Options are everything `abort` needs.
type Options struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)

	Run    string
	Worker string
	Output output.Flags
}

// NewCmdAbort builds the command; runF replaces the action in tests.
func NewCmdAbort(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, APIClient: f.APIClient}
	cmd := &cobra.Command{
		Use:   "abort RUN [flags]",
		Short: "Ask CoreClaw to cancel a run",
		Long: `Ask CoreClaw to cancel a run, then read the run again and print the
status it shows on stdout: normally "aborting" (cancellation requested;
CoreClaw does not promise a later "aborted").

A run that has already ended cannot be aborted: coreclaw says so on stderr,
prints the status the run ended with, and exits 0, since the run is not
running, which is what was asked. A run that is still going but refuses the
abort is an error (exit 1).

With -o or --jq, the run's detail is printed instead of the bare status,
as ` + "`coreclaw status`" + ` prints it.

` + cmdutil.RunArgHelp + `
With "last", each request goes to the newest run at that moment.`,
		Example: `  coreclaw abort 01KKDXV2G26BT7NH4ZQR2R4NPZ
  coreclaw abort last --worker coreclaw/google-maps-scraper
  coreclaw abort last -o json`,
		Args:              cmdutil.ExactArgs(1, "the run to abort (a run slug, or last)"),
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

// Run asks for the abort and reports the status the run then shows.
func Run(ctx context.Context, opts *Options) error {
	ref, err := cmdutil.ParseRunRef(opts.Run, opts.Worker)
	if err != nil {
		return err
	}
	var printer *output.Printer
	if opts.Output != (output.Flags{}) {
		if printer, err = opts.Output.Printer(opts.IO); err != nil {
			return cmdutil.UsageError(err)
		}
	}
	client, err := opts.APIClient()
	if err != nil {
		return err
	}

	abortErr := client.AbortRun(ctx, ref)
	var apiErr *api.Error
	ended := errors.As(abortErr, &apiErr) && apiErr.Code == api.CodeRunOperationFailed
	if abortErr != nil && !ended {
		return abortErr
	}
	run, err := client.GetRun(ctx, ref)
	if err != nil {
		if ended {
			return abortErr
		}
		return fmt.Errorf("the abort of %s was accepted, but reading the run back failed: %w", ref, err)
	}
	name := iostreams.SanitizeLine(string(run.Status))
	switch {
	case ended && !run.Status.Terminal():
		return cmdutil.WithHint(fmt.Errorf("run %s (status %s) refused the abort: %w", run.Slug, name, abortErr),
			fmt.Sprintf("try again in a moment; `coreclaw status %s` shows where it is", run.Slug))
	case ended:
		fmt.Fprintf(opts.IO.ErrOut, "warning: run %s has already ended (status %s); there is nothing to abort\n", run.Slug, name)
	default:
		fmt.Fprintf(opts.IO.ErrOut, "requested the abort of run %s\n", run.Slug)
	}
	if printer != nil {
		return runview.Print(ctx, printer, run)
	}
	_, err = fmt.Fprintln(opts.IO.Out, name)
	return err
}
