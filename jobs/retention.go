package jobs

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Retention is how long the municipality's own decisions are kept: a decision whose date lies
// further back is deleted for good by the daily retention job. The zero Retention keeps
// everything.
type Retention struct {
	Years, Months, Days int
}

// ParseRetention reads "5y", "18m", "90d" or a sum such as "1y6m"; "" and "off" keep for ever.
func ParseRetention(s string) (Retention, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	var r Retention
	if s == "" || s == "off" {
		return r, nil
	}
	rest := s
	for rest != "" {
		i := strings.IndexAny(rest, "ymd")
		if i <= 0 {
			return Retention{}, fmt.Errorf("retention %q: want a number followed by y, m or d, e.g. 5y, 18m, 1y6m", s)
		}
		n, err := strconv.Atoi(rest[:i])
		if err != nil || n < 0 {
			return Retention{}, fmt.Errorf("retention %q: %q is not a whole number", s, rest[:i])
		}
		switch rest[i] {
		case 'y':
			r.Years += n
		case 'm':
			r.Months += n
		case 'd':
			r.Days += n
		}
		rest = rest[i+1:]
	}
	if r.IsZero() {
		return Retention{}, fmt.Errorf("retention %q: a retention of nothing would delete every own decision; use off to keep them", s)
	}
	return r, nil
}

// IsZero reports whether r keeps everything.
func (r Retention) IsZero() bool { return r == Retention{} }

// Cutoff is the first date (YYYY-MM-DD, in now's location) that is still kept.
func (r Retention) Cutoff(now time.Time) string {
	return now.AddDate(-r.Years, -r.Months, -r.Days).Format("2006-01-02")
}

func (r Retention) String() string {
	if r.IsZero() {
		return "off"
	}
	var b strings.Builder
	for _, p := range []struct {
		n int
		u string
	}{{r.Years, "y"}, {r.Months, "m"}, {r.Days, "d"}} {
		if p.n > 0 {
			b.WriteString(strconv.Itoa(p.n) + p.u)
		}
	}
	return b.String()
}

// Expire deletes, with del, every decision expired lists as older than cutoff; it goes on past
// a failed deletion (the next run tries again) and returns how many it deleted and every
// failure.
func Expire(ctx context.Context, cutoff string, expired func(cutoff string) ([]string, error), del func(ctx context.Context, id string) error) (int, error) {
	ids, err := expired(cutoff)
	if err != nil {
		return 0, fmt.Errorf("jobs: retention: %w", err)
	}
	n := 0
	var errs []error
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			errs = append(errs, err)
			break
		}
		if err := del(ctx, id); err != nil {
			errs = append(errs, fmt.Errorf("delete %s: %w", id, err))
			continue
		}
		n++
	}
	if len(errs) > 0 {
		return n, fmt.Errorf("jobs: retention: %d of %d not deleted: %w", len(ids)-n, len(ids), errors.Join(errs...))
	}
	return n, nil
}
