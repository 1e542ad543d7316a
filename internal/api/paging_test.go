package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coreclaw/coreclaw/internal/fakeapi"
)

var loadSpec = sync.OnceValues(func() (*fakeapi.Spec, error) {
	return fakeapi.DefaultSpec(os.LookupEnv)
})

// startFake starts the fake API with a finished run of the "big" Worker
// holding rows plain rows ({"n":1,"title":"Item 1",...}).
func startFake(t *testing.T, v fakeapi.Variants, rows int) (*fakeapi.Server, string) {
	t.Helper()
	spec, err := loadSpec()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := fakeapi.Start(fakeapi.Options{Spec: spec})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Close()
		if v := srv.Violations(); len(v) > 0 {
			t.Errorf("openapi.json violations:\n%s", strings.Join(v, "\n"))
		}
	})
	srv.SetVariants(v)
	slug, err := srv.AddRun("fake/big", "succeeded", rows)
	if err != nil {
		t.Fatal(err)
	}
	srv.ResetRequests()
	return srv, slug
}

func fakeClient(t *testing.T, srv *fakeapi.Server) *Client {
	t.Helper()
	c, err := New(Options{BaseURL: srv.URL, APIKey: srv.APIKey(), Retry: NoRetries(), Sleep: newClock().Sleep})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

type walk struct {
	pages   []int // rows per page delivered
	ns      []int // the "n" of every row, in order
	headers []Header
	total   int
}

func walkResults(t *testing.T, c *Client, ref RunRef, max int) (walk, error) {
	t.Helper()
	var w walk
	n, err := c.EachResultPage(context.Background(), ref, max, func(p *ResultPage) error {
		if w.pages == nil {
			w.headers = p.Headers
		}
		w.pages = append(w.pages, len(p.List))
		for _, raw := range p.List {
			var row struct{ N int }
			if err := json.Unmarshal(raw, &row); err != nil {
				return err
			}
			w.ns = append(w.ns, row.N)
		}
		return nil
	})
	w.total = n
	return w, err
}

func seq(from, to int) []int {
	var s []int
	for i := from; i <= to; i++ {
		s = append(s, i)
	}
	return s
}

func queries(srv *fakeapi.Server) []string {
	var out []string
	for _, r := range srv.Requests() {
		out = append(out, r.Query)
	}
	return out
}

func TestEachResultPage(t *testing.T) {
	tests := []struct {
		name    string
		variant fakeapi.Variants
		rows    int
		max     int
		pages   []int
		queries []string
	}{
		{"three pages, short last page", fakeapi.Variants{}, 250, 0, []int{100, 100, 50},
			[]string{"limit=100&offset=1", "limit=100&offset=2", "limit=100&offset=3"}},
		{"stops when count is reached", fakeapi.Variants{}, 200, 0, []int{100, 100},
			[]string{"limit=100&offset=1", "limit=100&offset=2"}},
		{"empty first page is still delivered", fakeapi.Variants{}, 0, 0, []int{0},
			[]string{"limit=100&offset=1"}},
		{"max cut mid-page", fakeapi.Variants{}, 250, 150, []int{100, 50},
			[]string{"limit=100&offset=1", "limit=100&offset=2"}},
		{"max below a page asks for smaller pages", fakeapi.Variants{}, 250, 30, []int{30},
			[]string{"limit=30&offset=1"}},
		{"max of exactly a page", fakeapi.Variants{}, 250, 100, []int{100},
			[]string{"limit=100&offset=1"}},
		{"max above count", fakeapi.Variants{}, 100, 250, []int{100},
			[]string{"limit=100&offset=1"}},
		{"one row", fakeapi.Variants{}, 1, 0, []int{1},
			[]string{"limit=100&offset=1"}},
		{"no page_index: short page ends it", fakeapi.Variants{NoPageIndex: true}, 150, 0, []int{100, 50},
			[]string{"limit=100&offset=1", "limit=100&offset=2"}},
		{"old row-offset server: detected on page 2, every row once", fakeapi.Variants{RowOffsetPaging: true}, 250, 0, []int{100, 100, 50},
			[]string{"limit=100&offset=1", "limit=100&offset=2", "limit=100&offset=100", "limit=100&offset=200"}},
		{"old row-offset server, one page", fakeapi.Variants{RowOffsetPaging: true}, 80, 0, []int{80},
			[]string{"limit=100&offset=1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, slug := startFake(t, tt.variant, tt.rows)
			w, err := walkResults(t, fakeClient(t, srv), RunRef{Slug: slug}, tt.max)
			if err != nil {
				t.Fatal(err)
			}
			want := tt.rows
			if tt.max > 0 && tt.max < want {
				want = tt.max
			}
			if w.total != want || !reflect.DeepEqual(w.ns, seq(1, want)) {
				t.Errorf("got %d rows %v, want rows 1..%d in order", w.total, w.ns, want)
			}
			if !reflect.DeepEqual(w.pages, tt.pages) {
				t.Errorf("pages %v, want %v", w.pages, tt.pages)
			}
			if got := queries(srv); !reflect.DeepEqual(got, tt.queries) {
				t.Errorf("queries %q, want %q", got, tt.queries)
			}
			if want := []Header{{Key: "n", Label: "N"}, {Key: "title", Label: "Title"}}; !reflect.DeepEqual(w.headers, want) {
				t.Errorf("headers %+v", w.headers)
			}
			for _, r := range srv.Requests() {
				if r.Method != "GET" || r.Path != "/api/v2/worker-runs/"+slug+"/result" {
					t.Errorf("request %s", r.Line(false))
				}
			}
		})
	}
}

// Once a client has seen the old row-offset server it keeps using row
// offsets, page 1 included.
func TestRowOffsetModeIsRemembered(t *testing.T) {
	srv, slug := startFake(t, fakeapi.Variants{RowOffsetPaging: true}, 250)
	c := fakeClient(t, srv)
	if _, err := walkResults(t, c, RunRef{Slug: slug}, 0); err != nil {
		t.Fatal(err)
	}
	srv.ResetRequests()
	w, err := walkResults(t, c, RunRef{Slug: slug}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(w.ns, seq(1, 250)) {
		t.Errorf("second walk: rows %v", w.ns)
	}
	if got, want := queries(srv), []string{"limit=100&offset=0", "limit=100&offset=100", "limit=100&offset=200"}; !reflect.DeepEqual(got, want) {
		t.Errorf("queries %q, want %q", got, want)
	}
}

// With limit 1, offset=1 is row 2 to the old server: page 1 is asked for
// as offset=0, page 1 under every reading; page 2's page_index gives the
// old server away.
func TestResultsPageLimitOneOnTheOldServer(t *testing.T) {
	srv, slug := startFake(t, fakeapi.Variants{RowOffsetPaging: true}, 5)
	c := fakeClient(t, srv)
	var got []int
	for page := 1; page <= 3; page++ {
		p, err := c.ResultsPage(context.Background(), RunRef{Slug: slug}, page, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.List) != 1 || p.PageIndex == nil || int(*p.PageIndex) != page || p.Count != 5 {
			t.Fatalf("page %d: %+v", page, p)
		}
		var row struct{ N int }
		json.Unmarshal(p.List[0], &row)
		got = append(got, row.N)
	}
	if !reflect.DeepEqual(got, []int{1, 2, 3}) {
		t.Errorf("rows %v", got)
	}
	if q, want := queries(srv), []string{"limit=1&offset=0", "limit=1&offset=2", "limit=1&offset=1", "limit=1&offset=2"}; !reflect.DeepEqual(q, want) {
		t.Errorf("queries %q, want %q", q, want)
	}
}

func TestResultsOfLastRuns(t *testing.T) {
	srv, _ := startFake(t, fakeapi.Variants{}, 3)
	c := fakeClient(t, srv)
	for _, ref := range []RunRef{{Last: true}, {Last: true, Worker: "fake~big"}} {
		w, err := walkResults(t, c, ref, 0)
		if err != nil || !reflect.DeepEqual(w.ns, []int{1, 2, 3}) {
			t.Errorf("%s: %v %v", ref, w.ns, err)
		}
	}
	want := []string{"GET /api/v2/worker-runs/last/result?limit=100&offset=1", "GET /api/v2/workers/fake~big/runs/last/result?limit=100&offset=1"}
	var got []string
	for _, r := range srv.Requests() {
		got = append(got, r.Line(false))
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("requests %q", got)
	}
}

// pagesHandler serves rows 1..total in pages, as a server that sends count
// (or not) and honours offset as a page number.
func pagesHandler(total int, sendCount bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		page, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		var rows []string
		for i := (page-1)*limit + 1; i <= min(page*limit, total); i++ {
			rows = append(rows, fmt.Sprintf(`{"n":%d}`, i))
		}
		count := ""
		if sendCount {
			count = fmt.Sprintf(`"count":%d,`, total)
		}
		ok(fmt.Sprintf(`{%s"headers":[{"key":"n"}],"list":[%s]}`, count, strings.Join(rows, ",")))(w, r)
	}
}

func TestEachResultPageWithoutCount(t *testing.T) {
	ts := newTestServer(t, pagesHandler(200, false))
	h := newHarness(t, ts.URL)
	w, err := walkResults(t, h.client, RunRef{Slug: "r"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Without count, only the empty third page says it is over; it is not
	// passed on.
	if w.total != 200 || !reflect.DeepEqual(w.pages, []int{100, 100}) || ts.count() != 3 {
		t.Errorf("total %d, pages %v, %d requests", w.total, w.pages, ts.count())
	}
}

func TestEachResultPageErrors(t *testing.T) {
	t.Run("the callback's error stops it", func(t *testing.T) {
		ts := newTestServer(t, pagesHandler(300, true))
		h := newHarness(t, ts.URL)
		stop := errors.New("stop")
		calls := 0
		n, err := h.client.EachResultPage(context.Background(), RunRef{Slug: "r"}, 0, func(p *ResultPage) error {
			calls++
			if calls == 2 {
				return stop
			}
			return nil
		})
		if !errors.Is(err, stop) || n != 100 || ts.count() != 2 {
			t.Errorf("n %d, err %v, %d requests", n, err, ts.count())
		}
	})
	t.Run("a failing page stops it", func(t *testing.T) {
		ts := newTestServer(t, pagesHandler(300, true), fail(404, 70001, "run record does not exist"))
		h := newHarness(t, ts.URL)
		w, err := walkResults(t, h.client, RunRef{Slug: "r"}, 0)
		var apiErr *Error
		if !errors.As(err, &apiErr) || apiErr.Code != 70001 || w.total != 100 || !reflect.DeepEqual(w.pages, []int{100}) {
			t.Errorf("walk %+v, err %v", w, err)
		}
	})
	t.Run("a page that fails and is retried is not duplicated", func(t *testing.T) {
		good := pagesHandler(250, true)
		ts := newTestServer(t, good, fail(503, 10000, "internal server error"), good)
		h := newHarness(t, ts.URL)
		w, err := walkResults(t, h.client, RunRef{Slug: "r"}, 0)
		if err != nil || !reflect.DeepEqual(w.ns, seq(1, 250)) || ts.count() != 4 {
			t.Errorf("rows %v, err %v, %d requests", w.ns, err, ts.count())
		}
	})
}

// walkBounded walks a run's results with a deadline, so that a walk that
// would loop fails the test instead of hanging it.
func walkBounded(t *testing.T, c *Client, ref RunRef, max int) (walk, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var w walk
	n, err := c.EachResultPage(ctx, ref, max, func(p *ResultPage) error {
		w.pages = append(w.pages, len(p.List))
		for _, raw := range p.List {
			var row struct{ N int }
			if err := json.Unmarshal(raw, &row); err != nil {
				return err
			}
			w.ns = append(w.ns, row.N)
		}
		return nil
	})
	w.total = n
	if ctx.Err() != nil {
		t.Fatalf("the walk did not end: %d rows, %v", n, err)
	}
	return w, err
}

// Servers that page badly: every row once and in order, or an error; never
// a loop, never a row twice (item: "Paging: never a row twice, never
// forever").
func TestEachResultPageHostileServers(t *testing.T) {
	q := func(offsets ...int) []string {
		var out []string
		for _, o := range offsets {
			out = append(out, fmt.Sprintf("limit=100&offset=%d", o))
		}
		return out
	}
	tests := []struct {
		name    string
		variant fakeapi.Variants
		rows    int
		want    int // rows 1..want, in order
		queries []string
		err     string
		notice  string
	}{
		{"row offsets without page_index: page 2 repeats page 1, read by row offsets",
			fakeapi.Variants{RowOffsetPaging: true, NoPageIndex: true}, 250, 250, q(1, 2, 100, 200), "", ""},
		{"row offsets without page_index or count: ends at the empty row page",
			fakeapi.Variants{RowOffsetPaging: true, NoPageIndex: true, Count: "off"}, 100, 100, q(1, 2, 100), "", ""},
		{"row offsets without page_index, count too large: ends at the short page",
			fakeapi.Variants{RowOffsetPaging: true, NoPageIndex: true, Count: "over"}, 150, 150, q(1, 2, 100), "", ""},
		{"offset ignored, with page_index: an error after both readings",
			fakeapi.Variants{IgnoreOffset: true}, 250, 100, q(1, 2, 100),
			"unexpected reply to GET /api/v2/worker-runs/01KFAKER000000000000000001/result: asked for page 2, the API answered page_index 1 to offset=2 and 1 to offset=100: it does not honour the page offset", ""},
		{"offset ignored, without page_index: an error after both readings",
			fakeapi.Variants{IgnoreOffset: true, NoPageIndex: true}, 250, 100, q(1, 2, 100),
			"unexpected reply to GET /api/v2/worker-runs/01KFAKER000000000000000001/result: page 2 repeats page 1 whether offset is read as a page number or as a row offset: the API ignores the page offset", ""},
		{"offset ignored, no page_index, no count: an error, not a loop",
			fakeapi.Variants{IgnoreOffset: true, NoPageIndex: true, Count: "off"}, 250, 100, q(1, 2, 100),
			"page 2 repeats page 1 whether offset is read as a page number or as a row offset", ""},
		{"offset ignored, count too large: an error, not 350 rows",
			fakeapi.Variants{IgnoreOffset: true, NoPageIndex: true, Count: "over"}, 250, 100, q(1, 2, 100),
			"the API ignores the page offset", ""},
		{"count 0 with full pages: one page, nothing past the count",
			fakeapi.Variants{Count: "zero"}, 250, 0, q(1), "",
			"the reply to GET /api/v2/worker-runs/01KFAKER000000000000000001/result holds more rows than its count (0); the rows past the count are left out"},
		{"count 0, offset ignored, no page_index: one page, no loop",
			fakeapi.Variants{Count: "zero", IgnoreOffset: true, NoPageIndex: true}, 250, 0, q(1), "",
			"the reply to GET /api/v2/worker-runs/01KFAKER000000000000000001/result holds more rows than its count (0); the rows past the count are left out"},
		{"count larger than the rows: the short page ends it",
			fakeapi.Variants{Count: "over"}, 250, 250, q(1, 2, 3), "", ""},
		{"no count: the short page ends it",
			fakeapi.Variants{Count: "off"}, 250, 250, q(1, 2, 3), "", ""},
		{"no count, a full last page: the empty page ends it",
			fakeapi.Variants{Count: "off"}, 200, 200, q(1, 2, 3), "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, slug := startFake(t, tt.variant, tt.rows)
			var notices []string
			c, err := New(Options{BaseURL: srv.URL, APIKey: srv.APIKey(), Retry: NoRetries(), Sleep: newClock().Sleep,
				Notify: func(s string) { notices = append(notices, s) }})
			if err != nil {
				t.Fatal(err)
			}
			w, err := walkBounded(t, c, RunRef{Slug: slug}, 0)
			if tt.err == "" && err != nil {
				t.Fatalf("error %v", err)
			}
			if tt.err != "" {
				var re *ReplyError
				if !errors.As(err, &re) || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want a ReplyError with %q", err, tt.err)
				}
			}
			if w.total != tt.want || !reflect.DeepEqual(w.ns, seq(1, tt.want)) {
				t.Errorf("got %d rows %v, want rows 1..%d in order", w.total, w.ns, tt.want)
			}
			if got := queries(srv); !reflect.DeepEqual(got, tt.queries) {
				t.Errorf("queries %q, want %q", got, tt.queries)
			}
			var wantNotices []string
			if tt.notice != "" {
				wantNotices = []string{tt.notice}
			}
			if !reflect.DeepEqual(notices, wantNotices) {
				t.Errorf("notices %q, want %q", notices, wantNotices)
			}
		})
	}
}

// rowsHandler serves rows[offset-1 page] with count, reading offset as a
// page number; rows are given as JSON.
func rowsHandler(rows []string, count string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		page, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		page = max(page, 1)
		from, to := min((page-1)*limit, len(rows)), min(page*limit, len(rows))
		ok(fmt.Sprintf(`{%s"headers":[{"key":"v"}],"list":[%s]}`, count, strings.Join(rows[from:to], ",")))(w, r)
	}
}

// A page-number server whose rows are all alike (no data id): page 2
// looks like page 1, the row reading finds nothing while count says more,
// so the page reading stands and every row is printed.
func TestEachResultPageRowsAlike(t *testing.T) {
	rows := make([]string, 250)
	for i := range rows {
		rows[i] = `{"v":1}`
	}
	ts := newTestServer(t, rowsHandler(rows, `"count":250,`))
	h := newHarness(t, ts.URL)
	n, err := h.client.EachResultPage(context.Background(), RunRef{Slug: "r"}, 0, func(*ResultPage) error { return nil })
	if err != nil || n != 250 {
		t.Fatalf("n %d, err %v", n, err)
	}
	var got []string
	for _, r := range ts.requests() {
		got = append(got, r.URI)
	}
	want := []string{
		"/api/v2/worker-runs/r/result?limit=100&offset=1",
		"/api/v2/worker-runs/r/result?limit=100&offset=2",
		"/api/v2/worker-runs/r/result?limit=100&offset=100",
		"/api/v2/worker-runs/r/result?limit=100&offset=3",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("requests %q", got)
	}
	if h.client.paging.useRows() {
		t.Error("switched to row offsets")
	}
}

// Rows added at the head of a list between two requests push page 1's
// last rows onto page 2: a row with an id is never delivered twice.
func TestEachItemSkipsRowsAlreadyListed(t *testing.T) {
	slugs := func(from, to int) []string {
		var out []string
		for i := from; i <= to; i++ {
			out = append(out, fmt.Sprintf(`{"slug":"r%03d"}`, i))
		}
		return out
	}
	// Page 1: r001..r100; then two runs are added at the head, so page
	// 2 is r099..r150 (the list is 152 long now).
	ts := newTestServer(t,
		ok(`{"count":150,"list":[`+strings.Join(slugs(1, 100), ",")+`]}`),
		ok(`{"count":152,"list":[`+strings.Join(slugs(99, 150), ",")+`]}`))
	h := newHarness(t, ts.URL)
	var got []string
	n, err := h.client.eachItem(context.Background(), call{method: "GET", path: "/api/v2/worker-runs"}, nil, "slug", 0, func(raw json.RawMessage) error {
		var r struct{ Slug string }
		json.Unmarshal(raw, &r)
		got = append(got, r.Slug)
		return nil
	})
	if err != nil || n != 150 || ts.count() != 2 {
		t.Fatalf("n %d, err %v, %d requests", n, err, ts.count())
	}
	seen := map[string]bool{}
	for i, s := range got {
		if seen[s] || s != fmt.Sprintf("r%03d", i+1) {
			t.Fatalf("row %d is %s (rows %v)", i, s, got)
		}
		seen[s] = true
	}
}

// A server whose pages overlap by half (each page brings 50 new rows) is
// read for count/limit + 1 pages at most: 3 here, never a fourth.
func TestEachResultPageBoundedByCount(t *testing.T) {
	var mu sync.Mutex
	page := 0
	overlapping := func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		page++
		var rows []string
		for i := 50*(page-1) + 1; i <= 50*(page-1)+100; i++ {
			rows = append(rows, fmt.Sprintf(`{"__coreclaw_data_id__":"d%d","n":%d}`, i, i))
		}
		mu.Unlock()
		ok(`{"count":250,"headers":[{"key":"n"}],"list":[`+strings.Join(rows, ",")+`]}`)(w, r)
	}
	ts := newTestServer(t, overlapping)
	h := newHarness(t, ts.URL)
	w, err := walkBounded(t, h.client, RunRef{Slug: "r"}, 0)
	if err != nil || !reflect.DeepEqual(w.ns, seq(1, 200)) || ts.count() != 3 {
		t.Fatalf("rows %v, err %v, %d requests", w.ns, err, ts.count())
	}
}

// A page that holds only rows already listed (a server cycling through
// its pages) ends the walk with an error.
func TestEachItemStopsWhenNoPageAdvances(t *testing.T) {
	page := func(from int) http.HandlerFunc {
		var rows []string
		for i := from; i < from+100; i++ {
			rows = append(rows, fmt.Sprintf(`{"slug":"w%03d"}`, i))
		}
		return ok(`{"scraper":[` + strings.Join(rows, ",") + `]}`)
	}
	// Pages 1, 2, then page 1 again for ever.
	ts := newTestServer(t, page(0), page(100), page(0))
	h := newHarness(t, ts.URL)
	n, err := h.client.EachStoreWorker(context.Background(), "", 0, func(json.RawMessage) error { return nil })
	if n != 200 || err == nil || err.Error() != "unexpected reply to GET /api/v2/store: page 3 holds only rows already listed: the API does not seem to honour the page offset" || ts.count() != 3 {
		t.Fatalf("n %d, err %v, %d requests", n, err, ts.count())
	}
}

// A page without its list is an unexpected reply, not an empty page.
func TestPageWithoutList(t *testing.T) {
	for _, data := range []string{`{"count":3}`, `{}`, `null`} {
		ts := newTestServer(t, ok(data))
		h := newHarness(t, ts.URL)
		_, err := h.client.EachResultPage(context.Background(), RunRef{Slug: "r"}, 0, func(*ResultPage) error { return nil })
		var re *ReplyError
		if !errors.As(err, &re) || err.Error() != "unexpected reply to GET /api/v2/worker-runs/r/result: no list in the reply" {
			t.Errorf("%s: %v", data, err)
		}
	}
	// An empty list may be left out when count says it is empty.
	ts := newTestServer(t, ok(`{"count":0}`))
	h := newHarness(t, ts.URL)
	if n, err := h.client.EachRun(context.Background(), RunFilter{}, 0, func(json.RawMessage) error { return nil }); n != 0 || err != nil {
		t.Errorf("count 0 without list: %d, %v", n, err)
	}
}

// The set of delivered rows remembers at least the latest rememberedRows
// and forgets what is older than twice that, so that its size does not
// grow with the walk.
func TestRowSetRemembersTheLatestRows(t *testing.T) {
	s := newRowSet()
	id := func(i int) string { return fmt.Sprintf("k%d", i) }
	const added = 3*rememberedRows + 7
	for i := 0; i < added; i++ {
		if s.has(id(i)) {
			t.Fatalf("row %d is taken for a repeat before it was added", i)
		}
		s.add(id(i))
	}
	for i := added - rememberedRows; i < added; i++ {
		if !s.has(id(i)) {
			t.Fatalf("row %d of the latest %d is forgotten", i, rememberedRows)
		}
	}
	for i := 0; i < added-2*rememberedRows; i++ {
		if s.has(id(i)) {
			t.Fatalf("row %d, older than the latest %d, is still remembered", i, 2*rememberedRows)
		}
	}
	if n := len(s.recent) + len(s.older); n > 2*rememberedRows {
		t.Errorf("%d hashes held, want at most %d", n, 2*rememberedRows)
	}
}
