package runwait

import (
	"errors"
	"testing"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/ghactions"
)

func TestSummaryMarkdown(t *testing.T) {
	esc := ghactions.EscapeMarkdown
	tests := []struct {
		name    string
		run     *api.Run
		stopped error
		want    string
	}{
		{"aborted", &api.Run{Slug: "R1", ScraperSlug: "01KPD6M5YQADCQKGVKPDZVYC63", Status: "aborted", Results: 4, Duration: 133},
			nil,
			"### ✗ Run R1 ended aborted\n\n| Worker | Status | Results | Duration | Usage |\n| --- | --- | --- | --- | --- |\n" +
				"| 01KPD6M5YQADCQKGVKPDZVYC63 | aborted | 4 | 2m13s | - |\n\n"},
		{"stopped before any reply", nil, errors.New("connection refused"),
			"### ! coreclaw stopped waiting for run R2\n\nconnection refused\n\n"},
		{"a reason that is markup", &api.Run{Slug: "R3", ScraperTitle: "A|B", Status: "failed", Usage: "1.00", ErrMsg: "Error: <b>*boom*</b>"},
			nil,
			"### ✗ Run R3 failed\n\n| Worker | Status | Results | Duration | Usage |\n| --- | --- | --- | --- | --- |\n" +
				"| A\\|B | failed | 0 | - | \\$1.00 |\n\n\\<b\\>\\*boom\\*\\</b\\>\n\n"},
	}
	for _, tt := range tests {
		slug := "R2"
		if tt.run != nil {
			slug = tt.run.Slug
		}
		if got := summaryMarkdown(esc, slug, tt.run, tt.stopped); got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
	}
}
