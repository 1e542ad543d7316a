package schema

import (
	"bytes"
	"encoding/json"
	"slices"

	"github.com/coreclaw/coreclaw/internal/jsonobj"
	"github.com/coreclaw/coreclaw/internal/text"
)

// The Worker format (input_schema.json): properties is an array of
// {name, type, required, default, editor, options, ...}. It is read in
// four steps, one concern each: the list of properties (workerProperties),
// one field's declaration (workerField: names, types, required, default,
// bounds), the values it allows (allowedValues: enum, or an editor's
// options), and what a list holds (listItems). workerValidation then says
// the same in JSON Schema for the validator.

// workerProperty is one element of a Worker-format properties array.
type workerProperty struct {
	Name        json.RawMessage `json:"name"`
	Title       json.RawMessage `json:"title"`
	Description json.RawMessage `json:"description"`
	Type        json.RawMessage `json:"type"`
	Editor      json.RawMessage `json:"editor"`
	Required    json.RawMessage `json:"required"`
	Default     json.RawMessage `json:"default"`
	Enum        json.RawMessage `json:"enum"`
	Options     json.RawMessage `json:"options"`
	Multiple    json.RawMessage `json:"multiple"`
	Minimum     json.RawMessage `json:"minimum"`
	Maximum     json.RawMessage `json:"maximum"`
	MinLength   json.RawMessage `json:"minLength"`
	MaxLength   json.RawMessage `json:"maxLength"`
	MinItems    json.RawMessage `json:"minItems"`
	MaxItems    json.RawMessage `json:"maxItems"`
	Items       json.RawMessage `json:"items"`
}

// parseWorkerFormat reads properties:[{name,type,required,...}] and builds
// the equivalent JSON Schema for the validator.
func (s *Schema) parseWorkerFormat(root *jsonobj.Object, props json.RawMessage) error {
	elems, err := workerProperties(props)
	if err != nil {
		return err
	}
	properties := map[string]any{}
	for _, p := range elems {
		f, items := workerField(p)
		s.Fields = append(s.Fields, f)
		properties[f.Name] = workerValidation(f, p, items)
	}
	s.markRequired(root)
	s.validation = map[string]any{"type": "object", "properties": properties}
	if required := s.mustProvide(); len(required) > 0 {
		s.validation["required"] = required
	}
	return nil
}

// workerProperties decodes the properties array: each element must be an
// object with a name of its own.
func workerProperties(props json.RawMessage) ([]workerProperty, error) {
	var elems []json.RawMessage
	if err := json.Unmarshal(props, &elems); err != nil {
		return nil, uninterpretable("its properties cannot be read: %v", err)
	}
	out := make([]workerProperty, 0, len(elems))
	seen := map[string]bool{}
	for i, e := range elems {
		if t := bytes.TrimSpace(e); len(t) == 0 || t[0] != '{' {
			return nil, uninterpretable("property %d is %s, not an object", i+1, text.JSONKind(t))
		}
		var p workerProperty
		if err := json.Unmarshal(e, &p); err != nil {
			return nil, uninterpretable("property %d cannot be read: %v", i+1, err)
		}
		name := stringValue(p.Name)
		if name == "" {
			return nil, uninterpretable("property %d has no name", i+1)
		}
		if seen[name] {
			return nil, uninterpretable("property %q is declared twice", name)
		}
		seen[name] = true
		out = append(out, p)
	}
	return out, nil
}

// workerField reads one property: its names, types, whether it is
// required, its default and bounds, then the values it allows and what a
// list of it holds. items is the JSON Schema of each item of the value
// (empty when it says nothing).
func workerField(p workerProperty) (f Field, items map[string]any) {
	f = Field{
		Name:        stringValue(p.Name),
		Title:       stringValue(p.Title),
		Description: stringValue(p.Description),
		Required:    string(bytes.TrimSpace(p.Required)) == "true",
		Default:     present(p.Default),
		Minimum:     numberValue(p.Minimum),
		Maximum:     numberValue(p.Maximum),
	}
	f.Types, f.Problem = declaredTypes(p.Type)
	// A list as declared (a multiple select becomes one only below).
	isArray := slices.Contains(f.Types, "array")
	items = map[string]any{}
	allowedValues(p, &f, items)
	if isArray {
		listItems(p, &f, items)
	}
	return f, items
}

// allowedValues reads the values a field allows: enum, or the options of
// a select, radio or checkbox editor ([{label, value}]). They restrict the
// value itself, or each item of a list (an array, a checkbox, a multiple
// select: whose value may also be a list of them, only types checked).
func allowedValues(p workerProperty, f *Field, items map[string]any) {
	allowed := arrayValues(p.Enum)
	if allowed == nil {
		allowed = optionValues(p.Options)
	}
	isArray := slices.Contains(f.Types, "array")
	switch {
	case string(bytes.TrimSpace(p.Multiple)) == "true":
		if len(f.Types) > 0 && !isArray {
			f.ItemTypes = f.Types
			items["type"] = anySlice(f.Types)
			f.Types = append(slices.Clone(f.Types), "array")
		}
		f.ItemEnum = allowed
	case isArray:
		f.ItemEnum = allowed
		if allowed != nil {
			items["enum"] = decodeAll(allowed)
		}
	default:
		f.Enum = allowed
	}
}

// listItems reads what a field declared an array holds: items.type and items.enum
// (an enum from allowedValues wins), the one key its default wraps items
// in, and, failing all that, the stringList and requestList editors'
// strings (used to convert -p values, never to reject: items may be
// objects too).
func listItems(p workerProperty, f *Field, items map[string]any) {
	if raw := bytes.TrimSpace(p.Items); len(raw) > 0 && raw[0] == '{' {
		var it struct {
			Type json.RawMessage `json:"type"`
			Enum json.RawMessage `json:"enum"`
		}
		if json.Unmarshal(raw, &it) == nil {
			if types, problem := declaredTypes(it.Type); problem == "" && len(types) > 0 {
				f.ItemTypes = types
				items["type"] = anySlice(types)
			}
			if enum := arrayValues(it.Enum); enum != nil && f.ItemEnum == nil {
				f.ItemEnum = enum
				items["enum"] = decodeAll(enum)
			}
		}
	}
	f.ItemKey = itemKey(f.Default)
	if editor := stringValue(p.Editor); len(f.ItemTypes) == 0 && f.ItemKey == "" && (editor == "stringList" || editor == "requestList") {
		f.ItemTypes = []string{"string"}
	}
}

// workerValidation is a field's JSON Schema: its types, enum, bounds,
// lengths and items.
func workerValidation(f Field, p workerProperty, items map[string]any) map[string]any {
	sub := map[string]any{}
	if len(f.Types) > 0 {
		sub["type"] = anySlice(f.Types)
	}
	if f.Enum != nil {
		sub["enum"] = decodeAll(f.Enum)
	}
	for kw, v := range map[string]json.RawMessage{"minimum": f.Minimum, "maximum": f.Maximum} {
		if v != nil {
			sub[kw] = json.Number(v)
		}
	}
	for kw, v := range map[string]json.RawMessage{"minLength": p.MinLength, "maxLength": p.MaxLength, "minItems": p.MinItems, "maxItems": p.MaxItems} {
		if n, ok := countValue(v); ok {
			sub[kw] = n
		}
	}
	if len(items) > 0 {
		sub["items"] = items
	}
	return sub
}

// markRequired applies a top-level required list, which some Worker
// schemas have as well as each property's own flag.
func (s *Schema) markRequired(root *jsonobj.Object) {
	req, ok := root.Get("required")
	if !ok {
		return
	}
	var names []string
	if json.Unmarshal(req, &names) != nil {
		return
	}
	for _, n := range names {
		if f := s.Field(n); f != nil {
			f.Required = true
		}
	}
}

// mustProvide lists the fields the input must have: required ones without
// a default (the platform fills in a default).
func (s *Schema) mustProvide() []any {
	var out []any
	for _, f := range s.Fields {
		if f.MustProvide() {
			out = append(out, f.Name)
		}
	}
	return out
}
