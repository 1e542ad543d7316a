package output

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/coreclaw/coreclaw/internal/jsonobj"
)

// The json writer indents each row member by member; its bytes must be
// those of json.Indent over the whole array, whatever the values hold.
func TestJSONRowsMatchIndent(t *testing.T) {
	rows := []string{
		`{"a":1,"b":"x","c":null,"d":true}`,
		`{}`,
		`{"nested":{"k":[1,{"x":[]},{}],"e":{}},"list":[],"obj":{}}`,
		`{"ünï":"咖啡","q\"k":"a\\b","html":"<a>&","ctl":"\u0001\u2028"}`,
		`{"num":-1.5e+10,"big":9007199254740993,"s":"  spaced  "}`,
	}
	var objs []*jsonobj.Object
	var whole bytes.Buffer
	whole.WriteByte('[')
	for i, r := range rows {
		o, err := jsonobj.Parse([]byte(r))
		if err != nil {
			t.Fatal(err)
		}
		objs = append(objs, o)
		if i > 0 {
			whole.WriteByte(',')
		}
		o.WriteTo(&whole)
	}
	whole.WriteByte(']')
	var want bytes.Buffer
	if err := json.Indent(&want, whole.Bytes(), "", "  "); err != nil {
		t.Fatal(err)
	}
	want.WriteByte('\n')

	var got bytes.Buffer
	w := NewRowWriter(&got, JSON, RowOptions{})
	for _, o := range objs {
		if err := w.Row(o); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() {
		t.Errorf("json rows:\n%s\nwant (json.Indent):\n%s", got.String(), want.String())
	}
}

// Cell's quick unquoting must agree with json.Unmarshal on every string.
func TestCellStringsMatchUnmarshal(t *testing.T) {
	for _, raw := range []string{
		`"plain"`, `""`, `"with \"quotes\""`, `"back\\slash"`, `"tab\there"`, `"\u00e9 and é"`,
		`"咖啡"`, "\"bad \xff utf-8\"", `"\ud83d\ude00"`, `"<html> & more"`, `"line\nbreak"`,
	} {
		var want string
		if err := json.Unmarshal([]byte(raw), &want); err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		if got := Cell(json.RawMessage(raw)); got != want {
			t.Errorf("Cell(%s) = %q, want %q", raw, got, want)
		}
	}
}
