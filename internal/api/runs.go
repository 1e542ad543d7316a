package api

import (
	"context"
	"encoding/json"
	"errors"
)

// RunRequest is the body of POST /workers/{id}/runs (RunWorkerRequest).
// Only the fields the spec allows exist here; empty ones are left out.
type RunRequest struct {
	Input       json.RawMessage `json:"input,omitempty"`
	IsAsync     bool            `json:"is_async"`
	CallbackURL string          `json:"callback_url,omitempty"`
	Version     string          `json:"version,omitempty"`
	Limit       int             `json:"limit,omitempty"`
	Offset      int             `json:"offset,omitempty"`
}

// StartRun starts a Worker run. It is never repeated unless the reply
// proves that no run was created.
func (c *Client) StartRun(ctx context.Context, worker WorkerID, req RunRequest) (*StartedRun, error) {
	return c.start(ctx, startRunCall(worker, req))
}

// start sends a run-creating call and reads its reply (decodeStarted).
func (c *Client) start(ctx context.Context, cl call) (*StartedRun, error) {
	var data json.RawMessage
	if err := c.do(ctx, cl, &data); err != nil {
		return nil, err
	}
	return decodeStarted(cl.method+" "+cl.path, data)
}

// PrepareStartRun is the request StartRun would send, for --dry-run.
func (c *Client) PrepareStartRun(worker WorkerID, req RunRequest) (*PreparedRequest, error) {
	return c.prepare(startRunCall(worker, req))
}

func startRunCall(worker WorkerID, req RunRequest) call {
	return call{
		method: "POST",
		path:   "/api/v2/workers/" + worker.PathSegment() + "/runs",
		body:   req,
		retry:  retryCreates,
		sync:   !req.IsAsync,
	}
}

// GetRun reads a run's detail.
func (c *Client) GetRun(ctx context.Context, ref RunRef) (*Run, error) {
	var out Run
	if err := c.do(ctx, call{method: "GET", path: ref.base()}, &out); err != nil {
		return nil, err
	}
	if out.Slug == "" {
		return nil, &ReplyError{Op: "GET " + ref.base(), Err: errors.New("no run slug in the reply")}
	}
	// A "last" run's slug is used for every later call of a wait.
	if err := ValidateSlug("run", out.Slug); err != nil {
		return nil, &ReplyError{Op: "GET " + ref.base(), Err: err}
	}
	return &out, nil
}

// AbortRun asks for a run to be cancelled. Success only means the request
// was accepted; the run then shows aborting (REFERENCE §8.5).
func (c *Client) AbortRun(ctx context.Context, ref RunRef) error {
	return c.do(ctx, call{method: "POST", path: ref.base() + "/abort"}, nil)
}
