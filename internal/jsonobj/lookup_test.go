package jsonobj

import (
	"bytes"
	"encoding/json"
	"testing"
)

// memberByDecoder is what Lookup stands for: a map decode's value.
func memberByDecoder(data []byte, key string) (json.RawMessage, bool) {
	var m map[string]json.RawMessage
	if json.Unmarshal(data, &m) != nil {
		return nil, false
	}
	v, ok := m[key]
	return v, ok
}

func TestLookup(t *testing.T) {
	tests := []struct {
		data, want string
		found      bool
		sure       bool
	}{
		{`{"id":"d1","n":1}`, `"d1"`, true, true},
		{`{"n":{"id":"inner"},"id":7}`, `7`, true, true},
		{`{"n":["id","x"],"m":"id"}`, ``, false, true},
		{` { "id" : { "a" : [ 1 , 2 ] } } `, `{ "a" : [ 1 , 2 ] }`, true, true},
		{`{"id":1,"id":2}`, `2`, true, true}, // the last wins, as in a map decode
		{`{"id":null}`, `null`, true, true},
		{`{"s":"a \"id\": 1","id":"x\"y"}`, `"x\"y"`, true, true},
		{`{}`, ``, false, true},
		{`{"i\u0064":1}`, ``, false, false}, // an escaped key: the decoder's
		{`{"é":1,"id":2}`, ``, false, false},
		{`[1,2]`, ``, false, false},
		{`"id"`, ``, false, false},
	}
	for _, tt := range tests {
		v, found, sure := Lookup([]byte(tt.data), "id")
		if string(v) != tt.want || found != tt.found || sure != tt.sure {
			t.Errorf("Lookup(%s) = %s, %v, %v; want %s, %v, %v", tt.data, v, found, sure, tt.want, tt.found, tt.sure)
		}
		if sure {
			dv, dok := memberByDecoder([]byte(tt.data), "id")
			if dok != found || !bytes.Equal(dv, v) {
				t.Errorf("%s: the decoder finds %s, %v", tt.data, dv, dok)
			}
		}
	}
}

// FuzzLookup: when Lookup is sure, it finds what a map decode finds.
func FuzzLookup(f *testing.F) {
	for _, seed := range []string{`{"id":"d1","n":1}`, `{"n":{"id":"x"},"id":[1,{"id":2}]}`, `{"id":1,"id":2}`, ` { "id" : "a" } `, `{"a":"\"id\":","id":true}`, `{"i\u0064":1}`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !json.Valid(data) {
			return
		}
		v, found, sure := Lookup(data, "id")
		if !sure {
			return
		}
		dv, dok := memberByDecoder(data, "id")
		if dok != found || !bytes.Equal(dv, v) {
			t.Fatalf("%s: Lookup %s %v, decoder %s %v", data, v, found, dv, dok)
		}
	})
}
