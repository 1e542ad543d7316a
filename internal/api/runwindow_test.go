package api

import (
	"testing"
	"time"
)

func day(t *testing.T, s string) Day {
	t.Helper()
	d, err := ParseDay(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestParseDay(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string // "" = error
	}{
		{"2026-11-30", "2026-11-30"},
		{"2028-02-29", "2028-02-29"}, // leap year
		{"2000-02-29", "2000-02-29"}, // divisible by 400
		{"2026-02-29", ""},           // not a leap year
		{"2100-02-29", ""},           // divisible by 100, not 400
		{"2026-04-31", ""},
		{"2026-13-01", ""},
		{"2026-1-5", ""},
		{"2026-11-30T00:00:00Z", ""},
		{" 2026-11-30", ""},
		{"", ""},
		{"yesterday", ""},
	} {
		d, err := ParseDay(c.in)
		switch {
		case c.want == "" && err == nil:
			t.Errorf("ParseDay(%q) = %s, want an error", c.in, d)
		case c.want != "" && err != nil:
			t.Errorf("ParseDay(%q): %v", c.in, err)
		case c.want != "" && d.String() != c.want:
			t.Errorf("ParseDay(%q) = %s, want %s", c.in, d, c.want)
		}
	}
}

func TestDayOfIsBeijingTime(t *testing.T) {
	for _, c := range []struct {
		utc  string
		want string
	}{
		{"2026-11-30T15:59:59Z", "2026-11-30"},
		{"2026-11-30T16:00:00Z", "2026-12-01"}, // midnight in Beijing
		{"2026-12-31T16:00:00Z", "2027-01-01"},
		{"2028-02-28T16:00:00Z", "2028-02-29"},
		{"2026-03-01T00:00:00+08:00", "2026-03-01"},
	} {
		tm, err := time.Parse(time.RFC3339, c.utc)
		if err != nil {
			t.Fatal(err)
		}
		if got := DayOf(tm).String(); got != c.want {
			t.Errorf("DayOf(%s) = %s, want %s", c.utc, got, c.want)
		}
	}
}

func TestDayStartIsMidnightInBeijing(t *testing.T) {
	got := day(t, "2026-10-01").Start()
	if got.Unix() != 1790784000 || got.UTC().Format(time.RFC3339) != "2026-09-30T16:00:00Z" {
		t.Fatalf("start of 2026-10-01 = %d (%s)", got.Unix(), got.UTC().Format(time.RFC3339))
	}
}

func TestMonthWindows(t *testing.T) {
	for _, c := range []struct {
		since, until string
		want         []string
	}{
		{"2026-11-01", "2026-11-30", []string{"2026-11-01..2026-11-30"}},
		{"2026-11-30", "2026-11-30", []string{"2026-11-30..2026-11-30"}},
		{"2026-09-15", "2026-11-10", []string{"2026-11-01..2026-11-10", "2026-10-01..2026-10-31", "2026-09-15..2026-09-30"}},
		// Leap February and the turn of the year.
		{"2027-12-31", "2028-03-01", []string{"2028-03-01..2028-03-01", "2028-02-01..2028-02-29", "2028-01-01..2028-01-31", "2027-12-31..2027-12-31"}},
		{"2026-02-01", "2026-03-31", []string{"2026-03-01..2026-03-31", "2026-02-01..2026-02-28"}},
		{"2026-12-01", "2026-11-30", nil},
	} {
		var got []string
		for _, w := range MonthWindows(day(t, c.since), day(t, c.until)) {
			got = append(got, w.From.String()+".."+w.To.String())
		}
		if len(got) != len(c.want) {
			t.Errorf("MonthWindows(%s, %s) = %v, want %v", c.since, c.until, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("MonthWindows(%s, %s) = %v, want %v", c.since, c.until, got, c.want)
				break
			}
		}
	}
}

// The window is sent as the first day at 00:00:00 and the last day at
// 00:00:00, Beijing time; the server adds a day to the end, so the last
// day of a month must not spill into the next.
func TestRunWindowQuery(t *testing.T) {
	q := RunWindow{From: day(t, "2026-02-01"), To: day(t, "2026-02-28")}.query()
	if got := q.Encode(); got != "end_time=1772208000&start_time=1769875200" {
		t.Fatalf("query = %s", got)
	}
	start := time.Unix(1769875200, 0).UTC().Format(time.RFC3339)
	end := time.Unix(1772208000+86400, 0).UTC().Format(time.RFC3339)
	if start != "2026-01-31T16:00:00Z" || end != "2026-02-28T16:00:00Z" {
		t.Fatalf("window [%s, %s)", start, end)
	}
}
