package logs

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/fakeapi"
	"github.com/coreclaw/coreclaw/internal/iostreams"
)

func TestFormatText(t *testing.T) {
	at := time.Date(2026, 11, 30, 8, 0, 1, 250e6, time.UTC)
	cs := iostreams.NewColorScheme(false)
	tests := []struct {
		name string
		e    api.LogEntry
		want string
	}{
		{"object", api.LogEntry{Time: at, Millis: at.UnixMilli(), Type: "2", Content: "SYSTEM: Running..."},
			"2026-11-30T08:00:01.250Z info SYSTEM: Running...\n"},
		{"lines and escapes", api.LogEntry{Time: at, Type: "3", Content: "\x1b[33mslow\x1b[0m\r\nretrying\x07\n"},
			"2026-11-30T08:00:01.250Z warn slow\n2026-11-30T08:00:01.250Z warn retrying\n"},
		{"empty content", api.LogEntry{Time: at, Type: "4"}, "2026-11-30T08:00:01.250Z error\n"},
		{"bare string", api.LogEntry{Content: "Run started", Plain: true}, "Run started\n"},
		{"no time", api.LogEntry{Type: "DEBUG", Content: "x"}, "debug x\n"},
		{"odd level", api.LogEntry{Type: "7", Content: "x"}, "7 x\n"},
	}
	for _, tt := range tests {
		if got := formatText(tt.e, cs); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestEntryObject(t *testing.T) {
	at := time.UnixMilli(1796025601250).UTC()
	tests := []struct {
		e    api.LogEntry
		want string
	}{
		{api.LogEntry{Time: at, Millis: 1796025601250, Type: "2", Group: "497", Content: "a\x1b[0m"},
			`{"time":"2026-11-30T08:00:01.250Z","timestamp":1796025601250,"level":"info","type":2,"group":"497","content":"a\u001b[0m"}`},
		{api.LogEntry{Content: "Run started", Plain: true},
			`{"time":null,"timestamp":null,"level":null,"type":null,"group":null,"content":"Run started"}`},
		{api.LogEntry{Type: "Warning", Content: ""},
			`{"time":null,"timestamp":null,"level":"warn","type":"Warning","group":null,"content":""}`},
	}
	for _, tt := range tests {
		raw, _ := entryObject(tt.e).MarshalJSON()
		var compact bytes.Buffer
		json.Compact(&compact, raw)
		if compact.String() != tt.want {
			t.Errorf("got  %s\nwant %s", compact.String(), tt.want)
		}
	}
}

func TestMatcher(t *testing.T) {
	m := matcher{re: regexp.MustCompile(`^retry`)}
	e := api.LogEntry{Content: "\x1b[33mslow\x1b[0m\n\x1b[1mretrying\x1b[0m in 2s"}
	if !m.match(e) {
		t.Error("the second line, cleaned, starts with retry")
	}
	if got := m.lines(e).Content; got != "\x1b[1mretrying\x1b[0m in 2s" {
		t.Errorf("lines: %q", got)
	}
	if m.match(api.LogEntry{Content: "no retry here"}) {
		t.Error("matched a line that does not start with retry")
	}
	if !(matcher{}).match(api.LogEntry{}) {
		t.Error("no --grep keeps everything")
	}
}

// testServer starts a fake API with a clock that ticks a second a reading.
func testServer(t *testing.T) *fakeapi.Server {
	t.Helper()
	spec, err := fakeapi.DefaultSpec(os.LookupEnv)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	now := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	srv, err := fakeapi.Start(fakeapi.Options{Spec: spec, Now: func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(time.Second)
		return now
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Close()
		if v := srv.Violations(); len(v) > 0 {
			t.Errorf("spec violations: %v", v)
		}
	})
	return srv
}

func testOptions(t *testing.T, srv *fakeapi.Server, sleep func(context.Context, time.Duration) error) (*Options, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	client, err := api.New(api.Options{BaseURL: srv.URL, APIKey: srv.APIKey(), Sleep: sleep})
	if err != nil {
		t.Fatal(err)
	}
	return &Options{
		IO: ios, APIClient: func() (*api.Client, error) { return client, nil },
		Now: time.Now, Sleep: sleep, Interval: 10 * time.Second,
	}, out, errOut
}

func TestFollowSleepsThroughTheInjectedSleep(t *testing.T) {
	srv := testServer(t)
	var slept []time.Duration
	now := time.Now()
	sleep := func(ctx context.Context, d time.Duration) error {
		slept = append(slept, d)
		now = now.Add(d)
		return ctx.Err()
	}
	opts, out, errOut := testOptions(t, srv, sleep)
	opts.Now = func() time.Time { return now }
	client, _ := opts.APIClient()
	started, err := client.StartRun(context.Background(), "fake~succeeds", api.RunRequest{IsAsync: true})
	if err != nil {
		t.Fatal(err)
	}
	opts.Run, opts.Follow = started.RunSlug, true
	if err := Run(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	seen := map[string]bool{}
	for _, l := range lines {
		if seen[l] {
			t.Errorf("printed twice: %q", l)
		}
		seen[l] = true
	}
	if len(lines) != 9 || !strings.HasSuffix(lines[8], "info SYSTEM: Finished with 3 results") {
		t.Errorf("got %d lines:\n%s", len(lines), out)
	}
	// Three rounds (ready, running, succeeded): two pauses on the wait's
	// schedule (250ms, 900ms), all through the injected sleep.
	if len(slept) != 2 || slept[0] != 250*time.Millisecond || slept[1] != 900*time.Millisecond {
		t.Errorf("slept %v", slept)
	}
	if !strings.HasPrefix(errOut.String(), "✓ run "+started.RunSlug+" succeeded · 3 results") {
		t.Errorf("stderr %q", errOut)
	}
}

func TestFollowInterruptedKeepsJSONValid(t *testing.T) {
	srv := testServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sleep := func(context.Context, time.Duration) error {
		cancel() // Ctrl-C during the first pause
		return context.Canceled
	}
	opts, out, _ := testOptions(t, srv, sleep)
	client, _ := opts.APIClient()
	started, err := client.StartRun(context.Background(), "fake~slow", api.RunRequest{IsAsync: true})
	if err != nil {
		t.Fatal(err)
	}
	opts.Run, opts.Follow, opts.Output = started.RunSlug, true, "json"
	err = Run(ctx, opts)
	if code := cmdutil.ExitCode(err); code != cmdutil.ExitInterrupted {
		t.Errorf("exit code %d (%v), want 130", code, err)
	}
	if msg, hint := cmdutil.Describe(err); msg != "interrupted" || hint != "go on with `coreclaw logs "+started.RunSlug+" --follow`" {
		t.Errorf("%q / %q", msg, hint)
	}
	var entries []map[string]any
	if err := json.Unmarshal(out.Bytes(), &entries); err != nil || len(entries) != 3 {
		t.Errorf("stdout is not the JSON array of the three entries so far: %v\n%s", err, out)
	}
}
