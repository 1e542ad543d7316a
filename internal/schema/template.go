package schema

import (
	"github.com/coreclaw/coreclaw/internal/jsonobj"
)

// placeholderPrefix starts the value a template gives a required field
// without a default. JSON has no comments, so the marker is a value: it
// reads as an instruction, and the schema check refuses it until it is
// replaced.
const placeholderPrefix = "<required: "

// Placeholder is the template value of a required field: for example
// "<required: array of string>".
func Placeholder(f *Field) string {
	return placeholderPrefix + f.TypeString() + ">"
}

// Template is a starter input document, in schema order: each field with a
// default has it, each required field without one has a Placeholder, and
// optional fields without a default are left out (`coreclaw workers
// schema` lists them).
func (s *Schema) Template() *jsonobj.Object {
	doc := &jsonobj.Object{}
	for i := range s.Fields {
		f := &s.Fields[i]
		switch {
		case f.Default != nil:
			doc.Set(f.Name, f.Default)
		case f.Required:
			doc.Set(f.Name, jsonobj.String(Placeholder(f)))
		}
	}
	return doc
}
