package batch

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/batch"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/runwait"
	"github.com/coreclaw/coreclaw/internal/text"
)

// WaitOptions are everything `batch wait` needs.
type WaitOptions struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)
	Now       func() time.Time
	Sleep     func(context.Context, time.Duration) error

	Manifest string
	Timeout  time.Duration
	Interval time.Duration
}

// NewCmdWait builds `batch wait`; runF replaces the action in tests.
func NewCmdWait(f *cmdutil.Factory, runF func(context.Context, *WaitOptions) error) *cobra.Command {
	opts := &WaitOptions{IO: f.IOStreams, APIClient: f.APIClient, Now: f.Now, Sleep: f.Sleep}
	cmd := &cobra.Command{
		Use:   "wait MANIFEST [flags]",
		Short: "Wait for every run of a batch to end",
		Long: `Wait for the runs a batch manifest records until every one has ended,
checking them with one shared schedule (a bounded number of reads a
round, not one wait loop per run) and recording each status change in the
manifest. Progress goes to stderr: a live line on a terminal, one line per
status change elsewhere.

Exit 0 when every run succeeded, 3 when any failed, 6 when any was
aborted, 5 when --timeout passes and 130 on Ctrl-C (the runs go on either
way). Lines whose start is uncertain are left to ` + "`batch run`" + `, which
settles them.`,
		Example: `  coreclaw batch wait cities.jsonl.runs.jsonl --timeout 2h`,
		Args:    cmdutil.ExactArgs(1, "the batch's manifest"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Manifest = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runWait(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.DurationVar(&opts.Timeout, "timeout", 0, "give up waiting after this long (exit 5; the runs go on); 0 waits as long as it takes")
	fl.DurationVar(&opts.Interval, "interval", runwait.DefaultInterval, "longest pause between two checks of a run")
	_ = cmd.MarkFlagFilename("manifest", "jsonl")
	cmdutil.SeeTopics(cmd, "exit-codes")
	return cmd
}

func runWait(ctx context.Context, opts *WaitOptions) error {
	if opts.Interval <= 0 {
		return cmdutil.UsageErrorf("--interval must be positive, not %s", opts.Interval)
	}
	if opts.Timeout < 0 {
		return cmdutil.UsageErrorf("--timeout must not be negative, not %s", opts.Timeout)
	}
	m, err := openManifest(opts.IO, opts.Manifest)
	if err != nil {
		return err
	}
	defer m.Close()
	client, err := keyedClient(opts.APIClient)
	if err != nil {
		return err
	}
	r := &batch.Runner{Client: client, Manifest: m, Now: opts.Now, Sleep: opts.Sleep, View: newView(opts.IO),
		Interval: opts.Interval, Wait: true, Timeout: opts.Timeout, Concurrency: 1}
	for _, e := range m.Entries() {
		switch {
		case e.Uncertain():
			fmt.Fprintf(opts.IO.ErrOut, "warning: line %d: its start is uncertain; `coreclaw batch run` again settles it\n", e.Line)
		case e.Slug != "" && !e.Ended():
			r.Follow(e)
		}
	}
	resume := fmt.Sprintf("`coreclaw batch wait %s` waits again", m.Path())
	res, err := r.Run(ctx, nil)
	if err != nil {
		return stopError(err, res, opts.Timeout, m.Path(), resume)
	}
	t := count(m.Entries())
	fmt.Fprintf(opts.IO.ErrOut, "batch: %s · %s · manifest %s\n", text.Plural(int64(t.lines), "line"), t, m.Path())
	return waitOutcome(t, m.Path())
}
