package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"
)

// RunLog is the reply of .../log (REFERENCE §7.3): the recent entries, a
// link to the full log and the current row count.
type RunLog struct {
	AllLogsURL  string     `json:"all_logs_url"`
	List        []LogEntry `json:"list"`
	ResultCount Int64      `json:"result_count"`

	op string // the request that brought it, for errors
}

// FullLogURL is the link to the whole log; a reply without one is an
// unexpected reply.
func (l *RunLog) FullLogURL() (string, error) {
	if l.AllLogsURL == "" {
		return "", &ReplyError{Op: l.op, Err: errors.New("no all_logs_url in the reply")}
	}
	return l.AllLogsURL, nil
}

// LogEntry is one element of a log list. The spec shows plain strings,
// the field table and CoreClaw's own tools objects {type, group, content,
// timestamp}; both decode here. Fields a string entry does not carry stay
// empty (HasTime and Level tell).
type LogEntry struct {
	// Time is when the line was logged; zero when the entry has none.
	Time time.Time
	// Millis is the timestamp as sent (Unix milliseconds), 0 when absent.
	Millis int64
	// Type is the raw level as sent (1–4, or a word); empty when absent.
	Type string
	// Group is the subtask id.
	Group string
	// Content is the text; it may hold several lines and terminal
	// control characters, which callers strip before display.
	Content string
	// Plain is set for an entry that came as a bare string.
	Plain bool
}

// HasTime reports whether the entry carries a timestamp.
func (e LogEntry) HasTime() bool { return !e.Time.IsZero() }

// Level names the entry's level: debug, info, warn, error (v1 types 1–4),
// a server word lower-cased (warning becomes warn), or "" when absent.
func (e LogEntry) Level() string {
	return LogLevel(e.Type)
}

// LogLevel maps a log type as the server sent it to a level name.
func LogLevel(t string) string {
	t = strings.ToLower(strings.TrimSpace(t))
	switch t {
	case "1", "debug":
		return "debug"
	case "2", "info":
		return "info"
	case "3", "warn", "warning":
		return "warn"
	case "4", "error", "err":
		return "error"
	}
	return t
}

// logEntryWire is the object form of a log entry, decoded tolerantly.
type logEntryWire struct {
	Type      Text  `json:"type"`
	Group     Text  `json:"group"`
	Content   Text  `json:"content"`
	Timestamp Int64 `json:"timestamp"`
}

func (e *LogEntry) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	*e = LogEntry{}
	switch {
	case len(b) == 0 || string(b) == "null":
		e.Plain = true
		return nil
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		e.Content, e.Plain = s, true
		return nil
	case b[0] == '{':
		var w logEntryWire
		if err := json.Unmarshal(b, &w); err != nil {
			// An object whose fields have unexpected types: keep it whole
			// as text rather than losing the line.
			e.Content, e.Plain = string(b), true
			return nil
		}
		e.Type = string(w.Type)
		e.Group = string(w.Group)
		e.Content = string(w.Content)
		e.Millis = int64(w.Timestamp)
		e.Time = logTime(e.Millis)
		return nil
	default:
		// A number or an array: show it as it came.
		e.Content, e.Plain = string(b), true
		return nil
	}
}

// logTime reads a log timestamp: Unix milliseconds as documented; a value
// too small to be milliseconds since 1973 is taken as seconds, as
// CoreClaw's own CLI does.
func logTime(v int64) time.Time {
	switch {
	case v <= 0:
		return time.Time{}
	case v < 1e11:
		return time.Unix(v, 0).UTC()
	default:
		return time.UnixMilli(v).UTC()
	}
}

// Key identifies an entry for de-duplication: the same time, group, level
// and text are taken as the same line.
func (e LogEntry) Key() string {
	return strconv.FormatInt(e.Millis, 10) + "\x00" + e.Group + "\x00" + e.Type + "\x00" + e.Content
}

// GetLog reads a run's log: the recent entries and the link to the full
// log. The API has no server-side filtering.
// A reply without its list is an unexpected reply, not an empty log.
func (c *Client) GetLog(ctx context.Context, ref RunRef) (*RunLog, error) {
	var raw json.RawMessage
	if err := c.do(ctx, call{method: "GET", path: ref.base() + "/log"}, &raw); err != nil {
		return nil, err
	}
	op := "GET " + ref.base() + "/log"
	var has struct {
		List json.RawMessage `json:"list"`
	}
	if json.Unmarshal(raw, &has) != nil || len(has.List) == 0 {
		return nil, &ReplyError{Op: op, Err: errors.New("no list in the reply")}
	}
	out := RunLog{op: op}
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, &ReplyError{Op: op, Err: err}
	}
	return &out, nil
}
