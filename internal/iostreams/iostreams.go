// Package iostreams decides, in one place, what the three standard streams
// are connected to and therefore whether spinners, progress bars and colour
// may be used on them.
package iostreams

import (
	"bytes"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/mattn/go-isatty"
)

// IOStreams carries the process's standard streams and what is known about
// them. Commands never touch os.Stdin/os.Stdout/os.Stderr directly. Out and
// ErrOut redact the secrets the streams are told about (AddSecret): the one
// place where the API key is kept from the screen, whatever text carries it.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	stdinTTY  bool
	stdoutTTY bool
	stderrTTY bool

	// colorMode is decided once from the environment and --no-color.
	colorDisabled bool
	colorForced   bool

	// secrets are replaced by [REDACTED] in everything written to Out
	// and ErrOut (see AddSecret).
	secrets *secretSet
	// errFilter is the filter FilterErrOut put under stderr's redaction.
	errFilter io.Writer

	// inCI: coreclaw runs in CI, where no animated progress is drawn.
	inCI bool
	// errWidth fixes stderr's width for tests (SetTerminalWidth).
	errWidth int
	// ticker paces status lines' frames (progress.go); nil: none.
	ticker Ticker
}

// Env is the part of the environment that affects terminal behaviour.
type Env struct {
	NoColor       bool // NO_COLOR set to any non-empty value
	ClicolorForce bool // CLICOLOR_FORCE set to a non-zero value
	ForceTTY      bool // CORECLAW_FORCE_TTY set to a non-zero value
	CI            bool // CI set to a value other than "", "0" or "false"
}

// EnvFrom reads Env through lookup (normally os.LookupEnv).
func EnvFrom(lookup func(string) (string, bool)) Env {
	var e Env
	// no-color.org: present and not empty, whatever the value.
	if v, ok := lookup("NO_COLOR"); ok && v != "" {
		e.NoColor = true
	}
	if v, ok := lookup("CLICOLOR_FORCE"); ok && v != "" && v != "0" {
		e.ClicolorForce = true
	}
	if v, ok := lookup("CORECLAW_FORCE_TTY"); ok && v != "" && v != "0" {
		e.ForceTTY = true
	}
	if v, ok := lookup("CI"); ok && v != "" && v != "0" && !strings.EqualFold(v, "false") {
		e.CI = true
	}
	return e
}

// System returns streams bound to the real process streams.
func System(env Env) *IOStreams {
	s := &IOStreams{
		In:        os.Stdin,
		stdinTTY:  isTerminal(os.Stdin),
		stdoutTTY: isTerminal(os.Stdout) || env.ForceTTY,
		stderrTTY: isTerminal(os.Stderr) || env.ForceTTY,
	}
	s.Out, s.ErrOut = s.redacting(os.Stdout), s.redacting(os.Stderr)
	s.ticker = RealTicker
	s.colorDisabled = env.NoColor
	s.colorForced = env.ClicolorForce
	// CORECLAW_FORCE_TTY wins: it asks for what a terminal gets.
	s.inCI = env.CI && !env.ForceTTY
	return s
}

func isTerminal(f *os.File) bool {
	fd := f.Fd()
	return isatty.IsTerminal(fd) || isatty.IsCygwinTerminal(fd)
}

// Test returns in-memory streams, none of them a terminal, and the buffers
// behind them. Out and ErrOut redact as the real ones do. A status line on
// them draws a frame at each Start and nothing in between (SetTicker).
func Test() (*IOStreams, *bytes.Buffer, *bytes.Buffer, *bytes.Buffer) {
	in, out, errOut := &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	s := &IOStreams{In: in}
	s.Out, s.ErrOut = s.redacting(out), s.redacting(errOut)
	return s, in, out, errOut
}

// SetTTY marks the streams as terminals (or not); for tests.
func (s *IOStreams) SetTTY(stdin, stdout, stderr bool) {
	s.stdinTTY, s.stdoutTTY, s.stderrTTY = stdin, stdout, stderr
}

// DisableColor turns colour off for good (the --no-color flag).
func (s *IOStreams) DisableColor() { s.colorDisabled = true; s.colorForced = false }

// ForceColor turns colour on even without a terminal (CLICOLOR_FORCE); for tests.
func (s *IOStreams) ForceColor() { s.colorForced = true; s.colorDisabled = false }

func (s *IOStreams) IsStdinTTY() bool  { return s.stdinTTY }
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// CanPrompt reports whether the user can be asked something. No command
// needs a prompt; this only guards optional niceties.
func (s *IOStreams) CanPrompt() bool { return s.stdinTTY && s.stderrTTY }

// ColorEnabledStdout reports whether colour may be written to stdout.
func (s *IOStreams) ColorEnabledStdout() bool { return s.colorFor(s.stdoutTTY) }

// ColorEnabledStderr reports whether colour may be written to stderr.
func (s *IOStreams) ColorEnabledStderr() bool { return s.colorFor(s.stderrTTY) }

func (s *IOStreams) colorFor(tty bool) bool {
	if s.colorDisabled {
		return false
	}
	return s.colorForced || tty
}

// ShowProgress reports whether animated progress (spinner, bars) may be
// drawn on stderr: only on a terminal, and never in CI (a CI log keeps
// every frame). StartStatus asks it; nothing else needs to.
func (s *IOStreams) ShowProgress() bool { return s.stderrTTY && !s.inCI }

// SetCI marks the streams as running in CI (or not); for tests.
func (s *IOStreams) SetCI(ci bool) { s.inCI = ci }

// ErrFile returns stderr as an *os.File when it is one; spinners need the
// file to size the line. They write through ErrOut's redaction, not the
// file.
func (s *IOStreams) ErrFile() (*os.File, bool) {
	f, ok := unwrap(s.ErrOut).(*os.File)
	return f, ok
}

// Sanitize makes text that came from the server safe to show a human on a
// terminal: a scraped page must not be able to move the cursor, retitle
// the window, hide output or reorder it. Whole escape sequences (CSI, OSC
// and the like, 7-bit or 8-bit) are removed, then the remaining C0 and C1
// controls and the bidirectional format controls (U+061C, U+200E, U+200F,
// U+202A-U+202E, U+2066-U+2069). Newlines and tabs are kept; SanitizeLine
// is for text that goes into a line of ours. Invalid UTF-8 becomes U+FFFD:
// a stray byte such as 0x9b is an 8-bit CSI to some terminals.
func Sanitize(s string) string {
	if !needsSanitizing(s) {
		return s
	}
	s = stripEscapes(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r == '\n' || r == '\t' || !isControl(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// SanitizeLine is Sanitize for text that goes into one line of ours (an
// error, a notice, the summary, a table cell): line breaks and tabs
// become a space, so a newline from the server can never start a line
// that looks like coreclaw's own.
func SanitizeLine(s string) string {
	if !needsSanitizing(s) && !strings.ContainsAny(s, "\n\t\u2028\u2029") {
		return s
	}
	s = strings.Map(func(r rune) rune {
		if isLineBreak(r) {
			return '\n'
		}
		return r
	}, s)
	s = Sanitize(s)
	var b strings.Builder
	b.Grow(len(s))
	inBreak := false
	for _, r := range s {
		if r == '\n' || r == '\t' {
			if !inBreak {
				b.WriteByte(' ')
			}
			inBreak = true
			continue
		}
		inBreak = false
		b.WriteRune(r)
	}
	return b.String()
}

// isLineBreak reports what a terminal, an editor or a log viewer may
// treat as the end of a line.
func isLineBreak(r rune) bool {
	switch r {
	case '\n', '\r', '\v', '\f', '\t', 0x85, 0x2028, 0x2029:
		return true
	}
	return false
}

// isControl reports what Sanitize removes: C0 and C1 controls, DEL, and
// the bidirectional format controls.
func isControl(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || IsBidiControl(r)
}

// IsBidiControl reports the format controls that reorder text on screen
// (the "Trojan Source" characters) and the directional marks.
func IsBidiControl(r rune) bool {
	switch {
	case r == 0x061c, r == 0x200e, r == 0x200f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

func needsSanitizing(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	for _, r := range s {
		if r != '\n' && r != '\t' && isControl(r) {
			return true
		}
	}
	return false
}
