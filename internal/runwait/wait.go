// Package runwait waits for a run to end and reports how it ended: the
// poll loop, the spinner, the summary line, the results on stdout and the
// exit status. `run --wait`, `run --sync`, `wait` and `rerun --wait` all
// go through it.
package runwait

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/ghactions"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/output"
	"github.com/coreclaw/coreclaw/internal/runresults"
	"github.com/coreclaw/coreclaw/internal/runview"
	"github.com/coreclaw/coreclaw/internal/text"
)

// DefaultInterval is the longest pause between two checks.
const DefaultInterval = 10 * time.Second

// abortingChecks is how many more times a run that shows aborting is read
// before the wait ends: cancellation may settle into aborted, but the API
// does not promise it (REFERENCE §6).
const abortingChecks = 2

// Interrupt policies.
const (
	OnInterruptDetach = "detach"
	OnInterruptAbort  = "abort"
)

// Options configure a wait.
type Options struct {
	IO       *iostreams.IOStreams
	Client   *api.Client
	Now      func() time.Time
	Sleep    func(context.Context, time.Duration) error
	Interval time.Duration // longest pause between checks
	Timeout  time.Duration // 0: wait as long as it takes
	// OnInterrupt is detach (leave the run going) or abort.
	OnInterrupt string
	// GitHub is the GitHub Actions step coreclaw runs in, which is told
	// how the wait ended; nil elsewhere.
	GitHub *ghactions.Env
}

// Report says what to print once the run has ended.
type Report struct {
	Printer   *output.Printer
	Limit     int  // cap on rows (0: all)
	Page      int  // > 0: print only this page of Limit rows
	NoResults bool // print the run's detail instead of its rows
	// Concurrency is how many result pages are fetched at once (0: the
	// default).
	Concurrency int
	// Prefetched is a result page that came with a synchronous start; it
	// is printed instead of fetching when it is the page asked for.
	Prefetched *api.ResultPage
	// Reason is why the run failed as a synchronous reply said it
	// (error_message); used when the run's detail has no err_msg.
	Reason string
}

// Wait polls the run until it ends (or shows aborting for a while), the
// timeout passes, or ctx is cancelled. When it stops before the run ends,
// a GitHub Actions step is told so (Finish tells it the rest).
func Wait(ctx context.Context, o Options, slug string) (*api.Run, error) {
	run, err := wait(ctx, o, slug)
	if err != nil {
		reportGitHub(o, slug, run, err)
	}
	return run, err
}

func wait(ctx context.Context, o Options, slug string) (*api.Run, error) {
	ref := api.RunRef{Slug: slug}
	prog := newProgress(o.IO, o.Now, slug)
	defer prog.end()

	var (
		last         *api.Run
		aborting     int
		warnedStatus = map[api.Status]bool{}
	)
	poll := Poll{
		Now: o.Now, Sleep: o.Sleep, Interval: o.Interval, Timeout: o.Timeout,
		What: "waiting for run " + slug,
		Failing: func(err error) {
			prog.println(fmt.Sprintf("notice: checking run %s failed (%v); still waiting", slug, oneLineErr(err)))
		},
	}
	err := poll.Run(ctx, func(ctx context.Context) (bool, error) {
		run, err := o.Client.GetRun(ctx, ref)
		if err != nil {
			return false, err
		}
		last = run
		prog.update(string(run.Status), int64(run.Results))
		if run.Status == api.StatusAborting {
			// Cancellation may settle into aborted, but the API does not
			// promise it (REFERENCE §6): a few more reads, then stop.
			aborting++
			return aborting > abortingChecks, nil
		}
		if run.Status.Terminal() {
			return true, nil
		}
		if !run.Status.Known() && !warnedStatus[run.Status] {
			warnedStatus[run.Status] = true
			prog.println(fmt.Sprintf("warning: run %s shows the unknown status %q; still waiting", slug, iostreams.SanitizeLine(string(run.Status))))
		}
		return false, nil
	})
	prog.end()
	switch {
	case err == nil:
		return last, nil
	case errors.Is(err, ErrTimedOut):
		return last, timedOut(o, slug, last)
	case ctx.Err() != nil:
		return last, interrupted(ctx, o, slug)
	}
	return last, err
}

func oneLineErr(err error) string {
	msg, _ := cmdutil.Describe(err)
	return msg
}

func resumeHint(slug string) string {
	return fmt.Sprintf("resume with `coreclaw wait %s`, or stop it with `coreclaw abort %s`", slug, slug)
}

func timedOut(o Options, slug string, last *api.Run) error {
	status := "unknown"
	if last != nil {
		status = string(last.Status)
	}
	return &cmdutil.ExitError{
		Code: cmdutil.ExitTimeout,
		Err:  fmt.Errorf("timed out after %s waiting for run %s (status %s); the run goes on", o.Timeout, slug, status),
		Hint: resumeHint(slug),
	}
}

// errInterruptedAgain ends the abort when a second interrupt arrives.
var errInterruptedAgain = errors.New("interrupted again")

// abortTimeout bounds the abort sent on the way out.
const abortTimeout = 10 * time.Second

// interrupted handles Ctrl-C or SIGTERM: leave the run going, or abort it
// first when asked to, and say how to carry on. A second interrupt during
// the abort ends it at once.
func interrupted(ctx context.Context, o Options, slug string) error {
	if o.OnInterrupt == OnInterruptAbort {
		abortCtx, cancel := context.WithCancelCause(context.WithoutCancel(ctx))
		defer cancel(nil)
		abortCtx, cancelTimeout := context.WithTimeout(abortCtx, abortTimeout)
		defer cancelTimeout()
		go func() {
			select {
			case <-cmdutil.SecondInterrupt(ctx):
				cancel(errInterruptedAgain)
			case <-abortCtx.Done():
			}
		}()
		err := o.Client.AbortRun(abortCtx, api.RunRef{Slug: slug})
		if err != nil && errors.Is(context.Cause(abortCtx), errInterruptedAgain) {
			return cmdutil.Interrupted(fmt.Sprintf("check it with `coreclaw status %s`, and stop it with `coreclaw abort %s` if it is still going", slug, slug),
				"interrupted again while aborting run %s; whether it was aborted is unknown", slug)
		}
		if err != nil {
			msg, _ := cmdutil.Describe(err)
			return cmdutil.Interrupted(fmt.Sprintf("the run may still be going: stop it with `coreclaw abort %s`", slug),
				"interrupted; aborting run %s failed: %s", slug, msg)
		}
		return cmdutil.Interrupted(fmt.Sprintf("check it with `coreclaw status %s`", slug),
			"interrupted; asked CoreClaw to abort run %s", slug)
	}
	return cmdutil.Interrupted(resumeHint(slug), "interrupted; run %s goes on", slug)
}

// Finish prints the summary line on stderr and the results (or the run's
// detail) on stdout, tells a GitHub Actions step how the run ended, and
// returns the error whose exit code says how the run ended: nil when it
// succeeded.
func Finish(ctx context.Context, o Options, run *api.Run, r Report) error {
	ios := o.IO
	cs := ios.Stderr()
	if run.Status == api.StatusFailed && reasonText(run.ErrMsg) == "" {
		cp := *run
		cp.ErrMsg = reasonText(r.Reason)
		if cp.ErrMsg == "" {
			cp.ErrMsg = failureReason(ctx, o, run)
		}
		run = &cp
	}
	fmt.Fprintln(ios.ErrOut, Summary(cs, run))
	// After the rows, whatever printing them did: the run's outcome holds.
	defer reportGitHub(o, run.Slug, run, nil)

	if r.NoResults {
		if err := runview.PrintRecord(ctx, r.Printer, run); err != nil {
			return err
		}
	} else if run.Status == api.StatusSucceeded {
		if err := printResults(ctx, o, run, r); err != nil {
			if ctx.Err() != nil {
				return cmdutil.Interrupted(fmt.Sprintf("print them again with `coreclaw results %s`", run.Slug),
					"interrupted while printing the results of run %s", run.Slug)
			}
			return fmt.Errorf("reading the results of run %s: %w", run.Slug, err)
		}
	}
	return Outcome(run)
}

// Outcome maps a final status to the command's error (and so its exit code).
func Outcome(run *api.Run) error {
	switch {
	case run.Status == api.StatusSucceeded:
		return nil
	case run.Status == api.StatusFailed:
		msg := fmt.Sprintf("run %s failed", run.Slug)
		if reason := reasonText(run.ErrMsg); reason != "" {
			msg += ": " + reason
		}
		return &cmdutil.ExitError{Code: cmdutil.ExitRunFailed, Err: errors.New(msg),
			Hint: fmt.Sprintf("see why with `coreclaw logs %s`", run.Slug)}
	case run.Status.Aborted():
		return &cmdutil.ExitError{Code: cmdutil.ExitAborted,
			Err: fmt.Errorf("run %s was aborted (status %s)", run.Slug, run.Status)}
	}
	return &cmdutil.ExitError{Code: cmdutil.ExitFailure,
		Err: fmt.Errorf("run %s ended with the unexpected status %q", run.Slug, iostreams.SanitizeLine(string(run.Status)))}
}

func printResults(ctx context.Context, o Options, run *api.Run, r Report) error {
	ios := o.IO
	opts := runresults.Options{
		Limit:       r.Limit,
		Warn:        func(msg string) { fmt.Fprintf(ios.ErrOut, "warning: %s\n", msg) },
		Concurrency: r.Concurrency,
	}
	ref := api.RunRef{Slug: run.Slug}
	if r.Page > 0 {
		page := r.Prefetched
		if page == nil || !isPage(page, r.Page) {
			var err error
			if page, err = o.Client.ResultsPage(ctx, ref, r.Page, r.Limit); err != nil {
				return err
			}
		}
		return printPage(r.Printer.PageRows(ctx), opts, page)
	}
	if p := r.Prefetched; p != nil && isPage(p, 1) &&
		(int64(len(p.List)) >= int64(p.Count) || (r.Limit > 0 && len(p.List) >= r.Limit)) {
		return printPage(r.Printer.PageRows(ctx), opts, p)
	}
	opts.Progress = runresults.NewProgress(ios, o.Now, r.Printer)
	_, err := runresults.Print(ctx, o.Client, ref, r.Printer.PageRows(ctx), opts)
	return err
}

func isPage(p *api.ResultPage, n int) bool {
	return p.PageIndex == nil && n == 1 || p.PageIndex != nil && int(*p.PageIndex) == n
}

func printPage(w output.RowWriter, opts runresults.Options, p *api.ResultPage) error {
	if opts.Limit > 0 && len(p.List) > opts.Limit {
		p.List = p.List[:opts.Limit]
	}
	pr := runresults.NewPrinter(w, opts)
	if err := pr.Page(p); err != nil {
		return err
	}
	return pr.Close()
}

// Summary is the one-line report of a finished run: status, results,
// duration, usage, and for a failed run the reason, when known.
func Summary(cs *iostreams.ColorScheme, run *api.Run) string {
	plain := iostreams.SanitizeLine(string(run.Status))
	icon, status := cs.WarningIcon(), cs.Yellow(plain)
	switch {
	case run.Status == api.StatusSucceeded:
		icon, status = cs.SuccessIcon(), cs.Green(plain)
	case run.Status == api.StatusFailed:
		icon, status = cs.FailureIcon(), cs.Red(plain)
	}
	s := fmt.Sprintf("%s run %s %s · %s", icon, iostreams.SanitizeLine(run.Slug), status, text.Plural(int64(run.Results), "result"))
	if d := run.Elapsed(); d > 0 {
		s += " · " + d.String()
	}
	if run.Usage != "" {
		s += " · usage $" + iostreams.SanitizeLine(string(run.Usage))
	}
	if reason := reasonText(run.ErrMsg); run.Status == api.StatusFailed && reason != "" {
		s += " · " + reason
	}
	return s
}
