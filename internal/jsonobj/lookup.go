package jsonobj

import "encoding/json"

// Lookup finds the value of one top-level member of the JSON object in
// data without decoding the rest, as a map decode would find it (the last
// of repeated keys wins). sure is false when the quick reading cannot
// tell (data is not a plain object, or a key is escaped or not ASCII):
// the caller then decodes. data must be valid JSON; Member does not check
// that values are.
func Lookup(data []byte, key string) (value json.RawMessage, found, sure bool) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil, false, false
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return nil, false, true
	}
	for {
		if i >= len(data) || data[i] != '"' {
			return nil, false, false
		}
		end, escaped, ok := scanString(data, i)
		if !ok || escaped {
			return nil, false, false
		}
		match := string(data[i+1:end-1]) == key
		i = skipSpace(data, end)
		if i >= len(data) || data[i] != ':' {
			return nil, false, false
		}
		i = skipSpace(data, i+1)
		end, _, ok = scanValue(data, i)
		if !ok {
			return nil, false, false
		}
		if match {
			value, found = data[i:end:end], true
		}
		i = skipSpace(data, end)
		if i >= len(data) {
			return nil, false, false
		}
		switch data[i] {
		case ',':
			i = skipSpace(data, i+1)
		case '}':
			return value, found, true
		default:
			return nil, false, false
		}
	}
}
