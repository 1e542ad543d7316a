package schema

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"

	"github.com/coreclaw/coreclaw/internal/jsonobj"
)

// Coerce converts the custom fields set by `-p key=value` (fromString) to
// the type the schema declares for them:
//
//   - integer, number: a JSON number literal ("10", "-2.5", "1e3");
//   - boolean: true or false, in any case;
//   - array: a JSON array as is ("[1,2]"), otherwise the value split on
//     commas, each item trimmed and converted to the declared item type
//     ("coffee, tea" → ["coffee","tea"]; "" → []); when the Worker's
//     default shows items as one-key objects ([{"url": ...}]), each item
//     is wrapped the same way ("a,b" → [{"url":"a"},{"url":"b"}]);
//   - object: a JSON object as is.
//
// A field whose declared types include string, a field the schema does not
// declare, and a value that does not convert are left as the string the
// user typed; the check then reports the ones that do not fit. `-p
// key:=JSON` values are never touched.
func (s *Schema) Coerce(custom *jsonobj.Object, fromString map[string]bool) {
	for _, m := range custom.Members() {
		if !fromString[m.Key] {
			continue
		}
		f := s.Field(m.Key)
		if f == nil {
			continue
		}
		var str string
		if json.Unmarshal(m.Value, &str) != nil {
			continue
		}
		if v, ok := convert(str, f.Types, f.ItemTypes); ok {
			if f.ItemKey != "" && !strings.HasPrefix(strings.TrimSpace(str), "[") {
				v = wrapItems(v, f.ItemKey)
			}
			custom.Set(m.Key, v)
		}
	}
}

// wrapItems turns ["a","b"] into [{"key":"a"},{"key":"b"}], the shape the
// Worker's default shows for its list items.
func wrapItems(list json.RawMessage, key string) json.RawMessage {
	var items []json.RawMessage
	if json.Unmarshal(list, &items) != nil {
		return list
	}
	var buf bytes.Buffer
	buf.WriteByte('[')
	for i, it := range items {
		if i > 0 {
			buf.WriteByte(',')
		}
		o := &jsonobj.Object{}
		o.Set(key, it)
		o.WriteTo(&buf)
	}
	buf.WriteByte(']')
	return buf.Bytes()
}

// convert turns a string into the first declared type it fits. It
// reports false when the string should stay a string.
func convert(s string, types, itemTypes []string) (json.RawMessage, bool) {
	if len(types) == 0 || slices.Contains(types, "string") {
		return nil, false
	}
	for _, t := range types {
		if v, ok := convertTo(s, t, itemTypes); ok {
			return v, true
		}
	}
	return nil, false
}

func convertTo(s, typ string, itemTypes []string) (json.RawMessage, bool) {
	t := strings.TrimSpace(s)
	switch typ {
	case "integer", "number":
		if isJSONNumber(t) {
			return json.RawMessage(t), true
		}
	case "boolean":
		switch strings.ToLower(t) {
		case "true":
			return json.RawMessage("true"), true
		case "false":
			return json.RawMessage("false"), true
		}
	case "array":
		if strings.HasPrefix(t, "[") && json.Valid([]byte(t)) {
			return compact(json.RawMessage(t)), true
		}
		return splitList(s, itemTypes), true
	case "object":
		if strings.HasPrefix(t, "{") && json.Valid([]byte(t)) {
			return compact(json.RawMessage(t)), true
		}
	}
	return nil, false
}

// splitList turns "a, b,c" into an array; items convert to the declared
// item type when they can and stay strings otherwise.
func splitList(s string, itemTypes []string) json.RawMessage {
	var buf bytes.Buffer
	buf.WriteByte('[')
	if strings.TrimSpace(s) != "" {
		for i, item := range strings.Split(s, ",") {
			if i > 0 {
				buf.WriteByte(',')
			}
			item = strings.TrimSpace(item)
			if v, ok := convert(item, itemTypes, nil); ok && !bytes.HasPrefix(v, []byte("[")) {
				buf.Write(v)
			} else {
				buf.Write(jsonobj.String(item))
			}
		}
	}
	buf.WriteByte(']')
	return buf.Bytes()
}

// isJSONNumber accepts exactly the JSON number grammar: no leading "+",
// no leading zeros, no hex, no NaN or Infinity.
func isJSONNumber(s string) bool {
	if s == "" {
		return false
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil || dec.More() {
		return false
	}
	n, ok := v.(json.Number)
	return ok && n.String() == s
}
