package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"unicode"

	"github.com/coreclaw/coreclaw/internal/text"
)

// The reply to a run-creating request (run, rerun, task run) decides
// whether a paid run is known or lost, so it is read field by field: a
// 2xx with code 0 and a usable string run_slug is a started run whatever
// else the reply holds; the fields that cannot be read are listed in
// StartedRun.Unread and left at their zero value. A reply without a
// usable slug is a *ReplyError: the run may exist all the same, and the
// request must not be repeated.

// maxStartedSlug bounds a run slug taken from a reply (a ULID has 26
// characters); anything longer is not put into paths or onto a terminal.
const maxStartedSlug = 128

// checkStartedSlug is the check a run slug from a start reply must pass:
// safe in a URL path (ValidateSlug) and safe to print (no invisible or
// format characters). It is deliberately looser than IsRunSlug: a run that
// exists must not be lost because its slug has an unusual shape.
func checkStartedSlug(s string) error {
	if err := ValidateSlug("run", s); err != nil {
		return err
	}
	if len(s) > maxStartedSlug {
		return fmt.Errorf("run id of %d bytes is longer than %d", len(s), maxStartedSlug)
	}
	for _, r := range s {
		if !unicode.IsPrint(r) || r == unicode.ReplacementChar {
			return fmt.Errorf("run id %q contains %q, which cannot be shown safely", s, r)
		}
	}
	return nil
}

// decodeStarted reads the data of a 2xx, code 0 reply to a start.
func decodeStarted(op string, data json.RawMessage) (*StartedRun, error) {
	fail := func(format string, args ...any) error {
		return &ReplyError{Op: op, Err: fmt.Errorf(format, args...)}
	}
	data = bytes.TrimSpace(data)
	if len(data) == 0 || string(data) == "null" {
		return nil, fail("no data, so no run_slug")
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return nil, fail("data is %s, not an object with a run_slug", text.JSONKind(data))
	}
	rawSlug, ok := fields["run_slug"]
	if !ok {
		return nil, fail("no run_slug in the reply")
	}
	var slug string
	if err := json.Unmarshal(rawSlug, &slug); err != nil || rawSlug[0] != '"' {
		return nil, fail("run_slug is %s, not a string", text.JSONKind(rawSlug))
	}
	if slug == "" {
		return nil, fail("run_slug is empty")
	}
	if err := checkStartedSlug(slug); err != nil {
		return nil, &ReplyError{Op: op, Err: err}
	}

	out := &StartedRun{RunSlug: slug}
	// read decodes one optional field when its JSON kind fits (ok) and
	// notes it as unread otherwise.
	read := func(name string, target any, ok func(json.RawMessage) bool) bool {
		raw, present := fields[name]
		if !present || string(raw) == "null" {
			return false
		}
		if ok(raw) && json.Unmarshal(raw, target) == nil {
			return true
		}
		out.Unread = append(out.Unread, name+"="+excerptJSON(raw))
		return false
	}
	isString := func(b json.RawMessage) bool { return b[0] == '"' }
	isStatus := func(b json.RawMessage) bool { return b[0] == '"' || isNumber(b) }
	isBool := func(b json.RawMessage) bool { return string(b) == "true" || string(b) == "false" }
	isObject := func(b json.RawMessage) bool { return b[0] == '{' }
	isInteger := func(json.RawMessage) bool { return true } // Int64 takes numbers and numeric strings
	read("run_status", &out.RunStatus, isStatus)
	read("error_message", &out.ErrorMessage, isString)
	read("result_message", &out.ResultMessage, isString)
	read("execution_start_timestamp", &out.ExecutionStart, isInteger)
	read("execution_end_timestamp", &out.ExecutionEnd, isInteger)
	read("running_duration", &out.RunningDuration, isInteger)
	read("is_finished", &out.IsFinished, isBool)
	var page ResultPage
	if read("results", &page, isObject) {
		out.Results = &page
	}
	return out, nil
}

func isNumber(b json.RawMessage) bool {
	return len(b) > 0 && (b[0] == '-' || '0' <= b[0] && b[0] <= '9')
}

// excerptJSON is a JSON value shortened to one safe line.
func excerptJSON(b json.RawMessage) string {
	return truncate(oneLine(string(b)), 40)
}
