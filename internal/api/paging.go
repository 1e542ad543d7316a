package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"sync"
)

// Paging (REFERENCE §5). Every paged list (a run's result rows, the runs,
// the tasks, the queue items, the Store and the caller's Workers) is read
// by one walker, walk, with one set of rules:
//
//   - offset is a page number from 1; a server that reads it as a row
//     offset is recognised by page_index, or, when it sends none, by page
//     2 repeating page 1; from then on it gets row offsets;
//   - a server that ignores offset (page 2 repeats page 1 whichever way
//     offset is read) is an error, never a loop;
//   - the walk stops at an empty or short page, when count is reached,
//     after at most count/limit + 1 pages, and at the caller's max;
//   - never a row twice: rows are cut at count, and a row whose identity
//     (slug, queue_ref, __coreclaw_data_id__) was already delivered is
//     skipped.

// MaxPageSize is the API's largest page.
const MaxPageSize = 100

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

func (p *pagingMode) set(rows bool) {
	p.mu.Lock()
	p.rowOffset = rows
	p.mu.Unlock()
}

// offsetFor is the offset of a 1-based page: the page number itself, or
// the page's first row (0-based) for a server that reads row offsets.
func offsetFor(page, limit int, rows bool) int {
	if rows {
		return (page - 1) * limit
	}
	return page
}

// pageReply is one decoded page of a paged list.
type pageReply interface {
	rows() []json.RawMessage
	setRows([]json.RawMessage)
	// total is the list's count, when the reply has one.
	total() (int64, bool)
	pageIndex() (int64, bool)
	// listSent reports whether the reply had its list at all.
	listSent() bool
	reset()
}

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

func (p *listPage) rows() []json.RawMessage {
	if p.List == nil {
		return p.Scraper
	}
	return p.List
}

func (p *listPage) setRows(rows []json.RawMessage) {
	if p.List == nil && p.Scraper != nil {
		p.Scraper = rows
		return
	}
	p.List = rows
}

func (p *listPage) listSent() bool { return p.List != nil || p.Scraper != nil }

func (p *listPage) total() (int64, bool) {
	if p.Count == nil {
		return 0, false
	}
	return int64(*p.Count), true
}

func (p *ResultPage) pageIndex() (int64, bool) {
	if p.PageIndex == nil {
		return 0, false
	}
	return int64(*p.PageIndex), true
}

func (p *ResultPage) reset()                         { *p = ResultPage{} }
func (p *ResultPage) rows() []json.RawMessage        { return p.List }
func (p *ResultPage) setRows(rows []json.RawMessage) { p.List = rows }
func (p *ResultPage) total() (int64, bool)           { return int64(p.Count), p.countSent }
func (p *ResultPage) listSent() bool                 { return p.List != nil }

// CountSent reports whether the page carried a count (a total of rows).
func (p *ResultPage) CountSent() bool { return p.countSent }

// dataIDKey is the platform's own id of a result row (REFERENCE §7.2).
const dataIDKey = "__coreclaw_data_id__"

// UnmarshalJSON decodes a result page, noting whether count was sent: a
// page without one has no total, which is not a total of 0.
func (p *ResultPage) UnmarshalJSON(b []byte) error {
	// The same fields without this method, under the same name for the
	// decoder's error messages.
	type ResultPage resultPageFields
	if err := json.Unmarshal(b, (*ResultPage)(p)); err != nil {
		return err
	}
	var count struct {
		Count json.RawMessage `json:"count"`
	}
	_ = json.Unmarshal(b, &count) // it decoded above
	p.countSent = len(count.Count) > 0 && string(count.Count) != "null"
	return nil
}

type resultPageFields = ResultPage

// getPage fetches page (1-based) of a paged list into out, under the
// paging mode in force. When the reply's page_index is not the page asked
// for, the page is asked for again under the other reading of offset, and
// that reading is kept for the session; when neither reading gives the
// page, the server is not paging and that is an error.
func (c *Client) getPage(ctx context.Context, cl call, extra url.Values, page, limit int, out pageReply) error {
	rows := c.paging.useRows()
	var got [2]int64 // page_index under the mode in force, then the other
	for try := 0; try < 2; try++ {
		if err := c.fetchAt(ctx, cl, extra, offsetFor(page, limit, rows), limit, out); err != nil {
			return err
		}
		idx, ok := out.pageIndex()
		if !ok || idx == int64(page) {
			if try > 0 {
				c.paging.set(rows)
			}
			return nil
		}
		got[try] = idx
		rows = !rows
	}
	return &ReplyError{Op: cl.method + " " + cl.path,
		Err: fmt.Errorf("asked for page %d, the API answered page_index %d to offset=%d and %d to offset=%d: it does not honour the page offset",
			page, got[0], offsetFor(page, limit, rows), got[1], offsetFor(page, limit, !rows))}
}

// fetchAt fetches one page at a given offset into out (reset first).
func (c *Client) fetchAt(ctx context.Context, cl call, extra url.Values, offset, limit int, out pageReply) error {
	out.reset()
	q := url.Values{"offset": {strconv.Itoa(offset)}, "limit": {strconv.Itoa(limit)}}
	for k, v := range extra {
		q[k] = v
	}
	cl.query = q
	if err := c.do(ctx, cl, out); err != nil {
		return err
	}
	// A page without its list is no empty page, unless its count says
	// the list is empty.
	if t, ok := out.total(); !out.listSent() && (!ok || t != 0) {
		return &ReplyError{Op: cl.method + " " + cl.path, Err: errors.New("no list in the reply")}
	}
	return nil
}

// walkSpec is one paged list to walk.
type walkSpec struct {
	call  call
	extra url.Values
	// max > 0 stops after that many rows.
	max int
	// identity names a row for overlap detection; strong is true for a
	// real key (a slug, a queue ref, a data id), which no two rows share.
	identity func(json.RawMessage) (id string, strong bool)
	newPage  func() pageReply
	// firstEvenEmpty passes page 1 to page even when it has no rows (a
	// result page's headers are needed to print nothing).
	firstEvenEmpty bool
	// page receives each page, its rows cut to those not yet delivered.
	page func(pageReply) error
}

type rowID struct {
	id     string
	strong bool
}

func identities(p pageReply, identity func(json.RawMessage) (string, bool)) []rowID {
	rows := p.rows()
	out := make([]rowID, len(rows))
	for i, r := range rows {
		out[i].id, out[i].strong = identity(r)
	}
	return out
}

// walk reads a paged list from its first page (see the rules at the top)
// and returns how many rows it delivered.
func (c *Client) walk(ctx context.Context, w walkSpec) (int, error) {
	size := MaxPageSize
	if w.max > 0 && w.max < size {
		size = w.max
	}
	op := w.call.method + " " + w.call.path
	var (
		n           int
		count       int64 = -1 // the list's count; -1 while none was sent
		first, prev []rowID
		seen        = map[string]bool{}
		beyond      bool
	)
	for page := 1; ; page++ {
		if count >= 0 && int64(page) > count/int64(size)+1 {
			return n, nil
		}
		p := w.newPage()
		if err := c.getPage(ctx, w.call, w.extra, page, size, p); err != nil {
			return n, err
		}
		ids := identities(p, w.identity)
		if page == 2 && !c.paging.useRows() && repeatsFirstPage(first, ids) {
			// What a server that reads offset as a row offset answers to
			// offset=2 (or one that ignores offset): page 1 again. Ask for
			// page 2 by row offset to tell which.
			rp := w.newPage()
			if err := c.fetchAt(ctx, w.call, w.extra, offsetFor(2, size, true), size, rp); err != nil {
				return n, err
			}
			rids := identities(rp, w.identity)
			switch {
			case len(rids) > 0 && repeatsFirstPage(first, rids):
				return n, &ReplyError{Op: op, Err: errors.New("page 2 repeats page 1 whether offset is read as a page number or as a row offset: the API ignores the page offset")}
			case len(rids) == 0 && count > int64(n):
				// Nothing at row offset `size` while the count says
				// more: offset is a page number after all, and page 2
				// just holds rows like page 1's.
			default:
				c.paging.set(true)
				p, ids = rp, rids
			}
		}
		if t, ok := p.total(); ok {
			count = t
		}
		fetched := p.rows()
		keep := make([]json.RawMessage, 0, len(fetched))
		dups := 0
		for i, row := range fetched {
			if w.max > 0 && n+len(keep) >= w.max {
				break
			}
			if ids[i].strong && seen[ids[i].id] {
				dups++
				continue
			}
			if count >= 0 && int64(n+len(keep)) >= count {
				beyond = true
				break
			}
			if ids[i].strong {
				seen[ids[i].id] = true
			}
			keep = append(keep, row)
		}
		p.setRows(keep)
		if len(keep) > 0 || (page == 1 && w.firstEvenEmpty) {
			if err := w.page(p); err != nil {
				return n, err
			}
		}
		n += len(keep)
		if beyond {
			c.notify(fmt.Sprintf("the reply to %s holds more rows than its count (%d); the rows past the count are left out", op, count))
			return n, nil
		}
		switch {
		case w.max > 0 && n >= w.max, len(fetched) < size, count >= 0 && int64(n) >= count:
			return n, nil
		case dups == len(fetched):
			return n, &ReplyError{Op: op, Err: fmt.Errorf("page %d holds only rows already listed: the API does not seem to honour the page offset", page)}
		case count < 0 && page > 1 && sameIDs(ids, prev):
			return n, &ReplyError{Op: op, Err: fmt.Errorf("page %d repeats page %d: the API does not seem to honour the page offset", page, page-1)}
		}
		if page == 1 {
			first = ids
		}
		prev = ids
	}
}

// repeatsFirstPage reports whether page 2 repeats page 1 from near its
// start, as a server reading offset=2 as a row offset does: the two pages
// agree, shifted by less than half a page (rows added to the head of the
// list meanwhile, or a row offset that is not rounded to a page). Rows
// added meanwhile on a page-number server repeat page 1's tail instead,
// a shift of nearly a page, which is not this.
func repeatsFirstPage(first, second []rowID) bool {
	if len(first) == 0 || len(second) == 0 {
		return false
	}
	for shift := 0; shift < (len(first)+1)/2; shift++ {
		if shift < len(first) && agree(first[shift:], second) {
			return true
		}
		if shift > 0 && shift < len(second) && agree(first, second[shift:]) {
			return true
		}
	}
	return false
}

// agree reports whether a and b hold the same identities over their
// common length.
func agree(a, b []rowID) bool {
	m := min(len(a), len(b))
	for i := 0; i < m; i++ {
		if a[i].id != b[i].id {
			return false
		}
	}
	return m > 0
}

func sameIDs(a, b []rowID) bool {
	return len(a) == len(b) && (len(a) == 0 || agree(a, b))
}

// keyIdentity names a row by the value of key; a row without it is named
// by its bytes, which is no proof that two rows are one.
func keyIdentity(key string) func(json.RawMessage) (string, bool) {
	return func(raw json.RawMessage) (string, bool) {
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) == nil {
			if v := bytes.TrimSpace(obj[key]); len(v) > 0 && string(v) != "null" && string(v) != `""` {
				return "k" + string(v), true
			}
		}
		return "b" + string(bytes.TrimSpace(raw)), false
	}
}

// eachItem walks a paged list and calls fn for each item, in order; key
// names the field that identifies an item. It returns how many items fn
// received.
func (c *Client) eachItem(ctx context.Context, cl call, extra url.Values, key string, max int, fn func(json.RawMessage) error) (int, error) {
	return c.walk(ctx, walkSpec{
		call: cl, extra: extra, max: max,
		identity: keyIdentity(key),
		newPage:  func() pageReply { return &listPage{} },
		page: func(p pageReply) error {
			for _, it := range p.rows() {
				if err := fn(it); err != nil {
					return err
				}
			}
			return nil
		},
	})
}

// ResultsPage fetches one page of a run's result rows.
func (c *Client) ResultsPage(ctx context.Context, ref RunRef, page, limit int) (*ResultPage, error) {
	var out ResultPage
	if err := c.getPage(ctx, call{method: "GET", path: ref.base() + "/result"}, nil, page, limit, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// EachResultPage walks a run's result rows in order, page by page (100 a
// page, or max when smaller), calling fn once per page; the first page is
// always passed, even when empty, so that its headers are known. No more
// than max rows (when max > 0) and no more than count are delivered, each
// once. It returns the number of rows delivered.
func (c *Client) EachResultPage(ctx context.Context, ref RunRef, max int, fn func(p *ResultPage) error) (int, error) {
	return c.walk(ctx, walkSpec{
		call: call{method: "GET", path: ref.base() + "/result"}, max: max,
		identity:       keyIdentity(dataIDKey),
		newPage:        func() pageReply { return &ResultPage{} },
		firstEvenEmpty: true,
		page:           func(p pageReply) error { return fn(p.(*ResultPage)) },
	})
}
