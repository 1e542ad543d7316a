package api

import (
	"context"
	"encoding/json"
	"errors"
)

// errFound stops a walk once the run sought is found.
var errFound = errors.New("found")

// FailedRunEntry looks a failed run up in the run list, whose entries
// carry err_msg when the run detail does not (REFERENCE §7.1, §16): the
// failed runs of its Worker (when known) created from the first day of
// day's month to day, newest first. It reads one page (one request) and
// returns nil when the run is not on it.
func (c *Client) FailedRunEntry(ctx context.Context, slug string, worker WorkerID, day Day) (*Run, error) {
	var found *Run
	f := RunFilter{Worker: worker, Status: StatusFailed, Window: RunWindow{From: day.FirstOfMonth(), To: day}}
	_, err := c.EachRun(ctx, f, MaxPageSize, func(raw json.RawMessage) error {
		var r Run
		if json.Unmarshal(raw, &r) == nil && r.Slug == slug {
			found = &r
			return errFound
		}
		return nil
	})
	if err != nil && !errors.Is(err, errFound) {
		return nil, err
	}
	return found, nil
}
