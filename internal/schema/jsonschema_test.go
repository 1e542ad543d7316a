package schema

import (
	"errors"
	"strings"
	"testing"
)

// TestJSONSchemaKeywords covers the keywords of JSON-Schema-shaped input
// schemas beyond the common ones TestValidate checks: each case a schema
// for one field "a", a value, and the problems expected ("" when valid).
func TestJSONSchemaKeywords(t *testing.T) {
	tests := []struct {
		name, prop, value, want string
		draft                   string // $schema; "" for the default (2020-12)
	}{
		{name: "const", prop: `{"const":"x"}`, value: `"y"`, want: `a: must be "x"`},
		{name: "const by value", prop: `{"const":1}`, value: `1.0`},
		{name: "enum of objects", prop: `{"enum":[{"k":[1,2]}]}`, value: `{"k":[1,2.0]}`},
		{name: "type before enum", prop: `{"type":"string","enum":["x"]}`, value: `1`, want: `a: expected string, got number 1`},
		{name: "types named in a fixed order", prop: `{"type":["string","null"]}`, value: `1`, want: `a: expected null or string, got number 1`},
		{name: "multipleOf", prop: `{"multipleOf":0.5}`, value: `1.25`, want: `a: 1.25 is not a multiple of 0.5`},
		{name: "multipleOf exact", prop: `{"multipleOf":0.1}`, value: `0.3`},
		{name: "exclusive bounds", prop: `{"exclusiveMinimum":1,"exclusiveMaximum":3}`, value: `1`, want: `a: 1 must be more than 1`},
		{name: "draft 4 exclusive flag", draft: "http://json-schema.org/draft-04/schema#", prop: `{"minimum":1,"exclusiveMinimum":true}`, value: `1`, want: `a: 1 must be more than 1`},
		{name: "pattern", prop: `{"type":"string","pattern":"^[a-z]+$"}`, value: `"AB"`, want: `a: "AB" does not match the pattern "^[a-z]+$"`},
		{name: "lengths count characters", prop: `{"maxLength":2}`, value: `"咖啡"`},
		{name: "uniqueItems", prop: `{"uniqueItems":true}`, value: `[1,2,1.0]`, want: `a: items 0 and 2 are the same`},
		{name: "tuple then items (2020)", prop: `{"prefixItems":[{"type":"string"}],"items":{"type":"integer"}}`, value: `["x",1,"y"]`, want: `a[2]: expected integer, got string "y"`},
		{name: "tuple then additionalItems (draft 7)", draft: "http://json-schema.org/draft-07/schema#", prop: `{"items":[{"type":"string"}],"additionalItems":false}`, value: `["x",1]`, want: `a[1]: not allowed`},
		{name: "contains", prop: `{"contains":{"type":"integer"}}`, value: `["x"]`, want: `a: no item has the required form`},
		{name: "minContains", prop: `{"contains":{"type":"integer"},"minContains":2}`, value: `[1,"x"]`, want: `a: 1 items of the required form, fewer than the minimum 2`},
		{name: "nested required and additionalProperties", prop: `{"type":"object","required":["x"],"properties":{"x":{}},"additionalProperties":false}`, value: `{"y":1}`, want: `a.x: required; a.y: not allowed`},
		{name: "patternProperties", prop: `{"patternProperties":{"^n_":{"type":"integer"}}}`, value: `{"n_1":"x","s":"y"}`, want: `a.n_1: expected integer, got string "x"`},
		{name: "propertyNames", prop: `{"propertyNames":{"maxLength":2}}`, value: `{"abc":1}`, want: `a.abc: the name 3 characters, more than the maximum 2`},
		{name: "min and max fields", prop: `{"minProperties":2}`, value: `{"x":1}`, want: `a: 1 fields, fewer than the minimum 2`},
		{name: "dependentRequired", prop: `{"dependentRequired":{"x":["y"]}}`, value: `{"x":1}`, want: `a.y: required when "x" is given`},
		{name: "dependencies (draft 7)", draft: "http://json-schema.org/draft-07/schema#", prop: `{"dependencies":{"x":["y"],"z":{"required":["w"]}}}`, value: `{"x":1,"z":2}`, want: `a.w: required; a.y: required when "x" is given`},
		{name: "dependentSchemas", prop: `{"dependentSchemas":{"x":{"properties":{"y":{"type":"string"}}}}}`, value: `{"x":1,"y":2}`, want: `a.y: expected string, got number 2`},
		{name: "allOf reports each branch", prop: `{"allOf":[{"minimum":5},{"multipleOf":2}]}`, value: `3`, want: `a: 3 is less than the minimum 5; a: 3 is not a multiple of 2`},
		{name: "oneOf none", prop: `{"oneOf":[{"type":"string"},{"type":"boolean"}]}`, value: `1`, want: `a: does not match any of the allowed forms`},
		{name: "oneOf two", prop: `{"oneOf":[{"type":"integer"},{"minimum":0}]}`, value: `1`, want: `a: matches more than one of the allowed forms`},
		{name: "not", prop: `{"not":{"type":"string"}}`, value: `"x"`, want: `a: matches a form that is not allowed`},
		{name: "if then", prop: `{"if":{"properties":{"k":{"const":"n"}}},"then":{"properties":{"v":{"type":"integer"}}},"else":{"properties":{"v":{"type":"string"}}}}`, value: `{"k":"n","v":"x"}`, want: `a.v: expected integer, got string "x"`},
		{name: "if else", prop: `{"if":{"properties":{"k":{"const":"n"}}},"then":{"properties":{"v":{"type":"integer"}}},"else":{"properties":{"v":{"type":"string"}}}}`, value: `{"k":"s","v":1}`, want: `a.v: expected string, got number 1`},
		{name: "false schema", prop: `false`, value: `1`, want: `a: not allowed`},
		{name: "unevaluatedProperties sees allOf", prop: `{"allOf":[{"properties":{"x":{}}}],"unevaluatedProperties":false}`, value: `{"x":1,"y":2}`, want: `a.y: not allowed`},
		{name: "unevaluatedItems", prop: `{"prefixItems":[{}],"unevaluatedItems":false}`, value: `[1,2]`, want: `a[1]: not allowed`},
		{name: "formats are annotations", prop: `{"format":"email"}`, value: `"nope"`},
		{name: "local $ref", prop: `{"$ref":"#/$defs/n"}`, value: `"x"`, want: `a: expected integer, got string "x"`},
		{name: "$ref to an anchor", prop: `{"$ref":"#num"}`, value: `"x"`, want: `a: expected integer, got string "x"`},
		{name: "$ref to a $id", prop: `{"$ref":"https://input-schema.coreclaw.invalid/n.json"}`, value: `"x"`, want: `a: expected integer, got string "x"`},
		{name: "draft 7 $ref replaces its siblings", draft: "http://json-schema.org/draft-07/schema#", prop: `{"$ref":"#/definitions/n","type":"string"}`, value: `1`},
		{name: "recursive $ref", prop: `{"$ref":"#/$defs/tree"}`, value: `{"kids":[{"kids":[{"kids":1}]}]}`, want: `a.kids[0].kids[0].kids: expected array, got number 1`},
		{name: "huge exponents", prop: `{"maximum":1e400}`, value: `1e999999999`, want: `a: 1e+10000 is more than the maximum 1e+400`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := `{"type":"object","properties":{"a":` + tt.prop + `},` +
				`"$defs":{"n":{"$id":"n.json","type":"integer"},"m":{"$anchor":"num","type":"integer"},"tree":{"properties":{"kids":{"type":"array","items":{"$ref":"#/$defs/tree"}}}}},` +
				`"definitions":{"n":{"type":"integer"}}`
			if tt.draft != "" {
				raw = strings.Replace(raw, `"$defs":{"n":{"$id":"n.json","type":"integer"},"m":{"$anchor":"num","type":"integer"},"tree":`, `"$defs":{"tree":`, 1)
				raw += `,"$schema":"` + tt.draft + `"`
			}
			s := mustParse(t, raw+`}`)
			rep, err := s.Validate(obj(t, `{"a":`+tt.value+`}`))
			if err != nil {
				t.Fatal(err)
			}
			if got := problems(rep); got != tt.want {
				t.Errorf("problems:\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

// TestJSONSchemaUnusable: schemas the validator cannot use make the check
// a warning (UninterpretableError), never a rejection of the input.
func TestJSONSchemaUnusable(t *testing.T) {
	for _, tt := range []struct{ schema, want string }{
		{`{"type":"object","properties":{"a":{"$ref":"other.json#/x"}}}`, "it refers to https://input-schema.coreclaw.invalid/other.json, which the CLI does not load"},
		{`{"type":"object","properties":{"a":{"$ref":"#/$defs/missing"}}}`, "it is not valid JSON Schema"},
		{`{"type":"object","properties":{"a":{"$ref":"#nowhere"}}}`, "it is not valid JSON Schema"},
		{`{"type":"object","properties":{"a":{"type":"file"}},"allOf":[{"properties":{"a":{"type":"text"}}}]}`, "it is not valid JSON Schema"},
		{`{"type":"object","properties":{"a":{"maxLength":-1}}}`, "it is not valid JSON Schema"},
		{`{"type":"object","properties":{"a":{"anyOf":[]}}}`, "it is not valid JSON Schema"},
		{`{"type":"object","properties":{"a":{"multipleOf":0}}}`, "it is not valid JSON Schema"},
		{`{"type":"object","properties":{"a":{"title":5}}}`, "it is not valid JSON Schema"},
		{`{"type":"object","properties":{"a":{"$ref":"#/$defs/loop"}},"$defs":{"loop":{"$ref":"#/$defs/loop"}}}`, "its references loop without end"},
	} {
		s := mustParse(t, tt.schema)
		_, err := s.Validate(obj(t, `{"a":1}`))
		var ue *UninterpretableError
		if !errors.As(err, &ue) || err.Error() != tt.want {
			t.Errorf("%s: Validate = %v, want %q", tt.schema, err, tt.want)
		}
	}
}
