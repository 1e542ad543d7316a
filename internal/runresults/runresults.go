// Package runresults prints a run's result rows: fetched page by page,
// internal keys hidden, in the -o format. `wait`, `run --wait` and
// `results` all print through it.
package runresults

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/jsonobj"
	"github.com/coreclaw/coreclaw/internal/output"
	"github.com/coreclaw/coreclaw/internal/text"
)

// Options say what to print and how.
type Options struct {
	// Limit caps the rows; 0 prints all.
	Limit int
	// Fields keeps only these keys, in this order.
	Fields []string
	// Raw keeps internal keys such as __coreclaw_data_id__.
	Raw bool
	// Warn receives warnings for stderr.
	Warn func(string)
	// Concurrency is how many pages are fetched at once; 0 is
	// api.DefaultInFlight, 1 one at a time.
	Concurrency int
	// Progress shows the fetch on stderr (nil: not shown).
	Progress *Progress
}

// IsInternalKey reports keys the platform adds to rows for itself
// (__coreclaw_data_id__ and the like).
func IsInternalKey(k string) bool {
	return len(k) > 4 && strings.HasPrefix(k, "__") && strings.HasSuffix(k, "__")
}

// Printer turns result pages into output rows.
type Printer struct {
	opts    Options
	w       output.RowWriter
	started bool
	count   int64
	n       int
}

// NewPrinter writes rows to w.
func NewPrinter(w output.RowWriter, opts Options) *Printer {
	if opts.Warn == nil {
		opts.Warn = func(string) {}
	}
	return &Printer{opts: opts, w: w}
}

// Page prints one page of rows.
func (p *Printer) Page(page *api.ResultPage) error {
	if !p.started {
		p.started = true
		p.count = int64(page.Count)
		p.w.Columns(p.columns(page.Headers))
	}
	for _, raw := range page.List {
		row, err := p.row(raw)
		if err != nil {
			return err
		}
		if err := p.w.Row(row); err != nil {
			return err
		}
		p.n++
	}
	// A writer that holds rows (output.Printer.PageRows) writes the
	// page out now: rows appear as their pages arrive.
	if f, ok := p.w.(output.Flusher); ok {
		return f.Flush()
	}
	return nil
}

// Close finishes the output.
func (p *Printer) Close() error { return p.w.Close() }

// Rows is the number of rows printed.
func (p *Printer) Rows() int { return p.n }

func (p *Printer) columns(headers []api.Header) []string {
	if len(p.opts.Fields) > 0 {
		return p.opts.Fields
	}
	var cols []string
	for _, h := range headers {
		if h.Key != "" && (p.opts.Raw || !IsInternalKey(h.Key)) {
			cols = append(cols, h.Key)
		}
	}
	return cols
}

func (p *Printer) row(raw json.RawMessage) (*jsonobj.Object, error) {
	obj, err := jsonobj.Parse(raw)
	if err != nil {
		// A row that is not an object is kept under "value" rather than
		// dropped: nothing the run produced is lost.
		obj = &jsonobj.Object{}
		obj.Set("value", raw)
	}
	if len(p.opts.Fields) > 0 {
		kept := &jsonobj.Object{}
		for _, f := range p.opts.Fields {
			if v, ok := obj.Get(f); ok {
				kept.Set(f, v)
			}
		}
		return kept, nil
	}
	if !p.opts.Raw {
		for _, k := range obj.Keys() {
			if IsInternalKey(k) {
				obj.Delete(k)
			}
		}
	}
	return obj, nil
}

// Print fetches every row (or opts.Limit rows) of a run and prints them.
// It warns when fewer rows arrive than the run reports.
func Print(ctx context.Context, client *api.Client, ref api.RunRef, w output.RowWriter, opts Options) (int, error) {
	p := NewPrinter(w, opts)
	inFlight := opts.Concurrency
	if inFlight == 0 {
		inFlight = api.DefaultInFlight
	}
	prog := opts.Progress
	prog.Start()
	defer prog.Stop()
	total := int64(-1)
	_, err := client.FetchResults(ctx, ref, opts.Limit, inFlight, func(page *api.ResultPage) error {
		if total < 0 && page.CountSent() {
			total = int64(page.Count)
			if opts.Limit > 0 {
				total = min(total, int64(opts.Limit))
			}
		}
		if err := p.Page(page); err != nil {
			return err
		}
		prog.Update(int64(p.Rows()), total)
		return nil
	})
	prog.Stop()
	if err != nil {
		return p.Rows(), err
	}
	if err := p.Close(); err != nil {
		return p.Rows(), err
	}
	got := int64(p.Rows())
	if limit := int64(opts.Limit); limit > 0 && limit < p.count {
		if got < limit {
			p.opts.Warn(fmt.Sprintf("expected %d of the run's %d results but %d were returned", limit, p.count, got))
		}
	} else if got < p.count {
		p.opts.Warn(fmt.Sprintf("the run reports %d results but %d were returned", p.count, got))
	}
	return p.Rows(), nil
}

// CutPage keeps at most limit rows of one window of results (page, from
// 1, of limit rows), and none past the run's count when the page has one.
// It reports whether any row is left: false for a page past the end.
func CutPage(p *api.ResultPage, page, limit int) bool {
	keep := int64(limit)
	if p.CountSent() {
		keep = min(keep, int64(p.Count)-int64(page-1)*int64(limit))
	}
	if keep <= 0 {
		p.List = nil
		return false
	}
	if int64(len(p.List)) > keep {
		p.List = p.List[:keep]
	}
	return len(p.List) > 0
}

// Extent says how far a run's results go, for a page past the end:
// "the run has 250 results: 3 pages of 100".
func Extent(p *api.ResultPage, limit int) string {
	if !p.CountSent() {
		return "the API sent no rows for it"
	}
	n := int64(p.Count)
	pages := (n + int64(limit) - 1) / int64(limit)
	return fmt.Sprintf("the run has %s: %s of %d", text.Plural(n, "result"), text.Plural(pages, "page"), limit)
}
