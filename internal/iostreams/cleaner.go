package iostreams

import (
	"bytes"
	"io"
	"unicode/utf8"
)

// Cleaner is a writer that passes server text on with escape sequences and
// control characters removed, as StripANSI then Sanitize do to each line,
// but in bounded memory: a body of one enormous line streams through it
// instead of being held whole. Close flushes what an unfinished sequence
// or character held back.
type Cleaner struct {
	dst     io.Writer
	state   cleanState
	pending []byte // the escape sequence being read, while it may still match
	// discarding: a sequence grew past maxSequence; its bytes are dropped
	// as they come instead of kept (see write).
	discarding bool
	tail       []byte // the start of a UTF-8 character split between writes
	scratch    []byte
	out        []byte
	err        error
}

type cleanState int

const (
	stText     cleanState = iota
	stEsc                 // after ESC
	stCSI                 // after ESC [, in the parameter bytes
	stCSIInter            // in the intermediate bytes
	stOSC                 // after ESC ], in the text
	stOSCEsc              // after an ESC inside an OSC
)

const (
	esc = 0x1b
	bel = 0x07
	// maxSequence bounds what is held back while a sequence is undecided.
	maxSequence = 4 << 10
	// textChunk bounds the text cleaned in one go.
	textChunk = 32 << 10
)

// NewCleaner returns a Cleaner writing to dst.
func NewCleaner(dst io.Writer) *Cleaner { return &Cleaner{dst: dst} }

// Write cleans p and writes what is decided; it always consumes all of p
// unless dst fails.
func (c *Cleaner) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	for i := 0; i < len(p); {
		switch c.state {
		case stText:
			j := bytes.IndexByte(p[i:], esc)
			if j < 0 {
				c.text(p[i:])
				i = len(p)
				continue
			}
			c.text(p[i : i+j])
			c.begin(stEsc, p[i+j])
			i += j + 1
		case stEsc:
			b := p[i]
			switch {
			case b == '[':
				c.push(stCSI, b)
			case b == ']':
				c.push(stOSC, b)
			case b >= '@' && b <= 'Z' || b >= '\\' && b <= '_':
				c.drop() // a two-byte sequence
			default:
				// Not a sequence: the ESC goes, b is read again as text.
				c.drop()
				c.breakText()
				continue
			}
			i++
		case stCSI, stCSIInter:
			b := p[i]
			switch {
			case c.state == stCSI && b >= '0' && b <= '?':
				c.push(stCSI, b)
			case b >= ' ' && b <= '/':
				c.push(stCSIInter, b)
			case b >= '@' && b <= '~':
				c.drop() // complete: removed whole
			default:
				// Broken off: the ESC goes, the rest is text, and b is
				// read again.
				c.fail(1)
				continue
			}
			i++
		case stOSC:
			j := bytes.IndexAny(p[i:], "\x07\x1b\n")
			if j < 0 {
				c.pushAll(p[i:])
				i = len(p)
				continue
			}
			c.pushAll(p[i : i+j])
			switch p[i+j] {
			case bel:
				c.drop()
				i += j + 1
			case esc:
				c.push(stOSCEsc, esc)
				i += j + 1
			default:
				// A line ends first: not a sequence; ESC ] goes and
				// the text stays.
				c.fail(2)
				i += j
			}
		case stOSCEsc:
			if p[i] == '\\' {
				c.drop()
				i++
				continue
			}
			// Not a terminator: the OSC fails (ESC ] goes, its text
			// stays) and this ESC may start a sequence of its own.
			c.pending = c.pending[:len(c.pending)-1]
			c.fail(2)
			c.begin(stEsc, esc)
		}
		if c.err != nil {
			return i, c.err
		}
	}
	c.flushOut()
	return len(p), c.err
}

// Close writes out what was held back: an unfinished sequence is text
// without its ESC (and ] for an OSC), as StripANSI leaves it, and a
// character cut short is U+FFFD.
func (c *Cleaner) Close() error {
	switch c.state {
	case stEsc:
		c.drop()
		c.breakText()
	case stCSI, stCSIInter:
		c.fail(1)
	case stOSC:
		c.fail(2)
	case stOSCEsc:
		c.pending = c.pending[:len(c.pending)-1]
		c.fail(2)
	}
	c.breakText()
	c.flushOut()
	return c.err
}

// breakText ends a character cut short: an ESC that Sanitize would drop
// (not part of a sequence) separates the bytes on either side, where a
// whole sequence removed by StripANSI joins them.
func (c *Cleaner) breakText() {
	for len(c.tail) > 0 {
		c.out = append(c.out, "\uFFFD"...)
		c.tail = c.tail[1:]
		// What follows a bad lead byte may start a character again.
		c.text(nil)
	}
}

func (c *Cleaner) begin(s cleanState, b byte) {
	c.state = s
	c.discarding = false
	c.pending = append(c.pending[:0], b)
}

// push adds a byte of the sequence being read. Past maxSequence the
// sequence is assumed hostile and its bytes are dropped: if it never
// completes, that text is lost, which only a sequence of thousands of
// parameter bytes can cause.
func (c *Cleaner) push(s cleanState, b byte) {
	c.state = s
	if len(c.pending) >= maxSequence {
		c.discarding = true
		return
	}
	c.pending = append(c.pending, b)
}

func (c *Cleaner) pushAll(b []byte) {
	room := maxSequence - len(c.pending)
	if len(b) > room {
		c.discarding = true
		b = b[:max(room, 0)]
	}
	c.pending = append(c.pending, b...)
}

// drop removes the sequence read so far.
func (c *Cleaner) drop() {
	c.state = stText
	c.pending = c.pending[:0]
	c.discarding = false
}

// fail ends a sequence that did not match: its first skip bytes go, the
// rest is text.
func (c *Cleaner) fail(skip int) {
	held := c.pending
	c.state = stText
	c.pending = c.pending[:0]
	if skip == 1 {
		// A broken CSI: its ESC is dropped as a control character.
		c.breakText()
	}
	if !c.discarding && len(held) > skip {
		c.text(held[skip:])
	}
	c.discarding = false
}

// text cleans text: newlines and tabs stay, other control characters (C0,
// DEL, C1) go, and invalid UTF-8 becomes U+FFFD, as Sanitize does.
func (c *Cleaner) text(b []byte) {
	for first := true; first || len(b) > 0; first = false {
		n := min(len(b), textChunk)
		s := append(append(c.scratch[:0], c.tail...), b[:n]...)
		c.scratch = s
		b = b[n:]
		c.tail = c.tail[:0]
		for len(s) > 0 {
			if s[0] < utf8.RuneSelf {
				if ch := s[0]; ch >= ' ' && ch != 0x7f || ch == '\n' || ch == '\t' {
					c.out = append(c.out, ch)
				}
				s = s[1:]
				continue
			}
			if !utf8.FullRune(s) {
				c.tail = append(c.tail, s...)
				break
			}
			r, size := utf8.DecodeRune(s)
			switch {
			case r == utf8.RuneError && size == 1:
				c.out = append(c.out, "\uFFFD"...)
			case r >= 0x80 && r < 0xa0:
			default:
				c.out = append(c.out, s[:size]...)
			}
			s = s[size:]
		}
		if len(c.out) >= textChunk {
			c.flushOut()
		}
	}
}

func (c *Cleaner) flushOut() {
	if len(c.out) == 0 || c.err != nil {
		return
	}
	_, c.err = c.dst.Write(c.out)
	c.out = c.out[:0]
}
