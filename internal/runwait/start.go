package runwait

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/output"
)

// StartFlags are the flags of every command that starts a run (`run`,
// `task run`): --callback-url, --wait, --sync, --page and the wait flags.
type StartFlags struct {
	CallbackURL string
	Wait        bool
	Sync        bool
	Page        int
	WaitFlags   Flags

	// given lists the wait-only flags the user set (for usage errors).
	given []string
}

// AddStartFlags adds the start flags to a command.
func AddStartFlags(cmd *cobra.Command, s *StartFlags) {
	fl := cmd.Flags()
	fl.StringVar(&s.CallbackURL, "callback-url", "", "have CoreClaw POST status changes to this `URL`")
	fl.BoolVar(&s.Wait, "wait", false, "wait for the run to end and print its results")
	fl.BoolVar(&s.Sync, "sync", false, "run synchronously: the server holds the request up to 5 minutes")
	fl.IntVar(&s.Page, "page", 0, "with --sync: the page of results the server sends back (from 1)")
	AddFlags(cmd, &s.WaitFlags, "with --wait: print at most N rows; with --sync: the size of the result window (1-100)")
}

// Record notes which wait-only flags were given; call it from RunE.
func (s *StartFlags) Record(cmd *cobra.Command) {
	s.given = cmdutil.Changed(cmd, "interval", "timeout", "output", "jq", "limit", "no-results", "on-interrupt", "page")
}

// Check rejects flag combinations that cannot mean anything and returns
// the printer for the results. allowed are wait-only flags that the
// command uses otherwise too (--output and --jq for a --dry-run).
func (s *StartFlags) Check(ios *iostreams.IOStreams, allowed ...string) (*output.Printer, error) {
	if s.Page != 0 && !s.Sync {
		return nil, cmdutil.UsageErrorf("--page only applies with --sync")
	}
	given := slices.DeleteFunc(slices.Clone(s.given), func(f string) bool { return slices.Contains(allowed, f) })
	if !s.Wait && !s.Sync && len(given) > 0 {
		return nil, cmdutil.UsageErrorf("%s only applies with --wait or --sync", given[0])
	}
	if s.Page < 0 {
		return nil, cmdutil.UsageErrorf("--page must be 1 or more, not %d", s.Page)
	}
	if s.Sync && s.WaitFlags.Limit != 0 && (s.WaitFlags.Limit < 1 || s.WaitFlags.Limit > api.MaxPageSize) {
		return nil, cmdutil.UsageErrorf("--limit with --sync must be between 1 and %d, not %d", api.MaxPageSize, s.WaitFlags.Limit)
	}
	if s.Page > 0 && s.WaitFlags.Limit == 0 {
		return nil, cmdutil.UsageErrorf("--page needs --limit (the size of the page)")
	}
	return s.WaitFlags.Check(ios)
}

// SyncWindow is the result window a synchronous start asks for (limit,
// offset); zero values are not sent.
func (s *StartFlags) SyncWindow() (limit, offset int) {
	if !s.Sync {
		return 0, 0
	}
	return s.WaitFlags.Limit, s.Page
}

// AfterStart reports a run a command has just started: for an asynchronous
// start, the slug alone on stdout; with --wait or --sync, the slug on
// stderr at once, then exactly what `coreclaw wait` prints. Its error
// carries the exit status.
func (s *StartFlags) AfterStart(ctx context.Context, o Options, printer *output.Printer, started *api.StartedRun) error {
	if !s.Wait && !s.Sync {
		_, err := fmt.Fprintln(o.IO.Out, started.RunSlug)
		return err
	}
	fmt.Fprintf(o.IO.ErrOut, "started run %s\n", started.RunSlug)
	o.Interval, o.Timeout, o.OnInterrupt = s.WaitFlags.Interval, s.WaitFlags.Timeout, s.WaitFlags.OnInterrupt
	report := Report{Printer: printer, Limit: s.WaitFlags.Limit, NoResults: s.WaitFlags.NoResults}
	if s.Sync {
		report.Page = s.Page
		if started.Finished() {
			report.Prefetched = started.Results
		}
	}
	run, err := Wait(ctx, o, started.RunSlug)
	if err != nil {
		return err
	}
	return Finish(ctx, o, run, report)
}

// StartError explains a failed start. A start that may have reached the
// server is never repeated, so it says how to find out whether it did;
// newest is that advice, e.g. "`coreclaw status last` shows the account's
// newest run".
func StartError(ctx context.Context, err error, newest string) error {
	if ctx.Err() != nil {
		return &cmdutil.ExitError{Code: cmdutil.ExitInterrupted,
			Err:  errors.New("interrupted while starting the run; it may or may not have started"),
			Hint: newest}
	}
	var netErr *api.NetworkError
	if errors.As(err, &netErr) && !netErr.NotSent {
		msg, _ := cmdutil.Describe(err)
		return &cmdutil.ExitError{Code: cmdutil.ExitFailure,
			Err:  fmt.Errorf("%s; the run may have started", msg),
			Hint: newest + " before you try again"}
	}
	var apiErr *api.Error
	if errors.As(err, &apiErr) && (apiErr.IsServerFault() || apiErr.NotJSON) {
		return cmdutil.WithHint(err, "the run may have started: "+newest+" before you try again")
	}
	return err
}
