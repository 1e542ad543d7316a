package ghactions

import (
	"bytes"
	"io"
	"sync"
)

// Annotator passes stderr through and writes coreclaw's own `error: ` and
// `warning: ` lines as the workflow commands `::error::` and `::warning::`
// instead: the log shows them once, as "Error: ..." and "Warning: ...",
// and the run's page lists them as annotations. Every other line, `hint:`
// included, is written as it is. Only the first bytes of a line are held
// back, until they show whether it is such a line.
type Annotator struct {
	mu      sync.Mutex
	w       io.Writer
	state   lineState
	pending []byte // the start of a line, not yet decided
}

type lineState int

const (
	atLineStart lineState = iota
	inPlainLine
	inAnnotation
)

// annotations maps the prefixes of coreclaw's lines to their commands.
var annotations = []struct{ prefix, command string }{
	{"error: ", "::error::"},
	{"warning: ", "::warning::"},
}

// NewAnnotator returns an Annotator writing to w.
func NewAnnotator(w io.Writer) *Annotator { return &Annotator{w: w} }

// Unwrap is the stream written to (the terminal checks look through).
func (a *Annotator) Unwrap() io.Writer { return a.w }

func (a *Annotator) Write(p []byte) (int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out bytes.Buffer
	for _, c := range p {
		switch a.state {
		case inPlainLine:
			out.WriteByte(c)
			if c == '\n' {
				a.state = atLineStart
			}
		case inAnnotation:
			switch c {
			case '\n':
				out.WriteByte(c)
				a.state = atLineStart
			case '%':
				out.WriteString("%25")
			case '\r':
				out.WriteString("%0D")
			default:
				out.WriteByte(c)
			}
		default:
			a.pending = append(a.pending, c)
			a.decide(&out)
		}
	}
	if out.Len() > 0 {
		if _, err := a.w.Write(out.Bytes()); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// decide looks at the start of the line held so far: an annotation, a
// plain line, or not known yet. Colour codes (a forced-colour `error:`)
// do not count.
func (a *Annotator) decide(out *bytes.Buffer) {
	visible, open := stripColour(a.pending)
	for _, an := range annotations {
		if bytes.HasPrefix(visible, []byte(an.prefix)) {
			out.WriteString(an.command)
			a.pending, a.state = a.pending[:0], inAnnotation
			return
		}
	}
	if open {
		return
	}
	for _, an := range annotations {
		if bytes.HasPrefix([]byte(an.prefix), visible) {
			return
		}
	}
	out.Write(a.pending)
	a.state = inPlainLine
	if a.pending[len(a.pending)-1] == '\n' {
		a.state = atLineStart
	}
	a.pending = a.pending[:0]
}

// Flush writes out the start of a line still held back.
func (a *Annotator) Flush() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.pending) == 0 {
		return nil
	}
	_, err := a.w.Write(a.pending)
	a.pending, a.state = a.pending[:0], inPlainLine
	return err
}

// stripColour removes complete SGR sequences (ESC [ digits ; m) from b;
// open reports that b ends inside what may be one.
func stripColour(b []byte) (visible []byte, open bool) {
	for i := 0; i < len(b); i++ {
		if b[i] != 0x1b {
			visible = append(visible, b[i])
			continue
		}
		j := i + 1
		if j == len(b) {
			return visible, true
		}
		if b[j] != '[' {
			visible = append(visible, b[i])
			continue
		}
		j++
		for j < len(b) && (b[j] == ';' || (b[j] >= '0' && b[j] <= '9')) {
			j++
		}
		switch {
		case j == len(b):
			return visible, true
		case b[j] == 'm':
			i = j
		default:
			visible = append(visible, b[i])
		}
	}
	return visible, false
}
