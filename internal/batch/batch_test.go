package batch

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/runwait"
)

func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "m.runs.jsonl")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// A later record of a line replaces the earlier ones.
func TestManifestLaterRecordWins(t *testing.T) {
	path := writeFile(t, `{"line":2,"worker":"a~b","input_hash":"h","state":"starting"}
{"line":1,"worker":"a~b","input_hash":"g","state":"started","slug":"S1"}
{"line":2,"worker":"a~b","input_hash":"h","state":"started","slug":"S2","status":"running"}
`)
	m, err := Open(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	entries := m.Entries()
	if len(entries) != 2 || entries[0].Line != 1 || entries[1].Slug != "S2" || entries[1].Status != "running" {
		t.Fatalf("entries %+v %+v", entries[0], entries[1])
	}
	if len(m.Warnings) != 0 {
		t.Fatalf("warnings %v", m.Warnings)
	}
}

// A last record cut short by a crash is ignored and cut off the file, so
// that the next record starts on a line of its own.
func TestManifestTornLastRecord(t *testing.T) {
	path := writeFile(t, `{"line":1,"worker":"a~b","input_hash":"g","state":"started","slug":"S1"}
{"line":1,"worker":"a~b","input_h`)
	m, err := Open(path, false)
	if err != nil {
		t.Fatal(err)
	}
	if e := m.Get(1); e == nil || e.Slug != "S1" {
		t.Fatalf("line 1: %+v", e)
	}
	if len(m.Warnings) != 1 || !strings.Contains(m.Warnings[0], "last record (record 2) was cut short") {
		t.Fatalf("warnings %v", m.Warnings)
	}
	if err := m.Record(Entry{Line: 2, Worker: "a~b", InputHash: "h", State: StateStarting}); err != nil {
		t.Fatal(err)
	}
	m.Close()
	data, _ := os.ReadFile(path)
	want := `{"line":1,"worker":"a~b","input_hash":"g","state":"started","slug":"S1"}
{"line":2,"worker":"a~b","input_hash":"h","state":"starting"}
`
	if string(data) != want {
		t.Fatalf("file:\n%s\nwant:\n%s", data, want)
	}
	m2, err := Open(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer m2.Close()
	if e := m2.Get(2); e == nil || !e.Uncertain() {
		t.Fatalf("line 2: %+v", e)
	}
}

// A bad record anywhere but at the end is not a crash's doing: an error.
func TestManifestBadRecordInTheMiddle(t *testing.T) {
	path := writeFile(t, `{"line":1,"worker":"a~b","input_hash":"g","state":"started","slug":"S1"}
not json
{"line":2,"worker":"a~b","input_hash":"h","state":"started","slug":"S2"}
`)
	_, err := Open(path, false)
	if err == nil || !strings.Contains(err.Error(), "record 2 is not a batch record") {
		t.Fatalf("err %v", err)
	}
	if _, err := Open(filepath.Join(t.TempDir(), "missing"), false); err == nil || !strings.HasPrefix(err.Error(), "no manifest at ") {
		t.Fatalf("missing: %v", err)
	}
}

func TestSplitInputs(t *testing.T) {
	lines, bad := SplitInputs([]byte("{\"a\":1}\n\n  \n[1]\n{\"b\":2}\r\n{oops\n"))
	if len(lines) != 2 || lines[0].N != 1 || lines[1].N != 5 || string(lines[1].Text) != `{"b":2}` {
		t.Fatalf("lines %+v", lines)
	}
	if len(bad) != 2 || bad[0].N != 4 || bad[0].Msg != "not a JSON object" || bad[1].N != 6 {
		t.Fatalf("bad %+v", bad)
	}
	lines, bad = SplitInputs([]byte(` [{"a":1}, 2, {"b":2}] `))
	if len(lines) != 2 || lines[1].N != 3 || len(bad) != 1 || bad[0].N != 2 {
		t.Fatalf("array: lines %+v bad %+v", lines, bad)
	}
}

// The same input written another way has the same hash; another input
// has another.
func TestInputHash(t *testing.T) {
	a := InputHash([]byte(`{"parameters":{"custom":{"b":[1,2],"a":"x"}}}`))
	b := InputHash([]byte(`{ "parameters" : { "custom" : { "a" : "x", "b" : [1, 2] } } }`))
	c := InputHash([]byte(`{"parameters":{"custom":{"a":"x","b":[2,1]}}}`))
	if a != b || a == c || !strings.HasPrefix(a, "sha256:") || len(a) != len("sha256:")+64 {
		t.Fatalf("%s %s %s", a, b, c)
	}
	// Numbers keep their digits: 1e2 and 100 are different inputs to a
	// Worker that reads them as text.
	if InputHash([]byte(`{"n":12345678901234567890}`)) == InputHash([]byte(`{"n":12345678901234567000}`)) {
		t.Fatal("large numbers were rounded")
	}
}

// Before the batch knows how long its runs take, a run is checked as one
// wait checks it (the shared schedule); after, first when that time has
// passed, then at a tenth of it, doubling, never more than the interval,
// and never before a wait's check of the same number.
func TestNextCheck(t *testing.T) {
	max := 10 * time.Second
	var at time.Duration
	for n := 1; n <= 30; n++ {
		if got := NextCheck(n-1, at, 0, max); got != at {
			t.Fatalf("unlearned: check %d due at %v, want the wait's %v", n, got, at)
		}
		at += runwait.NextDelay(at, max)
	}
	// Learned 2s: 2s, then 0.2s, 0.4s, 0.8s... after the last check.
	got := []time.Duration{NextCheck(0, 0, 2*time.Second, max)}
	for n := 1; n <= 4; n++ {
		got = append(got, NextCheck(n, got[n-1], 2*time.Second, max))
	}
	want := []time.Duration{2 * time.Second, 2200 * time.Millisecond, 2600 * time.Millisecond, 3400 * time.Millisecond, 5000 * time.Millisecond}
	if !equal(got, want) {
		t.Fatalf("learned 2s: %v, want %v", got, want)
	}
	// Learned too short: never before the wait's check of that number.
	if got, want := NextCheck(2, 300*time.Millisecond, 200*time.Millisecond, max), waitCheck(3, max); got != want {
		t.Fatalf("learned 0.2s, check 3 due at %v, want the wait's %v", got, want)
	}
	if d := NextCheck(0, 0, time.Hour, max); d != max {
		t.Fatalf("a long run's first check: %v, want the interval", d)
	}
}

func equal(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestDurationsMedianOfNewest(t *testing.T) {
	var d durations
	if d.estimate() != 0 {
		t.Fatal("an estimate with no sample")
	}
	for _, s := range []int{5, 1, 3, 0} {
		d.add(time.Duration(s) * time.Second)
	}
	if got := d.estimate(); got != 3*time.Second {
		t.Fatalf("median %v", got)
	}
	for i := 0; i < maxSamples; i++ {
		d.add(time.Second)
	}
	if got := d.estimate(); got != time.Second {
		t.Fatalf("after %d newer samples: %v", maxSamples, got)
	}
}

// The terminal view redraws one line in place, and prints the runs that
// did not succeed, and notices, above it.
func TestTerminalView(t *testing.T) {
	ios, _, _, errOut := iostreams.Test()
	ios.SetTTY(false, false, true)
	ios.DisableColor()
	v := &TerminalView{IO: ios}
	v.Notice("before the first round")
	v.Started(1, "S1")
	v.Progress(Progress{Pending: 3, Ready: 1, Running: 1, Succeeded: 2,
		Slowest: []Going{{Line: 4, Since: 95 * time.Second}, {Line: 2, Since: 3 * time.Second}}, ETA: 90 * time.Second})
	v.Status(3, &api.Run{Slug: "S3", Status: api.StatusSucceeded})
	v.Status(4, &api.Run{Slug: "S4", Status: api.StatusFailed, ErrMsg: "blocked"})
	v.Progress(Progress{Pending: 2, Running: 2, Succeeded: 3, Failed: 1, Aborted: 1})
	v.Notice("the API is rate limiting this key")
	v.Close()
	first := "batch: 3 waiting · 1 ready · 1 running · 2 succeeded · slowest: line 4 1m35s, line 2 3s · ETA 1m30s"
	second := "batch: 2 waiting · 0 ready · 2 running · 3 succeeded · 1 failed · 1 aborted"
	want := "notice: before the first round\n" +
		"\r⠋ " + first + "\x1b[K" +
		"\x1b[2K\r" + "line 4: ✗ run S4 failed · 0 results · blocked\n" +
		"\r⠙ " + first + "\x1b[K" +
		"\r⠹ " + second + "\x1b[K" +
		"\x1b[2K\r" + "notice: the API is rate limiting this key\n" +
		"\r⠸ " + second + "\x1b[K" +
		"\x1b[2K\r"
	if errOut.String() != want {
		t.Fatalf("drawn:\n%q\nwant:\n%q", errOut.String(), want)
	}
}

// Reading (status, results) leaves a torn last record where it is: it may
// be a record another coreclaw is writing.
func TestManifestReadLeavesTheFileAlone(t *testing.T) {
	content := `{"line":1,"worker":"a~b","input_hash":"g","state":"started","slug":"S1"}
{"line":2,"wor`
	path := writeFile(t, content)
	m, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if m.Get(1) == nil || m.Get(2) != nil || len(m.Warnings) != 1 {
		t.Fatalf("entries %v warnings %v", m.Entries(), m.Warnings)
	}
	if err := m.Record(Entry{Line: 3}); err == nil {
		t.Fatal("a manifest opened for reading took a record")
	}
	if data, _ := os.ReadFile(path); string(data) != content {
		t.Fatalf("the file changed:\n%s", data)
	}
}

// One writer at a time: a second Open of the same manifest is refused
// until the first is closed. Readers are not in the lock's way, nor is
// the writer's own appending (Windows enforces its locks on reads and
// writes of the bytes locked).
func TestManifestOneWriter(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.runs.jsonl")
	first, err := Open(path, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Record(Entry{Line: 1, Worker: "fake~succeeds", State: StateStarting}); err != nil {
		t.Fatalf("the writer's own record: %v", err)
	}
	_, err = Open(path, false)
	if runtimeHasLock && !errors.Is(err, ErrInUse) {
		t.Fatalf("second writer: %v", err)
	}
	read, err := Read(path)
	if err != nil || read.Get(1) == nil || read.Get(1).State != StateStarting {
		t.Fatalf("a reader while the writer holds the lock: %v, %+v", err, read)
	}
	first.Close()
	second, err := Open(path, false)
	if err != nil {
		t.Fatalf("after the first closed: %v", err)
	}
	second.Close()
}
