package iostreams

import (
	"io"
	"unicode/utf8"
)

// Cleaner is a writer that passes server text on cleaned as Sanitize
// cleans each line (whole escape sequences removed, then every other
// control character; newlines and tabs kept; invalid UTF-8 as U+FFFD), but
// in bounded memory: a body of one enormous line streams through it
// instead of being held whole. Close flushes what an unfinished sequence
// or character held back.
//
// It follows escapeSequence byte by byte. Where the expression removes a
// sequence, the bytes on either side of it join (half a character before
// it and the rest after it make one character); where an introducer is
// left in place and then dropped as a control character (a lone ESC, a C1
// introducer whose sequence never completes), it separates them.
type Cleaner struct {
	dst   io.Writer
	state cleanState
	// c1: the sequence being read began with a C1 introducer (U+009B,
	// U+0090, ...) rather than ESC.
	c1      bool
	pending []byte // the sequence read so far, while it may still match
	// discarding: a sequence grew past maxSequence; its bytes are dropped
	// as they come instead of held (see push).
	discarding bool
	tail       []byte // the start of a UTF-8 character split between writes
	refeed     []byte // the text of a string that failed, read again
	escByte    [1]byte
	scratch    []byte
	out        []byte
	err        error
}

type cleanState int

const (
	stText     cleanState = iota
	stEsc                 // after ESC
	stC2                  // after 0xC2 in text: a C1 introducer, or a character
	stCSI                 // CSI: in the parameter bytes
	stCSIInter            // CSI: in the intermediate bytes
	stNF                  // ESC and intermediate bytes (ESC ( B)
	stStr                 // OSC, DCS, SOS, PM or APC: in the text
	stStrEsc              // an ESC inside such a string
	stStrC2               // 0xC2 inside such a string: ST (U+009C), or a character
)

const (
	esc = 0x1b
	bel = 0x07
	// c2 is the first byte of U+0080-U+00BF in UTF-8, the C1 controls among them.
	c2 = 0xc2
	// maxSequence bounds what is held back while a sequence is undecided.
	maxSequence = 4 << 10
	// textChunk bounds the text cleaned in one go.
	textChunk = 32 << 10
)

// NewCleaner returns a Cleaner writing to dst.
func NewCleaner(dst io.Writer) *Cleaner { return &Cleaner{dst: dst, escByte: [1]byte{esc}} }

// Write cleans p and writes what is decided; it consumes all of p unless
// dst fails.
func (c *Cleaner) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	c.feed(p)
	c.flushOut()
	if c.err != nil {
		return 0, c.err
	}
	return len(p), nil
}

// feed runs p through the state machine.
func (c *Cleaner) feed(p []byte) {
	for i := 0; i < len(p); {
		b := p[i]
		switch c.state {
		case stText:
			j := indexEscOrC2(p[i:])
			if j < 0 {
				c.text(p[i:])
				i = len(p)
				continue
			}
			c.text(p[i : i+j])
			b = p[i+j]
			i += j + 1
			if b == esc {
				c.begin(stEsc, b)
			} else {
				c.begin(stC2, b)
			}
			continue
		case stC2:
			switch b {
			case 0x9b:
				c.c1 = true
				c.push(stCSI, b)
			case 0x90, 0x98, 0x9d, 0x9e, 0x9f:
				c.c1 = true
				c.push(stStr, b)
			default:
				// A character, not an introducer: b is read again.
				c.state = stText
				c.text(c.pending)
				c.pending = c.pending[:0]
				continue
			}
		case stEsc:
			switch {
			case b == '[':
				c.push(stCSI, b)
			case b == ']' || b == 'P' || b == 'X' || b == '^' || b == '_':
				c.push(stStr, b)
			case b >= '!' && b <= '/':
				c.push(stNF, b)
			case b >= '0' && b <= '~':
				c.drop() // a two-byte sequence
			default:
				// Not a sequence: the ESC stays, to be dropped as a
				// control character; b is read again.
				c.drop()
				c.breakText()
				continue
			}
		case stCSI, stCSIInter:
			switch {
			case c.state == stCSI && b >= '0' && b <= '?':
				c.push(stCSI, b)
			case b >= ' ' && b <= '/':
				c.push(stCSIInter, b)
			case b >= '@' && b <= '~':
				c.drop() // complete: removed whole
			default:
				c.failIntroduced() // b is read again
				continue
			}
		case stNF:
			switch {
			case b >= '!' && b <= '/':
				c.push(stNF, b)
			case b >= '0' && b <= '~':
				c.drop()
			default:
				// The ESC stays (dropped later); its intermediates are
				// text; b is read again.
				c.breakText()
				c.failSkip(1)
				continue
			}
		case stStr:
			j := indexStrStop(p[i:])
			if j < 0 {
				c.pushAll(p[i:])
				i = len(p)
				continue
			}
			c.pushAll(p[i : i+j])
			i += j
			switch p[i] {
			case bel:
				c.drop()
			case esc:
				c.push(stStrEsc, esc)
			case c2:
				c.push(stStrC2, c2)
			default:
				// A line ends first: not a sequence. '\n' is read again.
				c.failIntroduced()
				continue
			}
		case stStrEsc:
			if b == '\\' {
				c.drop()
				break
			}
			// Not a terminator: the string fails, and this ESC is read
			// again (it may start a sequence of its own with b).
			c.pending = c.pending[:len(c.pending)-1]
			c.failIntroduced()
			c.feed(c.escByte[:])
			continue
		case stStrC2:
			if b == 0x9c {
				c.drop() // ST
				break
			}
			// A character of the string's text; b is read again.
			c.state = stStr
			continue
		}
		i++
	}
}

// Close writes out what was held back: an unfinished sequence is text, as
// the expression leaves it, and a character cut short is U+FFFD.
func (c *Cleaner) Close() error {
	// A failed string's text is read again and may leave another
	// sequence open: repeat until none is.
	for c.state != stText {
		switch c.state {
		case stEsc:
			c.drop()
			c.breakText()
		case stC2:
			c.state = stText
			c.text(c.pending)
			c.pending = c.pending[:0]
		case stCSI, stCSIInter, stStr, stStrC2:
			c.failIntroduced()
		case stNF:
			c.breakText()
			c.failSkip(1)
		case stStrEsc:
			// The string fails; its ESC is read again.
			c.pending = c.pending[:len(c.pending)-1]
			c.failIntroduced()
			c.feed(c.escByte[:])
		}
	}
	c.breakText()
	c.flushOut()
	return c.err
}

func (c *Cleaner) begin(s cleanState, b byte) {
	c.state = s
	c.c1 = false
	c.discarding = false
	c.pending = append(c.pending[:0], b)
}

// push adds a byte of the sequence being read. Past maxSequence the
// sequence is taken as hostile and its bytes are dropped as they come: if
// it never completes that text is lost, which only a sequence of
// thousands of bytes can cause.
func (c *Cleaner) push(s cleanState, b byte) {
	c.state = s
	if len(c.pending) >= maxSequence {
		c.discarding = true
		return
	}
	c.pending = append(c.pending, b)
}

func (c *Cleaner) pushAll(b []byte) {
	if room := maxSequence - len(c.pending); len(b) > room {
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

// failIntroduced ends a CSI or string that did not complete. An ESC
// introducer goes with the byte after it (the expression's two-byte
// alternative removes them); a C1 introducer stays, to be dropped as a
// control character. Either way the rest is read again as text: a
// string's text may hold a C1 introducer of its own.
func (c *Cleaner) failIntroduced() {
	if c.c1 {
		c.breakText()
	}
	if c.state == stCSI || c.state == stCSIInter {
		c.failSkip(2) // parameters and intermediates: plain text
		return
	}
	held, discarded := c.pending, c.discarding
	c.state, c.c1, c.discarding = stText, false, false
	c.pending = c.pending[:0]
	if discarded || len(held) <= 2 {
		return
	}
	// held shares pending's array, which feed reuses: copy it first.
	buf := append(c.refeed[:0], held[2:]...)
	c.refeed = nil
	c.feed(buf)
	c.refeed = buf[:0]
}

// failSkip ends a sequence that did not match: its first skip bytes go,
// the rest is text.
func (c *Cleaner) failSkip(skip int) {
	held := c.pending
	c.state = stText
	c.pending = c.pending[:0]
	if !c.discarding && len(held) > skip {
		c.text(held[skip:])
	}
	c.discarding = false
	c.c1 = false
}

// breakText ends a character cut short by a control character left in the
// text (which Sanitize drops after decoding): its bytes are U+FFFD each.
func (c *Cleaner) breakText() {
	for len(c.tail) > 0 {
		c.out = append(c.out, "\uFFFD"...)
		c.tail = c.tail[1:]
		// What follows a bad lead byte may start a character again.
		c.text(nil)
	}
}

// text cleans text: newlines and tabs stay, other control characters (C0,
// DEL, C1, bidirectional controls) go, and invalid UTF-8 becomes U+FFFD.
// A character split between writes waits in tail.
func (c *Cleaner) text(b []byte) {
	for first := true; first || len(b) > 0; first = false {
		n := min(len(b), textChunk)
		s := append(append(c.scratch[:0], c.tail...), b[:n]...)
		c.scratch = s
		b = b[n:]
		c.tail = c.tail[:0]
		for len(s) > 0 {
			if ch := s[0]; ch < utf8.RuneSelf {
				if ch >= ' ' && ch != 0x7f || ch == '\n' || ch == '\t' {
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
			case isControl(r):
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

// indexEscOrC2 finds where a sequence may start in text.
func indexEscOrC2(b []byte) int {
	for i, v := range b {
		if v == esc || v == c2 {
			return i
		}
	}
	return -1
}

// indexStrStop finds what may end a string's text: BEL, ESC (of ESC \),
// 0xC2 (of U+009C) or the end of the line.
func indexStrStop(b []byte) int {
	for i, v := range b {
		if v == bel || v == esc || v == c2 || v == '\n' {
			return i
		}
	}
	return -1
}
