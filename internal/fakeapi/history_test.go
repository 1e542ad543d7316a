package fakeapi

import (
	"strings"
	"testing"
	"time"
)

// The run list's time-window rules (REFERENCE §8.6), as the fake enforces
// them.
func TestRunListWindow(t *testing.T) {
	clock := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	s, err := Start(Options{Spec: testSpec(t), Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.AddRunAt("fake/succeeds", "succeeded", 1, time.Date(2026, 10, 31, 15, 59, 59, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddRunAt("fake/succeeds", "succeeded", 1, time.Date(2026, 10, 31, 16, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, query string
		status      int
		want        string
	}{
		{"current month by default", "", 200, `"count":1,`},
		{"October in Beijing time", "?start_time=1790784000&end_time=1793376000", 200, `"count":1,`},
		{"the first of November", "?start_time=1793462400&end_time=1793462400", 200, `"count":1,`},
		{"only start_time", "?start_time=1790784000", 400, `"code":11000,"message":"start_time and end_time must be sent together"`},
		{"only end_time", "?end_time=1793376000", 400, `"code":11000,"message":"start_time and end_time must be sent together"`},
		{"across months", "?start_time=1790784000&end_time=1793462400", 400, `"code":11000,"message":"run list time range cannot cross months"`},
		{"end at UTC midnight", "?start_time=1790784000&end_time=1793404800", 400, `"message":"end_time must be a day at 00:00:00 (UTC+8)"`},
		{"end before start", "?start_time=1793462400&end_time=1790784000", 400, `"message":"start_time is after end_time"`},
		{"unknown Worker", "?worker_id=nobody~nothing", 400, `"code":50001`},
	} {
		code, body := send(t, s, "GET", "/api/v2/worker-runs"+c.query, "", true)
		if code != c.status || !strings.Contains(body, c.want) {
			t.Errorf("%s: %d %s; want %d and %s", c.name, code, body, c.status, c.want)
		}
	}
	if v := s.Violations(); len(v) != 0 {
		t.Fatalf("violations: %v", v)
	}
}
