package batch

import (
	"context"
	"errors"
	"fmt"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
)

// queueLine hands one line to the Run Queue (--queue): the platform
// starts it when the plan allows. The queue ref is recorded; a reply that
// does not say whether the item was queued stops the batch, since queue
// items cannot be told apart afterwards.
func (r *Runner) queueLine(ctx context.Context, line Line, entry Entry) error {
	q, err := r.Client.QueueRun(ctx, r.Worker, api.QueueRunRequest{Input: line.Input, Version: r.Version, CallbackURL: r.CallbackURL})
	if err == nil {
		entry.State, entry.QueueRef, entry.Error = StateQueued, string(q.QueueRef), ""
		entry.Status = ""
		if err := r.Manifest.Record(entry); err != nil {
			return err
		}
		r.rateDelay = 0
		r.View.Queued(line.N, string(q.QueueRef))
		return nil
	}
	msg, _ := cmdutil.Describe(err)
	var apiErr *api.Error
	isAPI := errors.As(err, &apiErr)
	switch {
	case ctx.Err() != nil || mayHaveStarted(err):
		entry.State, entry.Error = StateUncertain, msg
		if ctx.Err() != nil {
			entry.Error = "interrupted while queueing"
		}
		_ = r.Manifest.Record(entry)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &cmdutil.ExitError{Code: cmdutil.ExitFailure,
			Err:  fmt.Errorf("queueing line %d: %s; it may or may not be in the queue, and nothing more was queued", line.N, msg),
			Hint: "`coreclaw queue` lists the queue's items; run the same command again to queue the lines that are left"}
	case isAPI && apiErr.IsRateLimited():
		entry.State, entry.Error = StateNotStarted, msg
		if err := r.Manifest.Record(entry); err != nil {
			return err
		}
		r.pending = append([]Line{line}, r.pending...)
		r.slowDown(apiErr)
		return nil
	case isAPI && (apiErr.IsAuth() || apiErr.Code == api.CodeWorkerNotFound || apiErr.Code == api.CodeVersionUnavailable), !isAPI:
		entry.State, entry.Error = StateNotStarted, msg
		_ = r.Manifest.Record(entry)
		r.pending = append([]Line{line}, r.pending...)
		return err
	default:
		entry.State, entry.Error = StateNotStarted, msg
		if err := r.Manifest.Record(entry); err != nil {
			return err
		}
		r.notStart = append(r.notStart, LineError{N: line.N, Msg: msg})
		r.View.Notice(fmt.Sprintf("line %d was not queued: %s", line.N, msg))
		return nil
	}
}
