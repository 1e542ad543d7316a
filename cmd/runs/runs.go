// Package runs is `coreclaw runs`: the account's run history, newest
// first, walked month by month as the API requires (REFERENCE §8.6).
package runs

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/jsonobj"
	"github.com/coreclaw/coreclaw/internal/output"
	"github.com/coreclaw/coreclaw/internal/runview"
)

// Options are everything `runs` needs.
type Options struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)
	Now       func() time.Time

	Worker string
	Status string
	Since  string
	Until  string
	Limit  int
	Output output.Flags
}

// NewCmdRuns builds the command; runF replaces the action in tests.
func NewCmdRuns(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, APIClient: f.APIClient, Now: f.Now}
	cmd := &cobra.Command{
		Use:   "runs [flags]",
		Short: "List past runs, newest first",
		Long: `List the account's runs, newest first.

Without --since and --until, the runs of the current calendar month. A DATE
is a day, YYYY-MM-DD, as CoreClaw counts days: in Beijing time (UTC+8), so
--since 2026-10-01 starts at 2026-09-30T16:00:00Z. --since alone lists up
to today; --until alone lists its month up to that day. The API lists one
calendar month per request, so a longer range is fetched month by month,
100 runs a request; --limit N stops after N runs.

On a terminal the runs are a table (slug, worker title, status, results, started,
duration, usage); elsewhere JSON: the run records as the API sent them,
with the status always a string.`,
		Example: `  coreclaw runs
  coreclaw runs --worker coreclaw/google-maps-scraper --status failed --since 2026-09-01
  coreclaw runs --since 2026-01-01 --until 2026-03-31 -o jsonl > q1.jsonl
  coreclaw runs --limit 1 --jq '.[0].slug'`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Worker, "worker", "", "only runs of this `WORKER` (owner/name, owner~name or a slug)")
	var statuses []string
	for _, s := range api.ListStatuses() {
		statuses = append(statuses, string(s))
	}
	cmdutil.AddEnumFlag(cmd, &opts.Status, cmdutil.Enum{Name: "status", Values: statuses,
		Usage: "only runs in this status", Placeholder: "status"})
	fl.StringVar(&opts.Since, "since", "", "runs created on or after this `DATE` (YYYY-MM-DD, Beijing time)")
	fl.StringVar(&opts.Until, "until", "", "runs created on or before this `DATE` (YYYY-MM-DD, Beijing time; default today)")
	fl.IntVar(&opts.Limit, "limit", 0, "print at most `N` runs (default: all in the range)")
	output.AddFlags(cmd, &opts.Output)
	cmdutil.OrderFlags(cmd, "worker", "status", "since", "until", "limit", "output", "jq")
	return cmd
}

// Run lists the runs.
func Run(ctx context.Context, opts *Options) error {
	var filter api.RunFilter
	if opts.Worker != "" {
		w, err := api.ParseWorkerID(opts.Worker)
		if err != nil {
			return cmdutil.UsageError(err)
		}
		filter.Worker = w
	}
	filter.Status = api.Status(opts.Status) // one of ListStatuses, or "" (AddEnumFlag)
	since, until, err := dateRange(opts.Since, opts.Until, api.DayOf(opts.Now()))
	if err != nil {
		return err
	}
	if err := cmdutil.CheckLimit(opts.Limit); err != nil {
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

	n, err := printer.Items(ctx, func(fn func(json.RawMessage) error) (int, error) {
		n := 0
		for _, w := range api.MonthWindows(since, until) {
			max := 0
			if opts.Limit > 0 {
				if n >= opts.Limit {
					break
				}
				max = opts.Limit - n
			}
			filter.Window = w
			got, err := client.EachRun(ctx, filter, max, fn)
			n += got
			if err != nil {
				return n, err
			}
		}
		return n, nil
	}, runRow)
	if err != nil {
		return err
	}
	if n == 0 && printer.Format == output.Table {
		fmt.Fprintf(opts.IO.ErrOut, "no runs from %s to %s\n", since, until)
	}
	return nil
}

// dateRange resolves --since and --until into days (Beijing time): by
// default the current month up to today; --since alone runs up to today;
// --until alone starts on the first day of its month.
func dateRange(sinceFlag, untilFlag string, today api.Day) (since, until api.Day, err error) {
	until = today
	if untilFlag != "" {
		if until, err = api.ParseDay(untilFlag); err != nil {
			return since, until, cmdutil.UsageErrorf("invalid --until: %v (a day in Beijing time, UTC+8)", err)
		}
	}
	since = until.FirstOfMonth()
	if sinceFlag != "" {
		if since, err = api.ParseDay(sinceFlag); err != nil {
			return since, until, cmdutil.UsageErrorf("invalid --since: %v (a day in Beijing time, UTC+8)", err)
		}
	}
	if until.Before(since) {
		if untilFlag == "" {
			return since, until, cmdutil.UsageErrorf("--since %s is after today (%s in Beijing time)", since, until)
		}
		return since, until, cmdutil.UsageErrorf("--since %s is after --until %s", since, until)
	}
	return since, until, nil
}

// runRow turns a run record into an output row: the record as sent with
// its status normalised (the API may send v1 integers), or, for the table,
// the columns a human reads.
func runRow(raw json.RawMessage, table bool) (*jsonobj.Object, error) {
	var run api.Run
	if err := json.Unmarshal(raw, &run); err != nil {
		return nil, &api.ReplyError{Op: "GET /api/v2/worker-runs", Err: err}
	}
	if table {
		return runview.TableRow(&run), nil
	}
	row, err := jsonobj.Parse(raw)
	if err != nil {
		return nil, &api.ReplyError{Op: "GET /api/v2/worker-runs", Err: err}
	}
	if row.Has("status") {
		row.Set("status", jsonobj.String(string(run.Status)))
	}
	return row, nil
}
