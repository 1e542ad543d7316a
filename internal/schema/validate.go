package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"

	"github.com/coreclaw/coreclaw/internal/jsonobj"
)

// Problem is one way the input does not match the schema.
type Problem struct {
	// Path names the value: "max_results", "keywords[1]", "address.city".
	Path string
	// Message says what is wrong: "required",
	// `expected integer, got string "ten"`.
	Message string

	order int // the field's position in the schema
}

func (p Problem) String() string { return p.Path + ": " + p.Message }

// Report is the outcome of checking an input.
type Report struct {
	// Problems are definite violations, in schema order.
	Problems []Problem
	// Unknown are input fields the schema does not declare, in input
	// order; they only warn.
	Unknown []string
	// Unchecked are present fields whose declared type is unknown, with
	// the reason; they only warn.
	Unchecked []string
}

// resourceURL is the base URL of the schema document: references are
// resolved against it, and any that leave the document are refused.
const resourceURL = "https://input-schema.coreclaw.invalid/schema.json"

// compile turns the validation document into a validator. A schema that
// cannot be used is uninterpretable, not a reason to reject input.
func (s *Schema) compile() (*jsNode, error) {
	root, err := compileJSONSchema(s.validation)
	var refused *refusedRef
	var bad *invalidSchema
	switch {
	case err == nil:
		return root, nil
	case errors.As(err, &refused):
		return nil, uninterpretable("%s", refused.Error())
	case errors.As(err, &bad):
		return nil, uninterpretable("it is not valid JSON Schema")
	}
	return nil, uninterpretable("it is not a JSON Schema the validator accepts: %s", firstLine(err.Error()))
}

// Validate checks custom input fields against the schema. The error is an
// *UninterpretableError when the schema cannot be used.
func (s *Schema) Validate(custom *jsonobj.Object) (*Report, error) {
	root, err := s.compile()
	if err != nil {
		return nil, err
	}
	if custom == nil {
		custom = &jsonobj.Object{}
	}
	raw, _ := custom.MarshalJSON()
	inst, err := decode(raw)
	if err != nil {
		return nil, fmt.Errorf("reading the input: %v", err)
	}
	rep := &Report{}
	placeholders := map[string]bool{}
	for _, m := range custom.Members() {
		f := s.Field(m.Key)
		if f == nil {
			if len(s.Fields) > 0 {
				rep.Unknown = append(rep.Unknown, m.Key)
			}
			continue
		}
		if f.Problem != "" {
			rep.Unchecked = append(rep.Unchecked, fmt.Sprintf("field %q: %s", f.Name, f.Problem))
		}
		if isPlaceholder(m.Value) {
			placeholders[m.Key] = true
			rep.Problems = append(rep.Problems, Problem{Path: m.Key, Message: "required (replace the template's placeholder)", order: s.index(m.Key)})
		}
	}
	found, err := validateJSONSchema(root, inst)
	if err != nil {
		return nil, uninterpretable("%s", err)
	}
	for _, f := range found {
		p := s.problem(f.loc, inst, f.msg)
		if !placeholders[topField(p.Path)] {
			rep.Problems = append(rep.Problems, p)
		}
	}
	rep.Problems = sortProblems(rep.Problems)
	return rep, nil
}

func (s *Schema) problem(loc []string, inst any, msg string) Problem {
	p := Problem{Path: pathString(loc, inst), Message: msg, order: len(s.Fields)}
	if len(loc) > 0 {
		p.order = s.index(loc[0])
	}
	return p
}

// describeValue is "string \"ten\"", "number 10.5", "null", "an object".
func describeValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return "string " + quoteShort(x)
	case json.Number:
		return "number " + x.String()
	case bool:
		return "boolean " + strconv.FormatBool(x)
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprint(v)
}

// display shows a value as JSON, strings quoted and shortened.
func display(v any) string {
	if s, ok := v.(string); ok {
		return quoteShort(s)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return truncateRunes(strings.TrimSpace(buf.String()), 40)
}

// displayList shows allowed values; a long list is cut.
func displayList(vals []any) string {
	const max = 10
	parts := make([]string, 0, max+1)
	for i, v := range vals {
		if i == max {
			parts = append(parts, fmt.Sprintf("… (%d values)", len(vals)))
			break
		}
		parts = append(parts, display(v))
	}
	return strings.Join(parts, ", ")
}

func quoteShort(s string) string {
	return strconv.Quote(truncateRunes(s, 40))
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func ratString(r *big.Rat) string {
	if r == nil {
		return "?"
	}
	if r.IsInt() {
		if s := r.Num().String(); len(s) <= 21 {
			return s
		}
		// A number of a hundred digits says less than 1e+100.
		return new(big.Float).SetRat(r).Text('g', 10)
	}
	f, _ := r.Float64()
	if a := math.Abs(f); a < 1e-6 || a >= 1e21 {
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// pathString writes a location as people read it: a.b[0].c.
func pathString(loc []string, inst any) string {
	var b strings.Builder
	v := inst
	for i, tok := range loc {
		if arr, ok := v.([]any); ok {
			fmt.Fprintf(&b, "[%s]", tok)
			if n, err := strconv.Atoi(tok); err == nil && n >= 0 && n < len(arr) {
				v = arr[n]
			} else {
				v = nil
			}
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
		if m, ok := v.(map[string]any); ok {
			v = m[tok]
		} else {
			v = nil
		}
	}
	if b.Len() == 0 {
		return "(input)"
	}
	return b.String()
}

// topField is the top-level field of a path.
func topField(path string) string {
	if i := strings.IndexAny(path, ".["); i >= 0 {
		return path[:i]
	}
	return path
}

// sortProblems orders problems as the schema lists the fields, and drops
// repeats.
func sortProblems(ps []Problem) []Problem {
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].order != ps[j].order {
			return ps[i].order < ps[j].order
		}
		return ps[i].Path < ps[j].Path
	})
	out := ps[:0]
	seen := map[string]bool{}
	for _, p := range ps {
		if !seen[p.String()] {
			seen[p.String()] = true
			out = append(out, p)
		}
	}
	return out
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return truncateRunes(s, 200)
}

// isPlaceholder recognises the marker `coreclaw input template` puts in
// required fields.
func isPlaceholder(raw json.RawMessage) bool {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return false
	}
	return strings.HasPrefix(s, placeholderPrefix) && strings.HasSuffix(s, ">")
}
