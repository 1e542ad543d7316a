package jsonobj

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// FuzzParse: a parsed object marshals back to JSON that means the same as
// the input (last duplicate wins, as with encoding/json).
func FuzzParse(f *testing.F) {
	for _, seed := range []string{`{}`, `{"a":1,"b":[1,{"c":null}]}`, `{"a":1,"a":2}`, `{"<&>":"<&>"}`, `{"n":1.50}`, `[]`, `{"a":1}x`, `{"é":"\u00e9"}`, ` { "a" : [ 1 , 2 ] , "b" : { } } `, `{"a":"x\"y","b":tru}`, `{"a":1,}`, `{"a\u0041":01}`, `{"a":"\ud800"}`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		o, err := Parse(data)
		// The quick reader gives the decoder's result, or leaves it to it.
		slow, slowErr := parseSlow(data)
		if (err == nil) != (slowErr == nil) {
			t.Fatalf("Parse error %v, decoder error %v", err, slowErr)
		}
		if err == nil && !reflect.DeepEqual(o.Members(), slow.Members()) {
			t.Fatalf("Parse %q, decoder %q", o.Members(), slow.Members())
		}
		if err != nil {
			return
		}
		out, _ := o.MarshalJSON()
		if !json.Valid(out) {
			t.Fatalf("invalid output %s", out)
		}
		decode := func(b []byte) any {
			dec := json.NewDecoder(bytes.NewReader(b))
			dec.UseNumber()
			var v any
			if err := dec.Decode(&v); err != nil {
				t.Fatalf("%v: %s", err, b)
			}
			return v
		}
		if got, want := decode(out), decode(data); !reflect.DeepEqual(got, want) {
			t.Fatalf("round trip: %v, want %v", got, want)
		}
	})
}
