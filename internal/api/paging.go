package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/coreclaw/coreclaw/internal/jsonobj"
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
// Page 1 of one row is offset=0, which is page 1 under every reading: a
// server that reads offset as a row offset (floor(offset/limit)+1) would
// take offset=1 for the second row, and one that sends no page_index could
// not tell us.
func offsetFor(page, limit int, rows bool) int {
	if rows || (page == 1 && limit == 1) {
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
	count, _, sure := jsonobj.Lookup(b, "count")
	if !sure {
		var page struct {
			Count json.RawMessage `json:"count"`
		}
		_ = json.Unmarshal(b, &page) // it decoded above
		count = page.Count
	}
	p.countSent = len(count) > 0 && string(count) != "null"
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
	// inFlight is how many pages may be fetched at once (see ahead);
	// 0 or 1 reads one page at a time.
	inFlight int
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

// rememberedRows is how many of the latest rows a walk remembers at least
// (twice as many at most), to deliver none of them twice.
const rememberedRows = 5000

// rowSet remembers the identities of the latest rows delivered, to
// deliver none of them twice. A row comes again when rows are added at the
// head of a list while it is read, which shifts it by as many rows as were
// added, a few, never thousands; a server that sends a page again whatever
// the offset is caught by the page checks. So the set forgets: it keeps
// two generations of rememberedRows and drops the older when the newer is
// full, and its memory (about 200 KiB at most) is the same for 10,000
// rows as for a million (target 4 of issue 11). It keeps a 64-bit hash of
// each id, under a seed drawn for the walk, rather than the id: a new row
// shares a hash with one of the remembered with odds of about 1 in 2·10¹⁵
// (10,000 / 2⁶⁴), and is then taken for a repeat.
type rowSet struct {
	seed          maphash.Seed
	recent, older map[uint64]struct{}
}

func newRowSet() rowSet {
	return rowSet{seed: maphash.MakeSeed(), recent: map[uint64]struct{}{}}
}

func (s *rowSet) has(id string) bool {
	h := maphash.String(s.seed, id)
	_, recent := s.recent[h]
	_, older := s.older[h]
	return recent || older
}

func (s *rowSet) add(id string) {
	if len(s.recent) >= rememberedRows {
		s.older, s.recent = s.recent, make(map[uint64]struct{}, rememberedRows)
	}
	s.recent[maphash.String(s.seed, id)] = struct{}{}
}

// fetchedPage is one page as it came, with its rows' identities.
type fetchedPage struct {
	reply pageReply
	ids   []rowID
}

// walker is the state of one walk: what was delivered so far, and what
// the pages said. Only the goroutine that consumes pages touches it.
type walker struct {
	c    *Client
	spec walkSpec
	size int
	op   string

	n           int
	count       int64 // the list's count; -1 while none was sent
	first, prev []rowID
	seen        rowSet
}

// walk reads a paged list from its first page (see the rules at the top)
// and returns how many rows it delivered. Pages 1 and 2 are read one at
// a time: they tell the total and how the server reads offset. When a
// total is known and spec.inFlight > 1, the later pages are fetched ahead
// (see ahead); otherwise one at a time.
func (c *Client) walk(ctx context.Context, w walkSpec) (int, error) {
	size := MaxPageSize
	if w.max > 0 && w.max < size {
		size = w.max
	}
	k := &walker{c: c, spec: w, size: size, op: w.call.method + " " + w.call.path, count: -1, seen: newRowSet()}
	for page := 1; ; page++ {
		if k.pastEnd(page) {
			return k.n, nil
		}
		if page > 2 && w.inFlight > 1 && k.count >= 0 {
			return k.n, k.ahead(ctx, page)
		}
		f, err := k.fetch(ctx, page)
		if err != nil {
			return k.n, err
		}
		if done, err := k.consume(page, f); done || err != nil {
			return k.n, err
		}
	}
}

// pastEnd reports a page that the count rules out: the walk never reads
// more than count/limit + 1 pages.
func (k *walker) pastEnd(page int) bool {
	return k.count >= 0 && int64(page) > k.count/int64(k.size)+1
}

// lastPage is the last page the rows still wanted fill, by the count and
// the caller's max; 0 when no count is known.
func (k *walker) lastPage() int {
	if k.count < 0 {
		return 0
	}
	want := k.count
	if k.spec.max > 0 && int64(k.spec.max) < want {
		want = int64(k.spec.max)
	}
	return int((want + int64(k.size) - 1) / int64(k.size))
}

// fetch reads one page. Page 2, read only after page 1 was consumed,
// also settles how the server reads offset when it sends no page_index.
func (k *walker) fetch(ctx context.Context, page int) (fetchedPage, error) {
	c, w, size := k.c, k.spec, k.size
	p := w.newPage()
	if err := c.getPage(ctx, w.call, w.extra, page, size, p); err != nil {
		return fetchedPage{}, err
	}
	ids := identities(p, w.identity)
	if page == 2 && !c.paging.useRows() && repeatsFirstPage(k.first, ids) {
		// What a server that reads offset as a row offset answers to
		// offset=2 (or one that ignores offset): page 1 again. Ask for
		// page 2 by row offset to tell which.
		rp := w.newPage()
		if err := c.fetchAt(ctx, w.call, w.extra, offsetFor(2, size, true), size, rp); err != nil {
			return fetchedPage{}, err
		}
		rids := identities(rp, w.identity)
		switch {
		case len(rids) > 0 && repeatsFirstPage(k.first, rids):
			return fetchedPage{}, &ReplyError{Op: k.op, Err: errors.New("page 2 repeats page 1 whether offset is read as a page number or as a row offset: the API ignores the page offset")}
		case len(rids) == 0 && k.count > int64(k.n):
			// Nothing at row offset `size` while the count says
			// more: offset is a page number after all, and page 2
			// just holds rows like page 1's.
		default:
			c.paging.set(true)
			p, ids = rp, rids
		}
	}
	return fetchedPage{reply: p, ids: ids}, nil
}

// consume applies the paging rules to the next page in order and delivers
// its new rows. It reports whether the walk is over.
func (k *walker) consume(page int, f fetchedPage) (bool, error) {
	w, p, ids := k.spec, f.reply, f.ids
	if t, ok := p.total(); ok {
		k.count = t
	}
	fetched := p.rows()
	keep := make([]json.RawMessage, 0, len(fetched))
	dups := 0
	beyond := false
	for i, row := range fetched {
		if w.max > 0 && k.n+len(keep) >= w.max {
			break
		}
		if ids[i].strong && k.seen.has(ids[i].id) {
			dups++
			continue
		}
		if k.count >= 0 && int64(k.n+len(keep)) >= k.count {
			beyond = true
			break
		}
		if ids[i].strong {
			k.seen.add(ids[i].id)
		}
		keep = append(keep, row)
	}
	p.setRows(keep)
	if len(keep) > 0 || (page == 1 && w.firstEvenEmpty) {
		if err := w.page(p); err != nil {
			return true, err
		}
	}
	k.n += len(keep)
	if beyond {
		k.c.notify(fmt.Sprintf("the reply to %s holds more rows than its count (%d); the rows past the count are left out", k.op, k.count))
		return true, nil
	}
	switch {
	case w.max > 0 && k.n >= w.max, len(fetched) < k.size, k.count >= 0 && int64(k.n) >= k.count:
		return true, nil
	case dups == len(fetched):
		return true, &ReplyError{Op: k.op, Err: fmt.Errorf("page %d holds only rows already listed: the API does not seem to honour the page offset", page)}
	case k.count < 0 && page > 1 && sameIDs(ids, k.prev):
		return true, &ReplyError{Op: k.op, Err: fmt.Errorf("page %d repeats page %d: the API does not seem to honour the page offset", page, page-1)}
	}
	if page == 1 {
		k.first = ids
	}
	k.prev = ids
	return false, nil
}

// fetchResult is what a page fetched ahead brings back.
type fetchResult struct {
	page fetchedPage
	err  error
}

// ahead reads the pages from `from` on with up to spec.inFlight of them
// requested at once (a window: pages asked for and not yet consumed), up
// to the last page the count and max call for. Pages are consumed
// strictly in order, with the same rules as one at a time, so rows are
// delivered in order and once; memory holds at most the window. A page
// that fails stops further requests and ends the walk with its error when
// its turn comes (the pages before it are delivered first, as one at a
// time would), and the pages after it are cancelled. Each
// retry (a 429, a 5xx, a network fault) halves the window, down to one
// page at a time, for the rest of the walk.
func (k *walker) ahead(ctx context.Context, from int) error {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()

	var (
		retries atomic.Int64
		failed  atomic.Bool // a page failed: ask for no more
	)
	cl := k.spec.call
	cl.retried = func() { retries.Add(1) }
	fetchOne := func(page int, out chan<- fetchResult) {
		defer wg.Done()
		p := k.spec.newPage()
		if err := k.c.getPage(ctx, cl, k.spec.extra, page, k.size, p); err != nil {
			failed.Store(true)
			out <- fetchResult{err: err}
			return
		}
		out <- fetchResult{page: fetchedPage{reply: p, ids: identities(p, k.spec.identity)}}
	}

	window, halvings := k.spec.inFlight, int64(0)
	var queue []chan fetchResult // one per page asked for, in page order
	next := from
	for page := from; ; page++ {
		for r := retries.Load(); halvings < r; halvings++ {
			window = max(1, window/2)
		}
		last := k.lastPage()
		if len(queue) == 0 && !k.pastEnd(next) {
			// Rows skipped as repeats can leave the count unmet at the
			// last page: one more, as one at a time would read.
			last = max(last, next)
		}
		for next <= last && len(queue) < window && !failed.Load() {
			out := make(chan fetchResult, 1)
			wg.Add(1)
			go fetchOne(next, out)
			queue = append(queue, out)
			next++
		}
		if len(queue) == 0 || k.pastEnd(page) {
			return nil
		}
		r := <-queue[0]
		queue = queue[1:]
		if r.err != nil {
			return r.err
		}
		if done, err := k.consume(page, r.page); done || err != nil {
			return err
		}
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
		// The quick reading first (a row is read for its id alone, on
		// every page); the decoder when it cannot tell.
		v, found, sure := jsonobj.Lookup(raw, key)
		if !sure {
			var obj map[string]json.RawMessage
			if json.Unmarshal(raw, &obj) == nil {
				v, found, sure = obj[key], true, true
			}
		}
		if v = bytes.TrimSpace(v); sure && found && len(v) > 0 && string(v) != "null" && string(v) != `""` {
			return "k" + string(v), true
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

// DefaultInFlight is how many result pages are fetched at once unless
// told otherwise; MaxInFlight is the most a caller may ask for.
const (
	DefaultInFlight = 4
	MaxInFlight     = 16
)

// EachResultPage walks a run's result rows in order, page by page (100 a
// page, or max when smaller), one page at a time; see FetchResults.
func (c *Client) EachResultPage(ctx context.Context, ref RunRef, max int, fn func(p *ResultPage) error) (int, error) {
	return c.FetchResults(ctx, ref, max, 1, fn)
}

// FetchResults walks a run's result rows in order, page by page (100 a
// page, or limit when smaller), calling fn once per page, in page order; the
// first page is always passed, even when empty, so that its headers are
// known. No more than limit rows (when limit > 0) and no more than count are
// delivered, each once. Once pages 1 and 2 have told the total and how the
// server reads offset, up to inFlight pages (1 to MaxInFlight) are fetched
// at once, and each retry halves that for the rest of the walk. It returns
// the number of rows delivered.
func (c *Client) FetchResults(ctx context.Context, ref RunRef, limit, inFlight int, fn func(p *ResultPage) error) (int, error) {
	return c.walk(ctx, walkSpec{
		call: call{method: "GET", path: ref.base() + "/result"}, max: limit,
		inFlight:       min(max(inFlight, 1), MaxInFlight),
		identity:       keyIdentity(dataIDKey),
		newPage:        func() pageReply { return &ResultPage{} },
		firstEvenEmpty: true,
		page:           func(p pageReply) error { return fn(p.(*ResultPage)) },
	})
}
