package batch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/batch"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/ctxread"
	"github.com/coreclaw/coreclaw/internal/input"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/runwait"
	"github.com/coreclaw/coreclaw/internal/schema"
	"github.com/coreclaw/coreclaw/internal/text"
)

// DefaultConcurrency is how many runs of a batch go at once unless told.
const DefaultConcurrency = 2

// maxConcurrency bounds --concurrency: the largest plan allows 50.
const maxConcurrency = 100

// RunOptions are everything `batch run` needs.
type RunOptions struct {
	IO          *iostreams.IOStreams
	APIClient   func() (*api.Client, error)
	Now         func() time.Time
	Sleep       func(context.Context, time.Duration) error
	SchemaCache *schema.Cache

	Worker         string
	InputsFile     string
	Params         []string
	System         []string
	MaxCharge      string
	Manifest       string
	Concurrency    int
	SkipInvalid    bool
	RestartChanged bool
	// RestartUncertain starts lines whose start is uncertain again without
	// looking for their run.
	RestartUncertain bool
	NoValidate       bool
	Queue            bool
	Wait             bool
	Timeout          time.Duration
	Interval         time.Duration
	Version          string
	CallbackURL      string

	given []string // wait-only flags given
}

// NewCmdRun builds `batch run`; runF replaces the action in tests.
func NewCmdRun(f *cmdutil.Factory, runF func(context.Context, *RunOptions) error) *cobra.Command {
	opts := &RunOptions{IO: f.IOStreams, APIClient: f.APIClient, Now: f.Now, Sleep: f.Sleep,
		SchemaCache: schema.UserCache(f.LookupEnv, f.Now)}
	cmd := &cobra.Command{
		Use:   "run WORKER -f INPUTS [flags]",
		Short: "Start one run per input line, resumably",
		Long: `Start one run of WORKER per input: -f names a file with one JSON object
a line (JSON Lines; blank lines are skipped), or a JSON array of objects.
-p, --system and --max-charge apply to every line.

Every line is checked against the Worker's input schema before anything
starts: all bad lines are listed with their line numbers and fields, exit
2, and nothing starts (--skip-invalid starts the good ones and skips the
rest; --no-validate skips the check).

At most --concurrency runs of the batch go at once. A start the plan's
concurrent-run limit refuses (code 30003) waits for a slot; a 429 pauses
the whole batch; a balance too low (code 30001) stops new starts and says
how many lines are left.

The manifest (--manifest, default INPUTS.runs.jsonl beside the inputs)
records each line's start before it is sent and its run as soon as the
reply names it, synced to disk each time. Running the same command again
reads it and starts only the lines without a run; a line whose input
changed is an error unless --restart-changed. A start whose reply was lost
is looked up in the Worker's run list before anything else starts.

Without --wait the command ends once every line has started (the runs go
on; ` + "`coreclaw batch wait MANIFEST`" + ` waits for them). With --wait it waits for
every run: exit 0 when all succeeded, 3 when any failed, 6 when any was
aborted, 5 when --timeout passes, 130 on Ctrl-C (the runs go on). Lines
that could not be started exit 1. Progress goes to stderr: a live line on
a terminal, one line per status change elsewhere; stdout stays empty
(` + "`coreclaw batch results MANIFEST`" + ` prints the rows).

--queue hands every line to the Run Queue instead (the platform starts
them as the plan allows) and records the queue refs.`,
		Example: `  # one run per city, five at a time, and wait for them all
  coreclaw batch run coreclaw/google-maps-scraper -f cities.jsonl -p max_results:=20 --concurrency 5 --wait

  # the same command again after a crash or a Ctrl-C starts only what is left
  coreclaw batch run coreclaw/google-maps-scraper -f cities.jsonl -p max_results:=20 --concurrency 5 --wait

  # then all the rows, each with its input's line number and location
  coreclaw batch results cities.jsonl.runs.jsonl --with-input base_location -o csv > places.csv`,
		Args:              cmdutil.ExactArgs(1, "the Worker to run (owner/name, owner~name or a Worker slug)"),
		ValidArgsFunction: f.CompleteWorkers,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Worker = args[0]
			opts.given = cmdutil.GivenFlags(cmd).Which("timeout")
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runBatch(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.InputsFile, "input-file", "f", "", "the inputs: a JSON Lines file (one input a line) or a JSON array, at `PATH` (- for stdin, with --manifest)")
	fl.StringArrayVarP(&opts.Params, "param", "p", nil, "set an input field of every line: `key=value` or key:=JSON (repeatable)")
	fl.StringArrayVar(&opts.System, "system", nil, "set a run setting of every line under parameters.system: `key=value` or key:=JSON (repeatable; "+input.SystemKeys+")")
	fl.StringVar(&opts.MaxCharge, "max-charge", "", "cap what each run may cost at this many `USD`")
	fl.StringVar(&opts.Manifest, "manifest", "", "the batch's manifest at `PATH` (default: INPUTS.runs.jsonl beside the inputs)")
	fl.IntVar(&opts.Concurrency, "concurrency", DefaultConcurrency, "at most `N` runs of the batch at once")
	fl.BoolVar(&opts.Wait, "wait", false, "wait for every run to end (exit 0 all succeeded, 3 any failed)")
	fl.DurationVar(&opts.Timeout, "timeout", 0, "with --wait: give up waiting after this long (exit 5; the runs go on)")
	fl.DurationVar(&opts.Interval, "interval", runwait.DefaultInterval, "longest pause between two checks of a run")
	fl.BoolVar(&opts.SkipInvalid, "skip-invalid", false, "start the lines that pass the schema check and skip the others")
	fl.BoolVar(&opts.RestartChanged, "restart-changed", false, "start lines whose input changed since their run started again")
	fl.BoolVar(&opts.RestartUncertain, "restart-uncertain", false, "start lines whose earlier start is uncertain again, without looking for their run (a run may be paid twice)")
	fl.BoolVar(&opts.NoValidate, "no-validate", false, "do not check the inputs against the Worker's input schema")
	fl.BoolVar(&opts.Queue, "queue", false, "put every line into the Run Queue instead of starting it")
	fl.StringVar(&opts.Version, "version", "", "run this Worker `version` (default: the Worker's current version)")
	fl.StringVar(&opts.CallbackURL, "callback-url", "", "have CoreClaw POST each run's status changes to this `URL`")
	_ = cmd.MarkFlagFilename("input-file", "jsonl", "json")
	_ = cmd.MarkFlagFilename("manifest", "jsonl")
	cmdutil.OrderFlags(cmd, "input-file", "param", "system", "max-charge", "concurrency", "wait", "timeout", "manifest",
		"skip-invalid", "restart-changed", "restart-uncertain", "queue", "no-validate", "version", "interval", "callback-url")
	cmdutil.SeeTopics(cmd, "input", "exit-codes")
	return cmd
}

// check rejects flags that cannot mean anything, before anything is read.
func (opts *RunOptions) check() (api.WorkerID, error) {
	worker, err := api.ParseWorkerID(opts.Worker)
	if err != nil {
		return "", cmdutil.UsageError(err)
	}
	switch {
	case opts.InputsFile == "":
		return "", cmdutil.UsageErrorf("-f INPUTS is required: a JSON Lines file with one input a line, or a JSON array")
	case opts.InputsFile == "-" && opts.Manifest == "":
		return "", cmdutil.UsageErrorf("inputs from stdin need --manifest PATH: the manifest is what makes the batch resumable")
	case opts.Concurrency < 1 || opts.Concurrency > maxConcurrency:
		return "", cmdutil.UsageErrorf("--concurrency must be between 1 and %d, not %d", maxConcurrency, opts.Concurrency)
	case opts.Interval <= 0:
		return "", cmdutil.UsageErrorf("--interval must be positive, not %s", opts.Interval)
	case opts.Timeout < 0:
		return "", cmdutil.UsageErrorf("--timeout must not be negative, not %s", opts.Timeout)
	case len(opts.given) > 0 && !opts.Wait:
		return "", cmdutil.UsageErrorf("%s only applies with --wait", opts.given[0])
	case opts.Queue && opts.Wait:
		return "", cmdutil.UsageErrorf("--queue cannot be combined with --wait: queued runs start later, as the platform schedules them")
	case opts.Version == "latest":
		return "", cmdutil.UsageErrorf(`--version "latest" is refused by many Workers: omit --version to run the current version`)
	}
	return worker, nil
}

func (opts *RunOptions) manifestPath() string {
	if opts.Manifest != "" {
		return opts.Manifest
	}
	return batch.DefaultPath(opts.InputsFile)
}

// resumeHint says how to carry on after the command stopped early.
func (opts *RunOptions) resumeHint() string {
	return fmt.Sprintf("run the same command again to carry on: lines that have a run are not started twice; `coreclaw batch wait %s` waits for the runs", opts.manifestPath())
}

func runBatch(ctx context.Context, opts *RunOptions) error {
	worker, err := opts.check()
	if err != nil {
		return err
	}
	raw, err := opts.readInputs(ctx)
	if err != nil {
		return err
	}
	lines, bad := batch.SplitInputs(raw)
	// The common settings are checked once: a mistake there is every
	// line's.
	common := input.Sources{Params: opts.Params, System: opts.System, MaxCharge: opts.MaxCharge}
	if _, err := input.Build(common, input.Env{Context: ctx, Warn: opts.warn}); err != nil {
		return cmdutil.UsageError(err)
	}
	client, err := keyedClient(opts.APIClient)
	if err != nil {
		return err
	}
	good, moreBad, err := opts.buildLines(ctx, client, worker, lines)
	if err != nil {
		return err
	}
	bad = append(bad, moreBad...)
	if err := opts.reportBad(bad, len(lines)+countSyntax(bad, lines), worker, len(good)); err != nil {
		return err
	}

	m, err := batch.Open(opts.manifestPath(), true)
	if err != nil {
		return manifestError(err)
	}
	defer m.Close()
	m.Redact = opts.IO.Redact
	for _, w := range m.Warnings {
		opts.warn(w)
	}
	if mw := m.Worker(); mw != "" && mw != string(worker) {
		return cmdutil.UsageErrorf("the manifest %s is a batch of %s, not %s", m.Path(), mw, worker)
	}
	plan, err := opts.plan(m, good)
	if err != nil {
		return err
	}

	view := newView(opts.IO)
	r := &batch.Runner{Client: client, Worker: worker, Manifest: m, Now: opts.Now, Sleep: opts.Sleep, View: view,
		Version: opts.Version, CallbackURL: opts.CallbackURL, Concurrency: opts.Concurrency, Interval: opts.Interval,
		Wait: opts.Wait, Timeout: opts.Timeout, Queue: opts.Queue}
	// Uncertain starts first: nothing starts before they are settled.
	if len(plan.uncertain) > 0 {
		found, err := batch.Resolve(ctx, client, m, opts.Now(), plan.uncertain)
		if err != nil {
			if ctx.Err() != nil {
				return interrupted(0, m.Path(), opts.resumeHint())
			}
			return err
		}
		for _, e := range plan.uncertain {
			if slug := found[e.Line]; slug != "" {
				fmt.Fprintf(opts.IO.ErrOut, "notice: line %d: its start was uncertain; its run %s was found in the run list\n", e.Line, iostreams.SanitizeLine(slug))
				continue
			}
			fmt.Fprintf(opts.IO.ErrOut, "notice: line %d: its start was uncertain; it created no run, so it starts now\n", e.Line)
		}
		plan.pending = nil
		plan.follow = nil
		if plan, err = opts.plan(m, good); err != nil {
			return err
		}
	}
	if len(plan.restarted) > 0 {
		fmt.Fprintf(opts.IO.ErrOut, "notice: %s: the start was uncertain; starting again as --restart-uncertain asks, without looking for a run\n", lineList(plan.restarted))
	}
	for _, e := range plan.follow {
		r.Follow(e)
	}
	if plan.skipped > 0 {
		fmt.Fprintf(opts.IO.ErrOut, "%s already started or queued (manifest %s); %d to start\n",
			text.Plural(int64(plan.skipped), "line"), m.Path(), len(plan.pending))
	}
	res, runErr := r.Run(ctx, plan.pending)
	return opts.finish(m, res, runErr, good)
}

// countSyntax is the number of lines that were not JSON objects (they are
// not among lines).
func countSyntax(bad []batch.LineError, lines []batch.RawLine) int {
	seen := map[int]bool{}
	for _, l := range lines {
		seen[l.N] = true
	}
	n := 0
	for _, b := range bad {
		if !seen[b.N] {
			n++
		}
	}
	return n
}

func (opts *RunOptions) warn(msg string) {
	fmt.Fprintf(opts.IO.ErrOut, "warning: %s\n", iostreams.SanitizeLine(msg))
}

// readInputs reads the inputs file (or stdin), interruptibly.
func (opts *RunOptions) readInputs(ctx context.Context) ([]byte, error) {
	var r io.Reader
	name := opts.InputsFile
	if name == "-" {
		r, name = opts.IO.In, "stdin"
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, cmdutil.UsageErrorf("cannot read the inputs: %v", err)
		}
		defer f.Close()
		r = f
	}
	data, err := ctxread.Do(ctx, func() ([]byte, error) {
		return io.ReadAll(io.LimitReader(r, batch.MaxInputsSize+1))
	})
	if err != nil {
		if ctx.Err() != nil {
			return nil, cmdutil.Interrupted("", "interrupted while reading the inputs; nothing was started")
		}
		return nil, cmdutil.UsageErrorf("cannot read the inputs from %s: %v", name, err)
	}
	if len(data) > batch.MaxInputsSize {
		return nil, cmdutil.UsageErrorf("the inputs in %s are larger than %d MiB", name, batch.MaxInputsSize>>20)
	}
	return data, nil
}

// buildLines layers each line with the common settings and checks it
// against the Worker's schema (fetched once).
func (opts *RunOptions) buildLines(ctx context.Context, client *api.Client, worker api.WorkerID, lines []batch.RawLine) ([]batch.Line, []batch.LineError, error) {
	src := schema.NewSource(client, opts.SchemaCache)
	src.Fetch = onceFetch(src.Fetch)
	warned := map[string]bool{}
	warnOnce := func(msg string) {
		if !warned[msg] {
			warned[msg] = true
			opts.warn(msg)
		}
	}
	var good []batch.Line
	var bad []batch.LineError
	for _, l := range lines {
		in, err := input.Build(input.Sources{Inline: string(l.Text), HasInline: true, Params: opts.Params, System: opts.System,
			MaxCharge: opts.MaxCharge}, input.Env{Context: ctx, Warn: warnOnce})
		if err != nil {
			bad = append(bad, batch.LineError{N: l.N, Msg: strings.TrimPrefix(err.Error(), "--input: ")})
			continue
		}
		if !opts.NoValidate {
			err := schema.Check(ctx, src, worker, in, warnOnce)
			var mismatch *schema.MismatchError
			switch {
			case errors.As(err, &mismatch):
				parts := make([]string, len(mismatch.Problems))
				for i, p := range mismatch.Problems {
					parts[i] = p.String()
				}
				bad = append(bad, batch.LineError{N: l.N, Msg: strings.Join(parts, "; ")})
				continue
			case err != nil:
				return nil, nil, cmdutil.UsageError(err)
			}
		}
		body := in.JSON()
		good = append(good, batch.Line{N: l.N, Input: body, Hash: batch.InputHash(body)})
	}
	return good, bad, nil
}

// onceFetch asks the API for the schema once, whatever the number of lines.
func onceFetch(fetch func(context.Context, api.WorkerID) (json.RawMessage, error)) func(context.Context, api.WorkerID) (json.RawMessage, error) {
	var mu sync.Mutex
	var raw json.RawMessage
	var err error
	done := false
	return func(ctx context.Context, w api.WorkerID) (json.RawMessage, error) {
		mu.Lock()
		defer mu.Unlock()
		if !done {
			raw, err = fetch(ctx, w)
			done = ctx.Err() == nil
		}
		return raw, err
	}
}

// reportBad lists the lines that cannot be started: with --skip-invalid as
// warnings, otherwise as the usage error that stops the batch.
func (opts *RunOptions) reportBad(bad []batch.LineError, total int, worker api.WorkerID, good int) error {
	if len(bad) == 0 {
		if good == 0 {
			return cmdutil.UsageErrorf("the inputs hold no input: one JSON object a line, or a JSON array of objects")
		}
		return nil
	}
	sortLineErrors(bad)
	if opts.SkipInvalid {
		for _, b := range bad {
			opts.warn(fmt.Sprintf("skipping line %d: %s", b.N, b.Msg))
		}
		if good == 0 {
			return cmdutil.UsageErrorf("no line of the inputs is a valid input for %s; nothing was started", worker)
		}
		return nil
	}
	for _, b := range bad {
		fmt.Fprintf(opts.IO.ErrOut, "line %d: %s\n", b.N, iostreams.SanitizeLine(b.Msg))
	}
	return cmdutil.WithHint(cmdutil.UsageErrorf("%d of %d input lines are not valid inputs for %s; nothing was started", len(bad), total, worker),
		fmt.Sprintf("fix them, or pass --skip-invalid to start the others; `coreclaw workers schema %s` lists the fields", worker))
}

func sortLineErrors(bad []batch.LineError) {
	for i := 1; i < len(bad); i++ {
		for j := i; j > 0 && bad[j].N < bad[j-1].N; j-- {
			bad[j], bad[j-1] = bad[j-1], bad[j]
		}
	}
}

// runPlan is what to do with each line, given the manifest.
type runPlan struct {
	pending   []batch.Line
	follow    []*batch.Entry
	uncertain []*batch.Entry
	restarted []int // uncertain lines started again (--restart-uncertain)
	skipped   int
}

// plan compares the inputs with the manifest: lines without a record (or
// refused before) start; lines with a run are skipped (and followed while
// they go); uncertain starts are settled first; a changed input is an
// error unless --restart-changed.
func (opts *RunOptions) plan(m *batch.Manifest, good []batch.Line) (runPlan, error) {
	var p runPlan
	var changed []int
	inInputs := map[int]bool{}
	for _, l := range good {
		inInputs[l.N] = true
		e := m.Get(l.N)
		switch {
		case e == nil || e.State == batch.StateNotStarted:
			p.pending = append(p.pending, l)
		case e.InputHash != l.Hash:
			if !opts.RestartChanged {
				changed = append(changed, l.N)
				continue
			}
			p.pending = append(p.pending, l)
		case e.Uncertain() && opts.RestartUncertain:
			p.pending = append(p.pending, l)
			p.restarted = append(p.restarted, l.N)
		case e.Uncertain():
			p.uncertain = append(p.uncertain, e)
		default:
			p.skipped++
			if e.Slug != "" && !e.Ended() {
				p.follow = append(p.follow, e)
			}
		}
	}
	if len(changed) > 0 {
		return p, cmdutil.WithHint(cmdutil.UsageErrorf("the input of %s changed since the manifest %s recorded its start; nothing was started", lineList(changed), m.Path()),
			"--restart-changed starts those lines again (their earlier runs are left as they are); or use another --manifest")
	}
	return p, nil
}

// finish reports how the batch ended and picks the exit status.
func (opts *RunOptions) finish(m *batch.Manifest, res *batch.Result, runErr error, good []batch.Line) error {
	lines := len(good)
	var mine []*batch.Entry
	for _, l := range good {
		if e := m.Get(l.N); e != nil {
			mine = append(mine, e)
		} else {
			mine = append(mine, &batch.Entry{Line: l.N})
		}
	}
	t := count(mine)
	if runErr != nil {
		return stopError(runErr, res, opts.Timeout, m.Path(), opts.resumeHint())
	}
	if opts.Queue {
		queued := 0
		for _, e := range mine {
			if e.QueueRef != "" {
				queued++
			}
		}
		fmt.Fprintf(opts.IO.ErrOut, "batch: %d of %d lines queued · manifest %s\n", queued, lines, m.Path())
	} else if opts.Wait {
		fmt.Fprintf(opts.IO.ErrOut, "batch: %s · %s · manifest %s\n", text.Plural(int64(lines), "line"), t, m.Path())
	} else {
		fmt.Fprintf(opts.IO.ErrOut, "batch: %d of %d lines started · manifest %s\n", lines-t.noRun, lines, m.Path())
	}
	if res.Stopped != nil {
		msg, _ := cmdutil.Describe(res.Stopped)
		return &cmdutil.ExitError{Code: cmdutil.ExitFailure,
			Err:  fmt.Errorf("%s: %d of %d lines were not started", msg, len(res.Left), lines),
			Hint: "top up the balance, then run the same command again: it starts only the lines without a run"}
	}
	if len(res.NotStarted) > 0 {
		var lines []int
		for _, b := range res.NotStarted {
			lines = append(lines, b.N)
		}
		return &cmdutil.ExitError{Code: cmdutil.ExitFailure,
			Err:  fmt.Errorf("%s could not be started: %s", lineList(lines), res.NotStarted[0].Msg),
			Hint: fmt.Sprintf("`coreclaw batch status %s` shows why; run the same command again to try them again", m.Path())}
	}
	if opts.Wait {
		return waitOutcome(t, m.Path())
	}
	return nil
}
