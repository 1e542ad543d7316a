package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/coreclaw/coreclaw/internal/fakeapi"
	"github.com/coreclaw/coreclaw/internal/memnet"
)

// The results walker fetching ahead: tests in a testing/synctest bubble on
// an in-memory network, where a page's 20 ms are the bubble's, so that the
// requests in flight and the time taken are exact.

// aheadServer serves rows 1..total (each with a data id) by page number,
// each reply after latency, and counts the requests in flight.
type aheadServer struct {
	latency time.Duration
	// count is the count a page reports; nil: total.
	count func(page int) int
	// fault, when it returns a handler, answers that request instead,
	// in half the latency.
	fault func(page, attempt int) http.HandlerFunc

	mu       sync.Mutex
	total    int
	inFlight int
	peak     int             // most requests in flight at once
	peaks    []int           // in flight as each request arrived
	pages    []int           // the page of each request, in arrival order
	attempts map[int]int     // requests per page
	times    []time.Duration // when each request arrived, from the first
	start    time.Time
}

func (s *aheadServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	page, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	page = max(page, 1)
	s.mu.Lock()
	if s.attempts == nil {
		s.attempts, s.start = map[int]int{}, time.Now()
	}
	s.attempts[page]++
	attempt := s.attempts[page]
	s.inFlight++
	s.peak = max(s.peak, s.inFlight)
	s.peaks = append(s.peaks, s.inFlight)
	s.pages = append(s.pages, page)
	s.times = append(s.times, time.Since(s.start))
	total := s.total
	count := total
	if s.count != nil {
		count = s.count(page)
	}
	var fault http.HandlerFunc
	if s.fault != nil {
		fault = s.fault(page, attempt)
	}
	s.mu.Unlock()
	// Out of flight once the reply is ready, before it is written: a
	// client that has the reply never finds its request still counted.
	// A fault comes back in half the time of a page.
	wait := s.latency
	if fault != nil {
		wait /= 2
	}
	select {
	case <-time.After(wait):
	case <-r.Context().Done():
	}
	s.mu.Lock()
	s.inFlight--
	s.mu.Unlock()
	if r.Context().Err() != nil {
		return
	}
	if fault != nil {
		fault(w, r)
		return
	}
	var rows []string
	for i := (page-1)*limit + 1; i <= min(page*limit, total); i++ {
		rows = append(rows, fmt.Sprintf(`{"__coreclaw_data_id__":"d%d","n":%d}`, i, i))
	}
	ok(fmt.Sprintf(`{"count":%d,"headers":[{"key":"n"}],"list":[%s]}`, count, strings.Join(rows, ",")))(w, r)
}

func (s *aheadServer) requested() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int(nil), s.pages...)
}

// aheadResult is what one walk delivered.
type aheadResult struct {
	ns      []int
	n       int
	err     error
	elapsed time.Duration
	notices []string
}

// walkAhead walks a run's results on s with inFlight pages at once, in a
// bubble of its own (call it from inside synctest.Test).
func walkAhead(t *testing.T, s *aheadServer, limit, inFlight int) aheadResult {
	t.Helper()
	nw := memnet.New()
	ts := newMemTestServer(t, nw, s.ServeHTTP)
	h := newHarness(t, ts.URL, memTransport(nw))
	var res aheadResult
	start := time.Now()
	res.n, res.err = h.client.FetchResults(context.Background(), RunRef{Slug: "r"}, limit, inFlight, func(p *ResultPage) error {
		for _, raw := range p.List {
			var row struct{ N int }
			if err := json.Unmarshal(raw, &row); err != nil {
				return err
			}
			res.ns = append(res.ns, row.N)
		}
		return nil
	})
	res.elapsed = time.Since(start)
	res.notices = *h.notices
	return res
}

// Every row once and in order; never more than N requests in flight; the
// time is what N at once gives: pages 1 and 2 one at a time, then rounds
// of N. 2,050 rows are 21 pages: 1 and 2, then 19 in rounds of 4 (5
// rounds), 7 × 20 ms; one at a time, 21 × 20 ms.
func TestFetchAheadInOrderOnceAndWindowed(t *testing.T) {
	tests := []struct {
		inFlight int
		peak     int
		elapsed  time.Duration
	}{
		{1, 1, 21 * 20 * time.Millisecond},
		{2, 2, (2 + 10) * 20 * time.Millisecond},
		{4, 4, (2 + 5) * 20 * time.Millisecond},
		{16, 16, (2 + 2) * 20 * time.Millisecond},
		{99, 16, (2 + 2) * 20 * time.Millisecond}, // capped at MaxInFlight
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("in flight %d", tt.inFlight), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := &aheadServer{total: 2050, latency: 20 * time.Millisecond}
				res := walkAhead(t, s, 0, tt.inFlight)
				if res.err != nil || res.n != 2050 || !reflect.DeepEqual(res.ns, seq(1, 2050)) {
					t.Fatalf("%d rows, err %v", res.n, res.err)
				}
				if s.peak != tt.peak {
					t.Errorf("%d requests in flight at most, want %d", s.peak, tt.peak)
				}
				if res.elapsed != tt.elapsed {
					t.Errorf("took %s, want %s", res.elapsed, tt.elapsed)
				}
				got := s.requested()
				if !reflect.DeepEqual(got[:2], []int{1, 2}) || s.peaks[0] != 1 || s.peaks[1] != 1 {
					t.Errorf("pages 1 and 2 not alone first: %v (in flight %v)", got, s.peaks)
				}
				sort.Ints(got)
				if !reflect.DeepEqual(got, seq(1, 21)) {
					t.Errorf("pages requested %v, want each of 1..21 once", got)
				}
			})
		})
	}
}

// --limit across pages: the last page only partly, no page past it.
func TestFetchAheadLimit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &aheadServer{total: 2050, latency: 20 * time.Millisecond}
		res := walkAhead(t, s, 1234, 4)
		if res.err != nil || res.n != 1234 || !reflect.DeepEqual(res.ns, seq(1, 1234)) {
			t.Fatalf("%d rows, err %v", res.n, res.err)
		}
		got := s.requested()
		sort.Ints(got)
		if !reflect.DeepEqual(got, seq(1, 13)) {
			t.Errorf("pages requested %v, want 1..13", got)
		}
	})
}

// A 429 halves the pages in flight for the rest of the walk: 4, then 2
// after page 5's 429; nothing is lost or doubled.
func TestFetchAheadHalvesAfterRateLimit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &aheadServer{total: 2050, latency: 20 * time.Millisecond}
		s.fault = func(page, attempt int) http.HandlerFunc {
			if page == 5 && attempt == 1 {
				return fail(429, 13000, "too many requests", "Retry-After", "1")
			}
			return nil
		}
		res := walkAhead(t, s, 0, 4)
		if res.err != nil || !reflect.DeepEqual(res.ns, seq(1, 2050)) {
			t.Fatalf("%d rows, err %v", res.n, res.err)
		}
		if want := []string{"retrying GET /api/v2/worker-runs/r/result in 1s: rate limited (HTTP 429) (attempt 2 of 5)"}; !reflect.DeepEqual(res.notices, want) {
			t.Errorf("notices %q", res.notices)
		}
		// Pages 3-6 went out together; pages 7 on were asked for after
		// the 429, and each found at most 2 in flight.
		for i, p := range s.pages {
			if p >= 7 && s.peaks[i] > 2 {
				t.Errorf("page %d found %d in flight after the 429 (pages %v, in flight %v)", p, s.peaks[i], s.pages, s.peaks)
			}
		}
		if s.peak != 4 {
			t.Errorf("%d in flight at most before the 429, want 4", s.peak)
		}
		if got := len(s.requested()); got != 22 {
			t.Errorf("%d requests, want 21 pages and one retry", got)
		}
	})
}

func countOf(s []int, v int) int {
	n := 0
	for _, x := range s {
		if x == v {
			n++
		}
	}
	return n
}

func maxOf(s []int) int {
	m := 0
	for _, x := range s {
		m = max(m, x)
	}
	return m
}

// A page that fails ends the walk with its error, once: the pages before
// it are delivered, in order; the pages after it are cancelled and none is
// asked for once the failure is known.
func TestFetchAheadFailedPage(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &aheadServer{total: 2050, latency: 20 * time.Millisecond}
		s.fault = func(page, attempt int) http.HandlerFunc {
			if page == 6 {
				return fail(400, 10001, "bad page")
			}
			return nil
		}
		res := walkAhead(t, s, 0, 4)
		var apiErr *Error
		if !errors.As(res.err, &apiErr) || apiErr.HTTPStatus != 400 {
			t.Fatalf("error %v", res.err)
		}
		if res.n != 500 || !reflect.DeepEqual(res.ns, seq(1, 500)) {
			t.Errorf("%d rows delivered, want pages 1-5", res.n)
		}
		// Pages 3-6 went out together; page 6 failed first, and then no
		// page was asked for.
		got := s.requested()
		sort.Ints(got)
		if !reflect.DeepEqual(got, seq(1, 6)) {
			t.Errorf("pages requested %v, want 1..6", got)
		}
	})
}

// The total may change during the walk: the pages asked for follow the
// latest count.
func TestFetchAheadCountChanges(t *testing.T) {
	for _, tt := range []struct {
		name        string
		from, to    int
		rows, pages int
	}{
		{"grows", 500, 700, 700, 7},
		{"shrinks", 900, 500, 500, 9},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := &aheadServer{total: 900, latency: 20 * time.Millisecond}
				s.count = func(page int) int {
					if page <= 2 {
						return tt.from
					}
					return tt.to
				}
				res := walkAhead(t, s, 0, 4)
				if res.err != nil || !reflect.DeepEqual(res.ns, seq(1, tt.rows)) {
					t.Fatalf("%d rows, err %v", res.n, res.err)
				}
				if got := len(s.requested()); got > tt.pages {
					t.Errorf("%d requests, want at most %d", got, tt.pages)
				}
			})
		})
	}
}

// The paging checks of issue 6 against the fake API's hostile variants,
// four pages at a time: the same rows, errors and notices as one at a
// time. Pages past the end may be asked for ahead (the short page is not
// known to be short until it arrives); no more than the window allows.
func TestFetchAheadHostileServers(t *testing.T) {
	tests := []struct {
		name    string
		variant fakeapi.Variants
		rows    int
		want    int
		err     string
		notice  string
	}{
		{"row offsets without page_index", fakeapi.Variants{RowOffsetPaging: true, NoPageIndex: true}, 750, 750, "", ""},
		{"row offsets with page_index", fakeapi.Variants{RowOffsetPaging: true}, 750, 750, "", ""},
		{"row offsets without page_index, count too large", fakeapi.Variants{RowOffsetPaging: true, NoPageIndex: true, Count: "over"}, 750, 750, "", ""},
		{"count too large", fakeapi.Variants{Count: "over"}, 750, 750, "", ""},
		{"no count: one at a time to the short page", fakeapi.Variants{Count: "off"}, 750, 750, "", ""},
		{"offset ignored, with page_index", fakeapi.Variants{IgnoreOffset: true}, 750, 100,
			"asked for page 2, the API answered page_index 1 to offset=2 and 1 to offset=100: it does not honour the page offset", ""},
		{"offset ignored, without page_index", fakeapi.Variants{IgnoreOffset: true, NoPageIndex: true}, 750, 100,
			"page 2 repeats page 1 whether offset is read as a page number or as a row offset: the API ignores the page offset", ""},
		{"count 0 with full pages", fakeapi.Variants{Count: "zero"}, 750, 0, "",
			"the reply to GET /api/v2/worker-runs/01KFAKER000000000000000001/result holds more rows than its count (0); the rows past the count are left out"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, slug := startFake(t, tt.variant, tt.rows)
			var mu sync.Mutex
			var notices []string
			c, err := New(Options{BaseURL: srv.URL, APIKey: srv.APIKey(), Retry: NoRetries(), Sleep: newClock().Sleep,
				Notify: func(s string) { mu.Lock(); notices = append(notices, s); mu.Unlock() }})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			var ns []int
			n, err := c.FetchResults(ctx, RunRef{Slug: slug}, 0, 4, func(p *ResultPage) error {
				for _, raw := range p.List {
					var row struct{ N int }
					json.Unmarshal(raw, &row)
					ns = append(ns, row.N)
				}
				return nil
			})
			if ctx.Err() != nil {
				t.Fatal("the walk did not end")
			}
			if tt.err == "" && err != nil {
				t.Fatalf("error %v", err)
			}
			if tt.err != "" && (err == nil || !strings.HasSuffix(err.Error(), tt.err)) {
				t.Fatalf("error %v, want one ending %q", err, tt.err)
			}
			if n != tt.want || !reflect.DeepEqual(ns, seq(1, tt.want)) {
				t.Errorf("%d rows %v, want 1..%d in order", n, ns, tt.want)
			}
			var wantNotices []string
			if tt.notice != "" {
				wantNotices = []string{tt.notice}
			}
			if !reflect.DeepEqual(notices, wantNotices) {
				t.Errorf("notices %q, want %q", notices, wantNotices)
			}
			// Each page asked for once (twice under the other reading of
			// offset), and never more than the rows call for plus the
			// window.
			seenQ := map[string]int{}
			for _, q := range queries(srv) {
				seenQ[q]++
				if seenQ[q] > 1 {
					t.Errorf("%s asked for twice: %q", q, queries(srv))
				}
			}
			if got, most := len(queries(srv)), tt.want/100+2+4; got > most {
				t.Errorf("%d requests, want at most %d: %q", got, most, queries(srv))
			}
		})
	}
}
