package logs

import (
	"strings"
	"testing"

	"github.com/coreclaw/coreclaw/internal/api"
)

// entry builds a log entry whose key is its text and millisecond.
func entry(ms int64, text string) api.LogEntry {
	return api.LogEntry{Millis: ms, Type: "2", Group: "g", Content: text}
}

func plain(text string) api.LogEntry { return api.LogEntry{Content: text, Plain: true} }

func contents(list []api.LogEntry) string {
	var s []string
	for _, e := range list {
		s = append(s, e.Content)
	}
	return strings.Join(s, ",")
}

func TestTracker(t *testing.T) {
	a, b, c, d, e, f := entry(1, "a"), entry(2, "b"), entry(3, "c"), entry(4, "d"), entry(5, "e"), entry(6, "f")
	steps := []struct {
		name  string
		reply []api.LogEntry
		fresh string
		gap   bool
	}{
		{"first reply: all new", []api.LogEntry{a, b}, "a,b", false},
		{"the same reply again: nothing", []api.LogEntry{a, b}, "", false},
		{"grows at the end", []api.LogEntry{a, b, c}, "c", false},
		{"the window slides", []api.LogEntry{b, c, d}, "d", false},
		{"slides by more than one", []api.LogEntry{d, e, f}, "e,f", false},
		{"shrinks to its tail", []api.LogEntry{e, f}, "", false},
		{"moves past everything seen", []api.LogEntry{entry(9, "x"), entry(10, "y")}, "x,y", true},
		{"empty", nil, "", false},
		{"after an empty reply: all new again", []api.LogEntry{entry(11, "z")}, "z", false},
	}
	var tr tracker
	for _, s := range steps {
		fresh, gap := tr.next(s.reply)
		if got := contents(fresh); got != s.fresh || gap != s.gap {
			t.Errorf("%s: fresh %q gap %v, want %q gap %v", s.name, got, gap, s.fresh, s.gap)
		}
	}
}

func TestTrackerRepeatedLines(t *testing.T) {
	// Bare strings have no time: the same text twice is told apart by
	// position, so a line the run really logged twice prints twice.
	var tr tracker
	steps := []struct {
		reply []api.LogEntry
		fresh string
	}{
		{[]api.LogEntry{plain("start"), plain("tick")}, "start,tick"},
		{[]api.LogEntry{plain("start"), plain("tick"), plain("tick")}, "tick"},
		{[]api.LogEntry{plain("tick"), plain("tick"), plain("tick"), plain("done")}, "tick,done"},
		{[]api.LogEntry{plain("tick"), plain("tick"), plain("done")}, ""},
	}
	for i, s := range steps {
		fresh, gap := tr.next(s.reply)
		if got := contents(fresh); got != s.fresh || gap {
			t.Errorf("step %d: fresh %q gap %v, want %q", i, got, gap, s.fresh)
		}
	}
}

func TestTrackerReordered(t *testing.T) {
	// A reply that is not a slid window (reordered, or a summary line that
	// changed in place): only entries absent before are new, and no gap is
	// claimed when some of it was seen.
	var tr tracker
	tr.next([]api.LogEntry{entry(1, "a"), entry(2, "b"), entry(3, "c")})
	fresh, gap := tr.next([]api.LogEntry{entry(2, "b"), entry(1, "a"), entry(4, "d")})
	if got := contents(fresh); got != "d" || gap {
		t.Errorf("fresh %q gap %v", got, gap)
	}
}

func TestOverlap(t *testing.T) {
	tests := []struct {
		prev, cur string
		want      int
	}{
		{"", "ab", 0},
		{"ab", "", 0},
		{"abc", "abc", 3},
		{"abc", "bcd", 2},
		{"abc", "cde", 1},
		{"abc", "def", 0},
		{"aab", "abx", 2},
		{"abab", "abab", 4},
		{"abab", "abx", 2},
	}
	for _, tt := range tests {
		if got := overlap(strings.Split(tt.prev, ""), strings.Split(tt.cur, "")); tt.prev != "" && tt.cur != "" && got != tt.want {
			t.Errorf("overlap(%q, %q) = %d, want %d", tt.prev, tt.cur, got, tt.want)
		}
	}
	if overlap(nil, []string{"a"}) != 0 || overlap([]string{"a"}, nil) != 0 {
		t.Error("overlap with an empty side")
	}
}

func TestTrackerSlidingWindow(t *testing.T) {
	var tr tracker
	var got []string
	for _, reply := range [][]string{{"a", "b", "c"}, {"b", "c", "d", "e"}, {"d", "e", "f"}} {
		var list []api.LogEntry
		for _, s := range reply {
			list = append(list, plain(s))
		}
		fresh, _ := tr.next(list)
		got = append(got, contents(fresh))
	}
	if strings.Join(got, " ") != "a,b,c d,e f" {
		t.Errorf("got %q", got)
	}
}
