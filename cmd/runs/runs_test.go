package runs

import (
	"context"
	"testing"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/iostreams"
)

func TestDateRange(t *testing.T) {
	today := api.Day{Year: 2026, Month: 11, Day: 30}
	for _, c := range []struct {
		since, until string
		want         string // "since..until", or the error
		usage        bool
	}{
		{"", "", "2026-11-01..2026-11-30", false},
		{"2026-09-15", "", "2026-09-15..2026-11-30", false},
		{"", "2026-02-10", "2026-02-01..2026-02-10", false},
		{"2025-12-31", "2026-01-01", "2025-12-31..2026-01-01", false},
		{"2026-11-30", "2026-11-30", "2026-11-30..2026-11-30", false},
		{"2026-12-01", "", "--since 2026-12-01 is after today (2026-11-30 in Beijing time)", true},
		{"2026-10-02", "2026-10-01", "--since 2026-10-02 is after --until 2026-10-01", true},
		{"2026-02-30", "", `invalid --since: "2026-02-30" is not a day of the form YYYY-MM-DD (a day in Beijing time, UTC+8)`, true},
		{"", "30/11/2026", `invalid --until: "30/11/2026" is not a day of the form YYYY-MM-DD (a day in Beijing time, UTC+8)`, true},
	} {
		since, until, err := dateRange(c.since, c.until, today)
		got := since.String() + ".." + until.String()
		if err != nil {
			got = err.Error()
			if cmdutil.ExitCode(err) != cmdutil.ExitUsage {
				t.Errorf("dateRange(%q, %q): exit code %d, want 2", c.since, c.until, cmdutil.ExitCode(err))
			}
		}
		if got != c.want || (err != nil) != c.usage {
			t.Errorf("dateRange(%q, %q) = %s, want %s", c.since, c.until, got, c.want)
		}
	}
}

// --status takes the statuses the run list filters on, in any case.
func TestStatusFlag(t *testing.T) {
	for in, want := range map[string]string{"ready": "ready", "running": "running", "succeeded": "succeeded",
		"failed": "failed", "aborting": "aborting", "FAILED": "failed", "": ""} {
		var got *Options
		ios, _, _, _ := iostreams.Test()
		cmd := NewCmdRuns(&cmdutil.Factory{IOStreams: ios}, func(_ context.Context, o *Options) error { got = o; return nil })
		cmd.SetArgs([]string{"--status", in})
		if err := cmd.Execute(); err != nil || got.Status != want {
			t.Errorf("--status %q: %v, %+v", in, err, got)
		}
	}
	for _, in := range []string{"aborted", "3", "done"} {
		ios, _, _, _ := iostreams.Test()
		cmd := NewCmdRuns(&cmdutil.Factory{IOStreams: ios}, func(context.Context, *Options) error { return nil })
		cmd.SetArgs([]string{"--status", in})
		cmd.SilenceErrors, cmd.SilenceUsage = true, true
		cmd.SetFlagErrorFunc(cmdutil.FlagError)
		err := cmd.Execute()
		if cmdutil.ExitCode(err) != cmdutil.ExitUsage || err.Error() != `--status must be ready, running, succeeded, failed or aborting, not "`+in+`"` {
			t.Errorf("--status %q: %v", in, err)
		}
	}
}

func TestRunRow(t *testing.T) {
	raw := []byte(`{"slug":"01KR","scraper_slug":"demo","status":4,"results":3,"usage":"0.0130","started_at":1782091200,"finished_at":1782091210,"duration":0,"extra":{"k":1}}`)
	row, err := runRow(raw, false)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := row.MarshalJSON()
	if want := `{"slug":"01KR","scraper_slug":"demo","status":"failed","results":3,"usage":"0.0130","started_at":1782091200,"finished_at":1782091210,"duration":0,"extra":{"k":1}}`; string(got) != want {
		t.Errorf("json row:\n got %s\nwant %s", got, want)
	}
	row, err = runRow(raw, true)
	if err != nil {
		t.Fatal(err)
	}
	got, _ = row.MarshalJSON()
	if want := `{"slug":"01KR","worker":"demo","status":"failed","results":"3","started":"2026-06-22T01:20:00Z","duration":"10s","usage":"$0.0130"}`; string(got) != want {
		t.Errorf("table row:\n got %s\nwant %s", got, want)
	}
	row, _ = runRow([]byte(`{"slug":"01KS","status":"running","started_at":0}`), true)
	got, _ = row.MarshalJSON()
	if want := `{"slug":"01KS","worker":"","status":"running","results":"0","started":"","duration":"","usage":""}`; string(got) != want {
		t.Errorf("table row of an unstarted run:\n got %s\nwant %s", got, want)
	}
	if _, err := runRow([]byte(`["not","an","object"]`), false); err == nil {
		t.Error("runRow accepted an array")
	}
}
