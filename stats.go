package omgjort

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
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

// The official statistics: Ankestyrelsen's own published counts per municipality, law area and
// period (Talportal CSV export, ANKEAST tables). They are what a team leader compares the
// municipality's reversal rate with; the principmeddelelser above are a selected sample and
// never the rate.

// OfficialRow is one published figure set: for one municipality (or the whole country), law
// area, optional case subject and period, how many cases were decided and how.
type OfficialRow struct {
	// Dataset is the family of tables the row came from ("talportal", "ankeast"); imports of
	// one dataset replace each other's periods, different datasets never mix.
	Dataset string `json:"dataset"`
	// Code is the municipality's 3-digit code ("751"), or CountryCode for the whole country.
	Code string `json:"code"`
	// Kommune is the official name ("Aarhus"), or "Hele landet".
	Kommune string `json:"kommune"`
	// Law is the law area as published ("Sygedagpengeloven").
	Law string `json:"law"`
	// Subject is the case subject (Sagsemne, paragraph group), empty for the law as a whole.
	Subject string `json:"subject,omitempty"`
	// Period is "2023" for a year or "2023K2" for a quarter.
	Period string `json:"period"`
	// HasCounts is false for a table that publishes the rate only (ANKEAST3).
	HasCounts       bool `json:"has_counts"`
	Total           int  `json:"total"`
	Stadfaestet     int  `json:"stadfaestet"`
	AendretOphaevet int  `json:"aendret_ophaevet"`
	Hjemvist        int  `json:"hjemvist"`
	Afvist          int  `json:"afvist"`
	// PublishedRate is the omgørelsesprocent as the file states it, when it does.
	PublishedRate float64 `json:"published_rate,omitempty"`
	HasRate       bool    `json:"has_rate"`
	// Import is the ID of the import the row came from.
	Import string `json:"import"`
}

// CountryCode is the Code of a row for the whole country.
const CountryCode = "000"

// Examined is the number of cases Ankestyrelsen decided on the merits (realitetsbehandlede):
// all decided cases less those rejected or referred (afvist/henvist).
func (r OfficialRow) Examined() int {
	if n := r.Stadfaestet + r.AendretOphaevet + r.Hjemvist; n > 0 {
		return n
	}
	return max(r.Total-r.Afvist, 0)
}

// Reversed is the number of cases changed, annulled or sent back (omgjort).
func (r OfficialRow) Reversed() int { return r.AendretOphaevet + r.Hjemvist }

// OfficialImport records one imported statistics file, so /stats can say what its figures rest
// on and a revised file can replace exactly the periods of the one before.
type OfficialImport struct {
	ID       string    `json:"id"`
	File     string    `json:"file"`
	Dataset  string    `json:"dataset"`
	Format   string    `json:"format"` // a Danish description of the recognised format
	SHA256   string    `json:"sha256"`
	Imported time.Time `json:"imported"`
	Periods  []string  `json:"periods"`
	Rows     int       `json:"rows"`
	// Municipalities counts the municipalities with rows (the country row not included).
	Municipalities int `json:"municipalities"`
	// Replaced lists the earlier imports this one replaced.
	Replaced []string `json:"replaced,omitempty"`
}

// Wilson95 is the 95 % Wilson score interval of k successes in n trials, in percent. ok is
// false for n = 0. Wilson rather than the normal approximation, because municipal counts per
// law and year are small and rates near 0 or 100 % are common.
func Wilson95(k, n int) (lo, hi float64, ok bool) {
	if n <= 0 || k < 0 || k > n {
		return 0, 0, false
	}
	const z = 1.959963984540054
	p := float64(k) / float64(n)
	nf := float64(n)
	den := 1 + z*z/nf
	centre := (p + z*z/(2*nf)) / den
	half := z * math.Sqrt(p*(1-p)/nf+z*z/(4*nf*nf)) / den
	return 100 * max(centre-half, 0), 100 * min(centre+half, 1), true
}

// SmallN is the count below which a percentage is marked as resting on too few cases.
const SmallN = 10

// RateEstimate is a reversal rate with what it rests on: k reversed of n examined, and its 95 %
// Wilson interval. Every percentage Omgjort shows carries its n.
type RateEstimate struct {
	K   int     `json:"reversed"`
	N   int     `json:"examined"`
	Pct float64 `json:"pct"`
	Lo  float64 `json:"ci_low"`
	Hi  float64 `json:"ci_high"`
	OK  bool    `json:"ok"`
	// Small is true when N < SmallN.
	Small bool `json:"small"`
}

// Estimate makes a RateEstimate of k reversed among n examined cases.
func Estimate(k, n int) RateEstimate {
	e := RateEstimate{K: k, N: n, Small: n < SmallN}
	if lo, hi, ok := Wilson95(k, n); ok {
		e.Pct, e.Lo, e.Hi, e.OK = 100*float64(k)/float64(n), lo, hi, true
	}
	return e
}

// Verdict compares two rates by their intervals: "højere" or "lavere" only when the intervals
// do not overlap, else "ingen sikker forskel", so that a difference the data do not support is
// never called one. Empty when either rate is missing.
func Verdict(ours, other RateEstimate) string {
	switch {
	case !ours.OK || !other.OK:
		return ""
	case ours.Lo > other.Hi:
		return "højere"
	case ours.Hi < other.Lo:
		return "lavere"
	}
	return "ingen sikker forskel"
}

// OfficialComparisonRow is one law area and period: our official rate, the country's and the
// similar municipalities', and how many of our own decisions are imported for it.
type OfficialComparisonRow struct {
	Law     string       `json:"law"`
	Period  string       `json:"period"`
	Ours    RateEstimate `json:"ours"`
	Country RateEstimate `json:"country"`
	Similar RateEstimate `json:"similar"`
	// VsCountry and VsSimilar are Verdict(Ours, Country) and Verdict(Ours, Similar).
	VsCountry string `json:"vs_country"`
	VsSimilar string `json:"vs_similar"`
	// Decided is our official number of decided cases (Antal sager i alt); OwnImported counts
	// our own decision letters in Omgjort for the same law area and period (coverage).
	Decided     int `json:"decided"`
	OwnImported int `json:"own_imported"`
}

// OfficialComparison is everything /stats shows from the official statistics.
type OfficialComparison struct {
	// OursCode and OursName identify "our" municipality; empty when none is chosen yet.
	OursCode string `json:"ours_code"`
	OursName string `json:"ours_name"`
	// Similar names the municipalities nearest ours in size (cases in the file), per period.
	Similar map[string][]string `json:"similar"`
	// CountryFrom says where the country's figures come from: the file's own country row, or
	// the sum of the municipalities in the file.
	CountryFrom string                  `json:"country_from"`
	Rows        []OfficialComparisonRow `json:"rows"`
	Imports     []OfficialImport        `json:"imports"`
	// OwnReversed counts our own reversed decisions, OwnByError those with each error type.
	OwnDecisions int               `json:"own_decisions"`
	OwnReversed  int               `json:"own_reversed"`
	OwnByError   map[ErrorType]int `json:"own_by_error"`
}

// OfficialStats imports official statistics files and compares our rate with them; the
// officialstats package implements it, and the server's /stats and admin upload use it.
type OfficialStats interface {
	// Import parses and stores one file; kommune, when not empty, names "our" municipality.
	// It stores all or nothing, and a bad file comes back as an *ImportError.
	Import(ctx context.Context, file string, data []byte, kommune string) (*OfficialImport, error)
	// Comparison computes the comparison over everything imported.
	Comparison(ctx context.Context) (*OfficialComparison, error)
}

// ImportError is a statistics file that cannot be imported: Message says in Danish what is
// wrong and where (the line), so an operator can fix the file. Nothing of the file is stored.
type ImportError struct {
	// Line is the 1-based line of the file, 0 when the problem is the file as a whole.
	Line    int
	Message string
}

func (e *ImportError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("linje %d: %s", e.Line, e.Message)
	}
	return e.Message
}

// The team leaders' figures: the municipality's own decisions per team (issue 12, point 5).
// They count only own decisions, never published ones, and name teams, never caseworkers.

// NoTeam is the row of own decisions whose team is not set yet.
const NoTeam = "Uden team"

// TeamFilter selects the own decisions the team figures count.
type TeamFilter struct {
	// From and To bound Ankestyrelsen's decision date (YYYY-MM-DD, both inclusive); empty is
	// open. A decision without a date is left out when either bound is set.
	From, To string
	// Confirmed counts only decisions whose outcome a jurist has confirmed or set in every
	// case, so a team leader can rest a conversation on labels a person has checked.
	Confirmed bool
}

// TeamRow is one team's own decisions: how many, how many rejected and reversed, the reversal
// rate with its interval, and the error types of the reversed ones.
type TeamRow struct {
	Team     string `json:"team"`
	All      int    `json:"all"`
	Afvist   int    `json:"afvist"`
	Reversed int    `json:"reversed"`
	// Rate is the omgørelsesprocent (Reversed of All − Afvist) with its Wilson interval.
	Rate RateEstimate `json:"rate"`
	// ReversedByError counts the reversed decisions with each error type.
	ReversedByError map[ErrorType]int `json:"reversed_by_error"`
}

// TeamStats is the team leaders' figures over the own decisions that pass Filter.
type TeamStats struct {
	Filter TeamFilter `json:"filter"`
	// Teams holds one row per team, by name, NoTeam last.
	Teams []TeamRow `json:"teams"`
	// Total is every counted own decision.
	Total TeamRow `json:"total"`
	// Outside counts the own decisions the filter left out (other period, no date, labels not
	// confirmed), so the page can say what the figures do not cover.
	Outside int `json:"outside"`
}

// TeamTally adds own decisions up into TeamStats; make one with NewTeamTally, Add every own
// decision, then call Stats.
type TeamTally struct {
	filter  TeamFilter
	rows    map[string]*TeamRow
	outside int
}

// NewTeamTally starts a tally under the filter.
func NewTeamTally(f TeamFilter) *TeamTally {
	return &TeamTally{filter: f, rows: map[string]*TeamRow{}}
}

// Add counts d when it is an own decision that passes the filter; anything else is ignored
// (published decisions never reach the team figures).
func (t *TeamTally) Add(d *Decision) {
	if !d.IsOwn() {
		return
	}
	if !t.passes(d) {
		t.outside++
		return
	}
	team := strings.TrimSpace(d.Team)
	if team == "" {
		team = NoTeam
	}
	r := t.rows[team]
	if r == nil {
		r = &TeamRow{Team: team, ReversedByError: map[ErrorType]int{}}
		t.rows[team] = r
	}
	r.All++
	switch {
	case d.Outcome == OutcomeAfvist:
		r.Afvist++
	case d.Outcome.Reversed():
		r.Reversed++
		for _, e := range d.Errors {
			r.ReversedByError[e]++
		}
	}
}

func (t *TeamTally) passes(d *Decision) bool {
	if f := t.filter; f.From != "" || f.To != "" {
		date := d.Signed
		if date == "" {
			date = d.Published
		}
		if len(date) < 10 || (f.From != "" && date[:10] < f.From) || (f.To != "" && date[:10] > f.To) {
			return false
		}
	}
	if t.filter.Confirmed {
		if len(d.Cases) == 0 {
			return false
		}
		for i := range d.Cases {
			if d.Cases[i].OutcomeCorrection == nil {
				return false
			}
		}
	}
	return true
}

// Stats returns the figures counted so far.
func (t *TeamTally) Stats() *TeamStats {
	st := &TeamStats{Filter: t.filter, Teams: []TeamRow{}, Outside: t.outside,
		Total: TeamRow{Team: "I alt", ReversedByError: map[ErrorType]int{}}}
	for _, r := range t.rows {
		r.Rate = Estimate(r.Reversed, r.All-r.Afvist)
		st.Teams = append(st.Teams, *r)
		st.Total.All += r.All
		st.Total.Afvist += r.Afvist
		st.Total.Reversed += r.Reversed
		for e, n := range r.ReversedByError {
			st.Total.ReversedByError[e] += n
		}
	}
	st.Total.Rate = Estimate(st.Total.Reversed, st.Total.All-st.Total.Afvist)
	sort.Slice(st.Teams, func(i, j int) bool {
		a, b := st.Teams[i].Team, st.Teams[j].Team
		if (a == NoTeam) != (b == NoTeam) {
			return b == NoTeam
		}
		return a < b
	})
	return st
}

// TeamStatsSource computes the team figures; cmd wires it over the store, and /stats shows it
// to those allowed team statistics (omgjort.PermTeamStats).
type TeamStatsSource interface {
	TeamStats(ctx context.Context, f TeamFilter) (*TeamStats, error)
}
