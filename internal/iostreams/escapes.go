package iostreams

import (
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"
)

// escapeSequence matches whole terminal escape sequences, with a 7-bit
// (ESC x) or an 8-bit (C1) introducer: CSI (colours, cursor moves:
// ESC [ ... final byte); OSC, DCS, SOS, PM and APC strings (window titles,
// links: ESC ] ... BEL or ST); nF sequences (ESC ( B); and the other
// two-byte ESC sequences. It is compiled on first use: at package level
// it would be compiled on every start, --version included.
const escapeSequence = `(?:\x1b\[|\x{9b})[0-?]*[ -/]*[@-~]` +
	`|(?:\x1b[\]PX^_]|[\x{90}\x{98}\x{9d}\x{9e}\x{9f}])[^\x07\x1b\x{9c}]*(?:\x07|\x1b\\|\x{9c})` +
	`|\x1b[!-/]+[0-~]` +
	`|\x1b[0-~]`

var escapeRegexp struct {
	once sync.Once
	re   *regexp.Regexp
}

func escapeSequenceRegexp() *regexp.Regexp {
	escapeRegexp.once.Do(func() { escapeRegexp.re = regexp.MustCompile(escapeSequence) })
	return escapeRegexp.re
}

// StripANSI removes whole escape sequences, so that a coloured line from
// a Worker's log reads "slow reply" rather than "[33mslow reply[0m".
// Sanitize does it too, and removes every other control character.
func StripANSI(s string) string { return stripEscapes(s) }

func stripEscapes(s string) string {
	if strings.IndexByte(s, 0x1b) < 0 && !strings.ContainsAny(s, "\u009b\u0090\u0098\u009d\u009e\u009f") {
		return s
	}
	return escapeSequenceRegexp().ReplaceAllString(s, "")
}

// CopyClean copies server text with escape sequences and control
// characters removed (newlines and tabs kept), as Sanitize does to each
// line, for a stream that ends on a terminal. It streams through a
// Cleaner, so memory stays flat even for a body without a newline. It
// returns the bytes read from src.
func CopyClean(dst io.Writer, src io.Reader) (int64, error) {
	c := NewCleaner(dst)
	n, err := io.Copy(c, src)
	if cerr := c.Close(); err == nil {
		err = cerr
	}
	return n, err
}

// TerminalJSON makes JSON text safe for a terminal without changing the
// value it encodes. JSON strings may hold DEL, C1 controls (U+009B is CSI
// to some terminals) and bidirectional controls raw, and server values
// may hold invalid UTF-8; those are written as \u escapes instead (invalid
// bytes read as U+FFFD anyway). Other controls are escaped by every JSON
// encoder already.
func TerminalJSON(b []byte) []byte {
	if !needsJSONEscaping(b) {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if jsonUnsafe(r, size) {
			out = fmt.Appendf(out, `\u%04x`, r)
		} else {
			out = append(out, b[:size]...)
		}
		b = b[size:]
	}
	return out
}

func jsonUnsafe(r rune, size int) bool {
	return r == 0x7f || (r >= 0x80 && r < 0xa0) || IsBidiControl(r) || (r == utf8.RuneError && size == 1)
}

func needsJSONEscaping(b []byte) bool {
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if jsonUnsafe(r, size) {
			return true
		}
		b = b[size:]
	}
	return false
}
