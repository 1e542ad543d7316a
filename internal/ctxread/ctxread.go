// Package ctxread lets Ctrl-C interrupt a blocking read: of stdin from a
// producer that has not finished, of a FIFO nobody writes to, of a key
// being typed at a prompt.
package ctxread

import "context"

// Do runs read in its own goroutine and returns its result, or ctx's error
// as soon as ctx is done. A read from a terminal, a pipe or a FIFO cannot
// be cancelled, and after an interrupt the process is about to exit, so
// the read is left behind rather than waited for.
func Do[T any](ctx context.Context, read func() (T, error)) (T, error) {
	if ctx.Done() == nil {
		return read()
	}
	type result struct {
		value T
		err   error
	}
	done := make(chan result, 1)
	go func() {
		v, err := read()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.value, r.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}
