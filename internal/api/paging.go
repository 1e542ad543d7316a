package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
)

// listPage is one page of a list endpoint, in either documented shape:
// {count, list, page_index, page_size} (runs, tasks, queue items) or
// {scraper: [...]} (the Store and the caller's Workers, with no total).
// Every member is optional.
type listPage struct {
	Count     *Int64            `json:"count"`
	List      []json.RawMessage `json:"list"`
	Scraper   []json.RawMessage `json:"scraper"`
	PageIndex *Int64            `json:"page_index"`
}

func (p *listPage) pageIndex() (int64, bool) {
	if p.PageIndex == nil {
		return 0, false
	}
	return int64(*p.PageIndex), true
}

func (p *listPage) reset() { *p = listPage{} }

func (p *listPage) items() []json.RawMessage {
	if p.List == nil {
		return p.Scraper
	}
	return p.List
}

// eachItem walks a paged list from its first page and calls fn for each
// item, in order. Pages hold 100 items, or max when that is smaller, so
// that the page numbers stay consistent. The walk stops at an empty or
// short page, once the list's count (when it has one) or max items (when
// max > 0) have been delivered. It returns how many items fn received.
func (c *Client) eachItem(ctx context.Context, cl call, extra url.Values, max int, fn func(json.RawMessage) error) (int, error) {
	size := MaxPageSize
	if max > 0 && max < size {
		size = max
	}
	n := 0
	var prev []json.RawMessage
	for page := 1; ; page++ {
		var p listPage
		if err := c.getPageOf(ctx, cl, extra, page, size, &p); err != nil {
			return n, err
		}
		items := p.items()
		if page > 1 && len(items) == size && samePage(items, prev) {
			// Without a total, a server that ignores the offset would
			// otherwise be walked for ever.
			return n, &ReplyError{Op: cl.method + " " + cl.path,
				Err: fmt.Errorf("page %d repeats page %d: the API does not seem to honour the page offset", page, page-1)}
		}
		for _, it := range items {
			if max > 0 && n >= max {
				return n, nil
			}
			if err := fn(it); err != nil {
				return n, err
			}
			n++
		}
		if (max > 0 && n >= max) || len(items) < size || (p.Count != nil && *p.Count > 0 && int64(n) >= int64(*p.Count)) {
			return n, nil
		}
		prev = items
	}
}

func samePage(a, b []json.RawMessage) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}
