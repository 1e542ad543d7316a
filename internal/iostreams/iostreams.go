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
// them. Commands never touch os.Stdin/os.Stdout/os.Stderr directly.
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
}

// Env is the part of the environment that affects terminal behaviour.
type Env struct {
	NoColor       bool // NO_COLOR set to any non-empty value
	ClicolorForce bool // CLICOLOR_FORCE set to a non-zero value
	ForceTTY      bool // CORECLAW_FORCE_TTY set to a non-zero value
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
	return e
}

// System returns streams bound to the real process streams.
func System(env Env) *IOStreams {
	s := &IOStreams{
		In:        os.Stdin,
		Out:       os.Stdout,
		ErrOut:    os.Stderr,
		stdinTTY:  isTerminal(os.Stdin),
		stdoutTTY: isTerminal(os.Stdout) || env.ForceTTY,
		stderrTTY: isTerminal(os.Stderr) || env.ForceTTY,
	}
	s.colorDisabled = env.NoColor
	s.colorForced = env.ClicolorForce
	return s
}

func isTerminal(f *os.File) bool {
	fd := f.Fd()
	return isatty.IsTerminal(fd) || isatty.IsCygwinTerminal(fd)
}

// Test returns in-memory streams, none of them a terminal, and the buffers
// behind them.
func Test() (*IOStreams, *bytes.Buffer, *bytes.Buffer, *bytes.Buffer) {
	in, out, errOut := &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut}, in, out, errOut
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
// drawn on stderr: only on a real terminal.
func (s *IOStreams) ShowProgress() bool { return s.stderrTTY }

// ErrFile returns stderr as an *os.File when it is one; spinners need the
// file to size and redraw the line.
func (s *IOStreams) ErrFile() (*os.File, bool) {
	f, ok := s.ErrOut.(*os.File)
	return f, ok
}

// Sanitize removes terminal control sequences from text that came from the
// server before it is shown to a human on a terminal: a scraped page must
// not be able to move the cursor, retitle the window or hide output.
// Newlines and tabs are kept. Invalid UTF-8 becomes U+FFFD: a stray byte
// such as 0x9b is an 8-bit CSI to some terminals.
func Sanitize(s string) string {
	if !needsSanitizing(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			// C0 and C1 controls, ESC included: drop them.
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func needsSanitizing(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	for _, r := range s {
		if (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return true
		}
	}
	return false
}
