package fakeapi

import (
	"sync"
	"testing"
	"time"
)

// manualClock is a clock the test moves by hand.
type manualClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

type runView struct {
	Status     string
	StartedAt  int64 `json:"started_at"`
	FinishedAt int64 `json:"finished_at"`
	Duration   int64
}

// Under time-based progress (fakeclaw), a Worker with its own Timing keeps
// it: fake/slow runs far longer than the server's default, fake/instant
// has ended when first seen, the others take the server's times.
func TestTimeProgressPerWorker(t *testing.T) {
	t0 := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	clock := &manualClock{now: t0}
	s, err := Start(Options{Spec: testSpec(t), Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	s.SetVariants(Variants{TimeProgress: true, ReadyFor: time.Second, RunningFor: 2500 * time.Millisecond})

	start := func(worker string) string {
		var started struct {
			RunSlug string `json:"run_slug"`
		}
		data(t, s, "POST", "/api/v2/workers/"+worker+"/runs", `{"is_async":true,"input":{"parameters":{"custom":{}}}}`, &started)
		return started.RunSlug
	}
	look := func(slug string) runView {
		var v runView
		data(t, s, "GET", "/api/v2/worker-runs/"+slug, "", &v)
		return v
	}
	slow, usual, instant := start("fake~slow"), start("fake~succeeds"), start("fake~instant")

	if got := look(instant); got.Status != "succeeded" || got.StartedAt != t0.Unix() || got.FinishedAt != t0.Unix() {
		t.Errorf("fake/instant at once: %+v", got)
	}
	clock.Advance(4 * time.Second)
	if got := look(usual); got.Status != "succeeded" || got.Duration != 2 {
		t.Errorf("fake/succeeds after 4 s: %+v, want succeeded after 2.5 s of running", got)
	}
	if got := look(slow); got.Status != "running" || got.StartedAt != t0.Add(time.Second).Unix() {
		t.Errorf("fake/slow after 4 s: %+v, want running since 1 s", got)
	}
	clock.Advance(41 * time.Second) // 45 s
	if got := look(slow); got.Status != "running" {
		t.Errorf("fake/slow after 45 s: %+v, want running until 46 s", got)
	}
	clock.Advance(time.Second)
	if got := look(slow); got.Status != "succeeded" || got.Duration != 45 || got.FinishedAt != t0.Add(46*time.Second).Unix() {
		t.Errorf("fake/slow after 46 s: %+v, want succeeded after 45 s of running", got)
	}
	noViolations(t, s)
}

// Runs that progress by reads (the scripts) ignore Timing: fake/slow
// keeps running however much time passes.
func TestTimingIgnoredByPolls(t *testing.T) {
	clock := &manualClock{now: time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)}
	s, err := Start(Options{Spec: testSpec(t), Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	var started struct {
		RunSlug string `json:"run_slug"`
	}
	data(t, s, "POST", "/api/v2/workers/fake~slow/runs", `{"is_async":true,"input":{"parameters":{"custom":{}}}}`, &started)
	for i := 0; i < 5; i++ {
		clock.Advance(time.Minute)
		var v runView
		data(t, s, "GET", "/api/v2/worker-runs/"+started.RunSlug, "", &v)
		if v.Status != "running" {
			t.Errorf("read %d after %d min: %s, want running", i+1, i+1, v.Status)
		}
	}
	noViolations(t, s)
}

// Every Worker of the catalogue says what it does, for fakeclaw serve and
// the README.
func TestEveryWorkerHasBehaviour(t *testing.T) {
	for _, w := range DefaultWorkers() {
		if w.Behaviour == "" {
			t.Errorf("%s/%s has no Behaviour", w.Owner, w.Name)
		}
	}
}
