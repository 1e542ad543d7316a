package logs

import (
	"encoding/json"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/jsonobj"
	"github.com/coreclaw/coreclaw/internal/output"
)

// timeLayout is RFC 3339 with milliseconds: log timestamps are Unix
// milliseconds, and lines within one second must stay apart.
const timeLayout = "2006-01-02T15:04:05.000Z07:00"

// entryWriter prints log entries in one format.
type entryWriter interface {
	Write(e api.LogEntry) error
	Close() error
}

// textWriter prints "timestamp level content", one line per line of
// content; parts the server did not send are left out. Server text is
// stripped of escape sequences and control characters.
type textWriter struct {
	w  io.Writer
	cs *iostreams.ColorScheme
}

func (t *textWriter) Write(e api.LogEntry) error {
	_, err := io.WriteString(t.w, formatText(e, t.cs))
	return err
}

func (t *textWriter) Close() error { return nil }

// formatText renders an entry as text lines, each ending in a newline.
func formatText(e api.LogEntry, cs *iostreams.ColorScheme) string {
	var prefix string
	if e.HasTime() {
		prefix = e.Time.Format(timeLayout) + " "
	}
	if lv := e.Level(); lv != "" {
		prefix += paintLevel(iostreams.SanitizeLine(lv), cs) + " "
	}
	var b strings.Builder
	for _, line := range contentLines(e.Content) {
		if line == "" {
			b.WriteString(strings.TrimSuffix(prefix, " "))
		} else {
			b.WriteString(prefix + line)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func paintLevel(lv string, cs *iostreams.ColorScheme) string {
	switch lv {
	case "warn":
		return cs.Yellow(lv)
	case "error":
		return cs.Red(lv)
	case "debug":
		return cs.Gray(lv)
	}
	return lv
}

// contentLines splits content into display lines, cleaned for a terminal.
func contentLines(content string) []string {
	content = strings.TrimRight(strings.ReplaceAll(content, "\r\n", "\n"), "\n")
	lines := strings.Split(content, "\n")
	for i, l := range lines {
		lines[i] = iostreams.Sanitize(iostreams.StripANSI(l))
	}
	return lines
}

// rowWriter prints entries as JSON objects through the output layer
// (-o json, -o jsonl, --jq).
type rowWriter struct{ w output.RowWriter }

func (r *rowWriter) Write(e api.LogEntry) error { return r.w.Row(entryObject(e)) }
func (r *rowWriter) Close() error               { return r.w.Close() }

// entryObject is an entry as JSON: every key always present, null where
// the server sent nothing. content is exactly as sent.
//
//	{"time":"2026-11-30T08:00:01.000Z","timestamp":1796025601000,"level":"info","type":2,"group":"4976…","content":"…"}
func entryObject(e api.LogEntry) *jsonobj.Object {
	null := json.RawMessage("null")
	o := &jsonobj.Object{}
	if e.HasTime() {
		o.Set("time", jsonobj.String(e.Time.Format(timeLayout)))
		o.Set("timestamp", json.RawMessage(strconv.FormatInt(e.Millis, 10)))
	} else {
		o.Set("time", null)
		o.Set("timestamp", null)
	}
	if lv := e.Level(); lv != "" {
		o.Set("level", jsonobj.String(lv))
	} else {
		o.Set("level", null)
	}
	switch n, err := strconv.ParseInt(e.Type, 10, 64); {
	case e.Type == "":
		o.Set("type", null)
	case err == nil:
		o.Set("type", json.RawMessage(strconv.FormatInt(n, 10)))
	default:
		o.Set("type", jsonobj.String(e.Type))
	}
	if e.Group != "" {
		o.Set("group", jsonobj.String(e.Group))
	} else {
		o.Set("group", null)
	}
	o.Set("content", jsonobj.String(e.Content))
	return o
}

// matcher is --grep. It looks at each line of an entry's content as it
// is displayed (escape sequences removed): text output keeps the matching
// lines, JSON output the entries with at least one.
type matcher struct{ re *regexp.Regexp }

func (m matcher) matchLine(line string) bool {
	return m.re == nil || m.re.MatchString(iostreams.Sanitize(iostreams.StripANSI(line)))
}

func (m matcher) match(e api.LogEntry) bool {
	for _, line := range strings.Split(e.Content, "\n") {
		if m.matchLine(line) {
			return true
		}
	}
	return false
}

// lines narrows a multi-line entry to its matching lines, for text output.
func (m matcher) lines(e api.LogEntry) api.LogEntry {
	if m.re == nil || !strings.Contains(e.Content, "\n") {
		return e
	}
	var keep []string
	for _, line := range strings.Split(e.Content, "\n") {
		if m.matchLine(line) {
			keep = append(keep, line)
		}
	}
	e.Content = strings.Join(keep, "\n")
	return e
}
