package runwait

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/coreclaw/coreclaw/internal/api"
)

// transientWindow is how long checks may keep failing with transient
// errors (after the client's own retries) before the loop gives up.
const transientWindow = 5 * time.Minute

// ErrTimedOut is what Poll returns when its Timeout passes first.
var ErrTimedOut = errors.New("timed out")

// Poll is the one loop that watches a run: `wait` (and the commands that
// wait after a start) and `logs --follow` both run on it. It checks on the
// schedule of NextDelay (each check due a pause after the last was due), rides out transient failures for a while, stops
// at the timeout (cutting a check in flight) and on an interrupt.
type Poll struct {
	Now      func() time.Time
	Sleep    func(context.Context, time.Duration) error
	Interval time.Duration // the longest pause between checks (0: DefaultInterval)
	Timeout  time.Duration // 0: as long as it takes
	// What names the wait in the error that ends it after the transient
	// window, e.g. "waiting for run 01K...".
	What string
	// Failing is told of each transient failure that the loop rides out
	// (to print a notice); nil: nothing is told.
	Failing func(err error)
}

// Run calls check until it reports done. It returns nil then; ErrTimedOut
// when the timeout passes first; ctx's error when ctx ends (an interrupt);
// check's error when it is not transient, or has been failing for longer
// than the transient window.
func (p Poll) Run(ctx context.Context, check func(ctx context.Context) (done bool, err error)) error {
	interval := p.Interval
	if interval <= 0 {
		interval = DefaultInterval
	}
	start := p.Now()
	var deadline time.Time
	// pollCtx ends with the timeout, so that a check in flight (a server
	// that does not answer, a client retry) is cut at the deadline too.
	pollCtx := ctx
	if p.Timeout > 0 {
		deadline = start.Add(p.Timeout)
		var cancel context.CancelFunc
		pollCtx, cancel = context.WithTimeout(ctx, p.Timeout)
		defer cancel()
	}
	var failingSince time.Time
	// due is when the last check was due, after start: the schedule runs
	// on it, so that the time checks take does not pile up as lateness.
	var due time.Duration
	for {
		done, err := check(pollCtx)
		switch {
		case err == nil:
			failingSince = time.Time{}
			if done {
				return nil
			}
		case ctx.Err() != nil:
			return ctx.Err()
		case pollCtx.Err() != nil:
			return ErrTimedOut
		case Transient(err):
			if failingSince.IsZero() {
				failingSince = p.Now()
			}
			if p.Now().Sub(failingSince) > transientWindow {
				return fmt.Errorf("%s: %w", p.What, err)
			}
			if p.Failing != nil {
				p.Failing(err)
			}
		default:
			return err
		}

		elapsed := p.Now().Sub(start)
		due += NextDelay(due, interval)
		if due <= elapsed {
			// Behind (a slow reply, a retry): start again from now.
			due = elapsed + NextDelay(elapsed, interval)
		}
		delay := due - elapsed
		if !deadline.IsZero() {
			left := deadline.Sub(p.Now())
			if left <= 0 {
				return ErrTimedOut
			}
			delay = min(delay, left)
		}
		if err := p.Sleep(pollCtx, delay); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return ErrTimedOut
		}
	}
}

// Transient reports failures that a wait rides out: the client has
// already retried them, and the run is unaffected.
func Transient(err error) bool {
	if api.Permanent(err) {
		return false
	}
	var netErr *api.NetworkError
	if errors.As(err, &netErr) {
		return true
	}
	var apiErr *api.Error
	if errors.As(err, &apiErr) {
		return apiErr.IsRateLimited() || apiErr.IsServerFault() || (apiErr.NotJSON && apiErr.HTTPStatus >= 500)
	}
	return false
}
