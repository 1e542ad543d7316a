// Package runview is the one place that draws a run for people: the
// detail of `status` and `abort -o`, the record `run --wait --no-results`
// prints, and the cells the runs table shows. Each value is worked out
// once here; the views differ only in their empty marker ("-" in the
// field/value detail, an empty cell in a table or CSV).
package runview

import (
	"context"
	"strconv"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/jsonobj"
	"github.com/coreclaw/coreclaw/internal/output"
	"github.com/coreclaw/coreclaw/internal/text"
)

// Print prints a run's detail: field/value lines for the table format
// (unless --jq), the API's run record otherwise.
func Print(ctx context.Context, p *output.Printer, run *api.Run) error {
	if p.Format == output.Table && !p.HasJQ() {
		return p.Value(ctx, Fields(run))
	}
	return p.Value(ctx, run)
}

// PrintRecord prints the API's run record: JSON where the table format
// would apply (a terminal), jsonl or csv when asked for, or a --jq filter.
// It is what a wait prints instead of the results (--no-results).
func PrintRecord(ctx context.Context, p *output.Printer, run *api.Run) error {
	if p.Format == output.Table {
		cp := *p
		cp.Format = output.JSON
		p = &cp
	}
	return p.Value(ctx, run)
}

// Fields are the detail's lines, in order, as display text; "-" where a
// value is not known (yet).
func Fields(run *api.Run) *jsonobj.Object {
	o := &jsonobj.Object{}
	set := func(k, v string) { o.Set(k, jsonobj.String(v)) }
	set("run", run.Slug)
	set("status", text.OrDash(string(run.Status)))
	set("worker", text.OrDash(Worker(run)))
	set("version", text.OrDash(run.Version))
	set("results", strconv.FormatInt(int64(run.Results), 10))
	set("usage", text.OrDash(Usage(run)))
	set("traffic", strconv.FormatInt(int64(run.Traffic), 10))
	if run.Origin != "" {
		set("origin", run.Origin)
	}
	set("started", text.OrDash(text.Timestamp(int64(run.StartedAt))))
	set("finished", text.OrDash(text.Timestamp(int64(run.FinishedAt))))
	set("duration", text.OrDash(Duration(run)))
	if run.ErrMsg != "" {
		set("error", run.ErrMsg)
	}
	return o
}

// TableRow is the runs table's row for a run: the columns a human reads,
// empty where a value is not known (yet).
func TableRow(run *api.Run) *jsonobj.Object {
	row := &jsonobj.Object{}
	for _, c := range []struct{ key, value string }{
		{"slug", run.Slug},
		{"worker", Worker(run)},
		{"status", string(run.Status)},
		{"results", strconv.FormatInt(int64(run.Results), 10)},
		{"started", text.Timestamp(int64(run.StartedAt))},
		{"duration", Duration(run)},
		{"usage", Usage(run)},
	} {
		row.Set(c.key, jsonobj.String(c.value))
	}
	return row
}

// Worker is the run's Worker by its name, for humans; its slug (an id for
// machines, in the JSON) only when it has no name.
func Worker(run *api.Run) string {
	if run.ScraperTitle != "" {
		return run.ScraperTitle
	}
	return run.ScraperSlug
}

// Usage is the run's cost in USD ($0.0130); "" when the API sent none.
func Usage(run *api.Run) string {
	if run.Usage == "" {
		return ""
	}
	return "$" + string(run.Usage)
}

// Duration is the run's elapsed time; "" while it is not known: no
// duration yet and not finished. A finished run that took no time shows
// 0s.
func Duration(run *api.Run) string {
	d := run.Elapsed()
	if d == 0 && run.FinishedAt <= 0 {
		return ""
	}
	return d.String()
}
