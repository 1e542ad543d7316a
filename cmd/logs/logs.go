// Package logs is `coreclaw logs RUN`: a run's log lines, once or as they
// come (--follow), or the full log file (--all).
package logs

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/output"
	"github.com/coreclaw/coreclaw/internal/runwait"
)

// DefaultInterval is the longest pause between two reads with --follow.
const DefaultInterval = 3 * time.Second

// Options are everything `logs` needs.
type Options struct {
	IO        *iostreams.IOStreams
	APIClient func() (*api.Client, error)
	Now       func() time.Time
	Sleep     func(context.Context, time.Duration) error

	Run      string
	Worker   string
	Output   string
	JQ       string
	Follow   bool
	Grep     string
	All      bool
	Interval time.Duration
	Timeout  time.Duration

	// given lists the flags that do not go with --all.
	given []string
}

// NewCmdLogs builds the command; runF replaces the action in tests.
func NewCmdLogs(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, APIClient: f.APIClient, Now: f.Now, Sleep: f.Sleep}
	cmd := &cobra.Command{
		Use:   "logs RUN [flags]",
		Short: "Print a run's log",
		Long: `Print a run's log lines, one per line: the time (RFC 3339, UTC, with
milliseconds), the level (debug, info, warn, error) and the text. A line
the server sends as bare text has no time or level. Escape sequences and
control characters from the server are removed; a multi-line entry prints
one line per line, each with the entry's time and level.

-o json prints a JSON array of entries, -o jsonl one entry per line:
{"time", "timestamp" (Unix ms), "level", "type" (as sent), "group",
"content" (exactly as sent)}, null where the server sent nothing. --jq
filters that array.

The API returns only the most recent entries. --follow keeps reading
until the run ends, printing each new line once, then a summary line on
stderr; it exits 0 whatever the run's outcome (use ` + "`coreclaw wait`" + ` for that).
It reads on the schedule of ` + "`coreclaw wait`" + ` (up to --interval apart), rides
out transient failures as a wait does, and --timeout stops it (exit 5).
--all downloads the full log file instead and prints it as it is (cleaned
of control characters on a terminal), streaming it in flat memory. --grep
keeps the lines that match a regular expression (Go syntax; (?i) for any
case); with --all, a line longer than 1 MiB is matched on its first MiB.

` + cmdutil.RunArgHelp,
		Example: `  coreclaw logs 01KKDXV2G26BT7NH4ZQR2R4NPZ
  coreclaw logs last --follow
  coreclaw logs last --worker coreclaw/google-maps-scraper --grep '(?i)error|timeout'
  coreclaw logs 01KKDXV2G26BT7NH4ZQR2R4NPZ --all > run.log
  coreclaw logs 01KKDXV2G26BT7NH4ZQR2R4NPZ --jq '.[] | select(.level == "error") | .content'`,
		Args:              cmdutil.ExactArgs(1, "the run (a run slug, or last)"),
		ValidArgsFunction: f.CompleteRuns,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Run = args[0]
			opts.given = cmdutil.GivenFlags(cmd).Which("output", "jq", "follow", "interval", "timeout")
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	cmdutil.AddRunWorkerFlag(cmd, &opts.Worker)
	fl := cmd.Flags()
	cmdutil.AddEnumFlag(cmd, &opts.Output, cmdutil.Enum{Name: "output", Shorthand: "o", Values: []string{"text", "json", "jsonl"},
		Usage: "output format", Note: "(default text)"})
	fl.StringVar(&opts.JQ, "jq", "", "filter the JSON output with a jq `expression` (built in; no jq binary needed)")
	fl.BoolVarP(&opts.Follow, "follow", "f", false, "keep printing new lines until the run ends")
	fl.DurationVar(&opts.Interval, "interval", DefaultInterval, "with --follow: longest pause between two reads")
	fl.DurationVar(&opts.Timeout, "timeout", 0, "with --follow: stop following after this long, a read in flight included (exit 5; the run goes on); 0 follows to the end")
	fl.StringVar(&opts.Grep, "grep", "", "print only the lines that match this regular `expression`")
	fl.BoolVar(&opts.All, "all", false, "download and print the full log file")
	cmdutil.OrderFlags(cmd, "follow", "grep", "all", "output", "jq", "timeout", "interval", "worker")
	return cmd
}

// Run prints the log.
func Run(ctx context.Context, opts *Options) error {
	ref, err := cmdutil.ParseRunRef(opts.Run, opts.Worker)
	if err != nil {
		return err
	}
	var m matcher
	if opts.Grep != "" {
		re, err := regexp.Compile(opts.Grep)
		if err != nil {
			return cmdutil.UsageErrorf("invalid --grep expression: %v", err)
		}
		m.re = re
	}
	if opts.All && len(opts.given) > 0 {
		return cmdutil.UsageErrorf("%s does not go with --all, which prints the log file as it is", opts.given[0])
	}
	if opts.Interval <= 0 {
		return cmdutil.UsageErrorf("--interval must be positive, not %s", opts.Interval)
	}
	if opts.Timeout < 0 {
		return cmdutil.UsageErrorf("--timeout must not be negative, not %s", opts.Timeout)
	}
	if opts.Timeout != 0 && !opts.Follow {
		return cmdutil.UsageErrorf("--timeout only applies with --follow")
	}
	newWriter, err := opts.writerFactory(ctx)
	if err != nil {
		return err
	}
	client, err := opts.APIClient()
	if err != nil {
		return err
	}
	switch {
	case opts.All:
		return printAll(ctx, opts, client, ref, m)
	case opts.Follow:
		return follow(ctx, opts, client, ref, newWriter(), m)
	}
	log, err := client.GetLog(ctx, ref)
	if err != nil {
		return err
	}
	w := newWriter()
	for _, e := range log.List {
		if err := write(w, m, e); err != nil {
			return err
		}
	}
	return w.Close()
}

// writerFactory checks -o and --jq and returns how to build the writer.
func (opts *Options) writerFactory(ctx context.Context) (func() entryWriter, error) {
	format := opts.Output // one of the -o values (AddEnumFlag)
	switch format {
	case "", "text":
		if opts.JQ == "" {
			return func() entryWriter { return &textWriter{w: opts.IO.Out, cs: opts.IO.Stdout()} }, nil
		}
		if format == "text" {
			return nil, cmdutil.UsageErrorf("--jq works on JSON output: drop -o text or use -o json")
		}
		format = "json"
	}
	printer, err := output.Flags{Output: format, JQ: opts.JQ}.Printer(opts.IO)
	if err != nil {
		return nil, cmdutil.UsageError(err)
	}
	return func() entryWriter { return &rowWriter{w: printer.Rows(ctx)} }, nil
}

// write prints an entry if --grep keeps it.
func write(w entryWriter, m matcher, e api.LogEntry) error {
	if !m.match(e) {
		return nil
	}
	if _, isText := w.(*textWriter); isText {
		e = m.lines(e)
	}
	return w.Write(e)
}

// follow prints the log until the run ends, on the wait's poll loop (its
// schedule, --timeout, the window for transient failures). "last" is
// pinned to one run by the first read. Each round reads the run, then its
// log, so that the read after the run is seen ending holds its last lines.
func follow(ctx context.Context, opts *Options, client *api.Client, ref api.RunRef, w entryWriter, m matcher) (err error) {
	defer func() {
		if cerr := w.Close(); err == nil {
			err = cerr
		}
	}()
	var (
		t    tracker
		last *api.Run
	)
	// name is the run in messages: its slug once known.
	name := func() string {
		switch {
		case last != nil:
			return "run " + last.Slug
		case ref.Slug != "":
			return "run " + ref.Slug
		}
		return "the " + ref.String()
	}
	// resumeArg is the RUN argument that follows the same run again.
	resumeArg := func() string {
		switch {
		case last != nil:
			return last.Slug
		case ref.Worker != "":
			return opts.Run + " --worker " + string(ref.Worker)
		}
		return opts.Run
	}
	poll := runwait.Poll{
		Now: opts.Now, Sleep: opts.Sleep, Interval: opts.Interval, Timeout: opts.Timeout,
		What: "following the log of " + name(),
		Failing: func(err error) {
			msg, _ := cmdutil.Describe(err)
			fmt.Fprintf(opts.IO.ErrOut, "notice: reading the log of %s failed (%s); still following\n", name(), msg)
		},
	}
	err = poll.Run(ctx, func(ctx context.Context) (bool, error) {
		pinned := ref
		if last != nil {
			pinned = api.RunRef{Slug: last.Slug}
		}
		run, err := client.GetRun(ctx, pinned)
		if err != nil {
			return false, err
		}
		last = run
		log, err := client.GetLog(ctx, api.RunRef{Slug: run.Slug})
		if err != nil {
			return false, err
		}
		fresh, gap := t.next(log.List)
		if gap {
			fmt.Fprintf(opts.IO.ErrOut, "notice: the log moved on faster than it was read; lines may be missing here (`coreclaw logs %s --all` has them all)\n", run.Slug)
		}
		for _, e := range fresh {
			if err := write(w, m, e); err != nil {
				return false, err
			}
		}
		return run.Status.Terminal(), nil
	})
	switch {
	case err == nil:
		fmt.Fprintln(opts.IO.ErrOut, runwait.Summary(opts.IO.Stderr(), last))
		return nil
	case ctx.Err() != nil:
		return &cmdutil.InterruptedError{Err: err, Hint: fmt.Sprintf("go on with `coreclaw logs %s --follow`", resumeArg())}
	case errors.Is(err, runwait.ErrTimedOut):
		status := "unknown"
		if last != nil {
			status = string(last.Status)
		}
		return &cmdutil.ExitError{Code: cmdutil.ExitTimeout,
			Err:  fmt.Errorf("timed out after %s following the log of %s (status %s); the run goes on", opts.Timeout, name(), iostreams.SanitizeLine(status)),
			Hint: fmt.Sprintf("go on with `coreclaw logs %s --follow`", resumeArg())}
	}
	return err
}

// printAll downloads the full log (without the API key) and prints it:
// byte for byte into a pipe or file, cleaned on a terminal, and only the
// matching lines with --grep. It streams: memory stays flat whatever the
// log's size, one enormous line included.
func printAll(ctx context.Context, opts *Options, client *api.Client, ref api.RunRef, m matcher) error {
	log, err := client.GetLog(ctx, ref)
	if err != nil {
		return err
	}
	link, err := log.FullLogURL()
	if err != nil {
		return err
	}
	d, err := client.Download(ctx, link)
	if err != nil {
		return err
	}
	defer d.Body.Close()
	if d.Encoding != "" {
		fmt.Fprintf(opts.IO.ErrOut, "warning: the download host sent the log with Content-Encoding %q although asked not to; it is printed as received, not decompressed\n",
			iostreams.Sanitize(d.Encoding))
	}
	tty := opts.IO.IsStdoutTTY()
	if m.re == nil {
		if tty {
			_, err = iostreams.CopyClean(opts.IO.Out, d.Body)
		} else {
			_, err = io.Copy(opts.IO.Out, d.Body)
		}
		return err
	}
	return grepLines(opts.IO.Out, d.Body, m, tty)
}

// maxGrepLine is how much of a line --grep looks at: a longer line is
// matched on its first maxGrepLine bytes (and printed whole if they
// match), so that a log of one enormous line does not have to be held.
const maxGrepLine = 1 << 20

// grepLines prints the lines of src that m matches, cleaned on a terminal,
// each ending in a newline.
func grepLines(dst io.Writer, src io.Reader, m matcher, tty bool) error {
	if !tty {
		return grepStream(dst, src, m)
	}
	cleaner := iostreams.NewCleaner(dst)
	err := grepStream(cleaner, src, m)
	if cerr := cleaner.Close(); err == nil {
		err = cerr
	}
	return err
}

func grepStream(w io.Writer, src io.Reader, m matcher) error {
	r := bufio.NewReaderSize(src, maxGrepLine)
	for {
		head, err := r.ReadSlice('\n')
		long := errors.Is(err, bufio.ErrBufferFull)
		if len(head) > 0 {
			keep := m.matchLine(strings.TrimRight(string(head), "\r\n"))
			if keep {
				if _, werr := w.Write(head); werr != nil {
					return werr
				}
			}
			// The rest of a long line: printed or skipped as it comes.
			for long {
				var more []byte
				more, err = r.ReadSlice('\n')
				long = errors.Is(err, bufio.ErrBufferFull)
				if keep && len(more) > 0 {
					if _, werr := w.Write(more); werr != nil {
						return werr
					}
				}
				head = more
			}
			if keep && !bytes.HasSuffix(head, []byte("\n")) {
				if _, werr := io.WriteString(w, "\n"); werr != nil {
					return werr
				}
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return err
		}
	}
	return nil
}
