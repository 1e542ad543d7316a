package iostreams

import (
	"bufio"
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

// CopyClean copies server text line by line with escape sequences and
// control characters removed (newlines and tabs kept), for a stream that
// ends on a terminal. It returns the bytes read from src.
func CopyClean(dst io.Writer, src io.Reader) (int64, error) {
	r := bufio.NewReaderSize(src, 64<<10)
	var n int64
	for {
		line, err := r.ReadString('\n')
		n += int64(len(line))
		if line != "" {
			if _, werr := io.WriteString(dst, Sanitize(StripANSI(line))); werr != nil {
				return n, werr
			}
		}
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}
