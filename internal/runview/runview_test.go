package runview

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/output"
)

// TestFields: the detail's lines, "-" where a value is not known; a run
// that ended at once took 0s.
func TestFields(t *testing.T) {
	tests := []struct {
		name string
		run  api.Run
		want string
	}{
		{"running", api.Run{Slug: "R1", ScraperSlug: "demo-worker", Status: "running", Results: 2, StartedAt: 1796025604},
			"run: R1|status: running|worker: demo-worker|version: -|results: 2|usage: -|traffic: 0|started: 2026-11-30T08:00:04Z|finished: -|duration: -"},
		{"failed", api.Run{Slug: "R2", ScraperSlug: "01KPD6M5YQADCQKGVKPDZVYC63", ScraperTitle: "Demo", Status: "failed", Usage: "0.0217", Origin: "openapi",
			StartedAt: 1796025604, FinishedAt: 1796025694, ErrMsg: "boom"},
			"run: R2|status: failed|worker: Demo|version: -|results: 0|usage: $0.0217|traffic: 0|origin: openapi|started: 2026-11-30T08:00:04Z|finished: 2026-11-30T08:01:34Z|duration: 1m30s|error: boom"},
		{"ended at once", api.Run{Slug: "R3", Status: "succeeded", StartedAt: 1796025604, FinishedAt: 1796025604},
			"run: R3|status: succeeded|worker: -|version: -|results: 0|usage: -|traffic: 0|started: 2026-11-30T08:00:04Z|finished: 2026-11-30T08:00:04Z|duration: 0s"},
	}
	for _, tt := range tests {
		var b strings.Builder
		if err := output.WriteValue(&b, output.Table, Fields(&tt.run)); err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, l := range strings.Split(strings.TrimSpace(b.String()), "\n") {
			lines = append(lines, strings.Join(strings.Fields(l), " "))
		}
		if got := strings.Join(lines, "|"); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, tt.want)
		}
	}
}

// TestTableRow: the runs table's cells are the detail's values, empty where
// the detail shows "-".
func TestTableRow(t *testing.T) {
	tests := []struct {
		name string
		run  api.Run
		want string
	}{
		{"running", api.Run{Slug: "R1", ScraperSlug: "demo-worker", Status: "running", Results: 2, StartedAt: 1796025604},
			`{"slug":"R1","worker":"demo-worker","status":"running","results":"2","started":"2026-11-30T08:00:04Z","duration":"","usage":""}`},
		{"failed", api.Run{Slug: "R2", ScraperSlug: "01KP", ScraperTitle: "Demo", Status: "failed", Usage: "0.0217",
			StartedAt: 1796025604, FinishedAt: 1796025694},
			`{"slug":"R2","worker":"Demo","status":"failed","results":"0","started":"2026-11-30T08:00:04Z","duration":"1m30s","usage":"$0.0217"}`},
		{"queued", api.Run{Slug: "R3", Status: "ready"},
			`{"slug":"R3","worker":"","status":"ready","results":"0","started":"","duration":"","usage":""}`},
		{"ended at once", api.Run{Slug: "R4", Status: "succeeded", StartedAt: 1796025604, FinishedAt: 1796025604},
			`{"slug":"R4","worker":"","status":"succeeded","results":"0","started":"2026-11-30T08:00:04Z","duration":"0s","usage":""}`},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		if err := output.WriteValue(&b, output.JSONL, TableRow(&tt.run)); err != nil {
			t.Fatal(err)
		}
		if got := strings.TrimSpace(b.String()); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, tt.want)
		}
	}
}

// TestPrintAndPrintRecord: on a terminal (table) Print draws the field
// lines and PrintRecord the API's record as JSON; with -o json both print
// the record.
func TestPrintAndPrintRecord(t *testing.T) {
	run := &api.Run{Slug: "R1", Status: "running", Results: 2}
	record := "{\n  \"slug\": \"R1\",\n"
	for _, tt := range []struct {
		name   string
		output string
		print  func(context.Context, *output.Printer, *api.Run) error
		prefix string
	}{
		{"Print table", "", Print, "run:      R1\nstatus:   running\n"},
		{"PrintRecord table", "", PrintRecord, record},
		{"Print json", "json", Print, record},
		{"PrintRecord json", "json", PrintRecord, record},
	} {
		ios, _, out, _ := iostreams.Test()
		ios.SetTTY(false, true, false)
		ios.DisableColor()
		p, err := output.Flags{Output: tt.output}.Printer(ios)
		if err != nil {
			t.Fatal(err)
		}
		if err := tt.print(context.Background(), p, run); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(out.String(), tt.prefix) {
			t.Errorf("%s printed %q, want it to start with %q", tt.name, out.String(), tt.prefix)
		}
	}
}
