package jobs

import (
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// parser reads standard 5-field specs and descriptors such as @daily and @every 1h.
var parser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// Window is the part of the day a job may run in, inclusive at both ends, e.g. 03:00–23:45.
type Window struct {
	From, To time.Duration // since midnight
}

// ParseWindow parses "03:00-23:45".
func ParseWindow(s string) (*Window, error) {
	from, to, ok := strings.Cut(s, "-")
	if !ok {
		return nil, fmt.Errorf("window %q: want HH:MM-HH:MM", s)
	}
	f, err1 := clock(from)
	t, err2 := clock(to)
	if err1 != nil || err2 != nil || t < f {
		return nil, fmt.Errorf("window %q: want HH:MM-HH:MM with the start first", s)
	}
	return &Window{From: f, To: t}, nil
}

func clock(s string) (time.Duration, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, err
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}

// Contains reports whether the wall-clock time of t lies in the window.
func (w *Window) Contains(t time.Time) bool {
	d := time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute + time.Duration(t.Second())*time.Second
	return d >= w.From && d <= w.To
}

func (w *Window) String() string {
	return fmt.Sprintf("%02d:%02d–%02d:%02d", int(w.From.Hours()), int(w.From.Minutes())%60, int(w.To.Hours()), int(w.To.Minutes())%60)
}

// checkHorizon is how far ahead CheckSpec looks at a schedule's firing times: a year covers
// every month, weekday and both daylight-saving changes.
const checkHorizon = 366 * 24 * time.Hour

// CheckSpec parses spec and refuses it when it can fire between 02:00 and 03:00 in loc (that
// hour is skipped or repeated when daylight saving time changes, so a job there runs zero or
// two times), when it can fire outside window, or when it names its own time zone.
func CheckSpec(spec string, loc *time.Location, window *Window) (cron.Schedule, error) {
	spec = strings.TrimSpace(spec)
	if strings.HasPrefix(spec, "TZ=") || strings.HasPrefix(spec, "CRON_TZ=") {
		return nil, fmt.Errorf("schedule %q: remove the time zone; schedules are always in %s", spec, loc)
	}
	sched, err := parser.Parse(spec)
	if err != nil {
		return nil, fmt.Errorf("schedule %q: %w", spec, err)
	}
	start := time.Date(2026, time.January, 1, 0, 0, 0, 0, loc)
	end := start.Add(checkHorizon)
	for t, n := sched.Next(start), 0; !t.IsZero() && t.Before(end) && n < 200000; t, n = sched.Next(t), n+1 {
		lt := t.In(loc)
		if lt.Hour() == 2 {
			return nil, fmt.Errorf("schedule %q runs at %s (%s): jobs may not run between 02:00 and 03:00, because daylight saving time skips or repeats that hour", spec, lt.Format("15:04"), loc)
		}
		if window != nil && !window.Contains(lt) {
			return nil, fmt.Errorf("schedule %q runs at %s (%s), outside the job's window %s", spec, lt.Format("15:04"), loc, window)
		}
	}
	return sched, nil
}
