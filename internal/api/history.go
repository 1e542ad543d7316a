package api

import (
	"context"
	"encoding/json"
	"strconv"
	"time"
)

// RunFilter selects runs of the run list (REFERENCE §8.6).
type RunFilter struct {
	Worker WorkerID  // "": every Worker
	Status Status    // "": every status
	Window RunWindow // required: the API lists one calendar month at most
	// Since, when set, narrows the window's first day to the runs created
	// at or after this moment (start_time to the second); it must fall in
	// the window's month.
	Since time.Time
}

// EachRun walks the runs of one window, page by page, in the order the API
// gives them (newest first), calling fn with each run record as sent. max
// > 0 stops after that many. It returns how many runs fn received.
func (c *Client) EachRun(ctx context.Context, f RunFilter, max int, fn func(json.RawMessage) error) (int, error) {
	q := f.Window.query()
	if !f.Since.IsZero() {
		q.Set("start_time", strconv.FormatInt(f.Since.Unix(), 10))
	}
	if f.Worker != "" {
		q.Set("worker_id", string(f.Worker))
	}
	if f.Status != "" {
		q.Set("status", string(f.Status))
	}
	return c.eachItem(ctx, call{method: "GET", path: "/api/v2/worker-runs"}, q, "slug", max, fn)
}
