package iostreams

import (
	"io"
	"regexp"
)

// escapeSequence matches whole ANSI escape sequences: CSI (colours, cursor
// moves: ESC [ ... final byte) and OSC (window titles, links: ESC ] ...
// BEL or ESC \), and other two-byte ESC sequences.
var escapeSequence = regexp.MustCompile(`\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]`)

// StripANSI removes whole ANSI escape sequences, so that a coloured line
// from a Worker's log reads "slow reply" rather than "[33mslow reply[0m"
// once Sanitize has dropped the ESC bytes. Sanitize is still needed after
// it for any other control character.
func StripANSI(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b {
			return escapeSequence.ReplaceAllString(s, "")
		}
	}
	return s
}

// CopyClean copies server text with escape sequences and control
// characters removed (newlines and tabs kept), for a stream that ends on a
// terminal. It streams through a Cleaner, so memory stays flat even for a
// body without a newline. It returns the bytes read from src.
func CopyClean(dst io.Writer, src io.Reader) (int64, error) {
	c := NewCleaner(dst)
	n, err := io.Copy(c, src)
	if cerr := c.Close(); err == nil {
		err = cerr
	}
	return n, err
}
