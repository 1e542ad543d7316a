package batch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/runwait"
)

// Line is an input line ready to start: its number, the input to send
// and that input's hash.
type Line struct {
	N     int
	Input json.RawMessage
	Hash  string
}

// Runner starts a batch's lines and follows its runs. Everything happens
// on the goroutine that calls Run: the starts, one after the other, and
// the rounds of the poller in between, with Sleep as the only wait.
type Runner struct {
	Client   *api.Client
	Worker   api.WorkerID
	Manifest *Manifest
	Now      func() time.Time
	Sleep    func(context.Context, time.Duration) error
	View     View
	// Version and CallbackURL go with every start.
	Version, CallbackURL string
	// Concurrency is the most runs of the batch going at once.
	Concurrency int
	// Interval is the longest pause between two checks of a run.
	Interval time.Duration
	// Wait keeps following the runs until every one has ended; without
	// it, Run returns once every line has started.
	Wait bool
	// Timeout (with Wait) gives up waiting after this long; 0: no limit.
	Timeout time.Duration
	// Queue hands the lines to the Run Queue instead of starting them.
	Queue bool

	pending   []Line
	active    []*tracked
	retried   map[int]bool // lines whose uncertain start turned out not to have happened
	learned   durations
	limit     int       // the concurrency the plan has shown it allows
	slotUntil time.Time // starts wait for a slot of the plan until then
	rateUntil time.Time // every request waits until then (429)
	slotDelay time.Duration
	rateDelay time.Duration
	stopped   error // why no more lines start (30001)
	notStart  []LineError
	began     time.Time
}

// tracked is a run the poller follows.
type tracked struct {
	line       int
	slug       string
	started    time.Time // on the batch's clock
	checks     int
	next       time.Time
	lastActive time.Time
	status     api.Status
	aborting   int
	// followed: found going, not started now; its length is not known.
	followed bool
}

// Result is how the batch ended.
type Result struct {
	// NotStarted are the lines the API refused (with why); Left are the
	// lines never tried because starting stopped (Stopped says why).
	NotStarted []LineError
	Left       []int
	Stopped    error
	// Going are the runs that had not ended when Run returned.
	Going int
}

// Pauses of the scheduler.
const (
	firstSlotDelay = 5 * time.Second
	maxSlotDelay   = 30 * time.Second
	firstRateDelay = 2 * time.Second
	maxRateDelay   = time.Minute
	// abortingChecks: how many more times a run that shows aborting is
	// read before it counts as ended (as `coreclaw wait` does).
	abortingChecks = 2
)

// ErrTimedOut is returned when --timeout passes with runs still going.
var ErrTimedOut = errors.New("timed out")

// Follow adds runs that have started but not ended (a batch run again,
// or `batch wait`).
func (r *Runner) Follow(e *Entry) {
	t := &tracked{line: e.Line, slug: e.Slug, status: api.Status(e.Status), followed: true}
	r.active = append(r.active, t)
}

// Run starts the pending lines and follows the runs: until every line has
// started (or, with Wait, every run has ended), the timeout passes, ctx
// ends, or starting stops for good.
func (r *Runner) Run(ctx context.Context, pending []Line) (*Result, error) {
	r.pending = pending
	r.retried = map[int]bool{}
	r.limit = r.Concurrency
	if r.limit < 1 {
		r.limit = 1
	}
	r.began = r.Now()
	now := r.began
	for _, t := range r.active {
		t.started, t.next = now, now
	}
	var deadline time.Time
	if r.Wait && r.Timeout > 0 {
		deadline = now.Add(r.Timeout)
	}
	defer r.View.Close()
	for {
		if err := ctx.Err(); err != nil {
			return r.result(), err
		}
		if err := r.startWhatFits(ctx); err != nil {
			return r.result(), err
		}
		if r.done() {
			return r.result(), nil
		}
		if err := r.pollRound(ctx); err != nil {
			return r.result(), err
		}
		r.View.Progress(r.progress())
		if r.done() {
			return r.result(), nil
		}
		now := r.Now()
		if !deadline.IsZero() && !now.Before(deadline) {
			return r.result(), ErrTimedOut
		}
		wake := r.nextWake(now)
		if !deadline.IsZero() && wake.After(deadline) {
			wake = deadline
		}
		if d := wake.Sub(now); d > 0 {
			if err := r.Sleep(ctx, d); err != nil {
				return r.result(), err
			}
		}
	}
}

func (r *Runner) result() *Result {
	res := &Result{NotStarted: r.notStart, Stopped: r.stopped, Going: len(r.active)}
	for _, l := range r.pending {
		res.Left = append(res.Left, l.N)
	}
	return res
}

// done: nothing left to start (or starting has stopped) and, with Wait,
// no run left going.
func (r *Runner) done() bool {
	if len(r.pending) > 0 && r.stopped == nil {
		return false
	}
	return !r.Wait || len(r.active) == 0
}

// canStart: a line waits, starting has not stopped, a slot is free and no
// pause holds the starts back.
func (r *Runner) canStart() bool {
	if len(r.pending) == 0 || r.stopped != nil {
		return false
	}
	now := r.Now()
	if now.Before(r.rateUntil) || now.Before(r.slotUntil) {
		return false
	}
	return r.Queue || len(r.active) < r.limit
}

// nextWake is the moment something is due: a check, or a start.
func (r *Runner) nextWake(now time.Time) time.Time {
	var wake time.Time
	consider := func(t time.Time) {
		if wake.IsZero() || t.Before(wake) {
			wake = t
		}
	}
	for _, t := range r.active {
		consider(maxTime(t.next, r.rateUntil))
	}
	if len(r.pending) > 0 && r.stopped == nil && (r.Queue || len(r.active) < r.limit) {
		consider(maxTime(r.slotUntil, r.rateUntil))
	}
	if wake.IsZero() {
		return now
	}
	return wake
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func (r *Runner) notice(format string, args ...any) {
	r.View.Notice(fmt.Sprintf(format, args...))
}

// startWhatFits starts lines while they fit.
func (r *Runner) startWhatFits(ctx context.Context) error {
	for r.canStart() {
		line := r.pending[0]
		r.pending = r.pending[1:]
		if err := r.startLine(ctx, line); err != nil {
			return err
		}
	}
	return nil
}

// startLine starts one line: recorded as starting (and synced) before the
// request, as started, refused or uncertain once the reply is in.
func (r *Runner) startLine(ctx context.Context, line Line) error {
	entry := Entry{Line: line.N, Worker: string(r.Worker), InputHash: line.Hash, Input: line.Input,
		State: StateStarting, StartedAt: r.Now().UTC().Format(time.RFC3339)}
	if err := r.Manifest.Record(entry); err != nil {
		r.pending = append([]Line{line}, r.pending...)
		return err
	}
	if r.Queue {
		return r.queueLine(ctx, line, entry)
	}
	started, err := r.Client.StartRun(ctx, r.Worker, api.RunRequest{Input: line.Input, IsAsync: true,
		Version: r.Version, CallbackURL: r.CallbackURL})
	if err == nil {
		entry.State, entry.Slug, entry.Error = StateStarted, started.RunSlug, ""
		entry.Status = string(started.RunStatus)
		if err := r.Manifest.Record(entry); err != nil {
			return err
		}
		r.slotDelay, r.rateDelay = 0, 0
		r.View.Started(line.N, started.RunSlug)
		now := r.Now()
		r.active = append(r.active, &tracked{line: line.N, slug: started.RunSlug, started: now,
			next: now.Add(NextCheck(0, 0, r.learned.estimate(), r.Interval)), status: started.RunStatus})
		return nil
	}
	return r.startFailed(ctx, line, entry, err)
}

// startFailed decides what a failed start means for the line and for the
// batch.
func (r *Runner) startFailed(ctx context.Context, line Line, entry Entry, err error) error {
	msg, _ := cmdutil.Describe(err)
	var apiErr *api.Error
	isAPI := errors.As(err, &apiErr)
	refused := func() error {
		entry.State, entry.Error = StateNotStarted, msg
		return r.Manifest.Record(entry)
	}
	switch {
	case ctx.Err() != nil:
		entry.State, entry.Error = StateUncertain, "interrupted while starting"
		_ = r.Manifest.Record(entry)
		return ctx.Err()
	case mayHaveStarted(err):
		msg = uncertainReason(err, msg)
		entry.State, entry.Error = StateUncertain, msg
		if err := r.Manifest.Record(entry); err != nil {
			return err
		}
		r.notice("line %d: the start may or may not have created a run (%s); looking for it in the Worker's run list", line.N, msg)
		return r.resolveNow(ctx, line)
	case isAPI && apiErr.Code == api.CodeConcurrencyLimited:
		if err := refused(); err != nil {
			return err
		}
		r.pending = append([]Line{line}, r.pending...)
		r.slotDelay = nextDelay(r.slotDelay, firstSlotDelay, maxSlotDelay)
		r.slotUntil = r.Now().Add(r.slotDelay)
		if len(r.active) > 0 && len(r.active) < r.limit {
			r.limit = len(r.active)
			runs := "runs"
			if r.limit == 1 {
				runs = "run"
			}
			r.notice("the plan's concurrent-run limit is reached at %d %s; the next line starts when one ends", r.limit, runs)
		} else {
			r.notice("the plan's concurrent-run limit is reached; trying again in %s", r.slotDelay)
		}
		return nil
	case isAPI && apiErr.IsRateLimited():
		if err := refused(); err != nil {
			return err
		}
		r.pending = append([]Line{line}, r.pending...)
		r.slowDown(apiErr)
		return nil
	case isAPI && apiErr.Code == api.CodeInsufficientBalance:
		if err := refused(); err != nil {
			return err
		}
		r.pending = append([]Line{line}, r.pending...)
		r.stopped = err
		return nil
	case isAPI && (apiErr.IsAuth() || apiErr.Code == api.CodeWorkerNotFound || apiErr.Code == api.CodeVersionUnavailable),
		!isAPI:
		// Every other line would meet the same answer.
		if rerr := refused(); rerr != nil {
			return rerr
		}
		r.pending = append([]Line{line}, r.pending...)
		return err
	default:
		// This input was refused; the others may not be.
		if err := refused(); err != nil {
			return err
		}
		r.notStart = append(r.notStart, LineError{N: line.N, Msg: msg})
		r.View.Notice(fmt.Sprintf("line %d was not started: %s", line.N, msg))
		return nil
	}
}

// slowDown holds back every request of the batch after a 429: the starts
// and the checks, for the server's Retry-After or a doubling pause.
func (r *Runner) slowDown(apiErr *api.Error) {
	r.rateDelay = nextDelay(r.rateDelay, firstRateDelay, maxRateDelay)
	if ra, ok := api.ParseRetryAfter(apiErr.RetryAfter, r.Now()); ok && ra > r.rateDelay {
		r.rateDelay = min(ra, maxRateDelay)
	}
	r.rateUntil = r.Now().Add(r.rateDelay)
	r.notice("the API is rate limiting this key (HTTP %d); the whole batch pauses for %s", apiErr.HTTPStatus, r.rateDelay)
}

func nextDelay(cur, first, max time.Duration) time.Duration {
	if cur <= 0 {
		return first
	}
	return min(2*cur, max)
}

// mayHaveStarted reports a failed start after which a run may exist: the
// request may have reached the API and the reply does not say.
func mayHaveStarted(err error) bool {
	var netErr *api.NetworkError
	if errors.As(err, &netErr) {
		return !netErr.NotSent
	}
	return api.ReplyLeavesRunUnknown(err)
}

// uncertainReason says why a start is uncertain, without the request's
// URL (a network error names it): the manifest keeps the same words
// whatever the address.
func uncertainReason(err error, msg string) string {
	var netErr *api.NetworkError
	if errors.As(err, &netErr) {
		return "no reply to the start: the connection failed after it was sent"
	}
	return msg
}

// resolveNow settles an uncertain start at once, through the run list,
// before anything else starts.
func (r *Runner) resolveNow(ctx context.Context, line Line) error {
	entry := r.Manifest.Get(line.N)
	found, err := Resolve(ctx, r.Client, r.Manifest, r.Now(), []*Entry{entry})
	if err != nil {
		r.pending = append([]Line{line}, r.pending...)
		return err
	}
	if slug := found[line.N]; slug != "" {
		r.notice("line %d: its run %s was found in the run list", line.N, iostreams.SanitizeLine(slug))
		now := r.Now()
		r.View.Started(line.N, slug)
		r.active = append(r.active, &tracked{line: line.N, slug: slug, started: now, next: now, followed: true})
		return nil
	}
	if r.retried[line.N] {
		r.notStart = append(r.notStart, LineError{N: line.N, Msg: "the start failed twice without creating a run"})
		return nil
	}
	r.retried[line.N] = true
	r.notice("line %d: no run was created; it starts again", line.N)
	r.pending = append(r.pending, line)
	return nil
}

// pollRound reads the runs that are due, at most maxReadsPerRound.
func (r *Runner) pollRound(ctx context.Context) error {
	now := r.Now()
	if now.Before(r.rateUntil) {
		return nil
	}
	reads := 0
	for i := 0; i < len(r.active) && reads < maxReadsPerRound; {
		t := r.active[i]
		if t.next.After(now) {
			i++
			continue
		}
		reads++
		ended, err := r.check(ctx, t)
		if err != nil {
			return err
		}
		if ended {
			r.active = append(r.active[:i], r.active[i+1:]...)
			continue
		}
		if r.Now().Before(r.rateUntil) {
			// Rate limited: the rest of the round waits too.
			return nil
		}
		i++
	}
	return nil
}

// check reads one run; it reports whether the run has ended.
func (r *Runner) check(ctx context.Context, t *tracked) (bool, error) {
	run, err := r.Client.GetRun(ctx, api.RunRef{Slug: t.slug})
	now := r.Now()
	if err != nil {
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		var apiErr *api.Error
		switch {
		case errors.As(err, &apiErr) && apiErr.IsRateLimited():
			r.slowDown(apiErr)
			return false, nil
		case runwait.Transient(err):
			r.notice("checking run %s failed (%s); still waiting", t.slug, describe(err))
			t.next = t.started.Add(NextCheck(t.checks+1, now.Sub(t.started), 0, r.Interval))
			return false, nil
		}
		return false, fmt.Errorf("checking run %s (line %d): %w", t.slug, t.line, err)
	}
	t.checks++
	ended := run.Status.Terminal() && run.Status != api.StatusAborting
	if run.Status == api.StatusAborting {
		t.aborting++
		ended = t.aborting > abortingChecks
	}
	if run.Status != t.status || ended {
		t.status = run.Status
		if err := r.recordStatus(t.line, run); err != nil {
			return false, err
		}
		r.View.Status(t.line, run)
	}
	if ended {
		if !t.followed {
			since := t.lastActive.Sub(t.started)
			if t.lastActive.IsZero() {
				since = now.Sub(t.started) / 2
			}
			r.learned.add(since)
		}
		// A slot of the plan is free again.
		r.slotUntil = time.Time{}
		return true, nil
	}
	t.lastActive = now
	t.next = t.started.Add(NextCheck(t.checks, now.Sub(t.started), r.learned.estimate(), r.Interval))
	return false, nil
}

// recordStatus writes a run's new status into its line's entry.
func (r *Runner) recordStatus(line int, run *api.Run) error {
	e := r.Manifest.Get(line)
	if e == nil {
		return nil
	}
	cp := *e
	cp.Status = string(run.Status)
	results := int64(run.Results)
	cp.Results = &results
	cp.Usage = string(run.Usage)
	cp.Error = ""
	if run.Status == api.StatusFailed {
		cp.Error = oneLine(run.ErrMsg)
	}
	return r.Manifest.Record(cp)
}

// progress counts where the batch stands, for the terminal view.
func (r *Runner) progress() Progress {
	p := Progress{Pending: len(r.pending)}
	now := r.Now()
	var going []Going
	for _, t := range r.active {
		if t.status == api.StatusReady || t.status == "" {
			p.Ready++
		} else {
			p.Running++
		}
		going = append(going, Going{Line: t.line, Slug: t.slug, Since: now.Sub(t.started)})
	}
	for _, e := range r.Manifest.Entries() {
		switch st := api.Status(e.Status); {
		case st == api.StatusSucceeded:
			p.Succeeded++
		case st == api.StatusFailed:
			p.Failed++
		case st.Aborted():
			p.Aborted++
		}
	}
	p.Slowest = slowest(going, 3)
	if d := r.learned.estimate(); d > 0 && r.limit > 0 {
		waves := (len(r.pending) + r.limit - 1) / r.limit
		p.ETA = time.Duration(waves+1) * d
	}
	return p
}

func describe(err error) string {
	msg, _ := cmdutil.Describe(err)
	return msg
}

func oneLine(s string) string {
	return iostreams.SanitizeLine(s)
}
