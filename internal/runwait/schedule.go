package runwait

import "time"

// The schedule of status checks. A run that ends T after the wait began
// is noticed within max(1s, T/10): the first checks come quickly (short
// runs are common), then one a second for ten seconds, then the pause
// grows with the time waited so far (a tenth of it), up to the interval.
// So a run of T seconds costs at most ceil(T)+3 checks, and after the
// first minute no two checks are less than 6s apart (or the interval, if
// it is shorter).
const (
	firstDelay  = 250 * time.Millisecond // after the first check (made at once)
	secondDelay = 500 * time.Millisecond
	steadyDelay = time.Second // until the wait is tenDelays old
	tenDelays   = 10 * steadyDelay
)

// NextDelay is the pause before the next check, elapsed after the wait
// began (when the last check has returned); never more than max.
func NextDelay(elapsed, max time.Duration) time.Duration {
	var d time.Duration
	switch {
	case elapsed < firstDelay:
		d = firstDelay
	case elapsed < firstDelay+secondDelay:
		d = secondDelay
	case elapsed < tenDelays:
		d = steadyDelay
	default:
		// Rounded down: the pause is never longer than a tenth.
		d = (elapsed / 10).Truncate(100 * time.Millisecond)
	}
	return min(d, max)
}
