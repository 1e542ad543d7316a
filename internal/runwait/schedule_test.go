package runwait

import (
	"math"
	"testing"
	"time"
)

func TestNextDelay(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		elapsed, max, want time.Duration
	}{
		{0, DefaultInterval, 250 * ms},
		{249 * ms, DefaultInterval, 250 * ms},
		{250 * ms, DefaultInterval, 900 * ms},
		{9999 * ms, DefaultInterval, 900 * ms},
		{10 * time.Second, DefaultInterval, 900 * ms},
		{15_049 * ms, DefaultInterval, 1400 * ms},
		{60 * time.Second, DefaultInterval, 5900 * ms},
		{101 * time.Second, DefaultInterval, DefaultInterval},
		{time.Hour, DefaultInterval, DefaultInterval},
		// --interval is the cap, from the first pause on.
		{0, 100 * ms, 100 * ms},
		{5 * time.Second, 300 * ms, 300 * ms},
		{time.Hour, 3 * time.Second, 3 * time.Second},
	}
	for _, tt := range tests {
		if got := NextDelay(tt.elapsed, tt.max); got != tt.want {
			t.Errorf("NextDelay(%v, %v) = %v, want %v", tt.elapsed, tt.max, got, tt.want)
		}
	}
}

// TestScheduleBounds holds the schedule to its promise for runs that end
// anywhere from 50ms to 30 minutes after the wait began, with the default
// --interval of wait (10s) and of logs --follow (3s): the run's end is
// noticed within max(1s, a tenth of its duration T) less 100ms (for the
// round trip, the results and the exit), with at most
// ceil(T)+3 status reads; after the first minute no two reads are less
// than 3s apart; no pause is longer than the interval.
func TestScheduleBounds(t *testing.T) {
	for _, interval := range []time.Duration{DefaultInterval, 3 * time.Second} {
		var ends []time.Duration
		for end := 50 * time.Millisecond; end <= 2*time.Minute; end += 50 * time.Millisecond {
			ends = append(ends, end)
		}
		for end := 2 * time.Minute; end <= 30*time.Minute; end += 250 * time.Millisecond {
			ends = append(ends, end)
		}
		for _, end := range ends {
			times := CheckTimes(end, interval)
			noticed := times[len(times)-1]
			late := noticed - end
			if allowed := max(time.Second, end/10) - 100*time.Millisecond; late > allowed {
				t.Fatalf("interval %v: a run that ends at %v is noticed at %v, %v late (allowed %v)", interval, end, noticed, late, allowed)
			}
			if reads, allowed := len(times), int(math.Ceil(end.Seconds()))+3; reads > allowed {
				t.Fatalf("interval %v: a run that ends at %v costs %d reads (allowed %d)", interval, end, reads, allowed)
			}
			for i := 1; i < len(times); i++ {
				gap := times[i] - times[i-1]
				if gap > interval {
					t.Fatalf("interval %v: a pause of %v at %v", interval, gap, times[i-1])
				}
				if times[i-1] >= time.Minute && gap < 3*time.Second {
					t.Fatalf("interval %v: reads %v apart at %v, after the first minute", interval, gap, times[i-1])
				}
			}
		}
	}
	// The bench's runs (2, 5, 8 and 30 s), exactly.
	for _, tt := range []struct {
		end   time.Duration
		reads int
		at    time.Duration
	}{
		{2 * time.Second, 4, 2050 * time.Millisecond}, // 0, .25, 1.15, 2.05
		{5 * time.Second, 8, 5650 * time.Millisecond},
		{8 * time.Second, 11, 8350 * time.Millisecond},
		{30 * time.Second, 26, 31_950 * time.Millisecond}, // ... 27.15, 29.5, 31.95: 1.95s late
	} {
		times := CheckTimes(tt.end, DefaultInterval)
		if len(times) != tt.reads || times[len(times)-1] != tt.at {
			t.Errorf("a run of %v: %d reads, the last at %v; want %d, at %v", tt.end, len(times), times[len(times)-1], tt.reads, tt.at)
		}
	}
}
