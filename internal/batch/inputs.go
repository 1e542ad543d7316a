package batch

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// MaxInputsSize bounds an inputs file: many small inputs, never a
// results file passed by mistake.
const MaxInputsSize = 64 << 20

// RawLine is one input of an inputs file, as written.
type RawLine struct {
	// N is the line number in a JSON Lines file, or the position (from
	// 1) in a JSON array.
	N    int
	Text []byte
}

// LineError is an input line that cannot be used.
type LineError struct {
	N   int
	Msg string
}

func (e LineError) Error() string { return fmt.Sprintf("line %d: %s", e.N, e.Msg) }

// SplitInputs reads an inputs file: one JSON object a line (blank lines
// are skipped, and keep their numbers), or one JSON array of objects. It
// returns the inputs and the lines that are not JSON objects.
func SplitInputs(data []byte) ([]RawLine, []LineError) {
	if !utf8.Valid(data) {
		return nil, []LineError{{N: 1, Msg: "the inputs are not UTF-8 text"}}
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) > 0 && trimmed[0] == '[' {
		return splitArray(trimmed)
	}
	var out []RawLine
	var bad []LineError
	for n, line := range bytes.Split(data, []byte("\n")) {
		text := bytes.TrimSpace(line)
		if len(text) == 0 {
			continue
		}
		if msg := objectProblem(text); msg != "" {
			bad = append(bad, LineError{N: n + 1, Msg: msg})
			continue
		}
		out = append(out, RawLine{N: n + 1, Text: text})
	}
	return out, bad
}

func splitArray(data []byte) ([]RawLine, []LineError) {
	var items []json.RawMessage
	if err := json.Unmarshal(data, &items); err != nil {
		return nil, []LineError{{N: 1, Msg: "the inputs file starts with [ but is not a JSON array: " + err.Error()}}
	}
	var out []RawLine
	var bad []LineError
	for i, item := range items {
		if msg := objectProblem(item); msg != "" {
			bad = append(bad, LineError{N: i + 1, Msg: msg})
			continue
		}
		out = append(out, RawLine{N: i + 1, Text: bytes.TrimSpace(item)})
	}
	return out, bad
}

// objectProblem says why text is not one JSON object ("" when it is).
func objectProblem(text []byte) string {
	if !json.Valid(text) {
		var v any
		err := json.Unmarshal(text, &v)
		return fmt.Sprintf("not valid JSON (%v)", err)
	}
	if text[0] != '{' {
		return "not a JSON object"
	}
	return ""
}

// InputHash is the sha256 of an input's canonical JSON (keys sorted, no
// spaces, numbers as written), so that the same input written another
// way is the same input.
func InputHash(input json.RawMessage) string {
	canonical := input
	dec := json.NewDecoder(bytes.NewReader(input))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) == nil {
		if b, err := json.Marshal(v); err == nil {
			canonical = b
		}
	}
	sum := sha256.Sum256(canonical)
	return "sha256:" + hex.EncodeToString(sum[:])
}
