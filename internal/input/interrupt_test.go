package input

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

// TestBuildInterrupted: reading stdin that never ends stops when the
// context does, with an error that names the source and says nothing was
// sent.
func TestBuildInterrupted(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Build(Sources{File: "-"}, Env{Context: ctx, Stdin: pr})
	var ie *InterruptedError
	if !errors.As(err, &ie) || !errors.Is(err, context.Canceled) {
		t.Fatalf("error %T %v", err, err)
	}
	if want := "interrupted while reading the input from stdin; nothing was sent"; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	// A read that completes is not affected by a live context.
	in, err := Build(Sources{File: "-"}, Env{Context: context.Background(), Stdin: strings.NewReader(`{"a":1}`)})
	if err != nil || string(in.JSON()) != `{"parameters":{"custom":{"a":1}}}` {
		t.Fatalf("%s, %v", in.JSON(), err)
	}
}
