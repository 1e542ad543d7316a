package output

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/itchyny/gojq"
)

// JQ is a compiled --jq filter (jq syntax, run in-process by gojq).
type JQ struct {
	expr string
	code *gojq.Code
}

// CompileJQ parses a --jq expression; a bad one is the user's to fix.
func CompileJQ(expr string) (*JQ, error) {
	q, err := gojq.Parse(expr)
	if err != nil {
		return nil, fmt.Errorf("invalid --jq expression %q: %v", expr, err)
	}
	code, err := gojq.Compile(q)
	if err != nil {
		return nil, fmt.Errorf("invalid --jq expression %q: %v", expr, err)
	}
	return &JQ{expr: expr, code: code}, nil
}

// Write runs the filter on one JSON document and prints each result on its
// own line: strings as plain text, anything else as compact JSON.
func (j *JQ) Write(ctx context.Context, w io.Writer, doc []byte) error {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return fmt.Errorf("--jq: the output is not JSON: %v", err)
	}
	var buf bytes.Buffer
	iter := j.code.RunWithContext(ctx, v)
	for {
		out, ok := iter.Next()
		if !ok {
			break
		}
		if err, isErr := out.(error); isErr {
			var halt *gojq.HaltError
			if errors.As(err, &halt) && halt.Value() == nil {
				break
			}
			return fmt.Errorf("--jq %s: %v", j.expr, err)
		}
		if s, isString := out.(string); isString {
			buf.WriteString(s)
		} else {
			b, err := gojq.Marshal(out)
			if err != nil {
				return fmt.Errorf("--jq %s: %v", j.expr, err)
			}
			buf.Write(b)
		}
		buf.WriteByte('\n')
	}
	_, err := w.Write(buf.Bytes())
	return err
}
