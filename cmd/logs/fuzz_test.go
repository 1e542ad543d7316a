package logs

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/iostreams"
)

// FuzzLogEntry: any JSON value the API might put in a log list decodes
// (strings, objects, odd types), and the text printed for it holds no
// terminal control character but the line ends.
func FuzzLogEntry(f *testing.F) {
	for _, seed := range []string{
		`"Run started"`,
		`{"type":2,"group":"49763990997368832","content":"SYSTEM: Running...","timestamp":1782091201000}`,
		`{"type":"WARNING","content":"\u001b[33mslow\u001b[0m\r\nnext\u0007","timestamp":"1782091201"}`,
		`{"type":[1],"content":{"a":1},"timestamp":true}`,
		`{"content":"\u001b]0;title\u0007x\u009b31m"}`,
		`42`, `null`, `[1,2]`, `{"type":"\u001b[31m","group":"\n","content":""}`,
	} {
		f.Add([]byte(seed))
	}
	cs := iostreams.NewColorScheme(false)
	f.Fuzz(func(t *testing.T, b []byte) {
		if !json.Valid(b) {
			return
		}
		var e api.LogEntry
		if err := json.Unmarshal(b, &e); err != nil {
			t.Fatalf("%q does not decode: %v", b, err)
		}
		text := formatText(e, cs)
		if !strings.HasSuffix(text, "\n") {
			t.Fatalf("%q prints without a final newline: %q", b, text)
		}
		for _, r := range text {
			if (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f || (r >= 0x80 && r < 0xa0) {
				t.Fatalf("%q prints a control character %U: %q", b, r, text)
			}
		}
		if utf8.ValidString(e.Content) {
			raw, _ := entryObject(e).MarshalJSON()
			if !json.Valid(raw) {
				t.Fatalf("%q gives invalid JSON %s", b, raw)
			}
		}
	})
}
