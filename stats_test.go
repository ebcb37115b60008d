package omgjort_test

import (
	"testing"

	"omgjort"
)

func TestReversalRateAndQuarters(t *testing.T) {
	if pct, ok := omgjort.ReversalRate(2, 10, 2); !ok || pct != 25 {
		t.Errorf("ReversalRate(2, 10, 2) = %v %v, want 25 (2 / (10 − 2))", pct, ok)
	}
	if _, ok := omgjort.ReversalRate(0, 3, 3); ok {
		t.Error("a rate over only rejected decisions must be undefined")
	}
	for in, want := range map[string]string{"2024-01-31": "2024-1", "2024-04-01": "2024-2", "2025-12-31": "2025-4", "": "", "2024-13-01": "", "24-01-01": ""} {
		if got := omgjort.QuarterKey(in); got != want {
			t.Errorf("QuarterKey(%q) = %q, want %q", in, got, want)
		}
	}
	if got := omgjort.QuarterLabel("2024-2"); got != "2. kvt. 2024" {
		t.Errorf("QuarterLabel = %q", got)
	}
}

func TestTeamTallyCountsOwnDecisionsPerTeam(t *testing.T) {
	own := func(team, signed string, o omgjort.Outcome, confirmed bool, errs ...omgjort.ErrorType) *omgjort.Decision {
		c := omgjort.Case{ID: "1", Outcome: o}
		if confirmed {
			c.OutcomeCorrection = &omgjort.LabelCorrection{Action: omgjort.CorrectionConfirm}
		}
		return &omgjort.Decision{Source: omgjort.SourceOwn, Team: team, Signed: signed, Outcome: o, Errors: errs, Cases: []omgjort.Case{c}}
	}
	ds := []*omgjort.Decision{
		own("Team A", "2025-02-01", omgjort.OutcomeAendret, true, omgjort.ErrPartshoering, omgjort.ErrBegrundelse),
		own("Team A", "2025-03-01", omgjort.OutcomeHjemvist, false, omgjort.ErrPartshoering),
		own("Team A", "2025-04-01", omgjort.OutcomeStadfaestet, true),
		own("Team A", "2025-05-01", omgjort.OutcomeAfvist, true),
		own("Team B", "2024-12-31", omgjort.OutcomeOphaevet, true, omgjort.ErrSagsoplysning),
		own("", "2025-06-01", omgjort.OutcomeStadfaestet, false),
		// A published decision never counts, whatever its fields say.
		{Source: "astdk", Team: "Team A", Signed: "2025-02-01", Outcome: omgjort.OutcomeAendret},
	}
	tally := func(f omgjort.TeamFilter) *omgjort.TeamStats {
		tt := omgjort.NewTeamTally(f)
		for _, d := range ds {
			tt.Add(d)
		}
		return tt.Stats()
	}
	st := tally(omgjort.TeamFilter{})
	if len(st.Teams) != 3 || st.Teams[0].Team != "Team A" || st.Teams[1].Team != "Team B" || st.Teams[2].Team != omgjort.NoTeam {
		t.Fatalf("teams = %+v, want Team A, Team B, %s", st.Teams, omgjort.NoTeam)
	}
	a := st.Teams[0]
	// Team A: 4 decisions, 1 afvist, 2 reversed → 2 / (4 − 1).
	if a.All != 4 || a.Afvist != 1 || a.Reversed != 2 || a.Rate.N != 3 || a.Rate.K != 2 || !a.Rate.Small {
		t.Errorf("Team A = %+v, want 4 all, 1 afvist, 2 reversed of 3 examined, small", a)
	}
	if lo, hi, _ := omgjort.Wilson95(2, 3); a.Rate.Lo != lo || a.Rate.Hi != hi {
		t.Errorf("Team A interval = %v–%v, want the Wilson interval %v–%v", a.Rate.Lo, a.Rate.Hi, lo, hi)
	}
	if a.ReversedByError[omgjort.ErrPartshoering] != 2 || a.ReversedByError[omgjort.ErrBegrundelse] != 1 {
		t.Errorf("Team A errors = %v", a.ReversedByError)
	}
	if st.Total.All != 6 || st.Total.Reversed != 3 || st.Outside != 0 {
		t.Errorf("total = %+v outside %d, want 6 own decisions (the published one not counted), 3 reversed", st.Total, st.Outside)
	}
	st = tally(omgjort.TeamFilter{From: "2025-01-01", To: "2025-03-31"})
	if st.Total.All != 2 || st.Outside != 4 || len(st.Teams) != 1 {
		t.Errorf("first quarter of 2025: %+v outside %d, want Team A's 2 decisions and 4 outside", st.Teams, st.Outside)
	}
	st = tally(omgjort.TeamFilter{Confirmed: true})
	if st.Total.All != 4 || st.Teams[0].Reversed != 1 || st.Outside != 2 {
		t.Errorf("confirmed only: total %+v, Team A %+v, outside %d; want 4 counted, Team A 1 reversed, 2 outside", st.Total, st.Teams[0], st.Outside)
	}
}
