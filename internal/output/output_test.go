package output

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/jsonobj"
)

func obj(t *testing.T, s string) *jsonobj.Object {
	t.Helper()
	o, err := jsonobj.Parse([]byte(s))
	if err != nil {
		t.Fatalf("jsonobj.Parse(%s): %v", s, err)
	}
	return o
}

// writeRows sends rows through a RowWriter and returns what it wrote.
func writeRows(t *testing.T, f Format, opts RowOptions, cols []string, rows ...string) string {
	t.Helper()
	var buf bytes.Buffer
	w := NewRowWriter(&buf, f, opts)
	if cols != nil {
		w.Columns(cols)
	}
	for _, r := range rows {
		if err := w.Row(obj(t, r)); err != nil {
			t.Fatalf("Row(%s): %v", r, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	return buf.String()
}

func TestResolve(t *testing.T) {
	tests := []struct {
		flag string
		tty  bool
		want Format
		err  string
	}{
		{"", false, JSON, ""},
		{"", true, Table, ""},
		{"  ", true, Table, ""},
		{"json", true, JSON, ""},
		{"jsonl", false, JSONL, ""},
		{"csv", true, CSV, ""},
		{"table", false, Table, ""},
		{"JSON", false, JSON, ""},
		{" Csv ", false, CSV, ""},
		{"xml", false, "", `unknown output format "xml": use json, jsonl, csv or table`},
		{"yaml", true, "", `unknown output format "yaml": use json, jsonl, csv or table`},
		{"json,csv", true, "", `unknown output format "json,csv": use json, jsonl, csv or table`},
	}
	for _, tt := range tests {
		got, err := Resolve(tt.flag, tt.tty)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err || got != "" {
				t.Errorf("Resolve(%q, %v) = %q, %v; want error %q", tt.flag, tt.tty, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Resolve(%q, %v) = %q, %v; want %q", tt.flag, tt.tty, got, err, tt.want)
		}
	}
	if got := strings.Join(Formats(), ","); got != "json,jsonl,csv,table" {
		t.Errorf("Formats() = %s", got)
	}
}

// The rows of the fake's "tricky" Worker: every kind of value a cell meets.
var trickyCols = []string{"name", "note", "count", "tags", "meta", "empty"}
var trickyRows = []string{
	`{"name":"Comma, Inc.","note":"says \"hi\"","count":9007199254740993,"tags":["a","b"],"meta":{"k":1},"empty":null}`,
	`{"name":"Line\nbreak","note":"tab\there","count":0,"tags":[],"meta":{},"empty":null}`,
	`{"name":"Ünïcødé 咖啡","note":"\u001b[31mred\u001b[0m","count":-1.5,"tags":["x"],"meta":null,"empty":true}`,
	`{"name":"","note":"","count":1e3,"tags":null,"meta":{"nested":{"deep":[1,2]}},"empty":false}`,
}

func TestJSONRows(t *testing.T) {
	tests := []struct {
		name string
		rows []string
		want string
	}{
		{"no rows", nil, "[]\n"},
		{"one empty object", []string{`{}`}, "[\n  {}\n]\n"},
		{"nested, numbers and HTML as they are", []string{`{"a":1,"b":[1,2],"c":{"d":null},"s":"<&>","f":1.50,"big":9007199254740993}`, `{"u":"咖啡"}`},
			`[
  {
    "a": 1,
    "b": [
      1,
      2
    ],
    "c": {
      "d": null
    },
    "s": "<&>",
    "f": 1.50,
    "big": 9007199254740993
  },
  {
    "u": "咖啡"
  }
]
`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Columns do not matter to JSON.
			got := writeRows(t, JSON, RowOptions{}, []string{"x"}, tt.rows...)
			if got != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
			if !json.Valid([]byte(got)) {
				t.Errorf("not valid JSON: %s", got)
			}
		})
	}
}

// On a terminal, the controls JSON allows raw in strings (DEL, C1) and
// invalid UTF-8 are written as \u escapes: the same JSON value.
func TestJSONOnATerminal(t *testing.T) {
	row := "{\"s\":\"a\u009b2J\x7fb\xffc\",\"e\":\"\\u001b[31m\",\"u\":\"咖啡 é\"}"
	tests := []struct {
		format   Format
		sanitize bool
		want     string
	}{
		{JSONL, true, `{"s":"a\u009b2J\u007fb\ufffdc","e":"\u001b[31m","u":"咖啡 é"}` + "\n"},
		{JSONL, false, row + "\n"},
		{JSON, true, "[\n  {\n    \"s\": \"a\\u009b2J\\u007fb\\ufffdc\",\n    \"e\": \"\\u001b[31m\",\n    \"u\": \"咖啡 é\"\n  }\n]\n"},
	}
	for _, tt := range tests {
		got := writeRows(t, tt.format, RowOptions{Sanitize: tt.sanitize}, nil, row)
		if got != tt.want {
			t.Errorf("%s sanitize=%v:\n got %q\nwant %q", tt.format, tt.sanitize, got, tt.want)
		}
		if tt.sanitize && tt.format == JSONL {
			var v map[string]string
			if err := json.Unmarshal([]byte(got), &v); err != nil || v["s"] != "a\u009b2J\x7fb\ufffdc" {
				t.Errorf("escaped JSON reads back as %q, %v", v["s"], err)
			}
		}
	}
	// One value, through the printer of a terminal and of a pipe.
	for _, tty := range []bool{true, false} {
		for _, f := range []string{"json", "jsonl"} {
			p, out := printer(t, Flags{Output: f}, tty)
			if err := p.Value(context.Background(), json.RawMessage("{\"s\":\"x\u0085y\"}")); err != nil {
				t.Fatal(err)
			}
			escaped := strings.Contains(out.String(), `x\u0085y`)
			if escaped != tty {
				t.Errorf("-o %s, terminal %v: %q", f, tty, out.String())
			}
		}
	}
}

func TestJSONLRows(t *testing.T) {
	if got := writeRows(t, JSONL, RowOptions{}, nil); got != "" {
		t.Errorf("no rows: %q", got)
	}
	got := writeRows(t, JSONL, RowOptions{Sanitize: true}, trickyCols, trickyRows...)
	want := `{"name":"Comma, Inc.","note":"says \"hi\"","count":9007199254740993,"tags":["a","b"],"meta":{"k":1},"empty":null}
{"name":"Line\nbreak","note":"tab\there","count":0,"tags":[],"meta":{},"empty":null}
{"name":"Ünïcødé 咖啡","note":"\u001b[31mred\u001b[0m","count":-1.5,"tags":["x"],"meta":null,"empty":true}
{"name":"","note":"","count":1e3,"tags":null,"meta":{"nested":{"deep":[1,2]}},"empty":false}
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestCSVRows(t *testing.T) {
	tests := []struct {
		name string
		opts RowOptions
		cols []string
		rows []string
		want string
	}{
		{"header in column order, quoting, nested values, null", RowOptions{}, trickyCols, trickyRows,
			"name,note,count,tags,meta,empty\n" +
				"\"Comma, Inc.\",\"says \"\"hi\"\"\",9007199254740993,\"[\"\"a\"\",\"\"b\"\"]\",\"{\"\"k\"\":1}\",\n" +
				"\"Line\nbreak\",tab\there,0,[],{},\n" +
				"Ünïcødé 咖啡,\x1b[31mred\x1b[0m,-1.5,\"[\"\"x\"\"]\",,true\n" +
				",,1e3,,\"{\"\"nested\"\":{\"\"deep\"\":[1,2]}}\",false\n"},
		{"sanitized for a terminal", RowOptions{Sanitize: true}, trickyCols, trickyRows[2:3],
			"name,note,count,tags,meta,empty\n" +
				"Ünïcødé 咖啡,red,-1.5,\"[\"\"x\"\"]\",,true\n"},
		{"sanitize keeps newlines and drops CR", RowOptions{Sanitize: true}, []string{"a"}, []string{`{"a":"x\r\ny\u0007"}`},
			"a\n\"x\ny\"\n"},
		{"missing keys are empty, extra keys dropped", RowOptions{}, []string{"b", "a"}, []string{`{"a":1,"c":3}`, `{"b":"x"}`, `{}`},
			"b,a\n,1\nx,\n,\n"},
		{"no columns: the first row's keys", RowOptions{}, nil, []string{`{"z":1,"y":2}`, `{"y":3,"x":4}`},
			"z,y\n1,2\n,3\n"},
		{"header only when there are no rows", RowOptions{}, []string{"a", "b"}, nil, "a,b\n"},
		{"nothing at all without columns or rows", RowOptions{}, nil, nil, ""},
		{"leading space and quote characters", RowOptions{}, []string{"a", "b", "c"}, []string{`{"a":" x","b":"x\"","c":"#"}`},
			"a,b,c\n\" x\",\"x\"\"\",#\n"},
		{"header sanitized for a terminal", RowOptions{Sanitize: true}, []string{"ok", "bad\u001b]0;t\u0007"}, []string{`{"ok":1}`},
			"ok,bad\n1,\n"},
		{"header kept as is in a pipe", RowOptions{}, []string{"bad\u001b"}, nil, "bad\x1b\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := writeRows(t, CSV, tt.opts, tt.cols, tt.rows...)
			if got != tt.want {
				t.Errorf("got:\n%q\nwant:\n%q", got, tt.want)
			}
		})
	}
}

func TestTableRows(t *testing.T) {
	tests := []struct {
		name string
		opts RowOptions
		cols []string
		rows []string
		want string
	}{
		{"tricky rows: alignment by display width, one line per row", RowOptions{}, trickyCols, trickyRows,
			"NAME          NOTE       COUNT             TAGS       META                       EMPTY\n" +
				"Comma, Inc.   says \"hi\"  9007199254740993  [\"a\",\"b\"]  {\"k\":1}\n" +
				"Line break    tab here   0                 []         {}\n" +
				"Ünïcødé 咖啡  red        -1.5              [\"x\"]                                 true\n" +
				"                         1e3                          {\"nested\":{\"deep\":[1,2]}}  false\n"},
		{"wide characters", RowOptions{}, []string{"name", "n"}, []string{`{"name":"咖啡","n":1}`, `{"name":"abcde","n":22}`, `{"name":"😀","n":3}`},
			"NAME   N\n咖啡   1\nabcde  22\n😀     3\n"},
		{"truncation to the cell width, header too", RowOptions{MaxCellWidth: 5}, []string{"longcolumn", "b"},
			[]string{`{"longcolumn":"abcdefgh","b":"咖啡咖啡"}`, `{"longcolumn":"abcde","b":"x"}`},
			"LONG…  B\nabcd…  咖啡…\nabcde  x\n"},
		{"no trailing spaces: empty trailing cells left out", RowOptions{}, []string{"a", "b", "c"},
			[]string{`{"a":"x","b":"","c":null}`, `{"a":"","b":"y"}`, `{"c":"z"}`},
			"A  B  C\nx\n   y\n      z\n"},
		{"no trailing spaces: a value's own trailing spaces", RowOptions{}, []string{"a", "b"},
			[]string{`{"a":"x","b":"y  "}`, `{"a":"long value","b":" "}`},
			"A           B\nx           y\nlong value\n"},
		{"no columns: the first row's keys", RowOptions{}, nil, []string{`{"k":"v","n":1}`, `{"n":2,"other":3}`},
			"K  N\nv  1\n   2\n"},
		{"header only", RowOptions{}, []string{"a", "bb"}, nil, "A  BB\n"},
		{"nothing without columns or rows", RowOptions{}, nil, nil, ""},
		{"bold header when colour is on", RowOptions{Color: iostreams.NewColorScheme(true)}, []string{"name", "n"}, []string{`{"name":"abc","n":1}`},
			"\x1b[1mNAME\x1b[22m  \x1b[1mN\x1b[22m\nabc   1\n"},
		{"no escapes when colour is off", RowOptions{Color: iostreams.NewColorScheme(false)}, []string{"name", "n"}, []string{`{"name":"abc","n":1}`},
			"NAME  N\nabc   1\n"},
		{"control characters removed, CRLF and tabs become spaces", RowOptions{}, []string{"a", "b"},
			[]string{`{"a":"x\r\ny\tz\u0007","b":"\u009b2J!"}`},
			"A      B\nx y z  !\n"},
		{"escape sequences removed whole, bidi controls and line breaks too", RowOptions{}, []string{"a", "b"},
			[]string{`{"a":"\u001b[31mred\u001b[0m\u001b]0;title\u0007","b":"evil\u202egnp.exe\u2028next"}`, `{"a":"x\ny","b":"1"}`},
			"A    B\nred  evilgnp.exe next\nx y  1\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := writeRows(t, Table, tt.opts, tt.cols, tt.rows...)
			if got != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s\n(%q)", got, tt.want, got)
			}
		})
	}
}

func TestWriteTable(t *testing.T) {
	tests := []struct {
		name string
		head []string
		rows [][]string
		want string
	}{
		{"plain", []string{"A", "B"}, [][]string{{"1", "2"}, {"333", ""}}, "A    B\n1    2\n333\n"},
		{"a row longer than the header", []string{"A"}, [][]string{{"1", "extra", "more"}, {"22"}}, "A\n1   extra  more\n22\n"},
		{"a row shorter than the header", []string{"A", "B", "C"}, [][]string{{"x"}}, "A  B  C\nx\n"},
		{"empty header cells at the end", []string{"A", ""}, [][]string{{"1", "2"}}, "A\n1  2\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteTable(&buf, tt.head, tt.rows, nil); err != nil {
				t.Fatal(err)
			}
			if buf.String() != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s\n(%q)", buf.String(), tt.want, buf.String())
			}
		})
	}
}

func TestCell(t *testing.T) {
	tests := []struct {
		raw  string
		want string
	}{
		{``, ""},
		{`null`, ""},
		{` null `, ""},
		{`"text"`, "text"},
		{`""`, ""},
		{`"a\nb\u001b"`, "a\nb\x1b"},
		{`"<&>"`, "<&>"},
		{`"\u003c"`, "<"},
		{`"咖啡"`, "咖啡"},
		{`9007199254740993`, "9007199254740993"},
		{`1.50`, "1.50"},
		{`1e3`, "1e3"},
		{`-0`, "-0"},
		{`true`, "true"},
		{`false`, "false"},
		{`[1, 2]`, "[1,2]"},
		{"{ \"a\" : { \"b\" : [ ] } }", `{"a":{"b":[]}}`},
		{`{"h":"<&>"}`, `{"h":"<&>"}`},
		{`"unterminated`, `"unterminated`},
		{` "padded" `, "padded"},
	}
	for _, tt := range tests {
		if got := Cell(json.RawMessage(tt.raw)); got != tt.want {
			t.Errorf("Cell(%q) = %q, want %q", tt.raw, got, tt.want)
		}
	}
}

type detail struct {
	Slug string   `json:"slug"`
	N    int      `json:"n"`
	Tags []string `json:"tags"`
	Nil  *int     `json:"nil"`
	HTML string   `json:"html"`
	Big  int64    `json:"big"`
}

var sample = detail{Slug: "01KX", N: 1, Tags: []string{"a"}, HTML: "<b>&", Big: 9007199254740993}

func TestWriteValue(t *testing.T) {
	tests := []struct {
		name   string
		format Format
		v      any
		want   string
	}{
		{"json", JSON, sample, `{
  "slug": "01KX",
  "n": 1,
  "tags": [
    "a"
  ],
  "nil": null,
  "html": "<b>&",
  "big": 9007199254740993
}
`},
		{"jsonl", JSONL, sample, `{"slug":"01KX","n":1,"tags":["a"],"nil":null,"html":"<b>&","big":9007199254740993}` + "\n"},
		{"csv", CSV, sample, "slug,n,tags,nil,html,big\n01KX,1,\"[\"\"a\"\"]\",,<b>&,9007199254740993\n"},
		{"table: field lines, no trailing spaces", Table, sample,
			"slug: 01KX\nn:    1\ntags: [\"a\"]\nnil:\nhtml: <b>&\nbig:  9007199254740993\n"},
		{"table: value sanitized, one line", Table, map[string]string{"k": "a\nb\x1b[2J"},
			"k: a b\n"},
		{"csv of a non-object falls back to JSON", CSV, []int{1, 2}, "[\n  1,\n  2\n]\n"},
		{"table of a string falls back to JSON", Table, "x<y", "\"x<y\"\n"},
		{"raw JSON kept as written", JSON, json.RawMessage(`{"b": 1.50, "a": [ ]}`), "{\n  \"b\": 1.50,\n  \"a\": []\n}\n"},
		{"ordered object", JSONL, obj(t, `{"z":1,"a":"<"}`), `{"z":1,"a":"<"}` + "\n"},
		{"empty object as a table", Table, map[string]int{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteValue(&buf, tt.format, tt.v); err != nil {
				t.Fatal(err)
			}
			if buf.String() != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s\n(%q)", buf.String(), tt.want, buf.String())
			}
		})
	}
	var buf bytes.Buffer
	if err := WriteValue(&buf, JSON, json.RawMessage(`{"a":`)); err == nil || !strings.HasPrefix(err.Error(), "encoding output: ") {
		t.Errorf("invalid raw JSON: %v", err)
	}
	if err := WriteValue(&buf, JSON, func() {}); err == nil || err.Error() != "encoding output: json: unsupported type: func()" {
		t.Errorf("unsupported value: %v", err)
	}
	if buf.Len() != 0 {
		t.Errorf("something was written on error: %q", buf.String())
	}
}

func TestMarshal(t *testing.T) {
	tests := []struct {
		v    any
		want string
	}{
		{"<&>", `"<&>"`},
		{json.RawMessage(" { \"a\" : 1 } "), `{"a":1}`},
		{map[string]any{"b": 1, "a": "\u2028"}, `{"a":"\u2028","b":1}`},
		{obj(t, `{"h":"<b>"}`), `{"h":"<b>"}`},
		{nil, `null`},
	}
	for _, tt := range tests {
		got, err := Marshal(tt.v)
		if err != nil || string(got) != tt.want {
			t.Errorf("Marshal(%v) = %s, %v; want %s", tt.v, got, err, tt.want)
		}
	}
}

func printer(t *testing.T, f Flags, tty bool) (*Printer, *bytes.Buffer) {
	t.Helper()
	ios, _, out, _ := iostreams.Test()
	ios.SetTTY(false, tty, false)
	p, err := f.Printer(ios)
	if err != nil {
		t.Fatalf("%+v.Printer: %v", f, err)
	}
	return p, out
}

func TestFlagsPrinter(t *testing.T) {
	tests := []struct {
		name   string
		flags  Flags
		tty    bool
		format Format
		jq     bool
		err    string
	}{
		{"pipe: json", Flags{}, false, JSON, false, ""},
		{"terminal: table", Flags{}, true, Table, false, ""},
		{"-o csv on a terminal", Flags{Output: "csv"}, true, CSV, false, ""},
		{"-o jsonl in a pipe", Flags{Output: "jsonl"}, false, JSONL, false, ""},
		{"unknown format", Flags{Output: "xml"}, false, "", false, `unknown output format "xml": use json, jsonl, csv or table`},
		{"--jq in a pipe", Flags{JQ: ".a"}, false, JSON, true, ""},
		{"--jq on a terminal switches to json", Flags{JQ: ".a"}, true, JSON, true, ""},
		{"--jq with -o json", Flags{Output: "json", JQ: ".a"}, true, JSON, true, ""},
		{"--jq with -o JSON", Flags{Output: "JSON", JQ: "."}, false, JSON, true, ""},
		{"--jq with -o csv refused", Flags{Output: "csv", JQ: ".a"}, false, "", false, "--jq works on JSON output: drop -o csv or use -o json"},
		{"--jq with -o jsonl refused", Flags{Output: "jsonl", JQ: "."}, false, "", false, "--jq works on JSON output: drop -o jsonl or use -o json"},
		{"--jq with -o table refused", Flags{Output: "table", JQ: "."}, true, "", false, "--jq works on JSON output: drop -o table or use -o json"},
		{"bad --jq", Flags{JQ: ".["}, false, "", false, `invalid --jq expression ".[": unexpected EOF`},
		{"undefined function", Flags{JQ: ".a | nope"}, false, "", false, `invalid --jq expression ".a | nope": function not defined: nope/0`},
		{"bad format reported before bad --jq", Flags{Output: "xml", JQ: ".["}, false, "", false, `unknown output format "xml": use json, jsonl, csv or table`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			ios.SetTTY(false, tt.tty, false)
			p, err := tt.flags.Printer(ios)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("error = %v, want %q", err, tt.err)
				}
				if p != nil {
					t.Error("a printer came with the error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Format != tt.format || p.HasJQ() != tt.jq {
				t.Errorf("format %q, jq %v; want %q, %v", p.Format, p.HasJQ(), tt.format, tt.jq)
			}
		})
	}
}

func TestPrinterValueWithJQ(t *testing.T) {
	doc := json.RawMessage(`{"name":"Line\nbreak","count":9007199254740993,"f":1.50,"e":1e3,"tags":["a","b"],"meta":{"k":null},"html":"<&>","u":"咖啡"}`)
	tests := []struct {
		expr string
		want string
		err  string
	}{
		{".name", "Line\nbreak\n", ""},
		{".count", "9007199254740993\n", ""},
		{"[.count]", "[9007199254740993]\n", ""},
		{".count + 1", "9007199254740994\n", ""},
		{".f, .e", "1.5\n1000\n", ""},
		{".tags[]", "a\nb\n", ""},
		{".tags", `["a","b"]` + "\n", ""},
		{".meta", `{"k":null}` + "\n", ""},
		{".missing", "null\n", ""},
		{".html", "<&>\n", ""},
		{"{html, u}", `{"html":"<&>","u":"咖啡"}` + "\n", ""},
		{"empty", "", ""},
		{"halt", "", ""},
		{".tags[], halt", "a\nb\n", ""},
		{`error("boom")`, "", `--jq error("boom"): error: boom`},
		{".name.x", "", `--jq .name.x: expected an object but got: string ("Line\nbreak")`},
		{`"x" | halt_error`, "", `--jq "x" | halt_error: halt error: x`},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			p, out := printer(t, Flags{JQ: tt.expr}, false)
			err := p.Value(context.Background(), doc)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("error = %v, want %q", err, tt.err)
				}
				if out.Len() != 0 {
					t.Errorf("output with the error: %q", out.String())
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if out.String() != tt.want {
				t.Errorf("got %q, want %q", out.String(), tt.want)
			}
		})
	}
}

// On a terminal, --jq prints strings raw; server text must still not reach
// the terminal with its control sequences.
func TestPrinterJQSanitizedOnTerminal(t *testing.T) {
	doc := json.RawMessage(`{"note":"\u001b[31mred\u001b[0m\u009b2J","n":1}`)
	p, out := printer(t, Flags{JQ: ".note, .n"}, true)
	if err := p.Value(context.Background(), doc); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "red\n1\n"; got != want {
		t.Errorf("terminal: got %q, want %q", got, want)
	}
	p, out = printer(t, Flags{JQ: ".note"}, false)
	if err := p.Value(context.Background(), doc); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "\x1b[31mred\x1b[0m\u009b2J\n"; got != want {
		t.Errorf("pipe: got %q, want %q", got, want)
	}
	// Rows too.
	p, out = printer(t, Flags{JQ: ".[].note"}, true)
	w := p.Rows(context.Background())
	w.Row(obj(t, `{"note":"a\u001bb"}`))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "a\n" {
		t.Errorf("rows on a terminal: got %q", got)
	}
}

func TestPrinterRowsWithJQ(t *testing.T) {
	tests := []struct {
		expr string
		rows []string
		want string
	}{
		{"length", nil, "0\n"},
		{".", nil, "[]\n"},
		// gojq sorts object keys (a documented difference from jq).
		{".", []string{`{"b":1,"a":2}`, `{}`}, `[{"a":2,"b":1},{}]` + "\n"},
		{".[].count", trickyRows, "9007199254740993\n0\n-1.5\n1000\n"},
		{".[].name", trickyRows, "Comma, Inc.\nLine\nbreak\nÜnïcødé 咖啡\n\n"},
		{"map(.empty)", trickyRows, "[null,null,true,false]\n"},
		{".[0].meta", trickyRows, `{"k":1}` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			p, out := printer(t, Flags{JQ: tt.expr}, false)
			w := p.Rows(context.Background())
			w.Columns([]string{"ignored"})
			for _, r := range tt.rows {
				if err := w.Row(obj(t, r)); err != nil {
					t.Fatal(err)
				}
			}
			if out.Len() != 0 {
				t.Errorf("output before Close: %q", out.String())
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if out.String() != tt.want {
				t.Errorf("got %q, want %q", out.String(), tt.want)
			}
		})
	}
	p, _ := printer(t, Flags{JQ: `error("x")`}, false)
	w := p.Rows(context.Background())
	if err := w.Close(); err == nil || err.Error() != `--jq error("x"): error: x` {
		t.Errorf("jq error at Close: %v", err)
	}
}

func TestPrinterWithoutJQ(t *testing.T) {
	// A terminal: table with a bold header when colour is on, csv sanitized.
	ios, _, out, _ := iostreams.Test()
	ios.SetTTY(false, true, false)
	ios.ForceColor()
	p, err := Flags{}.Printer(ios)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Value(context.Background(), map[string]string{"a": "x", "bb": "y"}); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "\x1b[1ma:\x1b[22m  x\n\x1b[1mbb:\x1b[22m y\n"; got != want {
		t.Errorf("table value on a terminal: got %q, want %q", got, want)
	}

	out.Reset()
	p, err = Flags{Output: "csv"}.Printer(ios)
	if err != nil {
		t.Fatal(err)
	}
	w := p.Rows(context.Background())
	w.Columns([]string{"a"})
	w.Row(obj(t, `{"a":"\u001b[2Jx"}`))
	w.Close()
	if got, want := out.String(), "a\nx\n"; got != want {
		t.Errorf("csv on a terminal: got %q, want %q", got, want)
	}

	// A pipe: JSON by default, csv left as it is.
	p, out = printer(t, Flags{}, false)
	w = p.Rows(context.Background())
	w.Row(obj(t, `{"a":1}`))
	w.Close()
	if got := out.String(); got != "[\n  {\n    \"a\": 1\n  }\n]\n" {
		t.Errorf("rows in a pipe: %q", got)
	}
	p, out = printer(t, Flags{Output: "csv"}, false)
	w = p.Rows(context.Background())
	w.Row(obj(t, `{"a":"\u001bx"}`))
	w.Close()
	if got := out.String(); got != "a\n\x1bx\n" {
		t.Errorf("csv in a pipe: %q", got)
	}
	p, out = printer(t, Flags{Output: "jsonl"}, false)
	if err := p.Value(context.Background(), map[string]int{"n": 1}); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "{\"n\":1}\n" {
		t.Errorf("jsonl value: %q", got)
	}
}

func TestJQWriteErrors(t *testing.T) {
	j, err := CompileJQ(".")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := j.Write(context.Background(), &buf, []byte(`{"a":`)); err == nil || err.Error() != "--jq: the output is not JSON: unexpected EOF" {
		t.Errorf("bad document: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	long, _ := CompileJQ("range(1e9)")
	err = long.Write(ctx, &buf, []byte(`null`))
	if err == nil || !errors.Is(err, context.Canceled) && !strings.Contains(err.Error(), "context canceled") {
		t.Errorf("cancelled filter: %v", err)
	}
}

// writeLog records each Write it is given.
type writeLog struct{ writes []string }

func (l *writeLog) Write(p []byte) (int, error) {
	l.writes = append(l.writes, string(p))
	return len(p), nil
}

// PageRows holds rows until Flush, then writes them in one write; Close
// writes what is left. With --jq it is Rows.
func TestPageRows(t *testing.T) {
	for _, tt := range []struct {
		format Format
		want   []string
	}{
		{JSONL, []string{"{\"a\":1}\n{\"a\":2}\n", "{\"a\":3}\n"}},
		{JSON, []string{"[\n  {\n    \"a\": 1\n  },\n  {\n    \"a\": 2\n  }", ",\n  {\n    \"a\": 3\n  }\n]\n"}},
		{CSV, []string{"a\n1\n2\n", "3\n"}},
		{Table, []string{"A\n1\n2\n3\n"}},
	} {
		log := &writeLog{}
		p := &Printer{Format: tt.format, out: log}
		w := p.PageRows(context.Background())
		w.Columns([]string{"a"})
		for _, row := range []string{`{"a":1}`, `{"a":2}`} {
			if err := w.Row(obj(t, row)); err != nil {
				t.Fatal(err)
			}
		}
		if len(log.writes) != 0 {
			t.Errorf("%s: written before Flush: %q", tt.format, log.writes)
		}
		if err := w.(Flusher).Flush(); err != nil {
			t.Fatal(err)
		}
		w.Row(obj(t, `{"a":3}`))
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if strings.Join(log.writes, "|") != strings.Join(tt.want, "|") {
			t.Errorf("%s: writes %q, want %q", tt.format, log.writes, tt.want)
		}
	}

	jq, err := CompileJQ("length")
	if err != nil {
		t.Fatal(err)
	}
	log := &writeLog{}
	p := &Printer{Format: JSON, out: log, jq: jq}
	if _, ok := p.PageRows(context.Background()).(*jqRows); !ok {
		t.Errorf("PageRows with --jq is not the jq writer")
	}
}

// A held writer's write error comes back from Flush.
func TestPageRowsFlushError(t *testing.T) {
	p := &Printer{Format: JSONL, out: failingWriter{}}
	w := p.PageRows(context.Background())
	if err := w.Row(obj(t, `{"a":1}`)); err != nil {
		t.Fatalf("Row: %v (nothing is written before Flush)", err)
	}
	if err := w.(Flusher).Flush(); err == nil || err.Error() != "write failed" {
		t.Errorf("Flush: %v, want the write's error", err)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("write failed") }
