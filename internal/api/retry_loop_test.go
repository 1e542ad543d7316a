package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"testing"
	"time"
)

// The one retry loop serves API calls and downloads alike: the same
// policy, Retry-After, budget, notice and injected sleep.
func TestOneRetryLoopForCallsAndDownloads(t *testing.T) {
	script := []http.HandlerFunc{
		func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "2")
			http.Error(w, "busy", http.StatusServiceUnavailable)
		},
		func(w http.ResponseWriter, r *http.Request) { http.Error(w, "slow down", http.StatusTooManyRequests) },
		func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/export.csv" {
				fmt.Fprint(w, "a,b\n")
				return
			}
			fmt.Fprint(w, `{"code":0,"data":{"slug":"01KRUN","status":"running"}}`)
		},
	}
	ts := newTestServer(t, script...)
	h := newHarness(t, ts.URL)
	if _, err := h.client.GetRun(context.Background(), RunRef{Slug: "01KRUN"}); err != nil {
		t.Fatal(err)
	}
	dts := newTestServer(t, script...)
	d, err := h.client.Download(context.Background(), dts.URL+"/export.csv?sig=secret")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(d.Body)
	d.Body.Close()
	if string(body) != "a,b\n" {
		t.Errorf("downloaded %q", body)
	}
	want := []string{
		"retrying GET /api/v2/worker-runs/01KRUN in 2s: server error (HTTP 503) (attempt 2 of 5)",
		"retrying GET /api/v2/worker-runs/01KRUN in 1s: rate limited (HTTP 429) (attempt 3 of 5)",
		"retrying the download of " + dts.URL + "/export.csv in 2s: server error (HTTP 503) (attempt 2 of 5)",
		"retrying the download of " + dts.URL + "/export.csv in 1s: rate limited (HTTP 429) (attempt 3 of 5)",
	}
	if !reflect.DeepEqual(*h.notices, want) {
		t.Errorf("notices:\n%q\nwant:\n%q", *h.notices, want)
	}
	if got := h.clock.slept(); !reflect.DeepEqual(got, []time.Duration{2 * time.Second, time.Second, 2 * time.Second, time.Second}) {
		t.Errorf("sleeps %v", got)
	}
	if ts.count() != 3 || dts.count() != 3 {
		t.Errorf("%d API requests, %d download requests", ts.count(), dts.count())
	}
}

// What the loop refuses, it refuses for both: a Retry-After past the
// budget, a failure that is not retried, and an interrupt during a pause.
func TestOneRetryLoopStopsForCallsAndDownloads(t *testing.T) {
	tooLate := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "61")
		http.Error(w, "busy", http.StatusServiceUnavailable)
	}
	notFound := func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"code":20000,"message":"no such run"}`, http.StatusNotFound)
	}
	for _, tt := range []struct {
		name    string
		handler http.HandlerFunc
		cancel  bool
	}{
		{"Retry-After past the budget", tooLate, false},
		{"not retried", notFound, false},
		{"interrupted in the pause", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "busy", http.StatusServiceUnavailable)
		}, true},
	} {
		ts := newTestServer(t, tt.handler)
		ctx, cancel := context.WithCancel(context.Background())
		h := newHarness(t, ts.URL, func(o *Options) {
			o.Sleep = func(ctx context.Context, d time.Duration) error {
				if tt.cancel {
					cancel()
				}
				return ctx.Err()
			}
		})
		_, callErr := h.client.GetRun(ctx, RunRef{Slug: "01KRUN"})
		calls := ts.count()
		ctx, cancel = context.WithCancel(context.Background())
		_, dlErr := h.client.Download(ctx, ts.URL+"/export.csv")
		downloads := ts.count() - calls
		cancel()
		if callErr == nil || dlErr == nil {
			t.Fatalf("%s: errors %v, %v", tt.name, callErr, dlErr)
		}
		if calls != 1 || downloads != 1 {
			t.Errorf("%s: %d API requests, %d download requests; want one each", tt.name, calls, downloads)
		}
		if tt.cancel != errors.Is(callErr, context.Canceled) || tt.cancel != errors.Is(dlErr, context.Canceled) {
			t.Errorf("%s: errors %v, %v", tt.name, callErr, dlErr)
		}
		if n := len(*h.notices); (tt.cancel && n != 2) || (!tt.cancel && n != 0) {
			t.Errorf("%s: notices %q", tt.name, *h.notices)
		}
	}
}
