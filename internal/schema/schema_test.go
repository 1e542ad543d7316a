package schema

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/coreclaw/coreclaw/internal/jsonobj"
)

// mapsSchema is the Worker format (properties is an array).
const mapsSchema = `{
  "description": "Scrape places from Google Maps.",
  "properties": [
    {"title": "Search keywords", "name": "keywords", "type": "array", "editor": "stringList", "required": true, "description": "What to search for"},
    {"title": "Location", "name": "base_location", "type": "string", "editor": "textfield", "required": true, "description": "City and country"},
    {"title": "Max results", "name": "max_results", "type": "integer", "editor": "number", "default": 10, "minimum": 1, "maximum": 500},
    {"title": "Language", "name": "language", "type": "string", "editor": "select", "default": "en", "enum": ["en", "de", "fr", "zh"]},
    {"title": "Include reviews", "name": "include_reviews", "type": "boolean", "default": false}
  ]
}`

// formSchema uses the editors of CoreClaw's input-schema guide: options
// instead of enum, a checkbox list, a multiple select, list items stored
// as one-key objects.
const formSchema = `{
  "description": "A form",
  "concurrency": {"fields": ["startUrls"]},
  "properties": [
    {"title": "Start URLs", "name": "startUrls", "type": "array", "editor": "requestList", "default": [{"url": "https://example.com"}], "required": true},
    {"title": "Terms", "name": "terms", "type": "array", "editor": "stringList", "default": ["a", "b"]},
    {"title": "Language", "name": "language", "type": "string", "editor": "select", "options": [{"label": "English", "value": "en"}, {"label": "Chinese", "value": "zh"}], "default": "en"},
    {"title": "Category", "name": "category", "type": "integer", "editor": "radio", "options": [{"label": "hotel", "value": 1}, {"label": "restaurant", "value": 2}], "default": 1},
    {"title": "Sections", "name": "sections", "type": "array", "editor": "checkbox", "options": [{"label": "Reviews", "value": "reviews"}, {"label": "Address", "value": "address"}], "default": ["reviews"]},
    {"title": "Tags", "name": "tags", "type": "string", "editor": "select", "multiple": true, "options": [{"label": "A", "value": "a"}]},
    {"title": "Since", "name": "since", "type": "string", "editor": "datepicker", "format": "DD/MM/YYYY"}
  ]
}`

// fetcherSchema is the JSON-Schema-like shape.
const fetcherSchema = `{
  "type": "object",
  "required": ["url"],
  "additionalProperties": false,
  "properties": {
    "url": {"type": "string", "description": "Page to fetch"},
    "depth": {"type": "integer", "default": 1, "minimum": 0, "maximum": 5},
    "follow_links": {"type": "boolean", "default": false},
    "format": {"type": "string", "enum": ["html", "text", "markdown"], "default": "text"},
    "ids": {"type": "array", "items": {"type": "integer"}},
    "ratio": {"type": ["number", "null"]},
    "opts": {"type": "object", "properties": {"x": {"type": "integer"}}, "required": ["x"]}
  }
}`

func mustParse(t *testing.T, raw string) *Schema {
	t.Helper()
	s, err := Parse(json.RawMessage(raw))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return s
}

func obj(t *testing.T, raw string) *jsonobj.Object {
	t.Helper()
	o, err := jsonobj.Parse([]byte(raw))
	if err != nil {
		t.Fatalf("parse %s: %v", raw, err)
	}
	return o
}

func TestParseFields(t *testing.T) {
	tests := []struct {
		name, raw string
		shape     Shape
		want      []string // name|types|items|required|default|enum|min|max
	}{
		{"worker format", mapsSchema, WorkerFormat, []string{
			`keywords|array|string|true||||`,
			`base_location|string||true||||`,
			`max_results|integer||false|10||1|500`,
			`language|string||false|"en"|"en","de","fr","zh"||`,
			`include_reviews|boolean||false|false|||`,
		}},
		{"json schema", fetcherSchema, JSONSchema, []string{
			`url|string||true||||`,
			`depth|integer||false|1||0|5`,
			`follow_links|boolean||false|false|||`,
			`format|string||false|"text"|"html","text","markdown"||`,
			`ids|array|integer|false||||`,
			`ratio|number,null||false||||`,
			`opts|object||false||||`,
		}},
		{"worker format, top-level required and a list of types", `{"required":["b"],"properties":[{"name":"a","type":["integer","null"]},{"name":"b"}]}`, WorkerFormat, []string{
			`a|integer,null||false||||`,
			`b|||true||||`,
		}},
		{"CoreClaw form editors", formSchema, WorkerFormat, []string{
			`startUrls|array||true|[{"url":"https://example.com"}]|||`,
			`terms|array|string|false|["a","b"]|||`,
			`language|string||false|"en"|"en","zh"||`,
			`category|integer||false|1|1,2||`,
			`sections|array||false|["reviews"]|"reviews","address"||`,
			`tags|string,array|string|false||"a"||`,
			`since|string||false||||`,
		}},
		{"no properties", `{"description":"x"}`, JSONSchema, nil},
		{"empty list", `{"properties":[]}`, WorkerFormat, nil},
		{"empty enum restricts nothing", `{"properties":[{"name":"a","type":"string","enum":[]}]}`, WorkerFormat, []string{`a|string||false||||`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustParse(t, tt.raw)
			if s.Shape != tt.shape {
				t.Errorf("shape = %s, want %s", s.Shape, tt.shape)
			}
			var got []string
			for _, f := range s.Fields {
				var enum []string
				for _, e := range f.Allowed() {
					enum = append(enum, string(e))
				}
				got = append(got, strings.Join([]string{f.Name, strings.Join(f.Types, ","), strings.Join(f.ItemTypes, ","),
					map[bool]string{true: "true", false: "false"}[f.Required], string(f.Default), strings.Join(enum, ","),
					string(f.Minimum), string(f.Maximum)}, "|"))
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("fields:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestParseUninterpretable(t *testing.T) {
	tests := []struct{ raw, want string }{
		{``, "the API returned no schema"},
		{`null`, "the API returned no schema"},
		{`[1,2]`, "it is an array, not a JSON object"},
		{`"x"`, "it is a string, not a JSON object"},
		{`{"properties": "keywords"}`, "its properties are a string, not a list or an object"},
		{`{"properties": [1]}`, "property 1 is a number, not an object"},
		{`{"properties": [{"type": "string"}]}`, "property 1 has no name"},
		{`{"properties": [{"name": "a"}, {"name": "a"}]}`, `property "a" is declared twice`},
		{`{"properties": {"a": 3}}`, `property "a" is a number, not an object`},
		{`{"type":"object","required":"a","properties": {"a": {}}}`, "its required list is not a list of names"},
	}
	for _, tt := range tests {
		_, err := Parse(json.RawMessage(tt.raw))
		var ue *UninterpretableError
		if !errors.As(err, &ue) || err.Error() != tt.want {
			t.Errorf("Parse(%s) = %v, want %q", tt.raw, err, tt.want)
		}
	}
}

func TestUnknownTypeIsNotChecked(t *testing.T) {
	for _, raw := range []string{
		`{"properties":[{"name":"upload","type":"file","required":true},{"name":"n","type":"integer"}]}`,
		`{"type":"object","required":["upload"],"properties":{"upload":{"type":"file"},"n":{"type":"integer"}}}`,
	} {
		s := mustParse(t, raw)
		if f := s.Field("upload"); f.Problem != `its type "file" is not one the CLI knows` || len(f.Types) != 0 {
			t.Errorf("%s: upload = %+v", raw, f)
		}
		rep, err := s.Validate(obj(t, `{"upload": 12, "n": "x"}`))
		if err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		if got := problems(rep); got != `n: expected integer, got string "x"` {
			t.Errorf("%s: problems = %s", raw, got)
		}
		if len(rep.Unchecked) != 1 || rep.Unchecked[0] != `field "upload": its type "file" is not one the CLI knows` {
			t.Errorf("%s: unchecked = %q", raw, rep.Unchecked)
		}
		// Still required.
		rep, _ = s.Validate(obj(t, `{}`))
		if got := problems(rep); got != `upload: required` {
			t.Errorf("%s: problems = %s", raw, got)
		}
	}
}

func problems(rep *Report) string {
	parts := make([]string, len(rep.Problems))
	for i, p := range rep.Problems {
		parts[i] = p.String()
	}
	return strings.Join(parts, "; ")
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name, schema, input string
		problems            string
		unknown             string
	}{
		{"valid", mapsSchema, `{"keywords":["coffee"],"base_location":"NYC","max_results":5}`, "", ""},
		{"missing required, in schema order", mapsSchema, `{"max_results":5}`, "keywords: required; base_location: required", ""},
		{"several kinds at once", mapsSchema, `{"base_location":"NYC","max_results":"ten","language":"es","include_reviews":"yes"}`,
			`keywords: required; max_results: expected integer, got string "ten"; language: "es" is not one of "en", "de", "fr", "zh"; include_reviews: expected boolean, got string "yes"`, ""},
		{"minimum and maximum", mapsSchema, `{"keywords":[],"base_location":"x","max_results":0}`, "max_results: 0 is less than the minimum 1", ""},
		{"maximum", mapsSchema, `{"keywords":[],"base_location":"x","max_results":501}`, "max_results: 501 is more than the maximum 500", ""},
		{"not an integer", mapsSchema, `{"keywords":[],"base_location":"x","max_results":2.5}`, "max_results: expected integer, got number 2.5", ""},
		{"integral float is an integer", mapsSchema, `{"keywords":[],"base_location":"x","max_results":2.0}`, "", ""},
		{"null", mapsSchema, `{"keywords":null,"base_location":"x"}`, "keywords: expected array, got null", ""},
		{"unknown fields warn only", mapsSchema, `{"keywords":[],"base_location":"x","keyword":"a","zzz":1}`, "", "keyword,zzz"},
		{"placeholder left in", mapsSchema, `{"keywords":"<required: array of string>","base_location":"<required: string>"}`,
			"keywords: required (replace the template's placeholder); base_location: required (replace the template's placeholder)", ""},
		{"json schema: additionalProperties false only warns", fetcherSchema, `{"url":"https://x","extra":true}`, "", "extra"},
		{"json schema: nested", fetcherSchema, `{"url":"u","ids":[1,"two",3],"opts":{},"depth":9}`,
			`depth: 9 is more than the maximum 5; ids[1]: expected integer, got string "two"; opts.x: required`, ""},
		{"json schema: type list", fetcherSchema, `{"url":"u","ratio":null}`, "", ""},
		{"json schema: missing", fetcherSchema, `{}`, "url: required", ""},
		{"required with a default is not missing", `{"properties":[{"name":"a","type":"string","required":true,"default":"x"}]}`, `{}`, "", ""},
		{"json schema: required with a default is not missing", `{"type":"object","required":["a"],"properties":{"a":{"type":"string","default":"x"}}}`, `{}`, "", ""},
		{"options are the allowed values", formSchema, `{"startUrls":[{"url":"u"}],"language":"fr","category":3,"sections":["reviews","phone"]}`,
			`language: "fr" is not one of "en", "zh"; category: 3 is not one of 1, 2; sections[1]: "phone" is not one of "reviews", "address"`, ""},
		{"list items may be objects or strings; a multiple select a value or a list", formSchema, `{"startUrls":["u"],"terms":[{"k":"v"}],"tags":["a","b"],"since":"not a date"}`, "", ""},
		{"a multiple select still checks types", formSchema, `{"startUrls":["u"],"tags":[1]}`, "tags[0]: expected string, got number 1", ""},
		{"no declared fields: nothing unknown", `{"properties":[]}`, `{"a":1}`, "", ""},
		{"lengths and items", `{"properties":[{"name":"s","type":"string","minLength":2},{"name":"l","type":"array","maxItems":1}]}`, `{"s":"a","l":[1,2]}`,
			"s: 1 characters, fewer than the minimum 2; l: 2 items, more than the maximum 1", ""},
		{"pattern Go cannot compile matches anything", `{"type":"object","properties":{"a":{"type":"string","pattern":"^(?!x)"}}}`, `{"a":"x"}`, "", ""},
		{"formats are not asserted", `{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","properties":{"u":{"type":"string","format":"uri"}}}`, `{"u":"example.com"}`, "", ""},
		{"anyOf is one problem", `{"type":"object","properties":{"a":{"anyOf":[{"type":"integer"},{"type":"boolean"}]}}}`, `{"a":"x"}`, "a: does not match any of the allowed forms", ""},
		{"long values are cut", mapsSchema, `{"keywords":[],"base_location":"x","max_results":"` + strings.Repeat("a", 60) + `"}`,
			`max_results: expected integer, got string "` + strings.Repeat("a", 39) + `…"`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustParse(t, tt.schema)
			rep, err := s.Validate(obj(t, tt.input))
			if err != nil {
				t.Fatal(err)
			}
			if got := problems(rep); got != tt.problems {
				t.Errorf("problems:\n got %s\nwant %s", got, tt.problems)
			}
			if got := strings.Join(rep.Unknown, ","); got != tt.unknown {
				t.Errorf("unknown = %s, want %s", got, tt.unknown)
			}
		})
	}
}

func TestValidateUninterpretable(t *testing.T) {
	for _, raw := range []struct{ schema, want string }{
		{`{"type":"object","properties":{"a":{"$ref":"https://example.com/remote.json"}}}`, "it refers to https://example.com/remote.json, which the CLI does not load"},
		{`{"type":"object","properties":{"a":{"$ref":"file:///etc/passwd"}}}`, "it refers to file:///etc/passwd, which the CLI does not load"},
		{`{"$schema":"https://example.com/my-dialect","type":"object","properties":{"a":{}}}`, "it refers to https://example.com/my-dialect, which the CLI does not load"},
		{`{"type":"object","properties":{"a":{"minimum":"five"}}}`, "it is not valid JSON Schema"},
	} {
		s := mustParse(t, raw.schema)
		_, err := s.Validate(obj(t, `{"a":1}`))
		var ue *UninterpretableError
		if !errors.As(err, &ue) || err.Error() != raw.want {
			t.Errorf("%s: Validate = %v, want %q", raw.schema, err, raw.want)
		}
	}
}

func TestCoerce(t *testing.T) {
	const sch = `{"properties":[
		{"name":"n","type":"integer"},
		{"name":"f","type":"number"},
		{"name":"b","type":"boolean"},
		{"name":"words","type":"array","editor":"stringList"},
		{"name":"ids","type":"array","items":{"type":"integer"}},
		{"name":"any_list","type":"array"},
		{"name":"o","type":"object"},
		{"name":"s","type":"string"},
		{"name":"maybe","type":["integer","null"]},
		{"name":"either","type":["string","integer"]},
		{"name":"untyped"}
	]}`
	tests := []struct {
		name, field, value, want string
	}{
		{"integer", "n", "10", `10`},
		{"negative", "n", "-3", `-3`},
		{"spaces trimmed", "n", " 7 ", `7`},
		{"not a number stays", "n", "ten", `"ten"`},
		{"no leading plus", "n", "+1", `"+1"`},
		{"no leading zeros", "n", "007", `"007"`},
		{"no hex", "n", "0x10", `"0x10"`},
		{"empty stays", "n", "", `""`},
		{"float for an integer is left to the check", "n", "2.5", `2.5`},
		{"number", "f", "2.5", `2.5`},
		{"exponent", "f", "1e3", `1e3`},
		{"NaN stays", "f", "NaN", `"NaN"`},
		{"true", "b", "true", `true`},
		{"FALSE", "b", "FALSE", `false`},
		{"yes stays", "b", "yes", `"yes"`},
		{"comma list", "words", "coffee,tea", `["coffee","tea"]`},
		{"items trimmed", "words", "coffee, green tea ", `["coffee","green tea"]`},
		{"one item", "words", "coffee", `["coffee"]`},
		{"empty list", "words", "", `[]`},
		{"JSON array kept", "words", `["a,b","c"]`, `["a,b","c"]`},
		{"HTML characters kept", "words", "<a>,&", `["<a>","&"]`},
		{"typed items", "ids", "1,2, 3", `[1,2,3]`},
		{"bad item stays a string", "ids", "1,x", `[1,"x"]`},
		{"untyped items are strings", "any_list", "1,2", `["1","2"]`},
		{"object", "o", `{"a":1}`, `{"a":1}`},
		{"not an object stays", "o", "a=1", `"a=1"`},
		{"string stays", "s", "10", `"10"`},
		{"nullable integer", "maybe", "4", `4`},
		{"string among the types: stays", "either", "4", `"4"`},
		{"untyped stays", "untyped", "4", `"4"`},
		{"undeclared stays", "other", "4", `"4"`},
	}
	s := mustParse(t, sch)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			custom := &jsonobj.Object{}
			custom.Set(tt.field, jsonobj.String(tt.value))
			s.Coerce(custom, map[string]bool{tt.field: true})
			got, _ := custom.Get(tt.field)
			if string(got) != tt.want {
				t.Errorf("%s=%q → %s, want %s", tt.field, tt.value, got, tt.want)
			}
		})
	}
	t.Run("list items shaped like the default", func(t *testing.T) {
		form := mustParse(t, formSchema)
		for _, tt := range []struct{ field, value, want string }{
			{"startUrls", "https://a.example, https://b.example", `[{"url":"https://a.example"},{"url":"https://b.example"}]`},
			{"startUrls", `["https://a.example"]`, `["https://a.example"]`},
			{"terms", "x,y", `["x","y"]`},
			{"sections", "reviews,address", `["reviews","address"]`},
			{"category", "2", `2`},
			{"tags", "a", `"a"`},
		} {
			custom := &jsonobj.Object{}
			custom.Set(tt.field, jsonobj.String(tt.value))
			form.Coerce(custom, map[string]bool{tt.field: true})
			if got, _ := custom.Get(tt.field); string(got) != tt.want {
				t.Errorf("%s=%q → %s, want %s", tt.field, tt.value, got, tt.want)
			}
		}
	})
	t.Run("raw values are untouched", func(t *testing.T) {
		custom := obj(t, `{"n":"10","s":"x"}`)
		s.Coerce(custom, map[string]bool{"s": true})
		if got, _ := custom.MarshalJSON(); string(got) != `{"n":"10","s":"x"}` {
			t.Errorf("got %s", got)
		}
	})
}

func TestTemplate(t *testing.T) {
	tests := []struct{ schema, want string }{
		{mapsSchema, `{"keywords":"<required: array of string>","base_location":"<required: string>","max_results":10,"language":"en","include_reviews":false}`},
		{fetcherSchema, `{"url":"<required: string>","depth":1,"follow_links":false,"format":"text"}`},
		{`{"properties":[{"name":"a","required":true},{"name":"b","type":["integer","null"],"required":true},{"name":"c","type":"string"}]}`,
			`{"a":"<required: any>","b":"<required: integer or null>"}`},
		{`{"properties":[]}`, `{}`},
		{formSchema, `{"startUrls":[{"url":"https://example.com"}],"terms":["a","b"],"language":"en","category":1,"sections":["reviews"]}`},
		{`{"properties":[{"name":"urls","type":"array","editor":"requestList","required":true,"default":[]},{"name":"u","type":"array","required":true}]}`,
			`{"urls":[],"u":"<required: array>"}`},
	}
	for _, tt := range tests {
		got, _ := mustParse(t, tt.schema).Template().MarshalJSON()
		if string(got) != tt.want {
			t.Errorf("template:\n got %s\nwant %s", got, tt.want)
		}
	}
}

func TestTypeString(t *testing.T) {
	s := mustParse(t, formSchema)
	want := map[string]string{
		"startUrls": "array of {url: string}",
		"terms":     "array of string",
		"language":  "string",
		"sections":  "array",
		"tags":      "string or array of string",
		"since":     "string",
	}
	for name, w := range want {
		if got := s.Field(name).TypeString(); got != w {
			t.Errorf("%s: TypeString = %q, want %q", name, got, w)
		}
	}
	if got := mustParse(t, `{"properties":[{"name":"x"}]}`).Field("x").TypeString(); got != "any" {
		t.Errorf("untyped: %q", got)
	}
}
