package output

import (
	"fmt"
	"io"
	"testing"

	"github.com/coreclaw/coreclaw/internal/jsonobj"
)

// benchRows is how many result rows each formatting benchmark writes:
// one op is a whole result set of that size.
const benchRows = 100_000

// benchResultRows are rows shaped like the platform's (the fake's place
// rows): keys in the API's order, a data id, strings, numbers, a URL.
func benchResultRows(b *testing.B) []*jsonobj.Object {
	b.Helper()
	rows := make([]*jsonobj.Object, benchRows)
	for i := range rows {
		n := i + 1
		raw := fmt.Sprintf(`{"title":"Coffee Spot %d","address":"%d Main St, New York, USA","rating":4.%d,"reviews_count":%d,"phone":"+1 212 555 %04d","website":"https://example.com/places/%d","tags":["cafe","wifi"],"__coreclaw_data_id__":"p%06d"}`,
			n, 100+n, n%10, 10*n, n%10000, n, n)
		o, err := jsonobj.Parse([]byte(raw))
		if err != nil {
			b.Fatal(err)
		}
		rows[i] = o
	}
	return rows
}

var benchColumns = []string{"title", "address", "rating", "reviews_count", "phone", "website", "tags"}

func benchmarkFormat(b *testing.B, f Format, opts RowOptions) {
	rows := benchResultRows(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		w := NewRowWriter(io.Discard, f, opts)
		w.Columns(benchColumns)
		for _, r := range rows {
			if err := w.Row(r); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchRows, "ns/row")
}

// The formatting benchmarks (make bench): 100k rows in each -o format,
// with -benchmem for the allocations.
func BenchmarkRowsJSON(b *testing.B)  { benchmarkFormat(b, JSON, RowOptions{}) }
func BenchmarkRowsJSONL(b *testing.B) { benchmarkFormat(b, JSONL, RowOptions{}) }
func BenchmarkRowsCSV(b *testing.B)   { benchmarkFormat(b, CSV, RowOptions{}) }
func BenchmarkRowsTable(b *testing.B) { benchmarkFormat(b, Table, RowOptions{}) }

// On a terminal the writers also strip or escape control characters.
func BenchmarkRowsJSONTerminal(b *testing.B) { benchmarkFormat(b, JSON, RowOptions{Sanitize: true}) }

// BenchmarkParseRows is the other half of a result set's CPU: reading
// each row the API sent into an ordered object.
func BenchmarkParseRows(b *testing.B) {
	raws := make([][]byte, benchRows)
	for i := range raws {
		raws[i] = fmt.Appendf(nil, `{"title":"Coffee Spot %d","address":"%d Main St, New York, USA","rating":4.%d,"reviews_count":%d,"phone":"+1 212 555 %04d","website":"https://example.com/places/%d","tags":["cafe","wifi"],"__coreclaw_data_id__":"p%06d"}`,
			i, 100+i, i%10, 10*i, i%10000, i, i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, raw := range raws {
			if _, err := jsonobj.Parse(raw); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchRows, "ns/row")
}
