package fakeapi

import (
	"context"
	"net/http"
	"time"
)

// throttleSlices is how many pieces a second of throttled download is cut
// into: small enough for a progress bar to move smoothly.
const throttleSlices = 10

// writeThrottled sends a reply's body at no more than rate bytes a
// second: a slice of the body, then a pause as long as that slice takes
// at the rate, until it is all sent or the client goes away. It lets a
// person watch coreclaw export's progress bar on loopback.
func writeThrottled(ctx context.Context, w http.ResponseWriter, body []byte, rate int64, sleep func(context.Context, time.Duration) error) {
	slice := int(rate / throttleSlices)
	if slice < 1 {
		slice = 1
	}
	for len(body) > 0 {
		n := min(slice, len(body))
		if _, err := w.Write(body[:n]); err != nil {
			return
		}
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
		body = body[n:]
		if len(body) == 0 {
			return
		}
		if sleep(ctx, time.Duration(n)*time.Second/time.Duration(rate)) != nil {
			return
		}
	}
}

// sleepContext waits for d or until ctx ends.
func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
