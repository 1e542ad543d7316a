package ctxread

import (
	"context"
	"errors"
	"io"
	"testing"
)

func TestDoReturnsTheRead(t *testing.T) {
	got, err := Do(context.Background(), func() (string, error) { return "value", nil })
	if got != "value" || err != nil {
		t.Fatalf("%q, %v", got, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if _, err := Do(ctx, func() (int, error) { return 0, io.ErrUnexpectedEOF }); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("error %v", err)
	}
}

// TestDoReturnsOnCancel: a read that never ends does not hold the caller.
func TestDoReturnsOnCancel(t *testing.T) {
	r, w := io.Pipe()
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	go func() {
		<-started
		cancel()
	}()
	_, err := Do(ctx, func() ([]byte, error) {
		close(started)
		return io.ReadAll(r) // nobody writes
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v", err)
	}
}
