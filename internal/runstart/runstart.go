// Package runstart is what the commands that start a run share (run,
// rerun, task run): the --wait, --sync and --page flags and their checks,
// what happens once the run has started (print its slug, or wait for it
// and report), and how a failed start is explained. The wait itself is
// internal/runwait's.
package runstart

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/dryrun"
	"github.com/coreclaw/coreclaw/internal/ghactions"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/output"
	"github.com/coreclaw/coreclaw/internal/runwait"
)

// Flags are --wait, --sync, --page and the wait flags.
type Flags struct {
	Wait      bool
	Sync      bool
	Page      int
	WaitFlags runwait.Flags
	// DryRun prints the request that would start the run and sends
	// nothing; -o and --jq then shape that print-out.
	DryRun bool
	// WaitForSlot: while the plan's concurrent-run limit refuses the
	// start (code 30003), wait up to this long for a slot, trying again.
	WaitForSlot time.Duration

	// given lists the wait-only flags the user set (for usage errors).
	given []string
	// printer is -o and --jq resolved, once, by Check: for the results
	// of a wait, or the print-out of a dry run.
	printer *output.Printer
}

// AddFlags adds --wait, --sync, --page and the flags of `coreclaw wait`.
func AddFlags(cmd *cobra.Command, f *Flags) {
	fl := cmd.Flags()
	fl.BoolVar(&f.Wait, "wait", false, "wait for the run to end and print its results")
	fl.BoolVar(&f.Sync, "sync", false, "run synchronously: the server holds the request up to 5 minutes")
	fl.IntVar(&f.Page, "page", 0, "with --sync: the page `P` of results the server sends back (from 1)")
	runwait.AddFlags(cmd, &f.WaitFlags, "with --wait: print at most `N` rows; with --sync: the size of the result window (1-100)")
	dryrun.AddFlag(cmd, &f.DryRun)
	fl.DurationVar(&f.WaitForSlot, "wait-for-slot", 0, "when the plan's concurrent-run limit is reached (code 30003), wait up to this long for a slot and try again")
	cmdutil.OrderFlags(cmd, FlagOrder("callback-url")...)
	cmdutil.SeeTopics(cmd, "exit-codes")
}

// FlagOrder is the order of the flags of a command that starts a run, for
// its help: the most used first, the command's own (mid) after the start
// and output flags, the rarely needed last.
func FlagOrder(mid ...string) []string {
	order := []string{"wait", "output", "timeout", "sync", "dry-run", "jq", "limit"}
	order = append(order, mid...)
	return append(order, "interval", "on-interrupt", "wait-for-slot", "no-results", "page", "worker")
}

// Record notes which wait-only flags were given; call it from RunE.
func (f *Flags) Record(cmd *cobra.Command) {
	f.given = cmdutil.GivenFlags(cmd).Which("interval", "timeout", "output", "jq", "limit", "no-results", "on-interrupt", "page")
}

// Check rejects flag combinations that cannot mean anything and returns
// the printer for the results (or the dry run's print-out): -o and --jq
// are resolved here, once.
func (f *Flags) Check(ios *iostreams.IOStreams) (*output.Printer, error) {
	if f.Page != 0 && !f.Sync {
		return nil, cmdutil.UsageErrorf("--page only applies with --sync")
	}
	given := f.given
	if f.DryRun {
		// A dry run prints its request in the -o format.
		given = slices.DeleteFunc(slices.Clone(given), func(g string) bool { return g == "--output" || g == "--jq" })
		p, err := f.WaitFlags.Output.Printer(ios)
		if err != nil {
			return nil, cmdutil.UsageError(err)
		}
		if err := dryrun.CheckFormat(p.Format); err != nil {
			return nil, cmdutil.UsageError(err)
		}
		f.printer = p
	}
	if !f.Wait && !f.Sync && len(given) > 0 {
		return nil, cmdutil.UsageErrorf("%s only applies with --wait or --sync", given[0])
	}
	if f.Page < 0 {
		return nil, cmdutil.UsageErrorf("--page must be 1 or more, not %d", f.Page)
	}
	if f.WaitForSlot < 0 {
		return nil, cmdutil.UsageErrorf("--wait-for-slot must not be negative, not %s", f.WaitForSlot)
	}
	if f.Sync && f.WaitFlags.Limit != 0 && (f.WaitFlags.Limit < 1 || f.WaitFlags.Limit > api.MaxPageSize) {
		return nil, cmdutil.UsageErrorf("--limit with --sync must be between 1 and %d, not %d", api.MaxPageSize, f.WaitFlags.Limit)
	}
	if f.Page > 0 && f.WaitFlags.Limit == 0 {
		return nil, cmdutil.UsageErrorf("--page needs --limit (the size of the page)")
	}
	if err := f.WaitFlags.CheckValues(); err != nil {
		return nil, err
	}
	if f.printer == nil {
		p, err := f.WaitFlags.Output.Printer(ios)
		if err != nil {
			return nil, cmdutil.UsageError(err)
		}
		f.printer = p
	}
	return f.printer, nil
}

// window is how the start asks for the run: asynchronously unless --sync,
// and for a synchronous run the result window of --limit and --page.
func (f *Flags) window() Window {
	if !f.Sync {
		return Window{Async: true}
	}
	return Window{Limit: f.WaitFlags.Limit, Offset: f.Page}
}

// PrintDryRun prints the request that would be sent, with the printer
// Check resolved.
func (f *Flags) PrintDryRun(ctx context.Context, ios *iostreams.IOStreams, req *api.PreparedRequest) error {
	return dryrun.Print(ctx, ios, f.WaitFlags.Output, f.printer, req)
}

// Slot waits: the first pause, and the longest.
const (
	firstSlotDelay = 5 * time.Second
	maxSlotDelay   = 30 * time.Second
)

// Start sends a run-creating request and explains a failure (see Error;
// check says how to find out whether a run started after all). The
// request is sent again only while the plan's concurrent-run limit refuses
// it — code 30003 proves no run was created — and --wait-for-slot allows.
func Start(ctx context.Context, o Options, f *Flags, check string, send func(context.Context) (*api.StartedRun, error)) (*api.StartedRun, error) {
	deadline := o.Now().Add(f.WaitForSlot)
	delay := firstSlotDelay
	for {
		started, err := send(ctx)
		if err == nil {
			return started, nil
		}
		var apiErr *api.Error
		if f.WaitForSlot <= 0 || !errors.As(err, &apiErr) || apiErr.Code != api.CodeConcurrencyLimited {
			return nil, Error(ctx, err, check)
		}
		left := deadline.Sub(o.Now())
		if left <= 0 {
			return nil, cmdutil.WithHint(err, fmt.Sprintf("no run slot came free within --wait-for-slot %s; no run was started", f.WaitForSlot))
		}
		pause := min(delay, left)
		fmt.Fprintf(o.IO.ErrOut, "notice: the plan's concurrent-run limit is reached; trying again in %s (waiting up to %s more for a slot)\n",
			pause, left.Round(time.Second))
		if err := o.Sleep(ctx, pause); err != nil {
			return nil, cmdutil.Interrupted("", "interrupted while waiting for a run slot; no run was started")
		}
		delay = min(2*delay, maxSlotDelay)
	}
}

// Options are the dependencies of Start and Finish.
type Options struct {
	IO     *iostreams.IOStreams
	Client *api.Client
	Now    func() time.Time
	Sleep  func(context.Context, time.Duration) error
	// Reattached: the run was not started now but found running (--slug-file),
	// so Finish does not announce it as started.
	Reattached bool
	// GitHub is the GitHub Actions step coreclaw runs in (nil elsewhere):
	// a wait's outcome goes to its outputs and summary.
	GitHub *ghactions.Env
}

// Finish does what the flags ask once the run has started: print its slug
// on stdout (the default), or name it on stderr, wait for it and report as
// `coreclaw wait` does. A synchronous reply's results are printed without
// fetching them again when they are the window asked for.
func Finish(ctx context.Context, o Options, f *Flags, printer *output.Printer, started *api.StartedRun) error {
	if !f.Wait && !f.Sync {
		if err := printSlug(o.IO.Out, o.IO.ErrOut, started.RunSlug); err != nil {
			return &cmdutil.ExitError{Code: cmdutil.ExitFailure,
				Err:  fmt.Errorf("cannot write the run's slug to stdout: %w", err),
				Hint: fmt.Sprintf("the run %s was started; `coreclaw wait %s` waits for it", started.RunSlug, started.RunSlug)}
		}
		warnUnread(o, started)
		return nil
	}
	if !o.Reattached {
		fmt.Fprintf(o.IO.ErrOut, "started run %s\n", started.RunSlug)
	}
	warnUnread(o, started)

	wo := runwait.Options{
		IO: o.IO, Client: o.Client, Now: o.Now, Sleep: o.Sleep,
		Interval: f.WaitFlags.Interval, Timeout: f.WaitFlags.Timeout, OnInterrupt: f.WaitFlags.OnInterrupt,
		GitHub: o.GitHub,
	}
	report := runwait.Report{Printer: printer, Limit: f.WaitFlags.Limit, NoResults: f.WaitFlags.NoResults,
		Concurrency: f.WaitFlags.Concurrency}
	if f.Sync {
		report.Page = f.Page
		if started.Finished() {
			report.Prefetched = started.Results
		}
		report.Reason = started.ErrorMessage
	}
	run, err := runwait.Wait(ctx, wo, started.RunSlug)
	if err != nil {
		return err
	}
	return runwait.Finish(ctx, wo, run, report)
}

// Error explains a failed start. A start that may have reached the server
// is never repeated, so it says how to find out whether it did: check is
// a command and what it shows, e.g. "`coreclaw status last` shows the
// account's newest run". Only a reply that proves no run was created (a
// refused connection, an API error envelope with a 4xx or a 2xx) goes
// without it.
func Error(ctx context.Context, err error, check string) error {
	if ctx.Err() != nil {
		return cmdutil.Interrupted(check, "interrupted while starting the run; it may or may not have started")
	}
	var netErr *api.NetworkError
	if errors.As(err, &netErr) && !netErr.NotSent {
		msg, _ := cmdutil.Describe(err)
		return &cmdutil.ExitError{Code: cmdutil.ExitFailure,
			Err:  fmt.Errorf("%s; the run may have started", msg),
			Hint: check + " before you try again"}
	}
	if api.ReplyLeavesRunUnknown(err) {
		return cmdutil.WithHint(err, "the run may have started: "+check+" before you try again")
	}
	return err
}

// warnUnread reports, after the slug, what the start reply held that could
// not be read: the run is started all the same.
func warnUnread(o Options, started *api.StartedRun) {
	if len(started.Unread) > 0 {
		fmt.Fprintf(o.IO.ErrOut, "warning: ignored what could not be read in the reply to the start: %s\n",
			iostreams.Sanitize(strings.Join(started.Unread, ", ")))
	}
}
