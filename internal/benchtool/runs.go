package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/coreclaw/coreclaw/cmd/logs"
	"github.com/coreclaw/coreclaw/internal/fakeapi"
	"github.com/coreclaw/coreclaw/internal/runwait"
)

// detailPath is a run's detail: the status read of the wait loop.
var detailPath = regexp.MustCompile(`^/api/v2/worker-runs/[0-9A-Za-z]{26}$`)

// startPath is a Worker's run start.
var startPath = regexp.MustCompile(`^/api/v2/workers/[^/]+/runs$`)

// watchStart reports when the fake receives the next run start: the run
// begins then, and its end is that moment plus its seconds.
func (b *bench) watchStart(ctx context.Context) <-chan time.Time {
	seen := make(chan time.Time, 1)
	go func() {
		err := b.srv.WaitFor(ctx, func(reqs []fakeapi.Request) bool {
			for _, r := range reqs {
				if r.Method == "POST" && startPath.MatchString(r.Path) {
					return true
				}
			}
			return false
		})
		if err == nil {
			seen <- time.Now()
		}
		close(seen)
	}()
	return seen
}

// count tells how many recorded requests match.
func (b *bench) count(match func(fakeapi.Request) bool) int {
	n := 0
	for _, r := range b.srv.Requests() {
		if match(r) {
			n++
		}
	}
	return n
}

func isStart(r fakeapi.Request) bool  { return r.Method == "POST" && startPath.MatchString(r.Path) }
func isDetail(r fakeapi.Request) bool { return r.Method == "GET" && detailPath.MatchString(r.Path) }

// waiting is target 2: runs that end 2, 5, 8 and 30 s after they start;
// how late `run --wait` exits after the end, and how many status reads
// it made.
func (b *bench) waiting(ctx context.Context) error {
	const target = "2 waiting"
	durations := []float64{2, 5, 8, 30}
	if b.quick {
		durations = durations[:3]
	}
	for _, secs := range durations {
		late, reads, err := b.waitOnce(ctx, secs, "run", "fake/gen", "-p", "rows=10", "-p", "seconds="+strconv.FormatFloat(secs, 'f', -1, 64), "--wait", "-o", "jsonl")
		if err != nil {
			return err
		}
		allowed := time.Duration(math.Max(1, 0.1*secs) * float64(time.Second))
		maxReads := int(math.Ceil(secs)) + 3
		b.add(figure{target: target, name: fmt.Sprintf("run --wait, run of %g s", secs),
			measured: fmt.Sprintf("exits %.2f s after the end; %d status reads", late.Seconds(), reads),
			goal:     fmt.Sprintf("≤ %.1f s; ≤ %d reads", allowed.Seconds(), maxReads),
			met:      metIf(late <= allowed && reads <= maxReads)})
	}

	// logs --follow of a run the bench starts itself: its start is known.
	const secs = 8
	slug, at, err := b.startRun(ctx, secs)
	if err != nil {
		return err
	}
	b.srv.ResetRequests()
	o, err := b.coreclawRun(ctx, true, "logs", slug, "--follow")
	if err != nil {
		return err
	}
	late := o.end.Sub(at.Add(secs * time.Second))
	b.add(figure{target: target, name: fmt.Sprintf("logs --follow, run of %d s", secs),
		measured: fmt.Sprintf("exits %.2f s after the end; %d requests", late.Seconds(), len(b.srv.Requests())),
		goal:     "≤ 1.0 s (the same schedule)", met: metIf(late <= time.Second)})
	b.add(longRunSchedule())
	return nil
}

// longRunSchedule is the part of target 2 that would take hours to time:
// runs that go on past a minute, read by the wait loop's own schedule
// (runwait.CheckTimes) on a simulated clock, for runs that end every 250
// ms from 1 to 30 minutes after the wait began, under the longest pauses
// of wait (10 s) and of logs --follow (3 s). runwait's TestScheduleBounds
// holds the same bounds.
func longRunSchedule() figure {
	leastGap := time.Duration(math.MaxInt64)
	worstLate, worstReads := 0.0, 0.0 // as shares of what is allowed
	for _, interval := range []time.Duration{runwait.DefaultInterval, logs.DefaultInterval} {
		for end := time.Minute; end <= 30*time.Minute; end += 250 * time.Millisecond {
			times := runwait.CheckTimes(end, interval)
			for i := 1; i < len(times); i++ {
				if times[i-1] >= time.Minute {
					leastGap = min(leastGap, times[i]-times[i-1])
				}
			}
			late := times[len(times)-1] - end
			worstLate = max(worstLate, float64(late)/float64(max(time.Second, end/10)))
			worstReads = max(worstReads, float64(len(times))/math.Ceil(end.Seconds()+3))
		}
	}
	return figure{target: "2 waiting", name: "runs of 1 to 30 minutes (the schedule on a simulated clock)",
		measured: fmt.Sprintf("reads at least %.1f s apart after the first minute; the end noticed within %.0f%% of the lateness allowed; at most %.0f%% of the reads allowed",
			leastGap.Seconds(), 100*worstLate, 100*worstReads),
		goal: "≤ 1 read per 3 s past a minute; max(1 s, T/10) late; ≤ ceil(T)+3 reads",
		met:  metIf(leastGap >= 3*time.Second && worstLate <= 1 && worstReads <= 1)}
}

// startRun starts a fake/gen run of secs seconds through the API itself
// and returns its slug and the moment the start was sent.
func (b *bench) startRun(ctx context.Context, secs int) (string, time.Time, error) {
	body := fmt.Sprintf(`{"is_async":true,"input":{"parameters":{"custom":{"rows":10,"seconds":%d}}}}`, secs)
	req, err := http.NewRequestWithContext(ctx, "POST", b.srv.URL+"/api/v2/workers/fake~gen/runs", strings.NewReader(body))
	if err != nil {
		return "", time.Time{}, err
	}
	req.Header.Set("Authorization", "Bearer "+b.srv.APIKey())
	req.Header.Set("Content-Type", "application/json")
	at := time.Now()
	resp, err := b.http.Do(req)
	if err != nil {
		return "", time.Time{}, err
	}
	defer resp.Body.Close()
	var env struct {
		Data struct {
			RunSlug string `json:"run_slug"`
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil || env.Data.RunSlug == "" {
		return "", time.Time{}, fmt.Errorf("starting a run: %v (HTTP %d)", err, resp.StatusCode)
	}
	return env.Data.RunSlug, at, nil
}

// waitOnce starts a coreclaw command that starts a run of secs seconds
// and waits for it; it returns how long after the run's end coreclaw
// exited, and the status reads it made.
func (b *bench) waitOnce(ctx context.Context, secs float64, args ...string) (time.Duration, int, error) {
	b.srv.ResetRequests()
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	started := b.watchStart(wctx)
	o, err := b.coreclawRun(ctx, true, args...)
	if err != nil {
		return 0, 0, err
	}
	cancel()
	at, ok := <-started
	if !ok {
		return 0, 0, fmt.Errorf("coreclaw %s started no run", strings.Join(args, " "))
	}
	end := at.Add(time.Duration(secs * float64(time.Second)))
	return o.end.Sub(end), b.count(isDetail), nil
}

// sync is target 3: `run --sync` of a short run sends one start and at
// most one confirming read.
func (b *bench) sync(ctx context.Context) error {
	b.srv.ResetRequests()
	if _, err := b.coreclawRun(ctx, true, "run", "fake/gen", "-p", "rows=10", "-p", "seconds=3", "--sync", "-o", "jsonl"); err != nil {
		return err
	}
	posts, reads := b.count(isStart), b.count(isDetail)
	b.add(figure{target: "3 run --sync", name: "run of 3 s", measured: fmt.Sprintf("%d POST, %d status reads", posts, reads),
		goal: "1 POST, ≤ 1 read", met: metIf(posts == 1 && reads <= 1)})
	return nil
}
