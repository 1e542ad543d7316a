package runresults

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/jsonobj"
	"github.com/coreclaw/coreclaw/internal/output"
)

func TestIsInternalKey(t *testing.T) {
	tests := map[string]bool{
		"__coreclaw_data_id__": true,
		"__x__":                true,
		"__id__":               true,
		"____":                 false, // nothing between the underscores
		"__":                   false,
		"":                     false,
		"__a":                  false,
		"a__":                  false,
		"_a_":                  false,
		"title":                false,
		"a__b__":               false,
	}
	for k, want := range tests {
		if got := IsInternalKey(k); got != want {
			t.Errorf("IsInternalKey(%q) = %v, want %v", k, got, want)
		}
	}
}

func page(count int, headers string, rows ...string) *api.ResultPage {
	p := &api.ResultPage{Count: api.Int64(count)}
	if err := json.Unmarshal([]byte(headers), &p.Headers); err != nil {
		panic(err)
	}
	for _, r := range rows {
		p.List = append(p.List, json.RawMessage(r))
	}
	return p
}

const hdrs = `[{"key":"title","label":"Title"},{"key":"__coreclaw_data_id__"},{"key":""},{"key":"n"}]`

func TestPrinter(t *testing.T) {
	rows := []string{
		`{"title":"A","__coreclaw_data_id__":"d1","n":1,"extra":true}`,
		`{"n":2,"title":"B <&>","__other__":"x"}`,
		`"a bare string"`,
		`[1,2]`,
		`{"title":null}`,
		`{"a":1`, // not JSON at all: kept as the value
	}
	tests := []struct {
		name   string
		opts   Options
		format output.Format
		want   string
	}{
		{"jsonl: internal keys hidden, non-objects kept under value", Options{}, output.JSONL,
			`{"title":"A","n":1,"extra":true}
{"n":2,"title":"B <&>"}
{"value":"a bare string"}
{"value":[1,2]}
{"title":null}
{"value":{"a":1}
`},
		{"jsonl raw: internal keys kept", Options{Raw: true}, output.JSONL,
			`{"title":"A","__coreclaw_data_id__":"d1","n":1,"extra":true}
{"n":2,"title":"B <&>","__other__":"x"}
{"value":"a bare string"}
{"value":[1,2]}
{"title":null}
{"value":{"a":1}
`},
		{"jsonl fields: only those, in that order, internal ones if asked", Options{Fields: []string{"n", "__coreclaw_data_id__", "missing"}}, output.JSONL,
			`{"n":1,"__coreclaw_data_id__":"d1"}
{"n":2}
{}
{}
{}
{}
`},
		{"csv: columns from the headers without internal or empty keys", Options{}, output.CSV,
			"title,n\nA,1\nB <&>,2\n,\n,\n,\n,\n"},
		{"csv raw: internal header columns kept", Options{Raw: true}, output.CSV,
			"title,__coreclaw_data_id__,n\nA,d1,1\nB <&>,,2\n,,\n,,\n,,\n,,\n"},
		{"csv fields", Options{Fields: []string{"n", "title"}}, output.CSV,
			"n,title\n1,A\n2,B <&>\n,\n,\n,\n,\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			p := NewPrinter(output.NewRowWriter(&buf, tt.format, output.RowOptions{}), tt.opts)
			// Two pages: the second page's count and headers change nothing.
			if err := p.Page(page(6, hdrs, rows[:2]...)); err != nil {
				t.Fatal(err)
			}
			if err := p.Page(page(99, `[{"key":"other"}]`, rows[2:]...)); err != nil {
				t.Fatal(err)
			}
			if err := p.Close(); err != nil {
				t.Fatal(err)
			}
			if buf.String() != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", buf.String(), tt.want)
			}
			if p.Rows() != len(rows) || p.count != 6 {
				t.Errorf("Rows() = %d, count %d", p.Rows(), p.count)
			}
		})
	}
}

func TestPrinterEmptyRun(t *testing.T) {
	var buf bytes.Buffer
	p := NewPrinter(output.NewRowWriter(&buf, output.CSV, output.RowOptions{}), Options{})
	if err := p.Page(page(0, hdrs)); err != nil {
		t.Fatal(err)
	}
	p.Close()
	if buf.String() != "title,n\n" || p.Rows() != 0 {
		t.Errorf("got %q, %d rows", buf.String(), p.Rows())
	}
}

// rowFailer fails every Row.
type rowFailer struct {
	output.RowWriter
	err error
}

func (r rowFailer) Row(*jsonobj.Object) error { return r.err }

// server serves a run's result pages: total rows, count as given.
func server(t *testing.T, total, count int) *api.Client {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pg, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		var rows []string
		for i := (pg-1)*limit + 1; i <= min(pg*limit, total); i++ {
			rows = append(rows, fmt.Sprintf(`{"n":%d,"__coreclaw_data_id__":"d%d"}`, i, i))
		}
		fmt.Fprintf(w, `{"code":0,"message":"success","data":{"count":%d,"headers":[{"key":"n"}],"list":[%s]}}`, count, strings.Join(rows, ","))
	}))
	t.Cleanup(ts.Close)
	c, err := api.New(api.Options{BaseURL: ts.URL, APIKey: "k", Retry: api.NoRetries()})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestPrint(t *testing.T) {
	tests := []struct {
		name         string
		total, count int
		limit        int
		rows         int
		warning      string
	}{
		{"all rows", 250, 250, 0, 250, ""},
		{"limit", 250, 250, 30, 30, ""},
		{"fewer rows than count", 3, 5, 0, 3, "the run reports 5 results but 3 were returned"},
		{"fewer rows than the limit", 3, 5, 4, 3, "expected 4 of the run's 5 results but 3 were returned"},
		{"limit below what arrived", 3, 5, 2, 2, ""},
		{"more rows than count: no row past the count", 5, 3, 0, 3, ""},
		{"empty run", 0, 0, 0, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := server(t, tt.total, tt.count)
			var buf bytes.Buffer
			var warnings []string
			n, err := Print(context.Background(), c, api.RunRef{Slug: "r"}, output.NewRowWriter(&buf, output.JSONL, output.RowOptions{}),
				Options{Limit: tt.limit, Warn: func(s string) { warnings = append(warnings, s) }})
			if err != nil {
				t.Fatal(err)
			}
			if n != tt.rows || strings.Count(buf.String(), "\n") != tt.rows {
				t.Errorf("printed %d rows (%d lines), want %d", n, strings.Count(buf.String(), "\n"), tt.rows)
			}
			if strings.Contains(buf.String(), "__coreclaw_data_id__") {
				t.Error("internal key printed")
			}
			want := []string(nil)
			if tt.warning != "" {
				want = []string{tt.warning}
			}
			if strings.Join(warnings, "|") != strings.Join(want, "|") {
				t.Errorf("warnings %q, want %q", warnings, want)
			}
		})
	}
}

func TestPrintErrors(t *testing.T) {
	c := server(t, 3, 3)
	var buf bytes.Buffer
	bad := errors.New("disk full")
	n, err := Print(context.Background(), c, api.RunRef{Slug: "r"}, rowFailer{output.NewRowWriter(&buf, output.JSONL, output.RowOptions{}), bad}, Options{})
	if !errors.Is(err, bad) || n != 0 {
		t.Errorf("Print with a failing writer: %d, %v", n, err)
	}
	noKey, _ := api.New(api.Options{BaseURL: "http://127.0.0.1:1"})
	if _, err := Print(context.Background(), noKey, api.RunRef{Slug: "r"}, output.NewRowWriter(&buf, output.JSONL, output.RowOptions{}), Options{}); !errors.Is(err, api.ErrNoAPIKey) {
		t.Errorf("Print without a key: %v", err)
	}
}

// heldWriter is a RowWriter that holds rows until Flush, as
// output.Printer.PageRows does, and records what was flushed.
type heldWriter struct {
	held    []string
	flushed [][]string
}

func (h *heldWriter) Columns([]string) {}
func (h *heldWriter) Row(o *jsonobj.Object) error {
	b, _ := o.MarshalJSON()
	h.held = append(h.held, string(b))
	return nil
}
func (h *heldWriter) Flush() error {
	h.flushed, h.held = append(h.flushed, h.held), nil
	return nil
}
func (h *heldWriter) Close() error { return nil }

// Each page is written out when it has been printed: rows appear as their
// pages arrive, whatever the writer holds.
func TestPrinterFlushesEachPage(t *testing.T) {
	w := &heldWriter{}
	p := NewPrinter(w, Options{})
	for _, list := range [][]json.RawMessage{{json.RawMessage(`{"n":1}`), json.RawMessage(`{"n":2}`)}, {json.RawMessage(`{"n":3}`)}} {
		if err := p.Page(&api.ResultPage{Count: 3, List: list}); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := fmt.Sprint(w.flushed), `[[{"n":1} {"n":2}] [{"n":3}]]`; got != want || len(w.held) != 0 {
		t.Errorf("flushed %s (still held %q), want %s", got, w.held, want)
	}
}
