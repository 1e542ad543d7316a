package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
)

// The Run Queue (REFERENCE §8.9). Queue refs are strings ("123456").

// QueueRunRequest is the body of POST /workers/{id}/queued-runs: the
// fields of RunWorkerRequest that mean something for a queued run
// (is_async, limit and offset are ignored there, so they are not sent).
type QueueRunRequest struct {
	Input       json.RawMessage `json:"input,omitempty"`
	CallbackURL string          `json:"callback_url,omitempty"`
	Version     string          `json:"version,omitempty"`
}

// QueuedRun is the reply to a queued run.
type QueuedRun struct {
	QueueRef    Text  `json:"queue_ref"`
	QueueStatus Text  `json:"queue_status"`
	Queued      *bool `json:"queued"`
}

// QueueRun puts a run into the Run Queue. The item may start a paid run, so
// the request is repeated only when the reply proves nothing was queued.
func (c *Client) QueueRun(ctx context.Context, worker WorkerID, req QueueRunRequest) (*QueuedRun, error) {
	var out QueuedRun
	cl := queueRunCall(worker, req)
	if err := c.do(ctx, cl, &out); err != nil {
		return nil, err
	}
	if out.QueueRef == "" {
		return nil, &ReplyError{Op: "POST " + cl.path, Err: errors.New("no queue_ref in the reply")}
	}
	return &out, nil
}

// PrepareQueueRun is the request QueueRun would send, for --dry-run.
func (c *Client) PrepareQueueRun(worker WorkerID, req QueueRunRequest) (*PreparedRequest, error) {
	return c.prepare(queueRunCall(worker, req))
}

func queueRunCall(worker WorkerID, req QueueRunRequest) call {
	return call{method: "POST", path: "/api/v2/workers/" + worker.PathSegment() + "/queued-runs", body: req, retry: retryCreates}
}

// EachQueueItem walks the queue's items (status "waiting" or "inactive";
// "" for both), calling fn with each item as sent; max > 0 stops after
// that many. It returns how many items fn received.
func (c *Client) EachQueueItem(ctx context.Context, status string, max int, fn func(json.RawMessage) error) (int, error) {
	q := url.Values{}
	if status != "" {
		q.Set("status", status)
	}
	return c.eachItem(ctx, call{method: "GET", path: "/api/v2/run-queue/items"}, q, "queue_ref", max, fn)
}

// QueueResult is the outcome for one queue ref.
type QueueResult struct {
	QueueRef Text `json:"queue_ref"`
	Success  bool `json:"success"`
	Error    Text `json:"error,omitempty"`
}

// QueueResults is the reply to activate and release. Results is nil when
// the reply has none (the spec's examples show data: {}).
type QueueResults struct {
	Results []QueueResult `json:"results"`
}

type queueRefsRequest struct {
	QueueRefs []string `json:"queue_refs"`
	Reason    string   `json:"reason,omitempty"`
}

// ActivateQueueItems starts waiting items. It may start paid runs, so it
// is repeated only when the reply proves nothing happened.
func (c *Client) ActivateQueueItems(ctx context.Context, refs []string) (*QueueResults, error) {
	var out QueueResults
	err := c.do(ctx, call{method: "POST", path: "/api/v2/run-queue/items/activate",
		body: queueRefsRequest{QueueRefs: refs}, retry: retryCreates}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ReleaseQueueItems removes items from the queue for good.
func (c *Client) ReleaseQueueItems(ctx context.Context, refs []string, reason string) (*QueueResults, error) {
	var out QueueResults
	err := c.do(ctx, call{method: "POST", path: "/api/v2/run-queue/items/release",
		body: queueRefsRequest{QueueRefs: refs, Reason: reason}, retry: retryCreates}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}
