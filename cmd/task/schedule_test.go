package task

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/coreclaw/coreclaw/internal/cmdutil"
	"github.com/coreclaw/coreclaw/internal/iostreams"
)

func TestScheduleFields(t *testing.T) {
	type flags = map[string]string
	for _, c := range []struct {
		name   string
		create bool
		given  flags
		want   string // the JSON sent, or the usage error
	}{
		{"nothing", true, flags{}, `{}`},
		{"daily", true, flags{"schedule": "daily", "at": "09:30"}, `{"schedule_type":1,"schedule_time":"09:30","schedule_enabled":1}`},
		{"weekly", true, flags{"schedule": "weekly", "at": "7:05", "weekday": "1"}, `{"schedule_type":2,"schedule_time":"07:05","schedule_weekday":1,"schedule_enabled":1}`},
		{"monthly", true, flags{"schedule": "Monthly", "at": "23:59", "day": "31"}, `{"schedule_type":3,"schedule_time":"23:59","schedule_day":31,"schedule_enabled":1}`},
		{"once", true, flags{"schedule": "once", "at": "00:00", "date": "2028-02-29"}, `{"schedule_type":4,"schedule_time":"00:00","schedule_once_date":"2028-02-29","schedule_enabled":1}`},
		{"created off", true, flags{"schedule": "daily", "at": "09:00", "enabled": "false"}, `{"schedule_type":1,"schedule_time":"09:00","schedule_enabled":0}`},
		// (An unknown type is refused by the flag itself: AddEnumFlag.)
		{"create needs at", true, flags{"schedule": "daily"}, `--schedule daily needs --at HH:MM`},
		{"weekly needs weekday", true, flags{"schedule": "weekly", "at": "09:00"}, `--schedule weekly needs --weekday`},
		{"monthly needs day", false, flags{"schedule": "monthly"}, `--schedule monthly needs --day`},
		{"once needs date", false, flags{"schedule": "once", "at": "10:00"}, `--schedule once needs --date`},
		{"weekday with daily", true, flags{"schedule": "daily", "at": "09:00", "weekday": "3"}, `--weekday only applies with --schedule weekly`},
		{"date with monthly", false, flags{"schedule": "monthly", "day": "1", "date": "2026-12-01"}, `--date only applies with --schedule once`},
		{"at without schedule on create", true, flags{"at": "09:00"}, `--at needs --schedule`},
		{"enabled without schedule on create", true, flags{"enabled": "true"}, `--enabled needs --schedule`},
		{"bad time", true, flags{"schedule": "daily", "at": "24:00"}, `--at must be a time of day HH:MM (24-hour), not "24:00"`},
		{"time with seconds", true, flags{"schedule": "daily", "at": "09:00:00"}, `--at must be a time of day HH:MM (24-hour), not "09:00:00"`},
		{"weekday 0", false, flags{"weekday": "0"}, `--weekday must be 1 (Monday) to 7 (Sunday), not 0`},
		{"weekday 8", false, flags{"weekday": "8"}, `--weekday must be 1 (Monday) to 7 (Sunday), not 8`},
		{"day 32", false, flags{"day": "32"}, `--day must be 1 to 31, not 32`},
		{"no leap day", false, flags{"schedule": "once", "date": "2027-02-29"}, `--date must be a day YYYY-MM-DD, not "2027-02-29"`},
		{"short date", false, flags{"schedule": "once", "date": "2027-3-1"}, `--date must be a day YYYY-MM-DD, not "2027-3-1"`},
		// An update sends only what was given.
		{"update time only", false, flags{"at": "18:00"}, `{"schedule_time":"18:00"}`},
		{"update switch off", false, flags{"enabled": "false"}, `{"schedule_enabled":0}`},
		{"update weekday only", false, flags{"weekday": "7"}, `{"schedule_weekday":7}`},
		{"update type", false, flags{"schedule": "weekly", "weekday": "5"}, `{"schedule_type":2,"schedule_weekday":5}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			var opts *CreateOptions
			cmd := NewCmdCreate(&cmdutil.Factory{IOStreams: ios}, func(_ context.Context, o *CreateOptions) error { opts = o; return nil })
			args := []string{"fake/succeeds", "--title", "T"}
			for k, v := range c.given {
				args = append(args, "--"+k+"="+v)
			}
			cmd.SetArgs(args)
			if err := cmd.Execute(); err != nil {
				t.Fatal(err)
			}
			sched, err := opts.Schedule.fields(opts.Given, c.create)
			got := ""
			if err != nil {
				got = err.Error()
				if cmdutil.ExitCode(err) != cmdutil.ExitUsage {
					t.Errorf("exit code %d, want 2", cmdutil.ExitCode(err))
				}
			} else {
				b, _ := json.Marshal(sched)
				got = string(b)
			}
			if got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}

func TestDescribeSchedule(t *testing.T) {
	for _, c := range []struct {
		typ, weekday, day int64
		at, date          string
		enabled           int64
		want              string
	}{
		{1, 0, 0, "09:00", "", 1, "daily 09:00"},
		{2, 3, 0, "18:30", "", 1, "weekly Wed 18:30"},
		{3, 0, 15, "06:00", "", 0, "monthly day 15 06:00 (off)"},
		{4, 0, 0, "12:00", "2026-12-24", 1, "once 2026-12-24 12:00"},
		{0, 0, 0, "", "", 0, ""},
	} {
		if got := describeSchedule(c.typ, c.weekday, c.day, c.at, c.date, c.enabled); got != c.want {
			t.Errorf("describeSchedule(%d ...) = %q, want %q", c.typ, got, c.want)
		}
	}
}
