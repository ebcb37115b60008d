package server

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"omgjort"
)

// teamView is the team leaders' section of /stats: the municipality's own decisions per team
// (never the published ones), with the filter form that produced it.
type teamView struct {
	// Off: no team figures on this installation (no own decisions wired).
	Off, Failed bool
	From, To    string
	Confirmed   bool
	// Period describes the filter in Danish ("1. jan. 2025 – 31. mar. 2025, kun bekræftede").
	Period    string
	ErrorCols []errorCol
	Rows      []teamRowView
	Total     teamRowView
	Outside   int
	// AnySmall: some team rests on fewer than omgjort.SmallN examined decisions.
	AnySmall bool
	// Query is the filter as a query string, for the CSV and JSON links.
	Query string
}

// teamRowView is one team's row, formatted.
type teamRowView struct {
	Team                            string
	All, Afvist, Reversed, Examined int
	Rate                            estimateView
	ByError                         []int
	NoTeam                          bool
}

// teamFigures reports whether the request may see the per-team figures: a signed-in user who
// holds both team statistics and the reading of own decisions (teamleder, admin). A server
// without sign-in never shows them, since it never shows own decisions.
func (s *Server) teamFigures(r *http.Request) bool {
	u := omgjort.UserFrom(r.Context())
	return s.cfg.TeamStats != nil && u.Can(omgjort.PermTeamStats) && u.Can(omgjort.PermReadOwn)
}

// parseTeamFilter reads the team filter (fra, til, bekraeftede) from the query. The message is
// Danish and non-empty when the input is wrong.
func parseTeamFilter(q url.Values) (omgjort.TeamFilter, string) {
	var f omgjort.TeamFilter
	for _, d := range []struct {
		v     *string
		name  string
		label string
	}{{&f.From, "fra", "Fra"}, {&f.To, "til", "Til"}} {
		*d.v = strings.TrimSpace(q.Get(d.name))
		if *d.v == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, *d.v); err != nil {
			return f, "Datoen i feltet \"" + d.label + "\" skal skrives som ÅÅÅÅ-MM-DD, fx 2025-01-31."
		}
	}
	if f.From != "" && f.To != "" && f.From > f.To {
		return f, "Fra-datoen ligger efter til-datoen. Byt om på dem."
	}
	switch q.Get("bekraeftede") {
	case "", "0":
	case "1", "ja", "on":
		f.Confirmed = true
	default:
		return f, "Feltet \"Kun bekræftede etiketter\" kan kun være slået til eller fra."
	}
	return f, ""
}

// query is the filter as URL parameters.
func teamQuery(f omgjort.TeamFilter) string {
	v := url.Values{}
	if f.From != "" {
		v.Set("fra", f.From)
	}
	if f.To != "" {
		v.Set("til", f.To)
	}
	if f.Confirmed {
		v.Set("bekraeftede", "1")
	}
	return v.Encode()
}

// teamData computes the team figures when the request may see them; nil otherwise, or when
// they cannot be computed (logged; the rest of /stats still shows).
func (s *Server) teamData(r *http.Request, f omgjort.TeamFilter) (*omgjort.TeamStats, bool) {
	if !s.teamFigures(r) {
		return nil, false
	}
	ts, err := s.cfg.TeamStats.TeamStats(r.Context(), f)
	if err != nil {
		s.log.Error("server: team statistics", "error", err)
		return nil, true
	}
	return ts, false
}

// buildTeamView lays out the team figures for the page.
func buildTeamView(ts *omgjort.TeamStats, failed bool) teamView {
	if ts == nil {
		return teamView{Off: !failed, Failed: failed}
	}
	f := ts.Filter
	v := teamView{From: f.From, To: f.To, Confirmed: f.Confirmed, Outside: ts.Outside, Query: teamQuery(f)}
	switch {
	case f.From != "" && f.To != "":
		v.Period = danishDate(f.From) + " – " + danishDate(f.To)
	case f.From != "":
		v.Period = "fra " + danishDate(f.From)
	case f.To != "":
		v.Period = "til og med " + danishDate(f.To)
	default:
		v.Period = "hele perioden"
	}
	if f.Confirmed {
		v.Period += ", kun afgørelser med udfald bekræftet af en jurist"
	}
	for _, e := range omgjort.ErrorTypes {
		if ts.Total.ReversedByError[e] > 0 {
			v.ErrorCols = append(v.ErrorCols, errorCol{Type: e, Label: e.Label()})
		}
	}
	row := func(r omgjort.TeamRow) teamRowView {
		rv := teamRowView{Team: r.Team, All: r.All, Afvist: r.Afvist, Reversed: r.Reversed, Examined: r.All - r.Afvist,
			Rate: estimate(r.Rate, r.Team), NoTeam: r.Team == omgjort.NoTeam}
		for _, c := range v.ErrorCols {
			rv.ByError = append(rv.ByError, r.ReversedByError[c.Type])
		}
		return rv
	}
	for _, r := range ts.Teams {
		rv := row(r)
		v.AnySmall = v.AnySmall || rv.Rate.Small || !rv.Rate.OK
		v.Rows = append(v.Rows, rv)
	}
	v.Total = row(ts.Total)
	v.Total.Team = "I alt"
	return v
}
