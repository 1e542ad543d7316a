package schema

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/input"
	"github.com/coreclaw/coreclaw/internal/jsonobj"
	"github.com/coreclaw/coreclaw/internal/text"
)

// Source fetches input schemas, through the cache.
type Source struct {
	// BaseURL keys the cache: the same Worker id on another API is
	// another Worker.
	BaseURL string
	// Fetch asks the API (api.Client.InputSchema).
	Fetch func(ctx context.Context, worker api.WorkerID) (json.RawMessage, error)
	// Cache may be nil (no caching).
	Cache *Cache
}

// NewSource reads schemas through client, cached in cache (may be nil).
func NewSource(client *api.Client, cache *Cache) *Source {
	return &Source{BaseURL: client.BaseURL(), Fetch: client.InputSchema, Cache: cache}
}

// Load returns the Worker's schema from the cache when a fresh copy is
// there, and from the API otherwise.
func (s *Source) Load(ctx context.Context, worker api.WorkerID) (json.RawMessage, error) {
	if raw, ok := s.Cache.Get(s.BaseURL, worker); ok {
		return raw, nil
	}
	return s.Refresh(ctx, worker)
}

// Refresh asks the API and caches the answer.
func (s *Source) Refresh(ctx context.Context, worker api.WorkerID) (json.RawMessage, error) {
	raw, err := s.Fetch(ctx, worker)
	if err != nil {
		return nil, err
	}
	if raw != nil {
		_ = s.Cache.Put(s.BaseURL, worker, raw) // best effort
	}
	return raw, nil
}

// MismatchError is input that definitely does not match the schema: every
// problem is listed, on one line.
type MismatchError struct {
	Worker   api.WorkerID
	Problems []Problem
}

func (e *MismatchError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.String()
	}
	return fmt.Sprintf("the input does not match the schema of %s: %s", e.Worker, strings.Join(parts, "; "))
}

// Hint says where to look and how to skip the check.
func (e *MismatchError) Hint() string {
	return fmt.Sprintf("`coreclaw workers schema %s` lists the fields; --no-validate skips this check", e.Worker)
}

// UsageMistake: the input is the user's to fix (exit 2); nothing was sent.
func (e *MismatchError) UsageMistake() bool { return true }

// Check is the schema check of `coreclaw run` (CONTRACT §2). It loads the
// Worker's schema, converts the `-p key=value` strings of in to the
// declared types (in place), and checks in's custom fields. in may be nil
// (no input at all: only required fields can be missing).
//
// It returns a *MismatchError for input that does not fit. A schema that
// cannot be fetched (network failure, 404) or interpreted is reported
// through warn and Check returns nil: the run goes ahead unchecked. Only
// an interruption (ctx done) is returned as it is.
func Check(ctx context.Context, src *Source, worker api.WorkerID, in *input.Input, warn func(string)) error {
	raw, err := src.Load(ctx, worker)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		warn(fmt.Sprintf("cannot read the input schema of %s (%s); the input is not checked", worker, oneLine(err.Error())))
		return nil
	}
	s, err := Parse(raw)
	if err != nil {
		warn(fmt.Sprintf("cannot interpret the input schema of %s (%s); the input is not checked", worker, err))
		return nil
	}
	custom := &jsonobj.Object{}
	if in != nil {
		s.Coerce(in.Custom, in.FromString)
		custom = in.Custom
	}
	rep, err := s.Validate(custom)
	if err != nil {
		var ue *UninterpretableError
		if !errors.As(err, &ue) {
			return err
		}
		warn(fmt.Sprintf("cannot interpret the input schema of %s (%s); the input is not checked", worker, err))
		return nil
	}
	for _, u := range rep.Unchecked {
		warn(fmt.Sprintf("the input schema of %s: %s; that field's type is not checked", worker, u))
	}
	if len(rep.Unknown) > 0 {
		warn(fmt.Sprintf("the schema of %s does not declare %s; sent as given", worker, s.describeUnknown(rep.Unknown)))
	}
	if len(rep.Problems) > 0 {
		return &MismatchError{Worker: worker, Problems: rep.Problems}
	}
	return nil
}

// describeUnknown names unknown fields, with the declared field each one
// is probably a typo of.
func (s *Schema) describeUnknown(names []string) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%q", n)
		if guess := s.closest(n); guess != "" {
			parts[i] += fmt.Sprintf(" (did you mean %q?)", guess)
		}
	}
	what := "the field "
	if len(names) > 1 {
		what = "the fields "
	}
	return what + strings.Join(parts, ", ")
}

// closest returns the declared field nearest to name, when it is near
// enough to be a typo.
func (s *Schema) closest(name string) string {
	names := make([]string, len(s.Fields))
	for i, f := range s.Fields {
		names[i] = f.Name
	}
	return text.Nearest(name, names, false)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// NoSchemaError is a schema read the API answered with not found: the
// Worker does not exist, or has no input schema. Its exit code is the API
// error's.
type NoSchemaError struct {
	Worker api.WorkerID
	Err    error
}

func (e *NoSchemaError) Error() string {
	return fmt.Sprintf("no input schema for %s: the Worker does not exist, or has none: %v", e.Worker, e.Err)
}

func (e *NoSchemaError) Unwrap() error { return e.Err }

// Hint says where Workers are found.
func (e *NoSchemaError) Hint() string {
	return "`coreclaw workers search KEYWORD` finds Workers in the Store"
}

// ReadError explains a failed schema read to the commands that cannot do
// without the schema (`workers schema`, `input template`); it keeps the
// exit code of err.
func ReadError(worker api.WorkerID, err error) error {
	var apiErr *api.Error
	if errors.As(err, &apiErr) && apiErr.IsNotFound() {
		return &NoSchemaError{Worker: worker, Err: err}
	}
	return err
}

// CheckInput is the schema check of every command that sends an input
// (`run`, `task create`, `task update`, `task input --set`): Check
// through the API with cache. A mismatch is a *MismatchError: a usage
// mistake (exit 2, nothing sent) with a hint.
func CheckInput(ctx context.Context, client *api.Client, cache *Cache, worker api.WorkerID, in *input.Input, warn func(string)) error {
	return Check(ctx, NewSource(client, cache), worker, in, warn)
}
