package batch

import (
	"sort"
	"time"

	"github.com/coreclaw/coreclaw/internal/runwait"
)

// The batch's poll schedule lives here, in one function (NextCheck), so
// that it can follow the shared schedule of the wait loop when that moves.

// maxReadsPerRound bounds the status reads of one round of the poller:
// however many runs are going, one round never sends more.
const maxReadsPerRound = 10

// minStep is the shortest pause between two checks of a run.
const minStep = 100 * time.Millisecond

// NextCheck is when check n+1 of a run is due, as the time since the run
// started, after check n was made last after it started (n from 1; n = 0
// asks for the first check). learned is how long the batch's runs have
// been seen to take (0: not known yet); longest is the longest pause
// (--interval).
//
// Until a run of the batch has ended, a run is checked as `coreclaw wait`
// checks it (runwait.NextDelay, the shared schedule). Once the batch knows
// how long its runs take, a run is first checked when that time has
// passed, then at a tenth of it, doubling: runs of similar length are seen
// to end soon after they do. Never is check n+1 due before a wait's check
// n+1 would be, so that no run is read more often than one wait reads it.
func NextCheck(n int, last, learned, longest time.Duration) time.Duration {
	waitDue := waitCheck(n+1, longest)
	if learned <= 0 {
		return waitDue
	}
	own := min(learned, longest)
	if n > 0 {
		step := max(learned/10, minStep)
		for i := 1; i < n && step < longest; i++ {
			step *= 2
		}
		own = last + min(step, longest)
	}
	return max(own, waitDue)
}

// waitCheck is when a wait makes its check n (from 1, the first at once),
// as the time since it began.
func waitCheck(n int, longest time.Duration) time.Duration {
	var at time.Duration
	for i := 1; i < n; i++ {
		at += runwait.NextDelay(at, longest)
	}
	return at
}

// durations learns how long the batch's runs take: for each ended run, the
// last moment it was seen still going (a lower bound of its length, so
// that the first check comes before the end rather than after it). The
// median of the newest samples is the estimate.
type durations struct {
	samples []time.Duration
}

const maxSamples = 20

func (d *durations) add(v time.Duration) {
	if v <= 0 {
		return
	}
	d.samples = append(d.samples, v)
	if len(d.samples) > maxSamples {
		d.samples = d.samples[len(d.samples)-maxSamples:]
	}
}

func (d *durations) estimate() time.Duration {
	if len(d.samples) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), d.samples...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}
