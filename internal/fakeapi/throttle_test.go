package fakeapi

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"
)

// sleepLog records the throttle's pauses instead of waiting.
type sleepLog struct {
	mu     sync.Mutex
	pauses []time.Duration
	failAt int // the pause (1-based) that reports the client gone; 0: none
}

func (l *sleepLog) sleep(ctx context.Context, d time.Duration) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pauses = append(l.pauses, d)
	if len(l.pauses) == l.failAt {
		return context.Canceled
	}
	return nil
}

func (l *sleepLog) total() (time.Duration, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var sum time.Duration
	for _, d := range l.pauses {
		sum += d
	}
	return sum, len(l.pauses)
}

func TestWriteThrottled(t *testing.T) {
	body := bytes.Repeat([]byte("0123456789"), 100) // 1000 bytes
	var log sleepLog
	rec := httptest.NewRecorder()
	writeThrottled(context.Background(), rec, body, 100, log.sleep)
	if !bytes.Equal(rec.Body.Bytes(), body) || !rec.Flushed {
		t.Fatalf("body %d bytes (flushed %v), want the 1000 sent", rec.Body.Len(), rec.Flushed)
	}
	// 100 slices of 10 bytes, a tenth of a second each; none after the last.
	if sum, n := log.total(); n != 99 || sum != 9900*time.Millisecond {
		t.Errorf("%d pauses, %v in all; want 99, 9.9s", n, sum)
	}

	// A client that goes away stops the sending.
	log = sleepLog{failAt: 3}
	rec = httptest.NewRecorder()
	writeThrottled(context.Background(), rec, body, 100, log.sleep)
	if rec.Body.Len() != 30 {
		t.Errorf("sent %d bytes after the client left at the 3rd pause, want 30", rec.Body.Len())
	}

	// A rate under the slice count still sends a byte at a time.
	log = sleepLog{}
	rec = httptest.NewRecorder()
	writeThrottled(context.Background(), rec, []byte("abc"), 4, log.sleep)
	if sum, n := log.total(); rec.Body.String() != "abc" || n != 2 || sum != 500*time.Millisecond {
		t.Errorf("rate 4: %q, %d pauses, %v", rec.Body.String(), n, sum)
	}
}

// With DownloadRate set, the download host sends an export at that rate,
// announcing its full size, and the bytes are those of an unthrottled one.
func TestDownloadRate(t *testing.T) {
	fetch := func(rate int64, log *sleepLog) (http.Header, []byte) {
		s, err := Start(Options{Spec: testSpec(t), DownloadRate: rate, Sleep: log.sleep})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		slug, _ := s.AddRun("fake/big", "succeeded", -1)
		var link struct {
			DownloadURL string `json:"download_url"`
		}
		data(t, s, "GET", "/api/v2/worker-runs/"+slug+"/result/export?format=json", "", &link)
		resp, err := http.Get(link.DownloadURL)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		if _, err := b.ReadFrom(resp.Body); err != nil {
			t.Fatal(err)
		}
		noViolations(t, s)
		return resp.Header, b.Bytes()
	}
	var fast, slow sleepLog
	_, want := fetch(0, &fast)
	header, got := fetch(8192, &slow)
	if _, n := fast.total(); n != 0 {
		t.Errorf("no rate set, yet %d pauses", n)
	}
	if !bytes.Equal(got, want) || len(want) < 50000 {
		t.Fatalf("throttled export: %d bytes, unthrottled %d", len(got), len(want))
	}
	if header.Get("Content-Length") != strconv.Itoa(len(want)) {
		t.Errorf("Content-Length %q, want %d", header.Get("Content-Length"), len(want))
	}
	// Slices of 819 bytes, 0.1 s each, no pause after the last.
	slices := (len(want) + 818) / 819
	sum, n := slow.total()
	if n != slices-1 || sum < time.Duration(len(want)-819)*time.Second/8192 || sum > time.Duration(len(want))*time.Second/8192 {
		t.Errorf("%d bytes at 8 KiB/s: %d pauses, %v in all", len(want), n, sum)
	}
}

func TestNegativeDownloadRate(t *testing.T) {
	_, err := Start(Options{Spec: testSpec(t), DownloadRate: -1})
	if err == nil || err.Error() != "fakeapi: negative download rate -1" {
		t.Errorf("err %v", err)
	}
}
