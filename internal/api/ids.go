package api

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"
)

// WorkerID is a Worker as the API path wants it: a slug, or "owner~name".
type WorkerID string

// ParseWorkerID accepts owner/name, owner~name or a Worker slug and returns
// the form the API takes (owner~name or the slug). It rejects anything that
// could address a different resource once put into a URL path.
func ParseWorkerID(s string) (WorkerID, error) {
	if s == "" {
		return "", fmt.Errorf("worker id is empty: use owner/name, owner~name or a Worker slug")
	}
	for _, r := range s {
		if unicode.IsSpace(r) {
			return "", fmt.Errorf("worker id %q contains whitespace", s)
		}
		if unicode.IsControl(r) {
			return "", fmt.Errorf("worker id %q contains a control character", s)
		}
	}
	seps := strings.Count(s, "/") + strings.Count(s, "~")
	if seps > 1 {
		return "", fmt.Errorf("worker id %q has more than one separator: use owner/name, owner~name or a Worker slug", s)
	}
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == '~' })
	if seps == 1 && (len(parts) != 2 || strings.HasPrefix(s, "/") || strings.HasPrefix(s, "~") ||
		strings.HasSuffix(s, "/") || strings.HasSuffix(s, "~")) {
		return "", fmt.Errorf("worker id %q has an empty owner or name", s)
	}
	for _, p := range parts {
		if err := checkIDPart(p); err != nil {
			return "", fmt.Errorf("worker id %q: %v", s, err)
		}
	}
	if seps == 0 && isDigits(s) {
		return "", fmt.Errorf("worker id %q looks like a numeric internal id, which the API does not accept: use owner/name or the Worker slug", s)
	}
	// Without an owner only a Worker slug names a Worker: a bare name
	// would be sent as a slug and fail after the schema read, or worse.
	if seps == 0 && !isULID(strings.ToUpper(s)) {
		return "", fmt.Errorf("worker id %q has no owner: write owner/name (`coreclaw workers search %s` shows it) or the Worker's slug", s, s)
	}
	return WorkerID(strings.Replace(s, "/", "~", 1)), nil
}

func checkIDPart(p string) error {
	if p == "." || p == ".." || strings.Contains(p, "..") {
		return fmt.Errorf("%q is not a valid name", p)
	}
	for _, r := range p {
		if r != '-' && r != '_' && r != '.' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return fmt.Errorf("character %q is not allowed", r)
		}
	}
	return nil
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// PathSegment returns the id escaped for a URL path. "~" is left as is by
// url.PathEscape, which is what the API expects.
func (w WorkerID) PathSegment() string { return url.PathEscape(string(w)) }

func (w WorkerID) String() string { return string(w) }

// RunRef names a run: by slug, or the newest run of the account (Last) or
// of one Worker (Last with Worker set).
type RunRef struct {
	Slug   string
	Last   bool
	Worker WorkerID
}

// ParseRunRef turns a RUN argument into a RunRef. "last" means the newest
// run; worker, when not empty, scopes it to one Worker.
func ParseRunRef(arg string, worker WorkerID) (RunRef, error) {
	if arg == "last" {
		return RunRef{Last: true, Worker: worker}, nil
	}
	if worker != "" {
		return RunRef{}, fmt.Errorf("--worker only goes with the run \"last\"")
	}
	if err := ValidateSlug("run", arg); err != nil {
		return RunRef{}, err
	}
	return RunRef{Slug: arg}, nil
}

// ValidateSlug checks an opaque id (run slug, task slug, queue ref) before it
// is put into a URL path.
func ValidateSlug(kind, s string) error {
	if s == "" {
		return fmt.Errorf("%s id is empty", kind)
	}
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return fmt.Errorf("%s id %q contains whitespace or a control character", kind, s)
		}
		if r == '/' || r == '\\' || r == '?' || r == '#' || r == '%' {
			return fmt.Errorf("%s id %q contains %q, which is not allowed", kind, s, r)
		}
	}
	if s == "." || s == ".." {
		return fmt.Errorf("%s id %q is not valid", kind, s)
	}
	return nil
}

// IsRunSlug reports a run slug as the API writes them: a ULID, that is 26
// characters of Crockford base32 in upper case (01KKDXV2G26BT7NH4ZQR2R4NPZ).
// A file that is to hold a slug must hold exactly that (--slug-file).
func IsRunSlug(s string) bool { return isULID(s) }

// isULID: 26 characters of Crockford's base32 (digits and upper-case
// letters without I, L, O and U), the first at most 7 (48 bits of time).
func isULID(s string) bool {
	if len(s) != 26 || s[0] > '7' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'A' <= c && c <= 'Z' && c != 'I' && c != 'L' && c != 'O' && c != 'U') {
			return false
		}
	}
	return true
}

// String is how the run is named in messages.
func (r RunRef) String() string {
	switch {
	case r.Slug != "":
		return r.Slug
	case r.Worker != "":
		return "last run of " + string(r.Worker)
	default:
		return "last run"
	}
}

// base is the path of the run itself.
func (r RunRef) base() string {
	switch {
	case r.Slug != "":
		return "/api/v2/worker-runs/" + url.PathEscape(r.Slug)
	case r.Worker != "":
		return "/api/v2/workers/" + r.Worker.PathSegment() + "/runs/last"
	default:
		return "/api/v2/worker-runs/last"
	}
}

// exportPath differs between a run and the /last shortcuts (REFERENCE §8.7).
func (r RunRef) exportPath() string {
	if r.Slug != "" {
		return r.base() + "/result/export"
	}
	return r.base() + "/export"
}
