// Package schema makes sense of a Worker's input schema (REFERENCE §8.1):
// it reads both documented shapes into one list of fields, checks a run's
// custom input against it with a JSON Schema validator, converts
// `-p key=value` strings to the declared types, builds input templates,
// and caches schemas for a short while (CONTRACT §2).
//
// The rule throughout: a definite violation is an error; anything the
// package cannot interpret is a warning, never a rejection.
package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/coreclaw/coreclaw/internal/jsonobj"
	"github.com/coreclaw/coreclaw/internal/text"
)

// Shape is which of the two documented schema formats a schema has.
type Shape string

const (
	// WorkerFormat is the Worker-authored input_schema.json: properties is
	// an array of {name, type, required, default, ...}.
	WorkerFormat Shape = "worker"
	// JSONSchema is a JSON-Schema-like object: properties is an object,
	// required a list of names.
	JSONSchema Shape = "json-schema"
)

// knownType reports the JSON Schema type names; any other declared type
// is not checked.
func knownType(t string) bool {
	switch t {
	case "string", "integer", "number", "boolean", "array", "object", "null":
		return true
	}
	return false
}

// Field is one top-level input field, whatever the shape it came from.
type Field struct {
	Name        string
	Title       string
	Description string
	// Types are the declared types that the package knows (usually one);
	// empty when none is declared or the declared one is unknown.
	Types []string
	// ItemTypes are the declared types of an array's items.
	ItemTypes []string
	// ItemKey is set when the Worker's default shows list items as
	// one-key objects ({"url": ...}): -p values are wrapped that way.
	ItemKey string
	// Required: the field must be present. A required field with a
	// default is not reported missing (the platform can use the default).
	Required bool
	Default  json.RawMessage // nil when there is none
	// Enum are the allowed values; ItemEnum those of each item of a list
	// (a checkbox editor's options, items.enum).
	Enum     []json.RawMessage
	ItemEnum []json.RawMessage
	Minimum  json.RawMessage // a JSON number, nil when not declared
	Maximum  json.RawMessage
	// Problem says why part of the field cannot be checked (an unknown
	// type); empty when everything is understood.
	Problem string
}

// Allowed are the values the field, or each item of the list, may take;
// nil when any value goes.
func (f *Field) Allowed() []json.RawMessage {
	if f.Enum != nil {
		return f.Enum
	}
	return f.ItemEnum
}

// MustProvide reports a field the user has to give: required, no default.
func (f *Field) MustProvide() bool { return f.Required && f.Default == nil }

// TypeString describes the field's type for people: "integer",
// "array of string", "string or null", "any".
func (f *Field) TypeString() string {
	if len(f.Types) == 0 {
		return "any"
	}
	parts := make([]string, len(f.Types))
	for i, t := range f.Types {
		parts[i] = t
		switch {
		case t == "array" && f.ItemKey != "":
			parts[i] = "array of {" + f.ItemKey + ": string}"
		case t == "array" && len(f.ItemTypes) > 0:
			parts[i] = "array of " + strings.Join(f.ItemTypes, " or ")
		}
	}
	return strings.Join(parts, " or ")
}

// Schema is an interpreted input schema.
type Schema struct {
	Shape       Shape
	Description string
	Fields      []Field
	// Raw is the schema as the API returned it.
	Raw json.RawMessage

	// validation is the JSON Schema document the input is checked
	// against (decoded, numbers as json.Number).
	validation map[string]any
}

// Field returns the field with that name, or nil.
func (s *Schema) Field(name string) *Field {
	for i := range s.Fields {
		if s.Fields[i].Name == name {
			return &s.Fields[i]
		}
	}
	return nil
}

// index is the position of a field, or len(Fields) for an unknown one
// (problems are listed in schema order).
func (s *Schema) index(name string) int {
	for i := range s.Fields {
		if s.Fields[i].Name == name {
			return i
		}
	}
	return len(s.Fields)
}

// UninterpretableError says why a schema cannot be used to check input.
type UninterpretableError struct {
	Reason string
}

func (e *UninterpretableError) Error() string { return e.Reason }

func uninterpretable(format string, args ...any) error {
	return &UninterpretableError{Reason: fmt.Sprintf(format, args...)}
}

// Parse interprets a schema of either shape. An error (always an
// *UninterpretableError) means the input cannot be checked against it.
func Parse(raw json.RawMessage) (*Schema, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, uninterpretable("the API returned no schema")
	}
	if raw[0] != '{' {
		return nil, uninterpretable("it is %s, not a JSON object", text.JSONKind(raw))
	}
	root, err := jsonobj.Parse(raw)
	if err != nil {
		return nil, uninterpretable("it is not valid JSON: %v", err)
	}
	s := &Schema{Raw: raw}
	if d, ok := root.Get("description"); ok {
		s.Description = stringValue(d)
	}
	props, _ := root.Get("properties")
	switch props = bytes.TrimSpace(props); {
	case len(props) == 0 || string(props) == "null":
		// No fields declared: nothing to check, nothing to warn about.
		s.Shape = JSONSchema
		s.validation = map[string]any{}
		return s, nil
	case props[0] == '[':
		s.Shape = WorkerFormat
		err = s.parseWorkerFormat(root, props)
	case props[0] == '{':
		s.Shape = JSONSchema
		err = s.parseJSONSchema(raw, root, props)
	default:
		return nil, uninterpretable("its properties are %s, not a list or an object", text.JSONKind(props))
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}

// parseJSONSchema reads a JSON-Schema-like object. The document itself is
// what the input is checked against, less what would turn a warning into
// a rejection: additionalProperties (unknown fields only warn), required
// fields that have a default, and top-level types the package does not know.
func (s *Schema) parseJSONSchema(raw json.RawMessage, root *jsonobj.Object, props json.RawMessage) error {
	propObj, err := jsonobj.Parse(props)
	if err != nil {
		return uninterpretable("its properties cannot be read: %v", err)
	}
	var requiredNames []string
	if req, ok := root.Get("required"); ok {
		if err := json.Unmarshal(req, &requiredNames); err != nil {
			return uninterpretable("its required list is not a list of names")
		}
	}
	doc, err := decode(raw)
	if err != nil {
		return uninterpretable("it cannot be read: %v", err)
	}
	rootMap := doc.(map[string]any)
	delete(rootMap, "additionalProperties")
	delete(rootMap, "unevaluatedProperties")
	propMap, _ := rootMap["properties"].(map[string]any)

	for _, m := range propObj.Members() {
		v := bytes.TrimSpace(m.Value)
		f := Field{Name: m.Key, Required: slices.Contains(requiredNames, m.Key)}
		switch {
		case len(v) > 0 && v[0] == '{':
			var p workerProperty
			if err := json.Unmarshal(v, &p); err != nil {
				return uninterpretable("property %q cannot be read: %v", m.Key, err)
			}
			f.Title = stringValue(p.Title)
			f.Description = stringValue(p.Description)
			f.Default = present(p.Default)
			f.Enum = arrayValues(p.Enum)
			f.Minimum = numberValue(p.Minimum)
			f.Maximum = numberValue(p.Maximum)
			f.Types, f.Problem = declaredTypes(p.Type)
			if sub, ok := propMap[m.Key].(map[string]any); ok {
				if f.Problem != "" {
					delete(sub, "type")
				}
				if f.Enum == nil {
					delete(sub, "enum") // an empty list restricts nothing
				}
			}
			if items := bytes.TrimSpace(p.Items); len(items) > 0 && items[0] == '{' {
				var it struct {
					Type json.RawMessage `json:"type"`
					Enum json.RawMessage `json:"enum"`
				}
				if json.Unmarshal(items, &it) == nil {
					if types, problem := declaredTypes(it.Type); problem == "" {
						f.ItemTypes = types
					}
					f.ItemEnum = arrayValues(it.Enum)
				}
			}
		case string(v) == "true" || string(v) == "false":
			// Boolean schemas: anything, or nothing, goes.
		default:
			return uninterpretable("property %q is %s, not an object", m.Key, text.JSONKind(v))
		}
		s.Fields = append(s.Fields, f)
	}
	var required []any
	for _, n := range requiredNames {
		if f := s.Field(n); f == nil || f.Default == nil {
			required = append(required, n)
		}
	}
	if len(required) > 0 {
		rootMap["required"] = required
	} else {
		delete(rootMap, "required")
	}
	s.validation = rootMap
	return nil
}

// optionValues reads an editor's options: [{"label": ..., "value": ...}]
// or plain values. Options it cannot read restrict nothing (nil).
func optionValues(raw json.RawMessage) []json.RawMessage {
	opts := arrayValues(raw)
	values := make([]json.RawMessage, 0, len(opts))
	for _, o := range opts {
		if len(o) > 0 && o[0] == '{' {
			var opt struct {
				Value json.RawMessage `json:"value"`
			}
			if json.Unmarshal(o, &opt) != nil || len(opt.Value) == 0 {
				return nil
			}
			values = append(values, compact(opt.Value))
			continue
		}
		values = append(values, o)
	}
	if len(values) == 0 {
		return nil
	}
	return values
}

// itemKey returns K when a list's default holds one-key objects {"K": ...}
// (the requestList and stringList editors can store items that way).
func itemKey(def json.RawMessage) string {
	var items []json.RawMessage
	if json.Unmarshal(def, &items) != nil || len(items) == 0 {
		return ""
	}
	key := ""
	for _, it := range items {
		o, err := jsonobj.Parse(it)
		if err != nil || o.Len() != 1 || (key != "" && o.Keys()[0] != key) {
			return ""
		}
		key = o.Keys()[0]
	}
	return key
}

// declaredTypes reads a type declaration: a name or a list of names. It
// returns the known types, or a problem when any is unknown.
func declaredTypes(raw json.RawMessage) ([]string, string) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, ""
	}
	var names []string
	var one string
	switch {
	case json.Unmarshal(raw, &one) == nil:
		names = []string{one}
	case json.Unmarshal(raw, &names) == nil:
	default:
		return nil, fmt.Sprintf("its type %s is not a type name", string(raw))
	}
	for _, n := range names {
		if !knownType(n) {
			return nil, fmt.Sprintf("its type %q is not one the CLI knows", n)
		}
	}
	return names, ""
}

func stringValue(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

// present returns raw, or nil for a missing value. A declared null default
// is a default.
func present(raw json.RawMessage) json.RawMessage {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil
	}
	return compact(raw)
}

func compact(raw json.RawMessage) json.RawMessage {
	var buf bytes.Buffer
	if json.Compact(&buf, raw) != nil {
		return raw
	}
	return buf.Bytes()
}

func arrayValues(raw json.RawMessage) []json.RawMessage {
	var vals []json.RawMessage
	if len(bytes.TrimSpace(raw)) == 0 || json.Unmarshal(raw, &vals) != nil || len(vals) == 0 {
		// An empty list of allowed values restricts nothing.
		return nil
	}
	for i := range vals {
		vals[i] = compact(vals[i])
	}
	return vals
}

func numberValue(raw json.RawMessage) json.RawMessage {
	raw = bytes.TrimSpace(raw)
	var n json.Number
	if len(raw) == 0 || raw[0] == '"' || json.Unmarshal(raw, &n) != nil {
		return nil
	}
	return raw
}

// countValue reads a non-negative integer (minLength and the like).
func countValue(raw json.RawMessage) (json.Number, bool) {
	n := numberValue(raw)
	if n == nil {
		return "", false
	}
	var i uint64
	if json.Unmarshal(n, &i) != nil {
		return "", false
	}
	return json.Number(n), true
}

func anySlice(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func decodeAll(vals []json.RawMessage) []any {
	out := make([]any, 0, len(vals))
	for _, v := range vals {
		if d, err := decode(v); err == nil {
			out = append(out, d)
		}
	}
	return out
}

// decode reads JSON with numbers kept exact (json.Number), as the
// validator wants them.
func decode(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}
