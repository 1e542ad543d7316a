package fakeapi

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// fake/gen's runs have the rows and the duration their input asks for;
// rows are made page by page.
func TestGeneratedRuns(t *testing.T) {
	t0 := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	clock := &manualClock{now: t0}
	s, err := Start(Options{Spec: testSpec(t), Now: clock.Now, Workers: FakeclawWorkers()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	s.SetVariants(Variants{TimeProgress: true, ReadyFor: time.Second, RunningFor: 2500 * time.Millisecond})

	var started struct {
		RunSlug string `json:"run_slug"`
	}
	data(t, s, "POST", "/api/v2/workers/fake~gen/runs", `{"is_async":true,"input":{"parameters":{"custom":{"rows":250000,"seconds":30}}}}`, &started)
	look := func() runView {
		var v runView
		data(t, s, "GET", "/api/v2/worker-runs/"+started.RunSlug, "", &v)
		return v
	}
	clock.Advance(29 * time.Second)
	if v := look(); v.Status != "running" || v.StartedAt != t0.Add(time.Second).Unix() {
		t.Errorf("after 29 s: %+v, want running since 1 s", v)
	}
	clock.Advance(time.Second)
	if v := look(); v.Status != "succeeded" || v.FinishedAt != t0.Add(30*time.Second).Unix() {
		t.Errorf("after 30 s: %+v, want succeeded at 30 s", v)
	}
	var page struct {
		Count int
		List  []map[string]any
	}
	data(t, s, "GET", "/api/v2/worker-runs/"+started.RunSlug+"/result?offset=2500&limit=100", "", &page)
	if page.Count != 250000 || len(page.List) != 100 || page.List[99]["title"] != "Coffee Spot 250000" {
		t.Errorf("last page: count %d, %d rows, last %v", page.Count, len(page.List), page.List[len(page.List)-1])
	}

	// Without seconds the run takes the server's times; without rows, 1000.
	data(t, s, "POST", "/api/v2/workers/fake~gen/runs", `{"is_async":true,"input":{"parameters":{"custom":{}}}}`, &started)
	clock.Advance(3500 * time.Millisecond)
	data(t, s, "GET", "/api/v2/worker-runs/"+started.RunSlug+"/result?offset=1&limit=1", "", &page)
	if v := look(); v.Status != "succeeded" || page.Count != 1000 {
		t.Errorf("defaults: %+v, %d rows", v, page.Count)
	}
	noViolations(t, s)
}

// Latency holds each API reply back, through the injected sleep, until it
// is Latency after its request arrived (here the clock stands still, so
// the whole of it); the download host is not delayed.
func TestLatency(t *testing.T) {
	var mu sync.Mutex
	var slept []time.Duration
	clock := &manualClock{now: time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)}
	s, err := Start(Options{Spec: testSpec(t), Now: clock.Now, Latency: 20 * time.Millisecond, Sleep: func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		slept = append(slept, d)
		mu.Unlock()
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	var started struct {
		RunSlug string `json:"run_slug"`
	}
	data(t, s, "POST", "/api/v2/workers/fake~succeeds/runs", `{"is_async":true,"input":{"parameters":{"custom":{}}}}`, &started)
	data(t, s, "GET", "/api/v2/worker-runs/"+started.RunSlug, "", nil)
	code, _ := send(t, s, "GET", "/api/v2/worker-runs/nope", "", true)
	mu.Lock()
	got := fmt.Sprint(slept)
	mu.Unlock()
	if code != 404 || got != "[20ms 20ms 20ms]" {
		t.Errorf("sleeps %s (last reply %d), want [20ms 20ms 20ms]: every reply, errors too", got, code)
	}
	if _, err := Start(Options{Spec: testSpec(t), Latency: -time.Millisecond}); err == nil || !strings.Contains(err.Error(), "negative latency") {
		t.Errorf("negative latency: %v", err)
	}
}

// A reply waits only for what is left of the latency once it is made.
func TestHoldBack(t *testing.T) {
	ms := time.Millisecond
	for _, c := range []struct{ latency, spent, want time.Duration }{
		{20 * ms, 0, 20 * ms},
		{20 * ms, 3 * ms, 17 * ms},
		{20 * ms, 20 * ms, 0},
		{20 * ms, 45 * ms, 0},
		{20 * ms, -ms, 20 * ms}, // a clock that went back
		{0, 3 * ms, 0},
	} {
		if got := holdBack(c.latency, c.spent); got != c.want {
			t.Errorf("holdBack(%v, %v) = %v, want %v", c.latency, c.spent, got, c.want)
		}
	}
}

// Under time-based progress a synchronous start waits for the run's end,
// as the platform does, at most 5 minutes.
func TestSyncStartWaitsForTimedEnd(t *testing.T) {
	clock := &manualClock{now: time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)}
	var slept []time.Duration
	s, err := Start(Options{Spec: testSpec(t), Now: clock.Now, Workers: FakeclawWorkers(),
		Sleep: func(ctx context.Context, d time.Duration) error {
			slept = append(slept, d)
			clock.Advance(d)
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	s.SetVariants(Variants{TimeProgress: true, ReadyFor: time.Second, RunningFor: 2500 * time.Millisecond})
	var reply struct {
		RunStatus string `json:"run_status"`
	}
	data(t, s, "POST", "/api/v2/workers/fake~gen/runs", `{"is_async":false,"input":{"parameters":{"custom":{"seconds":8}}}}`, &reply)
	if reply.RunStatus != "succeeded" || fmt.Sprint(slept) != "[8s]" {
		t.Errorf("8 s run: %s after sleeping %v, want succeeded after [8s]", reply.RunStatus, slept)
	}
	slept = nil
	data(t, s, "POST", "/api/v2/workers/fake~gen/runs", `{"is_async":false,"input":{"parameters":{"custom":{"seconds":600}}}}`, &reply)
	if reply.RunStatus != "running" || fmt.Sprint(slept) != "[5m0s]" {
		t.Errorf("10 min run: %s after sleeping %v, want running after [5m0s]", reply.RunStatus, slept)
	}
	noViolations(t, s)
}
