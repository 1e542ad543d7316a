package task

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/coreclaw/coreclaw/internal/api"
	"github.com/coreclaw/coreclaw/internal/cmdutil"
)

// scheduleFlags are --schedule, --at, --weekday, --day, --date and
// --enabled, which map to the task's schedule_* fields (REFERENCE §8.4).
type scheduleFlags struct {
	Schedule string
	At       string
	Weekday  int
	Day      int
	Date     string
	Enabled  bool
}

// scheduleTypes are the --schedule values and their schedule_type.
func scheduleTypes() []string { return []string{"daily", "weekly", "monthly", "once"} }

func addScheduleFlags(cmd *cobra.Command, s *scheduleFlags) {
	fl := cmd.Flags()
	cmdutil.AddEnumFlag(cmd, &s.Schedule, cmdutil.Enum{Name: "schedule", Values: scheduleTypes(),
		Usage: "run the task on a schedule of this type", Placeholder: "TYPE"})
	fl.StringVar(&s.At, "at", "", "the schedule's time of day, `HH:MM` (24-hour)")
	fl.IntVar(&s.Weekday, "weekday", 0, "with --schedule weekly: the day of the week, `1-7` (1 is Monday, 7 Sunday)")
	fl.IntVar(&s.Day, "day", 0, "with --schedule monthly: the day of the month, `1-31`")
	fl.StringVar(&s.Date, "date", "", "with --schedule once: the `DATE`, YYYY-MM-DD")
	fl.BoolVar(&s.Enabled, "enabled", false, "switch the schedule on (--enabled=false: off)")
}

// companion names the flag a schedule type needs besides --at: weekly
// (2) --weekday, monthly (3) --day, once (4) --date.
func companion(typ int) string { return map[int]string{2: "weekday", 3: "day", 4: "date"}[typ] }

// fields maps the flags given to the API's schedule fields and checks that
// they go together. For a new task (create) a --schedule needs --at, the
// other flags need --schedule, and the schedule is switched on unless
// --enabled=false. An update sends only what was given.
func (s *scheduleFlags) fields(given cmdutil.Given, create bool) (api.TaskSchedule, error) {
	var out api.TaskSchedule
	typ := 0
	if given.Has("schedule") {
		for i, name := range scheduleTypes() {
			if strings.EqualFold(s.Schedule, name) {
				typ = i + 1
			}
		}
		if typ == 0 {
			return out, cmdutil.UsageErrorf("--schedule must be daily, weekly, monthly or once, not %q", s.Schedule)
		}
		out.Type = &typ
	}
	if given.Has("at") {
		t, err := time.Parse("15:04", s.At)
		if err != nil || len(s.At) > 5 {
			return out, cmdutil.UsageErrorf("--at must be a time of day HH:MM (24-hour), not %q", s.At)
		}
		hhmm := t.Format("15:04")
		out.Time = &hhmm
	}
	if given.Has("weekday") {
		if s.Weekday < 1 || s.Weekday > 7 {
			return out, cmdutil.UsageErrorf("--weekday must be 1 (Monday) to 7 (Sunday), not %d", s.Weekday)
		}
		out.Weekday = &s.Weekday
	}
	if given.Has("day") {
		if s.Day < 1 || s.Day > 31 {
			return out, cmdutil.UsageErrorf("--day must be 1 to 31, not %d", s.Day)
		}
		out.Day = &s.Day
	}
	if given.Has("date") {
		d, err := time.Parse("2006-01-02", s.Date)
		if err != nil || d.Format("2006-01-02") != s.Date {
			return out, cmdutil.UsageErrorf("--date must be a day YYYY-MM-DD, not %q", s.Date)
		}
		out.OnceDate = &s.Date
	}
	if given.Has("enabled") {
		v := 0
		if s.Enabled {
			v = 1
		}
		out.Enabled = &v
	}

	for t := 2; t <= 4; t++ {
		flag := companion(t)
		name := scheduleTypes()[t-1]
		switch {
		case given.Has(flag) && typ != 0 && typ != t:
			return out, cmdutil.UsageErrorf("--%s only applies with --schedule %s", flag, name)
		case typ == t && !given.Has(flag):
			return out, cmdutil.UsageErrorf("--schedule %s needs --%s", name, flag)
		}
	}
	if !create {
		return out, nil
	}
	if typ == 0 {
		for _, flag := range []string{"at", "weekday", "day", "date", "enabled"} {
			if given.Has(flag) {
				return out, cmdutil.UsageErrorf("--%s needs --schedule", flag)
			}
		}
		return out, nil
	}
	if !given.Has("at") {
		return out, cmdutil.UsageErrorf("--schedule %s needs --at HH:MM", scheduleTypes()[typ-1])
	}
	if out.Enabled == nil {
		on := 1
		out.Enabled = &on
	}
	return out, nil
}

// describeSchedule is a task's schedule for the table: "weekly Mon 09:00",
// "(off)" added when it is switched off; "" without one.
func describeSchedule(typ, weekday, day int64, at, date string, enabled int64) string {
	var s string
	switch typ {
	case 1:
		s = "daily " + at
	case 2:
		names := []string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}
		w := fmt.Sprint(weekday)
		if weekday >= 1 && weekday <= 7 {
			w = names[weekday-1]
		}
		s = "weekly " + w + " " + at
	case 3:
		s = fmt.Sprintf("monthly day %d %s", day, at)
	case 4:
		s = "once " + date + " " + at
	default:
		return ""
	}
	s = strings.TrimSpace(s)
	if enabled == 0 {
		s += " (off)"
	}
	return s
}
