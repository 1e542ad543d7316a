// Package jsonobj is a JSON object that keeps its members in order and its
// values as raw JSON, so that user input and result rows go back out with
// the same key order and the same number formatting they came in with.
package jsonobj

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Member is one key and its raw value.
type Member struct {
	Key   string
	Value json.RawMessage
}

// Object is an ordered JSON object.
type Object struct {
	members []Member
}

// ErrNotObject is returned by Parse for valid JSON that is not an object.
var ErrNotObject = errors.New("not a JSON object")

// Parse reads one JSON object. Values are compacted; a repeated key keeps
// its first position and its last value, as encoding/json does.
func Parse(data []byte) (*Object, error) {
	if o, ok := parseFast(data); ok {
		return o, nil
	}
	return parseSlow(data)
}

// parseSlow is Parse through encoding/json's decoder, whose errors Parse
// returns.
func parseSlow(data []byte) (*Object, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, ErrNotObject
	}
	o := &Object{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, truncated(err)
		}
		key, ok := tok.(string)
		if !ok {
			return nil, fmt.Errorf("unexpected %v", tok)
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, truncated(err)
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, raw); err != nil {
			return nil, err
		}
		o.Set(key, buf.Bytes())
	}
	if _, err := dec.Token(); err != nil {
		return nil, truncated(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		if err == nil {
			return nil, errors.New("unexpected data after the JSON object")
		}
		return nil, err
	}
	return o, nil
}

// truncated reports the end of the input inside the object as
// io.ErrUnexpectedEOF: a bare io.EOF would read as "no input at all".
func truncated(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// Len is the number of members.
func (o *Object) Len() int {
	if o == nil {
		return 0
	}
	return len(o.members)
}

// Members returns the members in order. The slice must not be modified.
func (o *Object) Members() []Member {
	if o == nil {
		return nil
	}
	return o.members
}

// Keys returns the keys in order.
func (o *Object) Keys() []string {
	keys := make([]string, 0, o.Len())
	for _, m := range o.Members() {
		keys = append(keys, m.Key)
	}
	return keys
}

// Get returns a member's raw value.
func (o *Object) Get(key string) (json.RawMessage, bool) {
	for _, m := range o.Members() {
		if m.Key == key {
			return m.Value, true
		}
	}
	return nil, false
}

// Has reports whether key is present.
func (o *Object) Has(key string) bool {
	_, ok := o.Get(key)
	return ok
}

// Set replaces key's value in place, or appends it.
func (o *Object) Set(key string, value json.RawMessage) {
	for i := range o.members {
		if o.members[i].Key == key {
			o.members[i].Value = value
			return
		}
	}
	o.members = append(o.members, Member{Key: key, Value: value})
}

// Delete removes key.
func (o *Object) Delete(key string) {
	for i := range o.members {
		if o.members[i].Key == key {
			o.members = append(o.members[:i], o.members[i+1:]...)
			return
		}
	}
}

// Merge sets every member of other, in other's order.
func (o *Object) Merge(other *Object) {
	for _, m := range other.Members() {
		o.Set(m.Key, m.Value)
	}
}

// MarshalJSON writes the object compactly, in order.
func (o *Object) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	o.WriteTo(&buf)
	return buf.Bytes(), nil
}

// WriteTo appends the compact JSON of the object to buf.
func (o *Object) WriteTo(buf *bytes.Buffer) {
	buf.WriteByte('{')
	for i, m := range o.Members() {
		if i > 0 {
			buf.WriteByte(',')
		}
		writeString(buf, m.Key)
		buf.WriteByte(':')
		if len(m.Value) == 0 {
			buf.WriteString("null")
		} else {
			buf.Write(m.Value)
		}
	}
	buf.WriteByte('}')
}

// WriteQuoted writes s as a JSON string, without HTML escaping.
func WriteQuoted(buf *bytes.Buffer, s string) { writeString(buf, s) }

// writeString writes a JSON string without HTML escaping. Printable ASCII
// without quotes or backslashes (nearly every key) is written as it is;
// anything else goes through encoding/json, which knows the escapes.
func writeString(buf *bytes.Buffer, s string) {
	if plainASCII(s) {
		buf.WriteByte('"')
		buf.WriteString(s)
		buf.WriteByte('"')
		return
	}
	var tmp bytes.Buffer
	enc := json.NewEncoder(&tmp)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	buf.Write(bytes.TrimRight(tmp.Bytes(), "\n"))
}

func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// String marshals a Go string as JSON (no HTML escaping).
func String(s string) json.RawMessage {
	var buf bytes.Buffer
	writeString(&buf, s)
	return buf.Bytes()
}
