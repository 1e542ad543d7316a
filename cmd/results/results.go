// Package results is `coreclaw results RUN`: a run's result rows.
package results

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/output"
	"github.com/coreclaw/coreclaw/internal/runresults"
)

// Options are everything `results` needs.
type Options struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)
	Now       func() time.Time

	Run    string
	Worker string
	Limit  int
	Page   int
	Fields []string
	Raw    bool
	Output output.Flags
	// Concurrency is how many pages are fetched at once.
	Concurrency int
}

// NewCmdResults builds the command; runF replaces the action in tests.
func NewCmdResults(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, APIClient: f.APIClient, Now: f.Now}
	cmd := &cobra.Command{
		Use:   "results RUN [flags]",
		Short: "Print a run's result rows",
		Long: `Print a run's result rows: all of them by default, fetched 100 a page, each
row once and in order. --limit N stops after N rows; --page P with --limit
N prints just that window (rows (P-1)*N+1 to P*N); a page past the last
row prints nothing on stdout and says so on stderr (exit 0).

Up to --concurrency pages (4 unless told, 1-16) are fetched at once; rows
are still written in order as the pages arrive, and 1 fetches strictly one
page at a time. A retry (a 429, a 5xx) halves it for the rest of the
fetch. On a terminal, a long fetch shows its progress on stderr.

Rows keep the keys and number formatting the API sent. --fields keeps only
the named keys, in that order; internal keys such as __coreclaw_data_id__
are left out unless --raw. csv and table columns follow the run's result
headers.

` + cmdutil.RunArgHelp + `
When "last" needs more than one request, it is first pinned to that run's
slug, so that a run started meanwhile cannot slip in between pages.`,
		Example: `  coreclaw results 01KKDXV2G26BT7NH4ZQR2R4NPZ -o csv > places.csv
  coreclaw results last --limit 10 -o table
  coreclaw results last --worker coreclaw/google-maps-scraper --fields title,phone -o jsonl
  coreclaw results 01KKDXV2G26BT7NH4ZQR2R4NPZ --page 3 --limit 50 --jq '.[].title'`,
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
	fl := cmd.Flags()
	fl.IntVar(&opts.Limit, "limit", 0, "print at most `N` rows (with --page: the page size, 1-100)")
	fl.IntVar(&opts.Page, "page", 0, "with --limit: print only page `P` (from 1) of --limit rows")
	fl.StringSliceVar(&opts.Fields, "fields", nil, "keep only these result `keys`, in this order (comma-separated)")
	fl.BoolVar(&opts.Raw, "raw", false, "keep internal keys such as __coreclaw_data_id__")
	output.AddFlags(cmd, &opts.Output)
	cmdutil.AddConcurrencyFlag(cmd, &opts.Concurrency)
	cmdutil.OrderFlags(cmd, "output", "limit", "page", "fields", "jq", "raw", "concurrency", "worker")
	return cmd
}

// Run fetches and prints the rows.
func Run(ctx context.Context, opts *Options) error {
	ref, err := cmdutil.ParseRunRef(opts.Run, opts.Worker)
	if err != nil {
		return err
	}
	fields, err := cmdutil.ParseFields(opts.Fields)
	if err != nil {
		return err
	}
	if err := opts.checkWindow(); err != nil {
		return err
	}
	if err := cmdutil.CheckConcurrency(opts.Concurrency); err != nil {
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
	ro := runresults.Options{
		Limit:  opts.Limit,
		Fields: fields,
		Raw:    opts.Raw,
		Warn:   func(msg string) { fmt.Fprintf(opts.IO.ErrOut, "warning: %s\n", msg) },

		Concurrency: opts.Concurrency,
	}
	if opts.Page > 0 {
		page, err := client.ResultsPage(ctx, ref, opts.Page, opts.Limit)
		if err != nil {
			return err
		}
		if !runresults.CutPage(page, opts.Page, opts.Limit) {
			// Nothing on stdout: not even an empty array, which would
			// read as a page that exists and is empty.
			fmt.Fprintf(opts.IO.ErrOut, "no rows: page %d is past the end (%s)\n", opts.Page, runresults.Extent(page, opts.Limit))
			return nil
		}
		p := runresults.NewPrinter(printer.PageRows(ctx), ro)
		if err := p.Page(page); err != nil {
			return err
		}
		return p.Close()
	}
	if ref.Last && (opts.Limit == 0 || opts.Limit > api.MaxPageSize) {
		run, err := client.GetRun(ctx, ref)
		if err != nil {
			return err
		}
		ref = api.RunRef{Slug: run.Slug}
	}
	ro.Progress = runresults.NewProgress(opts.IO, opts.Now, printer)
	_, err = runresults.Print(ctx, client, ref, printer.PageRows(ctx), ro)
	return err
}

func (opts *Options) checkWindow() error {
	switch {
	case opts.Limit < 0:
		return cmdutil.UsageErrorf("--limit must be a positive number, not %d", opts.Limit)
	case opts.Page < 0:
		return cmdutil.UsageErrorf("--page must be 1 or more, not %d", opts.Page)
	case opts.Page > 0 && opts.Limit == 0:
		return cmdutil.UsageErrorf("--page needs --limit (the size of the page)")
	case opts.Page > 0 && opts.Limit > api.MaxPageSize:
		return cmdutil.UsageErrorf("--limit with --page must be between 1 and %d, not %d", api.MaxPageSize, opts.Limit)
	}
	return nil
}
