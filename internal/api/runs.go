package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strconv"
	"sync"
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

// pagingMode remembers, for the client's lifetime, whether the server reads
// offset as a page number (current) or as a row offset (before 2026-08-06).
type pagingMode struct {
	mu        sync.Mutex
	rowOffset bool
}

func (p *pagingMode) useRows() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.rowOffset
}

func (p *pagingMode) switchToRows() {
	p.mu.Lock()
	p.rowOffset = true
	p.mu.Unlock()
}

// pageQuery is the query for a 1-based page under the detected mode.
func (c *Client) pageQuery(page, limit int) url.Values {
	offset := page
	if c.paging.useRows() {
		offset = (page - 1) * limit
	}
	return url.Values{"offset": {strconv.Itoa(offset)}, "limit": {strconv.Itoa(limit)}}
}

// getPage fetches page (1-based) of a paged list into out and returns the
// page_index the server reported, if any. When that differs from the page
// asked for, the server is taken to read offset as a row offset and the
// page is asked for again that way (REFERENCE §5).
func (c *Client) getPage(ctx context.Context, path string, extra url.Values, page, limit int, out pageIndexer) error {
	return c.getPageOf(ctx, call{method: "GET", path: path}, extra, page, limit, out)
}

// getPageOf is getPage for any GET call (a public one, say).
func (c *Client) getPageOf(ctx context.Context, cl call, extra url.Values, page, limit int, out pageIndexer) error {
	for tries := 0; ; tries++ {
		q := c.pageQuery(page, limit)
		for k, v := range extra {
			q[k] = v
		}
		cl.query = q
		if err := c.do(ctx, cl, out); err != nil {
			return err
		}
		idx, ok := out.pageIndex()
		if !ok || idx == int64(page) || tries > 0 || c.paging.useRows() {
			return nil
		}
		c.paging.switchToRows()
		out.reset()
	}
}

type pageIndexer interface {
	pageIndex() (int64, bool)
	reset()
}

func (p *ResultPage) pageIndex() (int64, bool) {
	if p.PageIndex == nil {
		return 0, false
	}
	return int64(*p.PageIndex), true
}

func (p *ResultPage) reset() { *p = ResultPage{} }

// MaxPageSize is the API's largest page.
const MaxPageSize = 100

// ResultsPage fetches one page of a run's result rows.
func (c *Client) ResultsPage(ctx context.Context, ref RunRef, page, limit int) (*ResultPage, error) {
	var out ResultPage
	if err := c.getPage(ctx, ref.base()+"/result", nil, page, limit, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// EachResultPage walks a run's result rows in order, page by page (100 a
// page, or max when smaller), calling fn once per page; the first page is
// always passed, even when empty, so that its headers are known. A page's
// List is cut so that no more than max rows (when max > 0) are delivered in
// all. Paging stops at an empty or short page or when count is reached.
// It returns the number of rows delivered.
func (c *Client) EachResultPage(ctx context.Context, ref RunRef, max int, fn func(p *ResultPage) error) (int, error) {
	size := MaxPageSize
	if max > 0 && max < size {
		size = max
	}
	n := 0
	for page := 1; ; page++ {
		p, err := c.ResultsPage(ctx, ref, page, size)
		if err != nil {
			return n, err
		}
		full := len(p.List)
		if max > 0 && n+len(p.List) > max {
			p.List = p.List[:max-n]
		}
		if page == 1 || len(p.List) > 0 {
			if err := fn(p); err != nil {
				return n, err
			}
		}
		n += len(p.List)
		if (max > 0 && n >= max) || full < size || (p.Count > 0 && int64(n) >= int64(p.Count)) {
			return n, nil
		}
	}
}

// AbortRun asks for a run to be cancelled. Success only means the request
// was accepted; the run then shows aborting (REFERENCE §8.5).
func (c *Client) AbortRun(ctx context.Context, ref RunRef) error {
	return c.do(ctx, call{method: "POST", path: ref.base() + "/abort", body: struct{}{}}, nil)
}
