package output

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/mattn/go-runewidth"

	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/jsonobj"
)

// Marshal encodes v as compact JSON without HTML escaping.
func Marshal(v any) ([]byte, error) {
	if raw, ok := v.(json.RawMessage); ok {
		var buf bytes.Buffer
		if err := json.Compact(&buf, raw); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// WriteValue prints one value (an object such as a run's detail): json
// pretty-printed, jsonl on one line, csv as a header and one record, table
// as field/value lines.
func WriteValue(w io.Writer, f Format, v any) error {
	return writeValue(w, f, v, RowOptions{})
}

// writeValue is WriteValue with the options of a terminal: a colour scheme
// for the table, control characters stripped from csv.
func writeValue(w io.Writer, f Format, v any, opts RowOptions) error {
	raw, err := Marshal(v)
	if err != nil {
		return fmt.Errorf("encoding output: %w", err)
	}
	switch f {
	case JSONL:
		_, err := w.Write(terminalJSON(append(raw, '\n'), opts.Sanitize))
		return err
	case CSV, Table:
		obj, err := jsonobj.Parse(raw)
		if err != nil {
			// Not an object: fall back to JSON.
			return writeValue(w, JSON, v, opts)
		}
		if f == CSV {
			rw := NewRowWriter(w, CSV, opts)
			rw.Columns(obj.Keys())
			if err := rw.Row(obj); err != nil {
				return err
			}
			return rw.Close()
		}
		rows := make([][]string, 0, obj.Len())
		for _, m := range obj.Members() {
			rows = append(rows, []string{tableCell(m.Key, 48), tableCell(Cell(m.Value), 96)})
		}
		return writeFieldTable(w, rows, opts.Color)
	default:
		var buf bytes.Buffer
		if err := json.Indent(&buf, raw, "", "  "); err != nil {
			return err
		}
		buf.WriteByte('\n')
		_, err := w.Write(terminalJSON(buf.Bytes(), opts.Sanitize))
		return err
	}
}

// writeFieldTable prints "field  value" lines without a header row.
func writeFieldTable(w io.Writer, rows [][]string, cs *iostreams.ColorScheme) error {
	width := 0
	for _, r := range rows {
		if n := runewidth.StringWidth(r[0]); n > width {
			width = n
		}
	}
	var buf bytes.Buffer
	for _, r := range rows {
		key := r[0] + ":"
		pad := width + 1 - runewidth.StringWidth(key)
		if cs != nil {
			key = cs.Bold(key)
		}
		buf.WriteString(key)
		if value := strings.TrimRight(r[1], " "); value != "" {
			// No padding before an empty value: no line ends in spaces.
			buf.WriteString(strings.Repeat(" ", pad+1))
			buf.WriteString(value)
		}
		buf.WriteByte('\n')
	}
	_, err := w.Write(buf.Bytes())
	return err
}
