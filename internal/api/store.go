package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
)

// Workers: the public Store, the caller's own Workers and a Worker's detail
// (REFERENCE §7.4, §7.5, §8.1, §8.3). Both lists return {scraper: [...]}
// with no total, so they are walked until a short or empty page.

// EachStoreWorker walks the public Store (no key needed), optionally
// filtered by a keyword, calling fn with each Worker summary as sent; max
// > 0 stops after that many.
func (c *Client) EachStoreWorker(ctx context.Context, keyword string, max int, fn func(json.RawMessage) error) (int, error) {
	return c.eachItem(ctx, call{method: "GET", path: "/api/v2/store", public: true}, keywordQuery(keyword), "slug", max, fn)
}

// EachOwnWorker walks the caller's own Workers, like EachStoreWorker.
func (c *Client) EachOwnWorker(ctx context.Context, keyword string, max int, fn func(json.RawMessage) error) (int, error) {
	return c.eachItem(ctx, call{method: "GET", path: "/api/v2/workers"}, keywordQuery(keyword), "slug", max, fn)
}

func keywordQuery(keyword string) url.Values {
	q := url.Values{}
	if keyword != "" {
		q.Set("keyword", keyword)
	}
	return q
}

// GetWorker reads a Worker's detail (name, username, version, readme,
// parameters), as the API sent it.
func (c *Client) GetWorker(ctx context.Context, worker WorkerID) (json.RawMessage, error) {
	var out json.RawMessage
	path := "/api/v2/workers/" + worker.PathSegment()
	if err := c.do(ctx, call{method: "GET", path: path}, &out); err != nil {
		return nil, err
	}
	if !isJSONObject(out) {
		return nil, &ReplyError{Op: "GET " + path, Err: errors.New("no Worker object in the reply")}
	}
	return out, nil
}
