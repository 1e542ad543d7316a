package runwait

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/fakeapi"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/memnet"
)

// TestWaitTimeoutCutsACheckInFlight: --timeout bounds the whole wait, a
// check that the server never answers included: exit 5 at the deadline,
// not when the client's own timeouts (a minute and more) give up.
//
// The fake and the client run in a testing/synctest bubble, on its clock.
func TestWaitTimeoutCutsACheckInFlight(t *testing.T) {
	if _, err := loadSpec(); err != nil { // outside the bubble: the tests share it
		t.Fatal(err)
	}
	synctest.Test(t, testWaitTimeoutCutsACheckInFlight)
}

func testWaitTimeoutCutsACheckInFlight(t *testing.T) {
	h, slug := newWaitOn(t, memnet.New(), "fake/slow", "running")
	// No check is ever answered.
	h.srv.AddFault(fakeapi.Fault{Method: "GET", Path: "/api/v2/worker-runs/*", Delay: time.Hour})
	h.opts.Timeout = 200 * time.Millisecond
	began := time.Now()
	run, err := Wait(context.Background(), h.opts, slug)
	took := time.Since(began)
	if code := cmdutil.ExitCode(err); code != cmdutil.ExitTimeout {
		t.Fatalf("exit %d (%v), want 5", code, err)
	}
	msg, hint := cmdutil.Describe(err)
	if msg != "timed out after 200ms waiting for run "+slug+" (status unknown); the run goes on" ||
		hint != "resume with `coreclaw wait "+slug+"`, or stop it with `coreclaw abort "+slug+"`" {
		t.Errorf("%q / %q", msg, hint)
	}
	if run != nil || h.gets(slug) != 1 {
		t.Errorf("run %+v after %d checks, want none after 1", run, h.gets(slug))
	}
	// No "checking run failed" notice: the cut check is the timeout itself.
	if got := h.stderr.String(); got != "" {
		t.Errorf("stderr %q", got)
	}
	// On the bubble's clock, to the nanosecond: the client alone would
	// have waited 60s for the reply's headers.
	if took != h.opts.Timeout {
		t.Errorf("the wait took %s, want %s", took, h.opts.Timeout)
	}
}

// TestWaitSecondInterruptDuringAbort: a second Ctrl-C while the abort is in
// flight ends the command at once, saying the abort's outcome is unknown.
func TestWaitSecondInterruptDuringAbort(t *testing.T) {
	synctest.Test(t, testWaitSecondInterruptDuringAbort)
}

func testWaitSecondInterruptDuringAbort(t *testing.T) {
	abortArrived := make(chan struct{})
	var once sync.Once
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "POST" {
			// Read the body, so that the server notices the client leave.
			io.ReadAll(r.Body)
			once.Do(func() { close(abortArrived) })
			<-r.Context().Done()
			return
		}
		fmt.Fprint(w, `{"code":0,"message":"success","data":{"slug":"R1","status":"running"}}`)
	}))
	nw := memnet.New()
	ln, err := nw.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts.Listener.Close()
	ts.Listener = ln
	ts.Start()
	defer ts.Close()
	transport := api.NewTransport(api.DefaultTimeouts(), nil)
	transport.DialContext = nw.DialContext
	client, err := api.New(api.Options{BaseURL: ts.URL, APIKey: "k", Retry: api.NoRetries(), Transport: transport})
	if err != nil {
		t.Fatal(err)
	}
	again := make(chan struct{})
	go func() {
		<-abortArrived
		close(again)
	}()
	ctx, cancel := context.WithCancel(cmdutil.WithSecondInterrupt(context.Background(), again))
	defer cancel()
	ios, _, _, _ := iostreams.Test()
	clk := newClock()
	clk.onSleep = func(int) { cancel() }
	began := time.Now()
	_, err = Wait(ctx, Options{IO: ios, Client: client, Now: clk.Now, Sleep: clk.Sleep, Interval: time.Second, OnInterrupt: OnInterruptAbort}, "R1")
	if cmdutil.ExitCode(err) != cmdutil.ExitInterrupted {
		t.Fatalf("exit %d (%v)", cmdutil.ExitCode(err), err)
	}
	msg, hint := cmdutil.Describe(err)
	want := []string{"interrupted again while aborting run R1; whether it was aborted is unknown",
		"check it with `coreclaw status R1`, and stop it with `coreclaw abort R1` if it is still going"}
	if got := []string{msg, hint}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
	// At once, on the bubble's clock: the abort alone would have waited
	// its 10s.
	if took := time.Since(began); took != 0 {
		t.Errorf("took %s", took)
	}
}
