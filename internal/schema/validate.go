package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

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

// resourceURL names the schema inside the validator; nothing is loaded
// from it.
const resourceURL = "https://input-schema.coreclaw.invalid/schema.json"

// compile turns the validation document into a validator. A schema the
// library refuses is uninterpretable, not a reason to reject input.
func (s *Schema) compile() (*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.UseLoader(refuseLoader{})
	c.UseRegexpEngine(lenientRegexp)
	// Older drafts assert formats; a format the platform reads loosely
	// ("uri" without a scheme, say) must not reject input here.
	for _, name := range formatNames() {
		c.RegisterFormat(&jsonschema.Format{Name: name, Validate: func(any) error { return nil }})
	}
	if err := c.AddResource(resourceURL, s.validation); err != nil {
		return nil, uninterpretable("%s", firstLine(err.Error()))
	}
	sch, err := c.Compile(resourceURL)
	var loadErr *jsonschema.LoadURLError
	var metaErr *jsonschema.SchemaValidationError
	switch {
	case err == nil:
	case errors.As(err, &loadErr):
		return nil, uninterpretable("it refers to %s, which the CLI does not load", loadErr.URL)
	case errors.As(err, &metaErr):
		return nil, uninterpretable("it is not valid JSON Schema")
	default:
		return nil, uninterpretable("it is not a JSON Schema the validator accepts: %s", firstLine(err.Error()))
	}
	return sch, nil
}

// Validate checks custom input fields against the schema. The error is an
// *UninterpretableError when the schema cannot be used.
func (s *Schema) Validate(custom *jsonobj.Object) (*Report, error) {
	sch, err := s.compile()
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
	if verr := sch.Validate(inst); verr != nil {
		ve, ok := verr.(*jsonschema.ValidationError)
		if !ok {
			return nil, uninterpretable("%s", firstLine(verr.Error()))
		}
		var found []Problem
		s.collect(ve, inst, &found)
		for _, p := range found {
			if !placeholders[topField(p.Path)] {
				rep.Problems = append(rep.Problems, p)
			}
		}
	}
	rep.Problems = sortProblems(rep.Problems)
	return rep, nil
}

// collect turns the validator's error tree into one problem per leaf.
func (s *Schema) collect(ve *jsonschema.ValidationError, inst any, out *[]Problem) {
	switch k := ve.ErrorKind.(type) {
	case *kind.AnyOf, *kind.OneOf:
		// The branches' own errors would only confuse.
		*out = append(*out, s.problem(ve.InstanceLocation, inst, "does not match any of the allowed forms"))
		return
	case *kind.Required:
		for _, name := range k.Missing {
			*out = append(*out, s.problem(append(append([]string(nil), ve.InstanceLocation...), name), inst, "required"))
		}
		return
	}
	if len(ve.Causes) > 0 {
		for _, c := range ve.Causes {
			s.collect(c, inst, out)
		}
		return
	}
	*out = append(*out, s.problem(ve.InstanceLocation, inst, leafMessage(ve, valueAt(inst, ve.InstanceLocation))))
}

func (s *Schema) problem(loc []string, inst any, msg string) Problem {
	p := Problem{Path: pathString(loc, inst), Message: msg, order: len(s.Fields)}
	if len(loc) > 0 {
		p.order = s.index(loc[0])
	}
	return p
}

// leafMessage words one violation.
func leafMessage(ve *jsonschema.ValidationError, value any) string {
	switch k := ve.ErrorKind.(type) {
	case *kind.Type:
		return fmt.Sprintf("expected %s, got %s", strings.Join(k.Want, " or "), describeValue(value))
	case *kind.Enum:
		return fmt.Sprintf("%s is not one of %s", display(k.Got), displayList(k.Want))
	case *kind.Const:
		return fmt.Sprintf("must be %s", display(k.Want))
	case *kind.Minimum:
		return fmt.Sprintf("%s is less than the minimum %s", ratString(k.Got), ratString(k.Want))
	case *kind.Maximum:
		return fmt.Sprintf("%s is more than the maximum %s", ratString(k.Got), ratString(k.Want))
	case *kind.ExclusiveMinimum:
		return fmt.Sprintf("%s must be more than %s", ratString(k.Got), ratString(k.Want))
	case *kind.ExclusiveMaximum:
		return fmt.Sprintf("%s must be less than %s", ratString(k.Got), ratString(k.Want))
	case *kind.MinLength:
		return fmt.Sprintf("%d characters, fewer than the minimum %d", k.Got, k.Want)
	case *kind.MaxLength:
		return fmt.Sprintf("%d characters, more than the maximum %d", k.Got, k.Want)
	case *kind.MinItems:
		return fmt.Sprintf("%d items, fewer than the minimum %d", k.Got, k.Want)
	case *kind.MaxItems:
		return fmt.Sprintf("%d items, more than the maximum %d", k.Got, k.Want)
	case *kind.FalseSchema:
		return "not allowed"
	}
	return ve.ErrorKind.LocalizedString(message.NewPrinter(language.English))
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
		return r.Num().String()
	}
	f, _ := r.Float64()
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// valueAt finds the instance value at a location.
func valueAt(inst any, loc []string) any {
	v := inst
	for _, tok := range loc {
		switch x := v.(type) {
		case map[string]any:
			v = x[tok]
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
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

// refuseLoader loads nothing: a schema's $ref to a remote or local file
// must not make the CLI read the network or the disk.
type refuseLoader struct{}

func (refuseLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("not loading %s", url)
}

// lenientRegexp compiles patterns with Go's regexp; a pattern Go cannot
// compile (ECMAScript lookarounds, say) matches everything instead of
// making the whole schema unusable.
func lenientRegexp(s string) (jsonschema.Regexp, error) {
	re, err := regexp.Compile(s)
	if err != nil {
		return anything(s), nil
	}
	return re, nil
}

type anything string

func (a anything) MatchString(string) bool { return true }
func (a anything) String() string          { return string(a) }

// formatNames are the standard formats, none of which is asserted.
func formatNames() []string {
	return []string{
		"date-time", "date", "time", "duration", "email", "idn-email", "hostname", "idn-hostname",
		"ipv4", "ipv6", "uri", "uri-reference", "iri", "iri-reference", "uuid", "uri-template",
		"json-pointer", "relative-json-pointer", "regex", "period", "semver",
	}
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
