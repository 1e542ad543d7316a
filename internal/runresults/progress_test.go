package runresults

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/iostreams"
	"github.com/coreclaw/coreclaw/internal/output"
)

// stepClock is an injected clock that the test moves.
type stepClock struct {
	mu sync.Mutex
	t  time.Time
	// step is added after each reading.
	step time.Duration
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.t
	c.t = c.t.Add(c.step)
	return t
}

func (c *stepClock) set(d time.Duration) {
	c.mu.Lock()
	c.t = time.Date(2026, 12, 2, 4, 0, 0, 0, time.UTC).Add(d)
	c.mu.Unlock()
}

// ttyStreams are streams with stderr on a (fake) terminal and stdout as
// given.
func ttyStreams(stdoutTTY bool) (*iostreams.IOStreams, *bytes.Buffer, *bytes.Buffer) {
	ios, _, out, errOut := iostreams.Test()
	ios.SetTTY(false, stdoutTTY, true)
	return ios, out, errOut
}

func printerFor(t *testing.T, ios *iostreams.IOStreams, f output.Flags) *output.Printer {
	t.Helper()
	p, err := f.Printer(ios)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// The exact frames on a terminal: nothing for the first half second, then
// at most one frame per 100 ms, cleared before anything else reaches
// stderr and at the end.
func TestProgressFrames(t *testing.T) {
	ios, _, errOut := ttyStreams(false)
	clock := &stepClock{}
	clock.set(0)
	p := NewProgress(ios, clock.Now, printerFor(t, ios, output.Flags{Output: "jsonl"}))
	if p == nil {
		t.Fatal("no progress on a terminal")
	}
	p.Start()
	step := func(at time.Duration, rows int64) {
		clock.set(at)
		p.Update(rows, 100000)
	}
	step(100*time.Millisecond, 200)  // too early
	step(500*time.Millisecond, 2000) // the first frame
	step(550*time.Millisecond, 2100) // too soon after it
	step(600*time.Millisecond, 12300)
	io.WriteString(ios.ErrOut, "notice: retrying\n")
	step(610*time.Millisecond, 12400) // drawn again at once
	p.Stop()
	io.WriteString(ios.ErrOut, "warning: after\n")
	want := "\r⠋ Fetching results… 2,000 of 100,000 rows (4,000 rows/s)\x1b[K" +
		"\r⠙ Fetching results… 12,300 of 100,000 rows (20,500 rows/s)\x1b[K" +
		"\x1b[2K\rnotice: retrying\n" +
		"\r⠹ Fetching results… 12,400 of 100,000 rows (20,327 rows/s)\x1b[K" +
		"\x1b[2K\r" +
		"warning: after\n"
	if got := errOut.String(); got != want {
		t.Errorf("stderr:\n%q\nwant:\n%q", got, want)
	}
}

// An unknown total shows the rows alone.
func TestProgressWithoutTotal(t *testing.T) {
	ios, _, errOut := ttyStreams(false)
	clock := &stepClock{}
	clock.set(0)
	p := NewProgress(ios, clock.Now, nil)
	p.Start()
	clock.set(2 * time.Second)
	p.Update(5000, -1)
	p.Stop()
	if want := "\r⠋ Fetching results… 5,000 rows (2,500 rows/s)\x1b[K\x1b[2K\r"; errOut.String() != want {
		t.Errorf("stderr %q, want %q", errOut.String(), want)
	}
}

// No line on a pipe, nor when the rows stream to the terminal stderr is
// on; a table or --jq prints once every row is in, so the line is shown.
func TestProgressWhere(t *testing.T) {
	tests := []struct {
		name      string
		stderrTTY bool
		stdoutTTY bool
		flags     output.Flags
		shown     bool
	}{
		{"stderr a pipe", false, false, output.Flags{Output: "jsonl"}, false},
		{"stderr a pipe, stdout a terminal", false, true, output.Flags{}, false},
		{"stderr a terminal, stdout a file", true, false, output.Flags{Output: "csv"}, true},
		{"both terminals, jsonl streaming", true, true, output.Flags{Output: "jsonl"}, false},
		{"both terminals, json streaming", true, true, output.Flags{Output: "json"}, false},
		{"both terminals, a table", true, true, output.Flags{}, true},
		{"both terminals, --jq", true, true, output.Flags{JQ: "length"}, true},
	}
	for _, tt := range tests {
		ios, _, _, _ := iostreams.Test()
		ios.SetTTY(false, tt.stdoutTTY, tt.stderrTTY)
		p := NewProgress(ios, time.Now, printerFor(t, ios, tt.flags))
		if (p != nil) != tt.shown {
			t.Errorf("%s: progress %v, want %v", tt.name, p != nil, tt.shown)
		}
	}
}

// Through Print: frames while the pages come, cleared before the
// shortfall warning; the rows on stdout are untouched. On a pipe, stderr
// has the warning alone.
func TestPrintShowsProgress(t *testing.T) {
	for _, tty := range []bool{true, false} {
		t.Run(fmt.Sprintf("stderr a terminal: %v", tty), func(t *testing.T) {
			c := server(t, 250, 300)
			ios, _, out, errOut := iostreams.Test()
			ios.SetTTY(false, false, tty)
			clock := &stepClock{step: 300 * time.Millisecond}
			clock.set(0)
			printer := printerFor(t, ios, output.Flags{Output: "jsonl"})
			stderr := ios.ErrOut
			opts := Options{Concurrency: 1, Warn: func(s string) { fmt.Fprintf(ios.ErrOut, "warning: %s\n", s) },
				Progress: NewProgress(ios, clock.Now, printer)}
			n, err := Print(context.Background(), c, api.RunRef{Slug: "r"}, printer.Rows(context.Background()), opts)
			if err != nil || n != 250 || strings.Count(out.String(), "\n") != 250 {
				t.Fatalf("%d rows, err %v", n, err)
			}
			want := "warning: the run reports 300 results but 250 were returned\n"
			if tty {
				// Now is read at Start (0 ms), then once per page: 300,
				// 600 (the first frame), 900 ms.
				want = "\r⠋ Fetching results… 200 of 300 rows (333 rows/s)\x1b[K" +
					"\r⠙ Fetching results… 250 of 300 rows (277 rows/s)\x1b[K" +
					"\x1b[2K\r" + want
			}
			if errOut.String() != want {
				t.Errorf("stderr %q, want %q", errOut.String(), want)
			}
			if ios.ErrOut != stderr {
				t.Error("stderr replaced")
			}
		})
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 12300: "12,300", 100000: "100,000", 1234567: "1,234,567", -4100: "-4,100"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
