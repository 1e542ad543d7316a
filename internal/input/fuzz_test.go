package input

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func decodeAny(t *testing.T, b []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("not JSON: %v: %q", err, b)
	}
	return v
}

// FuzzParseDocument: any bytes either give a one-line error or an input
// whose wrapped JSON is valid and, for a flat document, holds the same
// fields with the same values.
func FuzzParseDocument(f *testing.F) {
	for _, seed := range []string{
		`{"a":1}`, `{"keywords":["coffee"],"max_results":2}`, `{"parameters":{"custom":{"a":1},"system":{"memory":1024}}}`,
		`{"a":1,"a":2}`, "\xef\xbb\xbf{}", `{"a":}`, `[1]`, ``, `{"a":1} x`, "{\"a\":\"\xff\"}", `{"n":1e400}`,
		`{"p":{"parameters":1}}`, `{"parameters":[]}`, `{"parameters":{"custom":null}}`, "{\n\"a\": 1,\n}",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := parseDocument("fuzz.json", data)
		if err != nil {
			if strings.ContainsAny(err.Error(), "\n\r") {
				t.Fatalf("error on more than one line: %q", err)
			}
			return
		}
		built, err := Build(Sources{HasInline: true, Inline: string(data)}, Env{})
		if err != nil {
			if strings.ContainsAny(err.Error(), "\n\r") {
				t.Fatalf("error on more than one line: %q", err)
			}
			return
		}
		out := built.JSON()
		if !json.Valid(out) {
			t.Fatalf("wrapped input is not JSON: %s", out)
		}
		if doc.Has("parameters") {
			return
		}
		var wrapped struct {
			Parameters struct {
				Custom json.RawMessage `json:"custom"`
			} `json:"parameters"`
		}
		if err := json.Unmarshal(out, &wrapped); err != nil {
			t.Fatal(err)
		}
		clean := bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
		if got, want := decodeAny(t, wrapped.Parameters.Custom), decodeAny(t, clean); !reflect.DeepEqual(got, want) {
			t.Fatalf("custom = %v, want %v", got, want)
		}
	})
}

// FuzzParseAssignment: key=value gives the string value; key:=JSON gives
// valid JSON; errors are one line.
func FuzzParseAssignment(f *testing.F) {
	for _, seed := range []string{"a=b", "a:=1", "a:=[1,2]", "=x", "a", "a:=", "a:=tru", "k=v=w", "a b=c", "a:={\"x\":1}", "é=ü", "a\x00=b"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		key, value, fromString, err := ParseAssignment("-p", s)
		if err != nil {
			if strings.ContainsAny(err.Error(), "\n\r") {
				t.Fatalf("error on more than one line: %q", err)
			}
			return
		}
		if key == "" || !json.Valid(value) {
			t.Fatalf("key %q value %q", key, value)
		}
		if fromString {
			var got string
			if err := json.Unmarshal(value, &got); err != nil {
				t.Fatal(err)
			}
			if want := s[strings.IndexByte(s, '=')+1:]; got != want {
				t.Fatalf("value %q, want %q", got, want)
			}
		}
	})
}
