package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

const lcKey = "cc_unit_test_key_0123"

// lcSeen is one request a test server received.
type lcSeen struct {
	Method, Path, Query, Body, Auth, APIKey string
}

type lcServer struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []lcSeen
}

func (s *lcServer) requests() []lcSeen {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]lcSeen(nil), s.reqs...)
}

func newLCServer(t *testing.T, h http.HandlerFunc) *lcServer {
	t.Helper()
	ts := &lcServer{}
	ts.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		ts.mu.Lock()
		ts.reqs = append(ts.reqs, lcSeen{r.Method, r.URL.EscapedPath(), r.URL.RawQuery, string(b),
			r.Header.Get("Authorization"), r.Header.Get("api-key")})
		ts.mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(ts.Close)
	return ts
}

func newLCClient(t *testing.T, base string) (*Client, *[]string) {
	t.Helper()
	var notes []string
	c, err := New(Options{
		BaseURL: base,
		APIKey:  lcKey,
		Sleep:   func(context.Context, time.Duration) error { return nil },
		Notify:  func(s string) { notes = append(notes, s) },
		Retry:   RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond, Jitter: func(d time.Duration) time.Duration { return d }},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c, &notes
}

func lcOK(w http.ResponseWriter, data string) {
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"code":0,"message":"success","request_id":"req-1","data":%s}`, data)
}

func TestLogEntryDecoding(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want LogEntry
	}{
		{"string", `"Run started"`, LogEntry{Content: "Run started", Plain: true}},
		{"object", `{"type":2,"group":"49763990997368832","content":"SYSTEM: Running...","timestamp":1782091201000}`,
			LogEntry{Time: time.UnixMilli(1782091201000).UTC(), Millis: 1782091201000, Type: "2", Group: "49763990997368832", Content: "SYSTEM: Running..."}},
		{"numeric group and string type", `{"type":"WARNING","group":49763990997368832,"content":"slow","timestamp":"1782091201500"}`,
			LogEntry{Time: time.UnixMilli(1782091201500).UTC(), Millis: 1782091201500, Type: "WARNING", Group: "49763990997368832", Content: "slow"}},
		{"seconds timestamp", `{"type":4,"content":"boom","timestamp":1782091201}`,
			LogEntry{Time: time.Unix(1782091201, 0).UTC(), Millis: 1782091201, Type: "4", Content: "boom"}},
		{"no timestamp", `{"content":"x"}`, LogEntry{Content: "x"}},
		{"odd field types", `{"type":[1],"content":{"a":1},"timestamp":true}`, LogEntry{Content: `{"type":[1],"content":{"a":1},"timestamp":true}`, Plain: true}},
		{"number", `42`, LogEntry{Content: "42", Plain: true}},
		{"null", `null`, LogEntry{Plain: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got LogEntry
			if err := json.Unmarshal([]byte(tt.in), &got); err != nil {
				t.Fatal(err)
			}
			if !got.Time.Equal(tt.want.Time) || got.Millis != tt.want.Millis || got.Type != tt.want.Type ||
				got.Group != tt.want.Group || got.Content != tt.want.Content || got.Plain != tt.want.Plain {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestLogLevel(t *testing.T) {
	for in, want := range map[string]string{
		"1": "debug", "2": "info", "3": "warn", "4": "error", "5": "5", "": "",
		"INFO": "info", "Warning": "warn", "err": "error", "trace": "trace",
	} {
		if got := LogLevel(in); got != want {
			t.Errorf("LogLevel(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestGetLogPaths(t *testing.T) {
	srv := newLCServer(t, func(w http.ResponseWriter, r *http.Request) {
		lcOK(w, `{"all_logs_url":"https://files.example.com/l.txt","list":["a",{"type":1,"content":"b","timestamp":1000000000000}],"result_count":"3"}`)
	})
	c, _ := newLCClient(t, srv.URL)
	for _, ref := range []RunRef{{Slug: "RUN1"}, {Last: true}, {Last: true, Worker: "o~n"}} {
		l, err := c.GetLog(context.Background(), ref)
		if err != nil {
			t.Fatal(err)
		}
		if l.AllLogsURL != "https://files.example.com/l.txt" || len(l.List) != 2 || l.ResultCount != 3 ||
			l.List[0].Content != "a" || l.List[1].Level() != "debug" {
			t.Errorf("%v: got %+v", ref, l)
		}
	}
	want := []string{"/api/v2/worker-runs/RUN1/log", "/api/v2/worker-runs/last/log", "/api/v2/workers/o~n/runs/last/log"}
	for i, r := range srv.requests() {
		if r.Path != want[i] || r.Method != "GET" || r.Auth != "Bearer "+lcKey {
			t.Errorf("request %d: %+v, want GET %s with the key", i, r, want[i])
		}
	}
}

func TestExportLink(t *testing.T) {
	reply := `{"download_url":"https://files.example.com/r.csv?sig=abc"}`
	srv := newLCServer(t, func(w http.ResponseWriter, r *http.Request) { lcOK(w, reply) })
	c, _ := newLCClient(t, srv.URL)
	ctx := context.Background()
	tests := []struct {
		ref       RunRef
		format    string
		fields    []string
		wantPath  string
		wantQuery string
	}{
		{RunRef{Slug: "RUN1"}, "csv", nil, "/api/v2/worker-runs/RUN1/result/export", "format=csv"},
		{RunRef{Last: true}, "xlsx", []string{"title", "address"}, "/api/v2/worker-runs/last/export", "filter_keys=title%2Caddress&format=xlsx"},
		{RunRef{Last: true, Worker: "o~n"}, "json", []string{"a"}, "/api/v2/workers/o~n/runs/last/export", "filter_keys=a&format=json"},
	}
	for i, tt := range tests {
		link, err := c.ExportLink(ctx, tt.ref, tt.format, tt.fields)
		if err != nil {
			t.Fatal(err)
		}
		if link != "https://files.example.com/r.csv?sig=abc" {
			t.Errorf("link %q", link)
		}
		r := srv.requests()[i]
		if r.Path != tt.wantPath || r.Query != tt.wantQuery {
			t.Errorf("request %d: %s?%s, want %s?%s", i, r.Path, r.Query, tt.wantPath, tt.wantQuery)
		}
	}
	reply = `{}`
	_, err := c.ExportLink(ctx, RunRef{Slug: "RUN1"}, "csv", nil)
	var re *ReplyError
	if !errors.As(err, &re) {
		t.Errorf("no download_url: got %v, want a ReplyError", err)
	}
}

func TestParseExportFormat(t *testing.T) {
	for in, want := range map[string]string{"CSV": "csv", " Xlsx ": "xlsx", "rss": "rss"} {
		if got, err := ParseExportFormat(in); err != nil || got != want {
			t.Errorf("ParseExportFormat(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseExportFormat("pdf"); err == nil || !strings.Contains(err.Error(), "csv, json, jsonl, xlsx, xls, xml, html, rss") {
		t.Errorf("pdf: %v", err)
	}
}

func TestRerun(t *testing.T) {
	status := 200
	srv := newLCServer(t, func(w http.ResponseWriter, r *http.Request) {
		if status != 200 {
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"code":%d,"message":"boom","request_id":"req-2"}`, map[int]int{500: 10000, 429: 13000}[status])
			return
		}
		lcOK(w, `{"run_slug":"NEW1","run_status":"succeeded","is_finished":false,"results":{"count":1,"headers":[],"list":[{"a":1}]}}`)
	})
	c, _ := newLCClient(t, srv.URL)
	ctx := context.Background()

	got, err := c.Rerun(ctx, RunRef{Slug: "OLD1"}, RerunRequest{IsAsync: false, CallbackURL: "https://h.example.com/x", Limit: 5, Offset: 2})
	if err != nil {
		t.Fatal(err)
	}
	if got.RunSlug != "NEW1" || got.Finished() || got.Results == nil || len(got.Results.List) != 1 {
		t.Errorf("got %+v", got)
	}
	_, err = c.Rerun(ctx, RunRef{Last: true, Worker: "o~n"}, RerunRequest{IsAsync: true})
	if err != nil {
		t.Fatal(err)
	}
	reqs := srv.requests()
	want := []lcSeen{
		{Method: "POST", Path: "/api/v2/worker-runs/OLD1/rerun", Body: `{"is_async":false,"callback_url":"https://h.example.com/x","limit":5,"offset":2}`},
		{Method: "POST", Path: "/api/v2/workers/o~n/runs/last/rerun", Body: `{"is_async":true}`},
	}
	for i := range want {
		if reqs[i].Method != want[i].Method || reqs[i].Path != want[i].Path || reqs[i].Body != want[i].Body {
			t.Errorf("request %d: %+v, want %+v", i, reqs[i], want[i])
		}
	}

	// A 5xx after sending may mean a new run exists: never repeated.
	status = 500
	if _, err := c.Rerun(ctx, RunRef{Last: true}, RerunRequest{IsAsync: true}); err == nil {
		t.Fatal("want an error")
	}
	if n := len(srv.requests()); n != 3 {
		t.Errorf("a rerun answered with 500 was sent %d times, want once", n-2)
	}
	// 429 proves nothing was started: retried.
	status = 429
	c.Rerun(ctx, RunRef{Last: true}, RerunRequest{IsAsync: true})
	if n := len(srv.requests()); n != 6 {
		t.Errorf("a rate-limited rerun was sent %d times, want 3 (the policy's attempts)", n-3)
	}
}

func TestDownloadSendsNoKey(t *testing.T) {
	files := newLCServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/redirect" {
			http.Redirect(w, r, "/file.csv?sig=1", http.StatusFound)
			return
		}
		w.Header().Set("Content-Type", "text/csv")
		io.WriteString(w, "a,b\n1,2\n")
	})
	api := newLCServer(t, func(w http.ResponseWriter, r *http.Request) { lcOK(w, `{}`) })
	c, _ := newLCClient(t, api.URL)
	d, err := c.Download(context.Background(), files.URL+"/redirect")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(d.Body)
	d.Body.Close()
	if err != nil || string(body) != "a,b\n1,2\n" || d.Size != 8 || d.ContentType != "text/csv" {
		t.Errorf("got %q, size %d, type %q, err %v", body, d.Size, d.ContentType, err)
	}
	for _, r := range files.requests() {
		if r.Auth != "" || r.APIKey != "" || strings.Contains(r.Query, lcKey) {
			t.Errorf("the download host saw credentials: %+v", r)
		}
	}
	if len(files.requests()) != 2 || len(api.requests()) != 0 {
		t.Errorf("requests: files %d (want 2), api %d (want 0)", len(files.requests()), len(api.requests()))
	}
}

func TestDownloadShortBody(t *testing.T) {
	files := newLCServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100")
		w.WriteHeader(200)
		io.WriteString(w, strings.Repeat("x", 40))
		w.(http.Flusher).Flush()
		hj, _ := w.(http.Hijacker)
		conn, _, _ := hj.Hijack()
		conn.Close()
	})
	c, _ := newLCClient(t, "http://127.0.0.1:1")
	d, err := c.Download(context.Background(), files.URL+"/f.csv?sig=secret")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Body.Close()
	n, err := io.Copy(io.Discard, d.Body)
	var ie *IncompleteError
	if !errors.As(err, &ie) || n != 40 || ie.Got != 40 || ie.Want != 100 {
		t.Fatalf("got n=%d err=%v, want an IncompleteError after 40 of 100 bytes", n, err)
	}
	if strings.Contains(err.Error(), "secret") {
		t.Errorf("the error shows the signed query: %v", err)
	}
}

func TestDownloadUnknownLength(t *testing.T) {
	files := newLCServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(200)
		for i := 0; i < 3; i++ {
			io.WriteString(w, strings.Repeat("y", 5000))
			w.(http.Flusher).Flush()
		}
	})
	c, _ := newLCClient(t, "http://127.0.0.1:1")
	d, err := c.Download(context.Background(), files.URL+"/f")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Body.Close()
	n, err := io.Copy(io.Discard, d.Body)
	if err != nil || n != 15000 || d.Size != -1 {
		t.Errorf("n=%d size=%d err=%v", n, d.Size, err)
	}
}

func TestDownloadRetriesBeforeTheBody(t *testing.T) {
	calls := 0
	files := newLCServer(t, func(w http.ResponseWriter, r *http.Request) {
		calls++
		switch {
		case r.URL.Path == "/gone":
			http.NotFound(w, r)
		case calls == 1:
			w.WriteHeader(http.StatusServiceUnavailable)
		default:
			io.WriteString(w, "ok")
		}
	})
	c, notes := newLCClient(t, "http://127.0.0.1:1")
	d, err := c.Download(context.Background(), files.URL+"/f?sig=secret")
	if err != nil {
		t.Fatal(err)
	}
	d.Body.Close()
	if calls != 2 || len(*notes) != 1 || strings.Contains((*notes)[0], "secret") ||
		!strings.Contains((*notes)[0], "server error (HTTP 503)") {
		t.Errorf("calls %d, notes %q", calls, *notes)
	}

	calls = 0
	_, err = c.Download(context.Background(), files.URL+"/gone")
	var de *DownloadError
	if !errors.As(err, &de) || de.HTTPStatus != 404 || calls != 1 {
		t.Errorf("404: err %v after %d calls, want a DownloadError after 1", err, calls)
	}
	if got := err.Error(); got != "downloading "+files.URL+"/gone failed: HTTP 404 Not Found" {
		t.Errorf("message %q", got)
	}
}

func TestDownloadRefusesOddLinks(t *testing.T) {
	c, _ := newLCClient(t, "http://127.0.0.1:1")
	for _, link := range []string{"file:///etc/passwd", "ftp://x/y", "https://user:pw@x/y", "::"} {
		if _, err := c.Download(context.Background(), link); err == nil {
			t.Errorf("%q: no error", link)
		}
	}
}
