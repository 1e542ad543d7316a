package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// The counter sees rows however the child's writes split them.
func TestCounter(t *testing.T) {
	var c counter
	for _, chunk := range []string{`{"n":1}`, "\n{\"n\"", ":2}\n{\"n\":3}\n", `{"n":4`, "}\n"} {
		c.Write([]byte(chunk))
	}
	if c.lines != 4 || c.bytes != 32 || string(c.last) != `{"n":4}` {
		t.Errorf("lines %d, bytes %d, last %q", c.lines, c.bytes, c.last)
	}
}

func TestProgressUpdates(t *testing.T) {
	tty := []byte("\x1b[?25l\r1,000 rows (500/s)\r\x1b[K2,000 rows (800/s)\r\n")
	n, last := progressUpdates(tty)
	if n != 2 || last != "2,000 rows (800/s)" {
		t.Errorf("%d updates, last %q", n, last)
	}
	if n, _ := progressUpdates(nil); n != 0 {
		t.Errorf("nothing on the terminal: %d updates", n)
	}
}

func TestMedian(t *testing.T) {
	if got := median([]time.Duration{5, 1, 4, 2, 3}); got != 3 {
		t.Errorf("median = %v", got)
	}
	if got := median(nil); got != 0 {
		t.Errorf("median of nothing = %v", got)
	}
}

func TestReportTables(t *testing.T) {
	figs := []figure{{target: "1 start-up", name: "a|b", measured: "1.0 ms", goal: "≤ 1.2×", met: "met"}}
	var md, plain bytes.Buffer
	writeMarkdown(&md, figs)
	writeTable(&plain, figs)
	if !strings.Contains(md.String(), "| 1 start-up | a\\|b | 1.0 ms | ≤ 1.2× | met |\n") {
		t.Errorf("markdown:\n%s", md.String())
	}
	if !strings.HasPrefix(plain.String(), "TARGET") || !strings.Contains(plain.String(), "a|b") {
		t.Errorf("table:\n%s", plain.String())
	}
}

// The long-run figure is the wait schedule's, exactly: it moves only when
// the schedule does.
func TestLongRunSchedule(t *testing.T) {
	f := longRunSchedule()
	want := "reads at least 3.0 s apart after the first minute; the end noticed within 97% of the lateness allowed; at most 57% of the reads allowed"
	if f.measured != want || f.met != "met" {
		t.Errorf("figure %q (%s), want %q (met)", f.measured, f.met, want)
	}
}
