package iostreams

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"testing"
)

// upper is a stderr filter for the test: it upper-cases what it sees and
// holds the last byte of each write until the next, or Flush.
type upper struct {
	w    io.Writer
	held []byte
}

func (u *upper) Write(p []byte) (int, error) {
	buf := append(u.held, bytes.ToUpper(p)...)
	if len(buf) == 0 {
		return len(p), nil
	}
	u.held = []byte{buf[len(buf)-1]}
	_, err := u.w.Write(buf[:len(buf)-1])
	return len(p), err
}

func (u *upper) Flush() error {
	_, err := u.w.Write(u.held)
	u.held = nil
	return err
}

func (u *upper) Unwrap() io.Writer { return u.w }

func TestFilterErrOutSeesRedactedText(t *testing.T) {
	ios, _, out, errOut := Test()
	ios.AddSecret("cc_key_0123456789")
	ios.FilterErrOut(func(w io.Writer) io.Writer { return &upper{w: w} })
	fmt.Fprintln(ios.ErrOut, "error: the key cc_key_0123456789 was refused")
	fmt.Fprintln(ios.Out, "stdout cc_key_0123456789")
	if err := ios.Flush(); err != nil {
		t.Fatal(err)
	}
	if got, want := errOut.String(), "ERROR: THE KEY [REDACTED] WAS REFUSED\n"; got != want {
		t.Errorf("stderr %q, want %q", got, want)
	}
	if got, want := out.String(), "stdout [REDACTED]\n"; got != want {
		t.Errorf("stdout %q, want %q (not filtered)", got, want)
	}
}

func TestFilterErrOutKeepsTheFile(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ios := &IOStreams{}
	ios.Out, ios.ErrOut = ios.redacting(io.Discard), ios.redacting(f)
	ios.FilterErrOut(func(w io.Writer) io.Writer { return &upper{w: w} })
	if got, ok := ios.ErrFile(); !ok || got != f {
		t.Errorf("ErrFile through the filter = %v, %v; want the file", got, ok)
	}
}

func TestRedact(t *testing.T) {
	ios, _, _, _ := Test()
	if got := ios.Redact("nothing known yet cc_key_0123456789"); got != "nothing known yet cc_key_0123456789" {
		t.Errorf("before AddSecret: %q", got)
	}
	ios.AddSecret("cc_key_0123456789")
	got := ios.Redact("a cc_key_0123456789 b, cut: cc_key_0123")
	if want := "a [REDACTED] b, cut: [REDACTED]"; got != want {
		t.Errorf("Redact = %q, want %q", got, want)
	}
}
