package ghactions

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

func TestAnnotator(t *testing.T) {
	tests := []struct {
		name   string
		writes []string
		want   string
	}{
		{"an error and its hint", []string{"error: run R failed\n", "hint: see `coreclaw logs R`\n"},
			"::error::run R failed\nhint: see `coreclaw logs R`\n"},
		{"a warning", []string{"warning: field x (did you mean y?)\n"}, "::warning::field x (did you mean y?)\n"},
		{"other lines as they are", []string{"started run R\nrun R: ready\n✓ run R succeeded\nnotice: retrying\n"},
			"started run R\nrun R: ready\n✓ run R succeeded\nnotice: retrying\n"},
		{"only at the start of a line", []string{"run R: error: x\nsee warning: y\n"}, "run R: error: x\nsee warning: y\n"},
		{"lines that only start alike", []string{"errors: 3\nwarn: x\nerror:x\n\n"}, "errors: 3\nwarn: x\nerror:x\n\n"},
		{"split across writes", []string{"er", "ror", ": a", "b\nwarn", "ing: c\n"}, "::error::ab\n::warning::c\n"},
		{"one byte at a time", strings.Split("error: x\nok\n", ""), "::error::x\nok\n"},
		{"%, CR escaped in the message", []string{"error: --interval \"5%\" bad\rline\n"}, "::error::--interval \"5%25\" bad%0Dline\n"},
		{"a coloured error", []string{"\x1b[31merror:\x1b[0m boom\n"}, "::error::boom\n"},
		{"other escapes are not colour", []string{"\x1b[?25lerror: x\n"}, "\x1b[?25lerror: x\n"},
		{"a line not ended yet", []string{"warning: no newline"}, "::warning::no newline"},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		a := NewAnnotator(&out)
		for _, w := range tt.writes {
			if n, err := a.Write([]byte(w)); err != nil || n != len(w) {
				t.Fatalf("%s: Write = %d, %v", tt.name, n, err)
			}
		}
		if err := a.Flush(); err != nil {
			t.Fatal(err)
		}
		if got := out.String(); got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
	}
}

// The start of a line is held back only while it may be an error or a
// warning; Flush writes out what is held.
func TestAnnotatorHoldsOnlyWhatItMust(t *testing.T) {
	var out bytes.Buffer
	a := NewAnnotator(&out)
	io.WriteString(a, "Paste the key: ")
	if got := out.String(); got != "Paste the key: " {
		t.Errorf("a prompt: %q written at once, want all of it", got)
	}
	out.Reset()
	io.WriteString(a, "\nwar")
	if got := out.String(); got != "\n" {
		t.Errorf("held %q, want the newline written and \"war\" held", got)
	}
	a.Flush()
	if got := out.String(); got != "\nwar" {
		t.Errorf("after Flush: %q", got)
	}
	if a.Unwrap() != io.Writer(&out) {
		t.Error("Unwrap does not give the stream")
	}
}
