package cmdutil

import "context"

type secondInterruptKey struct{}

// WithSecondInterrupt returns ctx carrying again, a channel closed when a
// second Ctrl-C or SIGTERM arrives. The first one cancels ctx itself; the
// few steps that go on after it (asking CoreClaw to abort a run) watch
// again, so that a user who presses Ctrl-C twice is not kept waiting.
func WithSecondInterrupt(ctx context.Context, again <-chan struct{}) context.Context {
	return context.WithValue(ctx, secondInterruptKey{}, again)
}

// SecondInterrupt returns the channel of WithSecondInterrupt, or nil (a
// channel that never fires) when ctx has none.
func SecondInterrupt(ctx context.Context) <-chan struct{} {
	again, _ := ctx.Value(secondInterruptKey{}).(<-chan struct{})
	return again
}
