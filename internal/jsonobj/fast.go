package jsonobj

import (
	"bytes"
	"encoding/json"
)

// maxFastDepth is the deepest nesting the quick reader follows; deeper
// documents go the slow way (encoding/json has its own limit).
const maxFastDepth = 1000

// parseFast reads the common object quickly: one pass to find each
// member, json.Valid (or json.Compact when there is white space) on each
// value, and one buffer for all the values. Whatever it is not sure of
// (escaped or non-ASCII keys aside, which it unquotes with encoding/json)
// it leaves to the decoder by returning false: errors, and their wording,
// stay the decoder's. Its results are the decoder's, byte for byte
// (FuzzParse compares them).
func parseFast(data []byte) (*Object, bool) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil, false
	}
	i = skipSpace(data, i+1)
	o := &Object{}
	if i < len(data) && data[i] == '}' {
		return o, skipSpace(data, i+1) == len(data)
	}
	values := make([]byte, 0, len(data))
	for {
		if i >= len(data) || data[i] != '"' {
			return nil, false
		}
		end, escaped, ok := scanString(data, i)
		if !ok {
			return nil, false
		}
		var key string
		if escaped {
			if json.Unmarshal(data[i:end], &key) != nil {
				return nil, false
			}
		} else {
			key = string(data[i+1 : end-1])
		}
		i = skipSpace(data, end)
		if i >= len(data) || data[i] != ':' {
			return nil, false
		}
		i = skipSpace(data, i+1)
		end, spaced, ok := scanValue(data, i)
		if !ok {
			return nil, false
		}
		raw := data[i:end]
		start := len(values)
		if spaced {
			buf := bytes.NewBuffer(values)
			if json.Compact(buf, raw) != nil {
				return nil, false
			}
			values = buf.Bytes()
		} else {
			if !json.Valid(raw) {
				return nil, false
			}
			values = append(values, raw...)
		}
		o.Set(key, values[start:len(values):len(values)])
		i = skipSpace(data, end)
		if i >= len(data) {
			return nil, false
		}
		switch data[i] {
		case ',':
			i = skipSpace(data, i+1)
		case '}':
			return o, skipSpace(data, i+1) == len(data)
		default:
			return nil, false
		}
	}
}

func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// scanString finds the end (after the closing quote) of the string at
// data[i]; escaped reports backslashes or bytes that are not plain ASCII,
// whose text encoding/json must work out. Raw control characters are
// invalid JSON: not ok.
func scanString(data []byte, i int) (end int, escaped, ok bool) {
	for j := i + 1; j < len(data); j++ {
		switch c := data[j]; {
		case c == '"':
			return j + 1, escaped, true
		case c == '\\':
			escaped = true
			j++
		case c < 0x20:
			return 0, false, false
		case c >= 0x80:
			escaped = true
		}
	}
	return 0, false, false
}

// scanValue finds the end of the value at data[i], and whether it holds
// white space outside strings. It checks only the structure; json.Valid
// or json.Compact checks the rest.
func scanValue(data []byte, i int) (end int, spaced, ok bool) {
	if i >= len(data) {
		return 0, false, false
	}
	switch data[i] {
	case '"':
		end, _, ok := scanString(data, i)
		return end, false, ok
	case '{', '[':
		depth := 0
		for j := i; j < len(data); j++ {
			switch data[j] {
			case '"':
				e, _, ok := scanString(data, j)
				if !ok {
					return 0, false, false
				}
				j = e - 1
			case '{', '[':
				depth++
				if depth > maxFastDepth {
					return 0, false, false
				}
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, spaced, true
				}
			case ' ', '\t', '\n', '\r':
				spaced = true
			}
		}
		return 0, false, false
	}
	j := i
	for j < len(data) {
		switch data[j] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return j, false, j > i
		}
		j++
	}
	return j, false, j > i
}
