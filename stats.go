package omgjort

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// Stats is the reversal statistics team leaders and legal staff compare areas and periods by:
// per quarter and per law area, how many decisions there were, how many were rejected (afvist)
// and how many reversed, and which error types the reversed ones had. Counts are of decisions
// (the roll-up outcome of labels.md); a Historisk record that was republished under a stored
// Gældende number is counted once, under the Gældende one.
type Stats struct {
	// Decisions is the number of decisions counted.
	Decisions int `json:"decisions"`
	// Quarters holds one row per quarter with decisions, oldest first; Key is a QuarterKey.
	Quarters []StatsRow `json:"quarters"`
	// Laws holds one row per law area, most decisions first; Key is the law's name.
	Laws []StatsRow `json:"laws"`
}

// StatsRow is the counts of one quarter or one law area.
type StatsRow struct {
	Key      string `json:"key"`
	All      int    `json:"all"`
	Afvist   int    `json:"afvist"`
	Reversed int    `json:"reversed"`
	// ReversedByError counts the reversed decisions that carry each error type; a decision
	// with two error types counts under both.
	ReversedByError map[ErrorType]int `json:"reversed_by_error"`
}

// Rate is the row's omgørelsesprocent as labels.md defines it (see ReversalRate).
func (r StatsRow) Rate() (float64, bool) { return ReversalRate(r.Reversed, r.All, r.Afvist) }

// ReversalRate is Ankestyrelsen's omgørelsesprocent: reversed / (all − afvist), in percent. ok
// is false when no decision was examined (all − afvist is zero), where a rate means nothing.
func ReversalRate(reversed, all, afvist int) (pct float64, ok bool) {
	den := all - afvist
	if den <= 0 {
		return 0, false
	}
	return 100 * float64(reversed) / float64(den), true
}

// StatsSource computes Stats; the index implements it, and the server shows it on /stats.
type StatsSource interface {
	Stats(ctx context.Context) (*Stats, error)
}

// QuarterKey is the sortable quarter of a YYYY-MM-DD date ("2024-2" for April–June 2024), or ""
// when the date cannot be read.
func QuarterKey(ymd string) string {
	if len(ymd) < 7 || ymd[4] != '-' {
		return ""
	}
	y, err1 := strconv.Atoi(ymd[:4])
	m, err2 := strconv.Atoi(ymd[5:7])
	if err1 != nil || err2 != nil || y < 1900 || m < 1 || m > 12 {
		return ""
	}
	return fmt.Sprintf("%04d-%d", y, (m-1)/3+1)
}

// QuarterLabel is the Danish name of a QuarterKey ("2. kvt. 2024").
func QuarterLabel(key string) string {
	y, q, ok := strings.Cut(key, "-")
	if !ok {
		return key
	}
	return q + ". kvt. " + y
}
