package runwait

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/iostreams"
)

// maxReasonRunes bounds the reason shown for a failed run: one line.
const maxReasonRunes = 300

// failureReason says why a failed run failed when its detail does not
// (the audited run detail carries no err_msg, REFERENCE §7.1): its entry
// in the run list, else the last error line of its log. Two requests at
// most, made only for a failed run; a lookup that fails gives "".
func failureReason(ctx context.Context, o Options, run *api.Run) string {
	day := api.DayOf(o.Now())
	if run.StartedAt > 0 {
		day = api.DayOf(time.Unix(int64(run.StartedAt), 0))
	}
	worker := api.WorkerID("")
	if w, err := api.ParseWorkerID(run.ScraperSlug); err == nil {
		worker = w
	}
	if entry, err := o.Client.FailedRunEntry(ctx, run.Slug, worker, day); err == nil && entry != nil {
		if r := reasonText(entry.ErrMsg); r != "" {
			return r
		}
	}
	log, err := o.Client.GetLog(ctx, api.RunRef{Slug: run.Slug})
	if err != nil {
		return ""
	}
	for i := len(log.List) - 1; i >= 0; i-- {
		if e := log.List[i]; isErrorLine(e) {
			if r := reasonText(e.Content); r != "" {
				return r
			}
		}
	}
	return ""
}

// isErrorLine reports an error-level log entry (type 4); a bare string
// entry has no level and counts when it starts with "error".
func isErrorLine(e api.LogEntry) bool {
	if e.Level() == "error" {
		return true
	}
	return e.Type == "" && strings.HasPrefix(strings.ToLower(strings.TrimSpace(e.Content)), "error")
}

// reasonText is a server's error text made safe for one line of a
// terminal: no control characters, no line breaks, a leading "Error:"
// dropped (the line says so already), bounded in length.
func reasonText(s string) string {
	s = strings.Join(strings.Fields(iostreams.SanitizeLine(s)), " ")
	if len(s) >= 6 && strings.EqualFold(s[:6], "error:") {
		s = strings.TrimSpace(s[6:])
	}
	if utf8.RuneCountInString(s) > maxReasonRunes {
		s = string([]rune(s)[:maxReasonRunes]) + "…"
	}
	return s
}
