package output

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/mattn/go-runewidth"

	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/jsonobj"
)

// RowWriter prints a stream of objects (result rows, list items).
type RowWriter interface {
	// Columns sets the column order for csv and table; called before the
	// first row. Rows may carry other keys, which json and jsonl keep.
	Columns(cols []string)
	Row(row *jsonobj.Object) error
	// Close finishes the document (the closing bracket, the table).
	Close() error
}

// RowOptions tune a RowWriter.
type RowOptions struct {
	// Color paints the table header (stdout is a terminal).
	Color *iostreams.ColorScheme
	// MaxCellWidth truncates table cells; 0 means 48.
	MaxCellWidth int
	// Sanitize strips terminal control characters from csv cells and
	// escapes those JSON allows raw (DEL, C1) in json and jsonl: stdout is
	// a terminal, and server data must not drive it.
	Sanitize bool
}

// NewRowWriter returns the writer for a format.
func NewRowWriter(w io.Writer, f Format, opts RowOptions) RowWriter {
	switch f {
	case JSONL:
		return &jsonlRows{w: w, sanitize: opts.Sanitize}
	case CSV:
		c := &csvRows{w: w, sanitize: opts.Sanitize}
		c.enc = csv.NewWriter(&c.buf)
		return c
	case Table:
		if opts.MaxCellWidth == 0 {
			opts.MaxCellWidth = 48
		}
		return &tableRows{w: w, opts: opts}
	default:
		return &jsonRows{w: w, sanitize: opts.Sanitize}
	}
}

// jsonRows streams a pretty-printed JSON array, one Write per row. Each
// row is indented member by member, as json.Indent would indent the whole
// object; only nested objects and arrays go through json.Indent.
type jsonRows struct {
	w        io.Writer
	n        int
	sanitize bool
	buf      bytes.Buffer // reused from row to row
}

func (j *jsonRows) Columns([]string) {}

func (j *jsonRows) Row(row *jsonobj.Object) error {
	buf := &j.buf
	buf.Reset()
	if j.n == 0 {
		buf.WriteString("[\n  ")
	} else {
		buf.WriteString(",\n  ")
	}
	members := row.Members()
	if len(members) == 0 {
		buf.WriteString("{}")
	} else {
		buf.WriteByte('{')
		for i, m := range members {
			if i > 0 {
				buf.WriteByte(',')
			}
			buf.WriteString("\n    ")
			jsonobj.WriteQuoted(buf, m.Key)
			buf.WriteString(": ")
			v := bytes.TrimSpace(m.Value)
			switch {
			case len(v) == 0:
				buf.WriteString("null")
			case v[0] == '{' || v[0] == '[':
				if err := indentTo(buf, v, "    "); err != nil {
					return err
				}
			default:
				buf.Write(v)
			}
		}
		buf.WriteString("\n  }")
	}
	j.n++
	_, err := j.w.Write(terminalJSON(buf.Bytes(), j.sanitize))
	return err
}

func (j *jsonRows) Close() error {
	if j.n == 0 {
		_, err := io.WriteString(j.w, "[]\n")
		return err
	}
	_, err := io.WriteString(j.w, "\n]\n")
	return err
}

// jsonlRows writes one compact object per line, one Write per row.
type jsonlRows struct {
	w        io.Writer
	sanitize bool
	buf      bytes.Buffer // reused from row to row
}

func (j *jsonlRows) Columns([]string) {}

func (j *jsonlRows) Row(row *jsonobj.Object) error {
	j.buf.Reset()
	row.WriteTo(&j.buf)
	j.buf.WriteByte('\n')
	_, err := j.w.Write(terminalJSON(j.buf.Bytes(), j.sanitize))
	return err
}

// terminalJSON makes JSON safe for a terminal when sanitize is set (see
// iostreams.TerminalJSON).
func terminalJSON(b []byte, sanitize bool) []byte {
	if !sanitize {
		return b
	}
	return iostreams.TerminalJSON(b)
}

func (j *jsonlRows) Close() error { return nil }

// csvRows writes a header row, then one record per row, in column order,
// one Write per record.
type csvRows struct {
	w        io.Writer
	enc      *csv.Writer  // encodes a record into buf
	buf      bytes.Buffer // reused from record to record
	cols     []string
	started  bool
	sanitize bool
	rec      []string // reused from row to row
}

func (c *csvRows) Columns(cols []string) { c.cols = cols }

func (c *csvRows) header() error {
	if c.started {
		return nil
	}
	c.started = true
	if len(c.cols) == 0 {
		return nil
	}
	head := c.cols
	if c.sanitize {
		// Column names come from the server's headers too.
		head = make([]string, len(c.cols))
		for i, col := range c.cols {
			head[i] = iostreams.Sanitize(col)
		}
	}
	return c.write(head)
}

// write encodes one record and writes it.
func (c *csvRows) write(rec []string) error {
	c.buf.Reset()
	if err := c.enc.Write(rec); err != nil {
		return err
	}
	c.enc.Flush()
	if err := c.enc.Error(); err != nil {
		return err
	}
	_, err := c.w.Write(c.buf.Bytes())
	return err
}

func (c *csvRows) Row(row *jsonobj.Object) error {
	if !c.started && len(c.cols) == 0 {
		c.cols = row.Keys()
	}
	if err := c.header(); err != nil {
		return err
	}
	rec := c.rec[:0]
	for range c.cols {
		rec = append(rec, "")
	}
	c.rec = rec
	for i, col := range c.cols {
		if v, ok := row.Get(col); ok {
			rec[i] = Cell(v)
			if c.sanitize {
				rec[i] = iostreams.Sanitize(rec[i])
			}
		}
	}
	return c.write(rec)
}

func (c *csvRows) Close() error { return c.header() }

// tableRows buffers the rows to size the columns, then prints them.
type tableRows struct {
	w    io.Writer
	opts RowOptions
	cols []string
	rows [][]string
}

func (t *tableRows) Columns(cols []string) { t.cols = cols }

func (t *tableRows) Row(row *jsonobj.Object) error {
	if len(t.cols) == 0 && len(t.rows) == 0 {
		t.cols = row.Keys()
	}
	rec := make([]string, len(t.cols))
	for i, col := range t.cols {
		if v, ok := row.Get(col); ok {
			rec[i] = tableCell(Cell(v), t.opts.MaxCellWidth)
		}
	}
	t.rows = append(t.rows, rec)
	return nil
}

func (t *tableRows) Close() error {
	if len(t.cols) == 0 {
		return nil
	}
	head := make([]string, len(t.cols))
	for i, c := range t.cols {
		head[i] = strings.ToUpper(tableCell(c, t.opts.MaxCellWidth))
	}
	return WriteTable(t.w, head, t.rows, t.opts.Color)
}

// WriteTable prints aligned columns separated by two spaces, with an
// optional bold header.
func WriteTable(w io.Writer, head []string, rows [][]string, cs *iostreams.ColorScheme) error {
	// Size every column any line has: a row may be longer than the header.
	ncols := len(head)
	for _, r := range rows {
		ncols = max(ncols, len(r))
	}
	widths := make([]int, ncols)
	for i, h := range head {
		widths[i] = displayWidth(h)
	}
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], displayWidth(c))
		}
	}
	var buf bytes.Buffer
	line := func(cells []string, paint func(string) string) {
		// Cells after the last non-empty one are left out, and the line is
		// trimmed, so that no line ends in spaces.
		last := len(cells) - 1
		for last >= 0 && cells[last] == "" {
			last--
		}
		start := buf.Len()
		for i := 0; i <= last; i++ {
			c := cells[i]
			if i > 0 {
				buf.WriteString("  ")
			}
			pad := 0
			if i < last {
				pad = widths[i] - displayWidth(c)
			}
			if paint != nil {
				c = paint(c)
			}
			buf.WriteString(c)
			for ; pad > 0; pad-- {
				buf.WriteByte(' ')
			}
		}
		trimmed := len(bytes.TrimRight(buf.Bytes()[start:], " "))
		buf.Truncate(start + trimmed)
		buf.WriteByte('\n')
	}
	var bold func(string) string
	if cs != nil {
		bold = cs.Bold
	}
	line(head, bold)
	for _, r := range rows {
		line(r, nil)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// Cell renders a raw JSON value for csv and table: strings as they are,
// numbers and booleans as written, null as empty, objects and arrays as
// compact JSON.
func Cell(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	if raw[0] == '"' {
		if s, ok := plainString(raw); ok {
			return s
		}
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
	}
	if raw[0] == '{' || raw[0] == '[' {
		var buf bytes.Buffer
		if json.Compact(&buf, raw) == nil {
			return buf.String()
		}
	}
	return string(raw)
}

// plainString unquotes a JSON string without escapes, in valid UTF-8:
// its text is the bytes between the quotes (json.Unmarshal would give the
// same, at the cost of reflection for every cell).
func plainString(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[len(raw)-1] != '"' {
		return "", false
	}
	body := raw[1 : len(raw)-1]
	if bytes.IndexByte(body, '\\') >= 0 || bytes.IndexByte(body, '"') >= 0 || !utf8.Valid(body) {
		return "", false
	}
	for _, c := range body {
		if c < 0x20 {
			return "", false
		}
	}
	return string(body), true
}

// displayWidth is how many terminal columns s takes: its length for
// printable ASCII, the common case, and runewidth's count otherwise.
func displayWidth(s string) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return runewidth.StringWidth(s)
		}
	}
	return len(s)
}

// tableCell makes a value fit one table cell: one line, no terminal
// controls, at most max characters.
func tableCell(s string, max int) string {
	s = iostreams.SanitizeLine(s)
	if displayWidth(s) > max {
		s = runewidth.Truncate(s, max, "…")
	}
	return s
}

func indentTo(buf *bytes.Buffer, raw []byte, prefix string) error {
	if err := json.Indent(buf, raw, prefix, "  "); err != nil {
		return fmt.Errorf("formatting JSON: %w", err)
	}
	return nil
}
