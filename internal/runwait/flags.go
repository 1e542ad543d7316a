package runwait

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/output"
)

// Flags are the flags of every command that waits for a run.
type Flags struct {
	Interval    time.Duration
	Timeout     time.Duration
	Output      output.Flags
	Limit       int
	NoResults   bool
	OnInterrupt string
}

// AddFlags adds the flags of `coreclaw wait` (shared by run --wait).
func AddFlags(cmd *cobra.Command, w *Flags, limitHelp string) {
	fl := cmd.Flags()
	fl.DurationVar(&w.Interval, "interval", DefaultInterval, "longest pause between two status checks")
	fl.DurationVar(&w.Timeout, "timeout", 0, "give up waiting after this long, a check in flight included (exit 5; the run goes on); 0 waits as long as it takes")
	output.AddFlags(cmd, &w.Output)
	fl.IntVar(&w.Limit, "limit", 0, limitHelp)
	cmdutil.OrderFlags(cmd, "output", "timeout", "jq", "limit", "no-results", "interval", "on-interrupt", "worker")
	fl.BoolVar(&w.NoResults, "no-results", false, "print the run's detail as JSON instead of its results")
	cmdutil.AddEnumFlag(cmd, &w.OnInterrupt, cmdutil.Enum{Name: "on-interrupt", Values: []string{OnInterruptDetach, OnInterruptAbort},
		Default: OnInterruptDetach, Usage: "on Ctrl-C or SIGTERM: leave the run going, or abort it (a second Ctrl-C cuts the abort short)"})
}

// Check validates the wait flags and returns the printer for the results.
func (w *Flags) Check(ios *iostreams.IOStreams) (*output.Printer, error) {
	if err := w.CheckValues(); err != nil {
		return nil, err
	}
	p, err := w.Output.Printer(ios)
	if err != nil {
		return nil, cmdutil.UsageError(err)
	}
	return p, nil
}

// CheckValues validates the wait flags but -o and --jq.
func (w *Flags) CheckValues() error {
	if w.Interval <= 0 {
		return cmdutil.UsageErrorf("--interval must be positive, not %s", w.Interval)
	}
	if w.Timeout < 0 {
		return cmdutil.UsageErrorf("--timeout must not be negative, not %s", w.Timeout)
	}
	return cmdutil.CheckLimit(w.Limit)
}
