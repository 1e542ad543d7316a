// Package status is `coreclaw status RUN`: a run's detail.
package status

import (
	"context"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/jsonobj"
	"github.com/coreclaw/coreclaw/internal/output"
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
	return Print(ctx, printer, run)
}

// Print prints a run's detail: field/value lines for the table format, the
// API's run record otherwise. `abort -o` prints through it too.
func Print(ctx context.Context, p *output.Printer, run *api.Run) error {
	if p.Format == output.Table && !p.HasJQ() {
		return p.Value(ctx, Fields(run))
	}
	return p.Value(ctx, run)
}

// Fields are the lines of the table, in order, as display text.
func Fields(run *api.Run) *jsonobj.Object {
	o := &jsonobj.Object{}
	set := func(k, v string) { o.Set(k, jsonobj.String(v)) }
	set("run", run.Slug)
	set("status", orDash(string(run.Status)))
	// The Worker by its name, as the runs table shows it; its slug (an
	// id for machines, in the JSON) only when it has no name.
	worker := run.ScraperTitle
	if worker == "" {
		worker = run.ScraperSlug
	}
	set("worker", orDash(worker))
	set("version", orDash(run.Version))
	set("results", strconv.FormatInt(int64(run.Results), 10))
	usage := "-"
	if run.Usage != "" {
		usage = "$" + string(run.Usage)
	}
	set("usage", usage)
	set("traffic", strconv.FormatInt(int64(run.Traffic), 10))
	if run.Origin != "" {
		set("origin", run.Origin)
	}
	set("started", unixTime(run.StartedAt))
	set("finished", unixTime(run.FinishedAt))
	set("duration", duration(run))
	if run.ErrMsg != "" {
		set("error", run.ErrMsg)
	}
	return o
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// unixTime prints Unix seconds as RFC 3339 in UTC; 0 (not yet) as "-".
func unixTime(secs api.Int64) string {
	if secs <= 0 {
		return "-"
	}
	return time.Unix(int64(secs), 0).UTC().Format(time.RFC3339)
}

// duration is the run's elapsed time; "-" while it is unknown.
func duration(run *api.Run) string {
	d := run.Elapsed()
	if d == 0 && run.FinishedAt <= 0 {
		return "-"
	}
	return d.String()
}
