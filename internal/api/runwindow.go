package api

import (
	"fmt"
	"net/url"
	"strconv"
	"time"
)

// The run list counts days in Beijing time (UTC+8, no daylight saving
// time), and one request may not cross a calendar month (REFERENCE §8.6).

// beijing is the zone the run list counts days in.
func beijing() *time.Location { return time.FixedZone("UTC+8", 8*60*60) }

// Day is a calendar day as the run list counts them: in Beijing time.
type Day struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDay reads a day written YYYY-MM-DD.
func ParseDay(s string) (Day, error) {
	t, err := time.ParseInLocation("2006-01-02", s, beijing())
	if err != nil {
		return Day{}, fmt.Errorf("%q is not a day of the form YYYY-MM-DD", s)
	}
	return DayOf(t), nil
}

// DayOf is the day t falls on in Beijing time.
func DayOf(t time.Time) Day {
	t = t.In(beijing())
	return Day{t.Year(), t.Month(), t.Day()}
}

// Start is the day's first moment, 00:00:00 in Beijing time.
func (d Day) Start() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, beijing()) }

func (d Day) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// Before reports whether d comes before e.
func (d Day) Before(e Day) bool { return d.Start().Before(e.Start()) }

// FirstOfMonth is the first day of d's month.
func (d Day) FirstOfMonth() Day { return Day{d.Year, d.Month, 1} }

// addDays moves n days on (or back); time.Date normalises month ends
// and leap years.
func (d Day) addDays(n int) Day {
	return DayOf(time.Date(d.Year, d.Month, d.Day+n, 0, 0, 0, 0, beijing()))
}

// RunWindow is the days From to To, both included, within one calendar
// month: the most one run-list request may ask for.
type RunWindow struct {
	From, To Day
}

// MonthWindows splits the days since to until (both included) at month
// boundaries, newest first. It returns nothing when until is before since.
func MonthWindows(since, until Day) []RunWindow {
	var out []RunWindow
	for to := until; !to.Before(since); {
		from := to.FirstOfMonth()
		if from.Before(since) {
			from = since
		}
		out = append(out, RunWindow{From: from, To: to})
		to = from.addDays(-1)
	}
	return out
}

// query is the window as the API takes it: start_time is From at 00:00:00,
// end_time is To at 00:00:00 (the server adds a day to include it), both
// Unix seconds, Beijing time.
func (w RunWindow) query() url.Values {
	return url.Values{
		"start_time": {strconv.FormatInt(w.From.Start().Unix(), 10)},
		"end_time":   {strconv.FormatInt(w.To.Start().Unix(), 10)},
	}
}
