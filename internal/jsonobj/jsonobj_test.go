package jsonobj

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
)

func marshal(t *testing.T, o *Object) string {
	t.Helper()
	b, err := o.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		keys []string
		want string // MarshalJSON of the result
	}{
		{"empty object", `{}`, []string{}, `{}`},
		{"whitespace around", " \n\t{ } \r\n", []string{}, `{}`},
		{"order kept", `{"b":1,"a":2,"c":3}`, []string{"b", "a", "c"}, `{"b":1,"a":2,"c":3}`},
		{"duplicate: first position, last value", `{"a":1,"b":2,"a":3}`, []string{"a", "b"}, `{"a":3,"b":2}`},
		{"duplicate thrice", `{"x":1,"x":2,"y":0,"x":{"z":1}}`, []string{"x", "y"}, `{"x":{"z":1},"y":0}`},
		{"nested values compacted", "{\"a\" : { \"x\" : [ 1 , 2 ],\n \"y\": {} } }", []string{"a"}, `{"a":{"x":[1,2],"y":{}}}`},
		{"numbers kept as written", `{"f":1.50,"big":9007199254740993,"e":1e3,"neg":-0.0}`, []string{"f", "big", "e", "neg"}, `{"f":1.50,"big":9007199254740993,"e":1e3,"neg":-0.0}`},
		{"strings kept as written", `{"s":"<&>","u":"\u003c","w":"咖啡","esc":"a\"b\\c\n"}`, []string{"s", "u", "w", "esc"}, `{"s":"<&>","u":"\u003c","w":"咖啡","esc":"a\"b\\c\n"}`},
		{"key escapes decoded then re-encoded", `{"a\u0062":1,"<k>":2}`, []string{"ab", "<k>"}, `{"ab":1,"<k>":2}`},
		{"literals", `{"t":true,"f":false,"n":null}`, []string{"t", "f", "n"}, `{"t":true,"f":false,"n":null}`},
		{"empty key", `{"":1}`, []string{""}, `{"":1}`},
		{"nested duplicates are not merged", `{"a":{"k":1,"k":2}}`, []string{"a"}, `{"a":{"k":1,"k":2}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := Parse([]byte(tt.in))
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if got := o.Keys(); strings.Join(got, "|") != strings.Join(tt.keys, "|") || len(got) != len(tt.keys) {
				t.Errorf("Keys() = %q, want %q", got, tt.keys)
			}
			if o.Len() != len(tt.keys) {
				t.Errorf("Len() = %d, want %d", o.Len(), len(tt.keys))
			}
			if got := marshal(t, o); got != tt.want {
				t.Errorf("MarshalJSON() = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    string // exact error text
		notObj  bool   // errors.Is(err, ErrNotObject)
		wantEOF bool
	}{
		{"array", `[1,2]`, "not a JSON object", true, false},
		{"string", `"x"`, "not a JSON object", true, false},
		{"number", `12`, "not a JSON object", true, false},
		{"true", `true`, "not a JSON object", true, false},
		{"null", `null`, "not a JSON object", true, false},
		{"empty input", ``, "EOF", false, true},
		{"only spaces", "  \n", "EOF", false, true},
		{"second object", `{"a":1} {}`, "unexpected data after the JSON object", false, false},
		{"second value", `{"a":1} 2`, "unexpected data after the JSON object", false, false},
		{"garbage after", `{"a":1} x`, "invalid character 'x' looking for beginning of value", false, false},
		{"closing bracket after", `{"a":1}]`, "invalid character ']' looking for beginning of value", false, false},
		{"unterminated", `{"a":1`, "unexpected EOF", false, false},
		{"only the brace", `{`, "unexpected EOF", false, false},
		{"key without value", `{"a"`, "unexpected EOF", false, false},
		{"colon without value", `{"a":`, "unexpected EOF", false, false},
		{"comma at the end", `{"a":1,`, "unexpected EOF", false, false},
		{"unterminated array value", `{"a":[1`, "unexpected EOF", false, false},
		{"unterminated string value", `{"a":"x`, "unexpected EOF", false, false},
		{"missing value", `{"a":}`, "invalid character '}' looking for beginning of value", false, false},
		{"trailing comma", `{"a":1,}`, "invalid character '}' looking for beginning of object key string", false, false},
		{"key not a string", `{1:2}`, "invalid character '1'", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := Parse([]byte(tt.in))
			if err == nil {
				t.Fatalf("Parse(%q) = %s, want an error", tt.in, marshal(t, o))
			}
			if o != nil {
				t.Errorf("Parse(%q) returned an object with the error", tt.in)
			}
			if err.Error() != tt.want {
				t.Errorf("Parse(%q) error = %q, want %q", tt.in, err, tt.want)
			}
			if errors.Is(err, ErrNotObject) != tt.notObj {
				t.Errorf("errors.Is(%v, ErrNotObject) = %v, want %v", err, !tt.notObj, tt.notObj)
			}
			if errors.Is(err, io.EOF) != tt.wantEOF {
				t.Errorf("errors.Is(%v, io.EOF) = %v, want %v", err, !tt.wantEOF, tt.wantEOF)
			}
		})
	}
}

func TestSetGetDeleteMerge(t *testing.T) {
	o := &Object{}
	if got := marshal(t, o); got != `{}` {
		t.Fatalf("zero Object = %s", got)
	}
	o.Set("a", json.RawMessage(`1`))
	o.Set("b", json.RawMessage(`"x"`))
	o.Set("c", json.RawMessage(`[true]`))
	o.Set("a", json.RawMessage(`{"n":2}`)) // replaced in place
	if got := marshal(t, o); got != `{"a":{"n":2},"b":"x","c":[true]}` {
		t.Fatalf("after Set: %s", got)
	}
	if v, ok := o.Get("b"); !ok || string(v) != `"x"` {
		t.Errorf(`Get("b") = %s, %v`, v, ok)
	}
	if v, ok := o.Get("zz"); ok || v != nil {
		t.Errorf(`Get("zz") = %s, %v; want nil, false`, v, ok)
	}
	if !o.Has("c") || o.Has("C") {
		t.Errorf("Has is wrong: c=%v C=%v", o.Has("c"), o.Has("C"))
	}

	o.Delete("b")
	o.Delete("nope") // no-op
	if got := marshal(t, o); got != `{"a":{"n":2},"c":[true]}` {
		t.Fatalf("after Delete: %s", got)
	}
	o.Delete("a")
	o.Delete("c")
	if got := marshal(t, o); got != `{}` || o.Len() != 0 {
		t.Fatalf("after deleting all: %s (len %d)", got, o.Len())
	}

	base, _ := Parse([]byte(`{"x":1,"y":2,"z":3}`))
	over, _ := Parse([]byte(`{"w":0,"y":"two","x":null}`))
	base.Merge(over)
	if got := marshal(t, base); got != `{"x":null,"y":"two","z":3,"w":0}` {
		t.Errorf("Merge: %s", got)
	}
	base.Merge(nil)
	base.Merge(&Object{})
	if got := marshal(t, base); got != `{"x":null,"y":"two","z":3,"w":0}` {
		t.Errorf("Merge(nil/empty) changed the object: %s", got)
	}
	// Merge copies values: changing the source later leaves the target alone.
	over.Set("w", json.RawMessage(`99`))
	if v, _ := base.Get("w"); string(v) != `0` {
		t.Errorf("Merge shares members with its source: w = %s", v)
	}
}

func TestNilObject(t *testing.T) {
	var o *Object
	if o.Len() != 0 || o.Members() != nil || len(o.Keys()) != 0 || o.Has("a") {
		t.Errorf("nil Object is not empty: len %d, members %v, keys %v", o.Len(), o.Members(), o.Keys())
	}
	if _, ok := o.Get("a"); ok {
		t.Error("nil Object has a member")
	}
	if got := marshal(t, o); got != `{}` {
		t.Errorf("nil Object marshals to %s", got)
	}
}

func TestMarshalJSON(t *testing.T) {
	o := &Object{}
	o.Set("html", String("<a href=\"x\">&</a>"))
	o.Set("uni", String("Ünïcødé 咖啡 😀"))
	o.Set("ctl", String("a\x01b\tc\nd\x7f"))
	o.Set("seps", String("x\u2028y\u2029z"))
	o.Set("<key&>", json.RawMessage(`1`))
	o.Set("missing", nil) // an empty raw value is written as null
	want := `{"html":"<a href=\"x\">&</a>","uni":"Ünïcødé 咖啡 😀","ctl":"a\u0001b\tc\nd` + "\x7f" + `","seps":"x\u2028y\u2029z","<key&>":1,"missing":null}`
	if got := marshal(t, o); got != want {
		t.Errorf("MarshalJSON:\n got %s\nwant %s", got, want)
	}
	if !json.Valid([]byte(want)) {
		t.Fatal("want is not valid JSON")
	}

	// WriteTo appends to what is already in the buffer.
	var buf bytes.Buffer
	buf.WriteString("row=")
	small := &Object{}
	small.Set("a", json.RawMessage(`[1,2]`))
	small.WriteTo(&buf)
	if got := buf.String(); got != `row={"a":[1,2]}` {
		t.Errorf("WriteTo: %q", got)
	}

	// json.Marshal goes through MarshalJSON (and compacts, without escaping
	// HTML since the value is already valid JSON).
	b, err := json.Marshal(map[string]*Object{"o": small})
	if err != nil || string(b) != `{"o":{"a":[1,2]}}` {
		t.Errorf("json.Marshal = %s, %v", b, err)
	}
}

func TestString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", `""`},
		{"plain", `"plain"`},
		{"<&>", `"<&>"`},
		{`quote " backslash \`, `"quote \" backslash \\"`},
		{"new\nline\ttab\rcr", `"new\nline\ttab\rcr"`},
		{"\x00\x1f", `"\u0000\u001f"`},
		{"咖啡", `"咖啡"`},
		{"\xff", `"\ufffd"`}, // invalid UTF-8 becomes the replacement character
	}
	for _, tt := range tests {
		if got := string(String(tt.in)); got != tt.want {
			t.Errorf("String(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	in := `{"z":1,"a":{"b":[1,{"c":null}]},"m":"<>","n":1.0e+2}`
	o, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if got := marshal(t, o); got != in {
		t.Errorf("round trip:\n got %s\nwant %s", got, in)
	}
}
