package iostreams

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/url"
	"sort"
	"sync"
)

// Redacted is what a secret becomes wherever coreclaw would print it.
const Redacted = "[REDACTED]"

// partialMin is the shortest start of a secret that is redacted when the
// rest of it is missing: a server's excerpt or a table cell cut off in
// the middle of the key must not print most of it. Shorter starts are
// left alone (`config get` itself shows the first four characters).
const partialMin = 8

// base64Min is the shortest base64 core of a secret worth looking for;
// shorter ones would match ordinary text by chance.
const base64Min = 12

// secretSet is the secrets known to the streams, in every form a server
// might echo them. Out and ErrOut share one set.
type secretSet struct {
	mu    sync.RWMutex
	known map[string]bool // every pattern: a secret or one of its encodings
	// byFirst lists the patterns by their first byte, longest first.
	byFirst [256][]string
}

// add registers a secret and its encodings.
func (s *secretSet) add(secret string) {
	if secret == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.known == nil {
		s.known = map[string]bool{}
	}
	for _, p := range encodings(secret) {
		if p == "" || s.known[p] {
			continue
		}
		s.known[p] = true
		list := append(s.byFirst[p[0]], p)
		sort.SliceStable(list, func(i, j int) bool { return len(list[i]) > len(list[j]) })
		s.byFirst[p[0]] = list
	}
}

// encodings are the forms in which a server may echo a secret: as sent,
// URL-encoded (a query or a path), JSON-escaped, and base64 (an echoed
// "Basic" header, say, where the secret may sit at any byte offset).
func encodings(secret string) []string {
	out := []string{secret, url.QueryEscape(secret), url.PathEscape(secret)}
	if b, err := json.Marshal(secret); err == nil {
		out = append(out, string(b[1:len(b)-1]))
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
		for offset := 0; offset < 3; offset++ {
			// Encode the secret after offset filler bytes and keep only the
			// characters made of the secret's bits alone: they appear in any
			// encoding that has the secret at that offset mod 3.
			e := enc.EncodeToString(append(make([]byte, offset), secret...))
			from := (8*offset + 5) / 6
			to := 8 * (offset + len(secret)) / 6
			if to-from >= base64Min {
				out = append(out, e[from:to])
			}
		}
	}
	return out
}

// scan redacts buf. When final is false, a tail that may be the start of
// a secret completed by the next write is returned separately, unwritten.
func (s *secretSet) scan(buf []byte, final bool) (out, held []byte) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if len(s.known) == 0 {
		return buf, nil
	}
	out = make([]byte, 0, len(buf))
	start := 0 // buf[start:i] is copied as is
	for i := 0; i < len(buf); {
		candidates := s.byFirst[buf[i]]
		if candidates == nil {
			i++
			continue
		}
		// full: the longest pattern found whole at i; partial: the longest
		// start of one (partialMin or more) cut off before the buffer's
		// end; open: the buffer ends inside what may be one.
		full, partial, open := 0, 0, false
		for _, p := range candidates {
			m := commonPrefix(buf[i:], p)
			switch {
			case m == len(p):
				full = max(full, m)
			case i+m == len(buf):
				open = true
			case m >= partialMin:
				partial = max(partial, m)
			}
		}
		if open && final && len(buf)-i >= partialMin {
			// The output ends with most of a secret: hide that too.
			partial = max(partial, len(buf)-i)
		}
		switch {
		case full > 0:
			out = append(append(out, buf[start:i]...), Redacted...)
			i += full
			start = i
		case open && !final:
			return append(out, buf[start:i]...), append([]byte(nil), buf[i:]...)
		case partial > 0:
			out = append(append(out, buf[start:i]...), Redacted...)
			i += partial
			start = i
		default:
			i++
		}
	}
	return append(out, buf[start:]...), nil
}

func commonPrefix(b []byte, p string) int {
	n := min(len(b), len(p))
	for i := 0; i < n; i++ {
		if b[i] != p[i] {
			return i
		}
	}
	return n
}

// redactWriter replaces every known secret in what passes through it. A
// write that ends with what may be the start of a secret keeps that tail
// back until the next write or Flush, so that a secret split across two
// writes is still caught; nothing else is delayed.
//
// On stderr it is also the status line's guard (progress.go): while a
// status frame is shown, any other write erases the line first.
type redactWriter struct {
	mu      sync.Mutex
	w       io.Writer
	secrets *secretSet
	held    []byte
	// lineShown: a status line's frame is on the screen.
	lineShown bool
}

func (r *redactWriter) Write(p []byte) (int, error) {
	return r.write(p, false)
}

// write redacts p after what was held back; whole writes hold nothing
// back (a status frame must show at once).
func (r *redactWriter) write(p []byte, whole bool) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.lineShown && len(p) > 0 {
		r.lineShown = false
		if _, err := io.WriteString(r.w, eraseLine); err != nil {
			return 0, err
		}
	}
	return r.writeLocked(p, whole)
}

func (r *redactWriter) writeLocked(p []byte, whole bool) (int, error) {
	buf := p
	if len(r.held) > 0 {
		buf = append(r.held, p...)
		r.held = nil
	}
	out, held := r.secrets.scan(buf, whole)
	r.held = held
	if len(out) > 0 {
		if _, err := r.w.Write(out); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// Flush writes what was held back.
func (r *redactWriter) Flush() error {
	_, err := r.write(nil, true)
	return err
}

// drawStatus writes a status frame, whole, past the guard.
func (r *redactWriter) drawStatus(frame string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, err := r.writeLocked([]byte(frame), true); err == nil {
		r.lineShown = true
	}
}

// eraseStatus erases the status line if a frame is shown.
func (r *redactWriter) eraseStatus() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.lineShown {
		r.lineShown = false
		io.WriteString(r.w, eraseLine)
	}
}

func (r *redactWriter) statusShown() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.lineShown
}

// AddSecret makes the streams replace secret, and its URL, JSON and base64
// encodings, with [REDACTED] wherever it would be printed, on stdout and
// stderr alike. The API key is added as soon as it is known.
func (s *IOStreams) AddSecret(secret string) {
	if s.secrets != nil {
		s.secrets.add(secret)
	}
}

// Flush writes out what the streams held back while checking for a
// secret split across writes (and what a stderr filter held back). The
// command runner calls it last.
func (s *IOStreams) Flush() error {
	var first error
	for _, w := range []io.Writer{s.Out, s.ErrOut} {
		if rw, ok := w.(*redactWriter); ok {
			if err := rw.Flush(); err != nil && first == nil {
				first = err
			}
		}
	}
	if err := s.flushFilter(); err != nil && first == nil {
		first = err
	}
	return first
}

// UnredactedOut is stdout without redaction, for the one command whose
// purpose is to print the key: `config get|list --show-secrets`.
func (s *IOStreams) UnredactedOut() io.Writer {
	if rw, ok := s.Out.(*redactWriter); ok {
		rw.Flush()
		return rw.w
	}
	return s.Out
}

func (s *IOStreams) redacting(w io.Writer) io.Writer {
	if s.secrets == nil {
		s.secrets = &secretSet{}
	}
	return &redactWriter{w: w, secrets: s.secrets}
}

func unwrap(w io.Writer) io.Writer {
	if rw, ok := w.(*redactWriter); ok {
		w = rw.w
	}
	// Through a filter (FilterErrOut) to the stream itself.
	for {
		u, ok := w.(interface{ Unwrap() io.Writer })
		if !ok {
			return w
		}
		w = u.Unwrap()
	}
}
