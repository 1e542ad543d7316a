package status

import (
	"strings"
	"testing"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/output"
)

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
