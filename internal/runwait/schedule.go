package runwait

import "time"

// firstDelay is the pause before the second check; the first is immediate.
const firstDelay = 250 * time.Millisecond

// Delay is the pause before check n+1 after check n (n from 1): 250ms,
// then doubling, never more than max.
func Delay(n int, max time.Duration) time.Duration {
	d := firstDelay
	for i := 1; i < n && d < max; i++ {
		d *= 2
	}
	if d > max {
		d = max
	}
	return d
}
