package runwait

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/coreclaw/coreclaw/internal/api"
)

// The loop on its own, on a fake clock: what it returns, and when.
func TestPoll(t *testing.T) {
	const ms1 = time.Millisecond
	netErr := &api.NetworkError{Method: "GET", URL: "u", Err: errors.New("connection reset")}
	authErr := &api.Error{HTTPStatus: 401, Code: 12001}

	t.Run("done", func(t *testing.T) {
		clk := newClock()
		n := 0
		err := Poll{Now: clk.Now, Sleep: clk.Sleep}.Run(context.Background(), func(context.Context) (bool, error) {
			n++
			return n == 4, nil
		})
		if err != nil || n != 4 || !reflect.DeepEqual(clk.slept(), ms(250, 900, 900)) {
			t.Errorf("err %v after %d checks, sleeps %v", err, n, clk.slept())
		}
	})

	t.Run("the time checks take does not pile up", func(t *testing.T) {
		clk := newClock()
		n := 0
		took := []time.Duration{100 * ms1, 300 * ms1, 2 * time.Second, 0, 0}
		err := Poll{Now: clk.Now, Sleep: clk.Sleep}.Run(context.Background(), func(context.Context) (bool, error) {
			clk.mu.Lock()
			clk.t = clk.t.Add(took[n])
			clk.mu.Unlock()
			n++
			return n == len(took), nil
		})
		// Due at 0, .25 and 1.15: the pauses make up for the 100ms and
		// 300ms the checks took. The third ends at 3.15, past when the
		// fourth was due (2.05): the schedule starts again from there.
		if err != nil || !reflect.DeepEqual(clk.slept(), ms(150, 600, 900, 900)) {
			t.Errorf("err %v, sleeps %v", err, clk.slept())
		}
	})

	t.Run("timeout: the last pause cut at the deadline", func(t *testing.T) {
		clk := newClock()
		n := 0
		err := Poll{Now: clk.Now, Sleep: clk.Sleep, Timeout: 3 * time.Second}.Run(context.Background(), func(context.Context) (bool, error) {
			n++
			return false, nil
		})
		if !errors.Is(err, ErrTimedOut) || n != 6 || !reflect.DeepEqual(clk.slept(), ms(250, 900, 900, 900, 50)) {
			t.Errorf("err %v after %d checks, sleeps %v", err, n, clk.slept())
		}
	})

	t.Run("transient failures: ridden out for 5 minutes, then the error", func(t *testing.T) {
		clk := newClock()
		var told []error
		n := 0
		p := Poll{Now: clk.Now, Sleep: clk.Sleep, What: "waiting for run R", Failing: func(err error) { told = append(told, err) }}
		err := p.Run(context.Background(), func(context.Context) (bool, error) {
			n++
			if n == 1 {
				return false, nil
			}
			return false, netErr
		})
		if !errors.Is(err, netErr) || err.Error() != "waiting for run R: GET u: connection reset" {
			t.Fatalf("err %v", err)
		}
		// Told of every failure but the last; the first one at 250ms, the
		// last told no more than 5 minutes later.
		if len(told) != n-2 {
			t.Errorf("told of %d failures in %d checks", len(told), n)
		}
		var waited time.Duration
		for _, d := range clk.slept() {
			waited += d
		}
		if waited <= transientWindow || waited > transientWindow+DefaultInterval+250*time.Millisecond {
			t.Errorf("gave up after %v", waited)
		}
	})

	t.Run("a success resets the window", func(t *testing.T) {
		clk := newClock()
		n := 0
		err := Poll{Now: clk.Now, Sleep: clk.Sleep}.Run(context.Background(), func(context.Context) (bool, error) {
			n++
			switch {
			case n == 200:
				return true, nil
			case n%20 == 0: // at most 200s of failures (pauses of up to 10s)
				return false, nil
			}
			return false, netErr
		})
		if err != nil {
			t.Errorf("err %v after %d checks", err, n)
		}
	})

	t.Run("permanent failure: at once", func(t *testing.T) {
		clk := newClock()
		err := Poll{Now: clk.Now, Sleep: clk.Sleep, Failing: func(error) { t.Error("told of a permanent failure") }}.Run(context.Background(),
			func(context.Context) (bool, error) { return false, authErr })
		if err != authErr || len(clk.slept()) != 0 {
			t.Errorf("err %v, sleeps %v", err, clk.slept())
		}
	})

	t.Run("interrupt: the context's error", func(t *testing.T) {
		clk := newClock()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		clk.onSleep = func(n int) {
			if n == 2 {
				cancel()
			}
		}
		err := Poll{Now: clk.Now, Sleep: clk.Sleep, Timeout: time.Hour}.Run(ctx, func(context.Context) (bool, error) { return false, nil })
		if !errors.Is(err, context.Canceled) || errors.Is(err, ErrTimedOut) {
			t.Errorf("err %v", err)
		}
	})
}
