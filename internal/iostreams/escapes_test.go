package iostreams

import (
	"bytes"
	"strings"
	"testing"
)

func TestStripANSI(t *testing.T) {
	tests := map[string]string{
		"plain":                              "plain",
		"\x1b[33mslow reply\x1b[0m":          "slow reply",
		"\x1b[1;31mred\x1b[m!":               "red!",
		"\x1b]0;new title\x07after":          "after",
		"\x1b]8;;https://x\x1b\\link":        "link",
		"cursor\x1b[2Aup\x1b[?25l":           "cursorup",
		"lone \x1b at the end \x1b":          "lone \x1b at the end \x1b",
		"keep\ttabs\nand lines \x1b[0K done": "keep\ttabs\nand lines  done",
		"8-bit \u009b31mCSI\u009b0m":         "8-bit CSI",
	}
	for in, want := range tests {
		if got := StripANSI(in); got != want {
			t.Errorf("StripANSI(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCopyClean(t *testing.T) {
	in := "one \x1b[31mred\x1b[0m\r\ntwo\x07\x00\n" + strings.Repeat("x", 100000) + "\nlast\x1b"
	var out bytes.Buffer
	n, err := CopyClean(&out, strings.NewReader(in))
	want := "one red\ntwo\n" + strings.Repeat("x", 100000) + "\nlast"
	if err != nil || n != int64(len(in)) || out.String() != want {
		t.Errorf("n=%d err=%v out=%q...", n, err, out.String()[:20])
	}
}
