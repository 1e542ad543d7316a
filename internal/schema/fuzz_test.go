package schema

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/coreclaw/coreclaw/internal/jsonobj"
)

// FuzzCheck: whatever schema the API sends and whatever input the user
// gives, Parse, Coerce, Validate and Template never panic; a schema is
// either interpreted or uninterpretable; every problem is one line; the
// converted input and the template are valid JSON.
func FuzzCheck(f *testing.F) {
	for _, seed := range []struct{ schema, input string }{
		{mapsSchema, `{"keywords":"a,b","max_results":"10","language":"es"}`},
		{fetcherSchema, `{"url":1,"ids":"1,x","opts":"{}"}`},
		{formSchema, `{"startUrls":"u1,u2","sections":"reviews,x","tags":"a"}`},
		{`{"properties":"x"}`, `{}`},
		{`{"properties":[{"name":"a","type":["integer","null"],"minimum":"x","enum":[]}]}`, `{"a":"4"}`},
		{`{"type":"object","properties":{"a":{"$ref":"#/$defs/x"}},"$defs":{"x":{"type":"string","pattern":"(?!"}}}`, `{"a":"\n"}`},
		{`{"type":"object","required":["a"],"properties":{"a":{"type":"integer","default":1}}}`, `{"a":1e400}`},
	} {
		f.Add(seed.schema, seed.input)
	}
	f.Fuzz(func(t *testing.T, rawSchema, rawInput string) {
		s, err := Parse(json.RawMessage(rawSchema))
		if err != nil {
			var ue *UninterpretableError
			if !errors.As(err, &ue) {
				t.Fatalf("Parse error %T: %v", err, err)
			}
			return
		}
		tmpl, _ := s.Template().MarshalJSON()
		if !json.Valid(tmpl) {
			t.Fatalf("template is not JSON: %s", tmpl)
		}
		custom, err := jsonobj.Parse([]byte(rawInput))
		if err != nil {
			return
		}
		fromString := map[string]bool{}
		for _, k := range custom.Keys() {
			fromString[k] = true
		}
		s.Coerce(custom, fromString)
		out, _ := custom.MarshalJSON()
		if !json.Valid(out) {
			t.Fatalf("converted input is not JSON: %s", out)
		}
		rep, err := s.Validate(custom)
		if err != nil {
			return
		}
		for _, p := range rep.Problems {
			if strings.ContainsAny(p.String(), "\n\r") {
				t.Fatalf("problem on more than one line: %q", p.String())
			}
		}
	})
}
