package runwait

import "time"

// The schedule of status checks. A run that ends T after the wait began
// is noticed within max(1s, T/10), less a margin for the check's own
// round trip, the results and the exit: the first check is immediate and
// the second quick (short runs are common), then one every 0.9s for ten
// seconds, then the pause grows with the time waited so far (a tenth of
// it, less the margin), up to the interval. So a run of T seconds costs at most ceil(T)+3 checks, and
// after the first minute no two checks are less than 5.9s apart (or the
// interval, if it is shorter).
const (
	firstDelay  = 250 * time.Millisecond // after the first check (made at once)
	steadyDelay = 900 * time.Millisecond // until the wait is steadyUntil old
	steadyUntil = 10 * time.Second
	// margin is left under the promised lateness for the check's round
	// trip, the results and the exit.
	margin = 100 * time.Millisecond
)

// NextDelay is the pause before the next check when the last one was due
// elapsed after the wait began; never more than max.
func NextDelay(elapsed, max time.Duration) time.Duration {
	var d time.Duration
	switch {
	case elapsed < firstDelay:
		d = firstDelay
	case elapsed < steadyUntil:
		d = steadyDelay
	default:
		// A tenth, less the margin, rounded down.
		d = (elapsed/10 - margin).Truncate(100 * time.Millisecond)
	}
	return min(d, max)
}

// CheckTimes are the times, since the wait began, of the checks of a run
// that ends at end, when a check takes no time: from the first, at once,
// to the first at or after end. The tests and the bench hold the schedule
// to its bounds through it.
func CheckTimes(end, longest time.Duration) []time.Duration {
	times := []time.Duration{0}
	for at := time.Duration(0); at < end; {
		at += NextDelay(at, longest)
		times = append(times, at)
	}
	return times
}
