package schema

import (
	"encoding/json"
	"testing"

	"github.com/coreclaw/coreclaw/internal/jsonobj"
)

func property(t *testing.T, raw string) workerProperty {
	t.Helper()
	var p workerProperty
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func asJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestWorkerProperties: the list itself. Every element an object with a
// name of its own; the first problem, in order, is the one reported.
func TestWorkerProperties(t *testing.T) {
	tests := []struct{ props, want string }{
		{`[{"name":"a"},{"name":"b","type":"string"}]`, ""},
		{`[]`, ""},
		{`[{"name":"a"}, 3]`, "property 2 is a number, not an object"},
		{`[{"name":"a"}, ["x"]]`, "property 2 is an array, not an object"},
		{`[{"title":"no name"}]`, "property 1 has no name"},
		{`[{"name":""}]`, "property 1 has no name"},
		{`[{"name":"a"},{"name":"a"}]`, `property "a" is declared twice`},
		{`[{"name":"a","type":{"x":1}}, 3]`, "property 2 is a number, not an object"},
		{`[{"name":"a","required":"yes"}]`, ""},
	}
	for _, tt := range tests {
		got, err := workerProperties(json.RawMessage(tt.props))
		msg := ""
		if err != nil {
			msg = err.Error()
		}
		if msg != tt.want {
			t.Errorf("%s: error %q, want %q", tt.props, msg, tt.want)
		}
		if err == nil && len(got) == 0 && tt.props != "[]" {
			t.Errorf("%s: no properties", tt.props)
		}
	}
}

// TestWorkerField: one property's declaration (names, types, required,
// default, bounds); a required field with a default need not be given.
func TestWorkerField(t *testing.T) {
	tests := []struct{ prop, field string }{
		{`{"name":"q","title":"Query","description":"what","type":"string","required":true}`,
			`{"Name":"q","Title":"Query","Description":"what","Types":["string"],"ItemTypes":null,"ItemKey":"","Required":true,"Default":null,"Enum":null,"ItemEnum":null,"Minimum":null,"Maximum":null,"Problem":""}`},
		{`{"name":"n","type":"integer","required":true,"default":10,"minimum":1,"maximum":"x"}`,
			`{"Name":"n","Title":"","Description":"","Types":["integer"],"ItemTypes":null,"ItemKey":"","Required":true,"Default":10,"Enum":null,"ItemEnum":null,"Minimum":1,"Maximum":null,"Problem":""}`},
		{`{"name":"f","type":"file","required":"true"}`,
			`{"Name":"f","Title":"","Description":"","Types":null,"ItemTypes":null,"ItemKey":"","Required":false,"Default":null,"Enum":null,"ItemEnum":null,"Minimum":null,"Maximum":null,"Problem":"its type \"file\" is not one the CLI knows"}`},
	}
	for _, tt := range tests {
		f, _ := workerField(property(t, tt.prop))
		if got := asJSON(t, f); got != tt.field {
			t.Errorf("%s:\n got %s\nwant %s", tt.prop, got, tt.field)
		}
	}
	f, _ := workerField(property(t, `{"name":"n","required":true,"default":1}`))
	if f.MustProvide() {
		t.Error("a required field with a default must be given")
	}
}

// TestAllowedValues: enum wins over an editor's options; options are
// {label, value} or plain; they restrict the value, or each item of an
// array; a multiple select takes one value or a list of them.
func TestAllowedValues(t *testing.T) {
	tests := []struct{ prop, want string }{
		{`{"name":"l","type":"string","enum":["en","de"],"options":[{"value":"fr"}]}`,
			`types ["string"] enum ["en","de"] itemTypes null itemEnum null items {}`},
		{`{"name":"l","type":"string","editor":"select","options":[{"label":"English","value":"en"},"de"]}`,
			`types ["string"] enum ["en","de"] itemTypes null itemEnum null items {}`},
		{`{"name":"l","type":"string","options":[{"label":"no value"}]}`,
			`types ["string"] enum null itemTypes null itemEnum null items {}`},
		{`{"name":"c","type":"array","editor":"checkbox","options":[{"value":"a"},{"value":"b"}]}`,
			`types ["array"] enum null itemTypes null itemEnum ["a","b"] items {"enum":["a","b"]}`},
		{`{"name":"m","type":"string","multiple":true,"options":["x","y"]}`,
			`types ["string","array"] enum null itemTypes ["string"] itemEnum ["x","y"] items {"type":["string"]}`},
		{`{"name":"m","type":"array","multiple":true,"options":["x"]}`,
			`types ["array"] enum null itemTypes null itemEnum ["x"] items {}`},
	}
	for _, tt := range tests {
		p := property(t, tt.prop)
		f := Field{}
		f.Types, _ = declaredTypes(p.Type)
		items := map[string]any{}
		allowedValues(p, &f, items)
		got := "types " + asJSON(t, f.Types) + " enum " + asJSON(t, f.Enum) + " itemTypes " + asJSON(t, f.ItemTypes) +
			" itemEnum " + asJSON(t, f.ItemEnum) + " items " + asJSON(t, items)
		if got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.prop, got, tt.want)
		}
	}
}

// TestListItems: what a list holds: items.type and items.enum (an enum
// from the options wins), one-key objects its default shows, the string
// editors; and a multiple select, a list only by its multiple flag, is
// not read as one.
func TestListItems(t *testing.T) {
	tests := []struct{ prop, want string }{
		{`{"name":"k","type":"array","items":{"type":"integer","enum":[1,2]}}`,
			`itemTypes ["integer"] itemEnum [1,2] key "" items {"enum":[1,2],"type":["integer"]}`},
		{`{"name":"k","type":"array","options":["a"],"items":{"enum":["z"]}}`,
			`itemTypes null itemEnum ["a"] key "" items {"enum":["a"]}`},
		{`{"name":"u","type":"array","editor":"requestList","default":[{"url":"https://a"},{"url":"https://b"}]}`,
			`itemTypes null itemEnum null key "url" items {}`},
		{`{"name":"u","type":"array","editor":"requestList","default":[{"url":"a"},{"href":"b"}]}`,
			`itemTypes ["string"] itemEnum null key "" items {}`},
		{`{"name":"s","type":"array","editor":"stringList"}`,
			`itemTypes ["string"] itemEnum null key "" items {}`},
		{`{"name":"s","type":"array","editor":"json"}`,
			`itemTypes null itemEnum null key "" items {}`},
		{`{"name":"s","type":"array","items":{"type":"file"},"editor":"stringList"}`,
			`itemTypes ["string"] itemEnum null key "" items {}`},
		{`{"name":"m","type":"string","multiple":true,"items":{"type":"integer"},"default":[{"k":1}]}`,
			`itemTypes ["string"] itemEnum null key "" items {"type":["string"]}`},
	}
	for _, tt := range tests {
		f, items := workerField(property(t, tt.prop))
		got := "itemTypes " + asJSON(t, f.ItemTypes) + " itemEnum " + asJSON(t, f.ItemEnum) + " key " + asJSON(t, f.ItemKey) + " items " + asJSON(t, items)
		if got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.prop, got, tt.want)
		}
	}
}

// TestWorkerValidation: the field's JSON Schema: types, enum, bounds as
// numbers, lengths and item counts only when they are counts, items.
func TestWorkerValidation(t *testing.T) {
	tests := []struct{ prop, want string }{
		{`{"name":"n","type":"integer","minimum":1,"maximum":100}`, `{"maximum":100,"minimum":1,"type":["integer"]}`},
		{`{"name":"s","type":"string","minLength":2,"maxLength":"long","enum":["ab","cd"]}`, `{"enum":["ab","cd"],"minLength":2,"type":["string"]}`},
		{`{"name":"a","type":"array","minItems":1,"maxItems":5,"items":{"type":"string"}}`, `{"items":{"type":["string"]},"maxItems":5,"minItems":1,"type":["array"]}`},
		{`{"name":"x"}`, `{}`},
	}
	for _, tt := range tests {
		p := property(t, tt.prop)
		f, items := workerField(p)
		if got := asJSON(t, workerValidation(f, p, items)); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.prop, got, tt.want)
		}
	}
}

// TestRequiredAndDefaults: a top-level required list marks fields as well
// as their own flag (names it does not declare are ignored, a list that is
// not one of names too); a default lifts the need to give a field.
func TestRequiredAndDefaults(t *testing.T) {
	tests := []struct{ schema, must string }{
		{`{"properties":[{"name":"a","required":true},{"name":"b"},{"name":"c"}],"required":["b","zzz"]}`, `["a","b"]`},
		{`{"properties":[{"name":"a","required":true,"default":"x"},{"name":"b"}],"required":["b"]}`, `["b"]`},
		{`{"properties":[{"name":"a"}],"required":"a"}`, `null`},
		{`{"properties":[{"name":"a"}]}`, `null`},
	}
	for _, tt := range tests {
		root, err := jsonobj.Parse([]byte(tt.schema))
		if err != nil {
			t.Fatal(err)
		}
		props, _ := root.Get("properties")
		s := &Schema{}
		if err := s.parseWorkerFormat(root, props); err != nil {
			t.Fatal(err)
		}
		if got := asJSON(t, s.mustProvide()); got != tt.must {
			t.Errorf("%s: must provide %s, want %s", tt.schema, got, tt.must)
		}
		req, has := s.validation["required"]
		if (tt.must == "null") == has || has && asJSON(t, req) != tt.must {
			t.Errorf("%s: validation required %v", tt.schema, req)
		}
	}
}
