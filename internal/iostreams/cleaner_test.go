package iostreams

import (
	"bufio"
	"bytes"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/coreclaw/coreclaw/internal/race"
)

// lineClean is what CopyClean did before it streamed: Sanitize on each
// line. The Cleaner must give the same bytes.
func lineClean(in string) string {
	var out strings.Builder
	r := bufio.NewReader(strings.NewReader(in))
	for {
		line, err := r.ReadString('\n')
		out.WriteString(Sanitize(line))
		if err != nil {
			return out.String()
		}
	}
}

// cleanInChunks feeds in to a Cleaner in pieces of size n.
func cleanInChunks(t testing.TB, in string, n int) string {
	var out bytes.Buffer
	c := NewCleaner(&out)
	for len(in) > 0 {
		k := min(n, len(in))
		if w, err := c.Write([]byte(in[:k])); err != nil || w != k {
			t.Fatalf("Write: %d, %v", w, err)
		}
		in = in[k:]
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

var cleanerCases = []string{
	"plain text\n",
	"one \x1b[31mred\x1b[0m\r\ntwo\x07\x00\n",
	"\x1b]0;title\x07after\n",
	"\x1b]8;;https://x\x1b\\link\x1b]8;;\x1b\\ end",
	"unterminated \x1b]0;title\nnext line",
	"osc broken by esc \x1b]0;t\x1bXmore",
	"osc broken by csi \x1b]0;t\x1b[1mbold",
	"csi broken \x1b[12;34\x80x and \x1b[1;\n",
	"csi with intermediate \x1b[1 q and broken \x1b[1 2m",
	"two-byte \x1bM\x1b7\x1b\\ and not \x1b9 \x1b\x1b[1m",
	"lone esc at the end \x1b",
	"esc newline \x1b\nx",
	"utf-8 caf\xc3\xa9 \xe2\x82\xac and bad \xff\xfe \xe2\x82 end",
	"split around a sequence \xe2\x1b[31m\x82\xac",
	"c1 controls \xc2\x9b31m \xc2\x85 kept: \xef\xbf\xbd",
	"del \x7f tab\tand cr\r\n",
	"incomplete at end \xe2\x82",
	"8-bit csi \xc2\x9b31mred\xc2\x9b0m and broken \xc2\x9b12\x80 \xe2\xc2\x9b1m\x82\xac",
	"8-bit osc \xc2\x9d0;title\xc2\x9cafter \xc2\x9d0;t\x07x \xc2\x9dno end\nnext",
	"dcs \x1bPq#0;2;0;0;0\x1b\\ sos \x1bXx\x1b\\ pm \x1b^x\x07 apc \x1b_x\xc2\x9c end",
	"st inside \x1b]0;a\xc2\xa9b\xc2\x9c c \x1b]0;\xc2",
	"nf \x1b(B \x1b#8 \x1b(\x1b[1m broken \x1b( x \x1b!!",
	"two-byte \x1b7\x1b8\x1b=\x1b> \x1b~ \x1b\x7f",
	"bidi \xe2\x80\xaeevil\xe2\x80\xac \xd8\x9c \xe2\x81\xa6x\xe2\x81\xa9",
	"nel \xc2\x85 and stray st \xc2\x9c and \xc2",
	"esc in 8-bit osc \xc2\x90x\x1bYz",
	"nested \x1bX\xc2\x9da\x1bY and \x1bX\xc2\x9bA \x1b]0;\xc2\x1b",
	"\x1b]\xc2\x9d\xc2\x9d\xc2\x9dx\n",
	"\x1b[",
	"\x1b]",
	"\x1b]x\x1b",
	"",
}

func TestCleanerMatchesLineCleaning(t *testing.T) {
	for _, in := range cleanerCases {
		want := lineClean(in)
		for n := 1; n <= len(in)+1; n++ {
			if got := cleanInChunks(t, in, n); got != want {
				t.Errorf("%q in chunks of %d:\n got %q\nwant %q", in, n, got, want)
				break
			}
		}
	}
}

func FuzzCleaner(f *testing.F) {
	for _, in := range cleanerCases {
		f.Add(in, 3)
	}
	f.Fuzz(func(t *testing.T, in string, n int) {
		if n <= 0 || n > 64 {
			n = 7
		}
		if got, want := cleanInChunks(t, in, n), lineClean(in); got != want {
			t.Errorf("%q in chunks of %d:\n got %q\nwant %q", in, n, got, want)
		}
	})
}

// TestCleanerLongSequences: a sequence past maxSequence is dropped as it
// comes rather than held: memory stays bounded.
func TestCleanerLongSequences(t *testing.T) {
	huge := strings.Repeat("1;", 3*maxSequence)
	for _, tt := range []struct{ in, want string }{
		{"a\x1b[" + huge + "mb", "ab"},
		{"a\x1b]" + huge + "\x07b", "ab"},
		{"a\x1b]" + huge + "\nb", "a\nb"}, // the overlong text is lost, not held
	} {
		if got := cleanInChunks(t, tt.in, 1000); got != tt.want {
			t.Errorf("got %.40q..., want %q", got, tt.want)
		}
	}
}

// TestCopyCleanMemoryIsFlat: a 32 MiB body without a newline is cleaned
// with a few buffers, not by holding the line (which took the body's size
// several times over).
func TestCopyCleanMemoryIsFlat(t *testing.T) {
	if race.Enabled {
		t.Skip("a memory bound, under the race detector; make test runs it without")
	}
	const size = 32 << 20
	src := io.LimitReader(&pattern{text: []byte("text \x1b[31mred\x1b[0m \xe2\x82\xac ")}, size)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	n, err := CopyClean(io.Discard, src)
	runtime.ReadMemStats(&after)
	if err != nil || n != size {
		t.Fatalf("copied %d, %v", n, err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
		t.Errorf("allocated %d MiB to clean a %d MiB line", alloc>>20, size>>20)
	}
}

// pattern repeats text without end.
type pattern struct {
	text []byte
	off  int
}

func (p *pattern) Read(b []byte) (int, error) {
	for i := range b {
		b[i] = p.text[p.off]
		p.off = (p.off + 1) % len(p.text)
	}
	return len(b), nil
}
