package server_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"omgjort"
	"omgjort/officialstats"
	"omgjort/server"
	"omgjort/store"
)

// teamOwn is an own decision of a team with one case of the given outcome.
func teamOwn(id, team, signed string, o omgjort.Outcome, confirmed bool, errs ...omgjort.ErrorType) *omgjort.Decision {
	c := omgjort.Case{ID: "1", Text: "Vi har truffet afgørelse i din sag. Teksten er skrevet til testen.", Outcome: o}
	for _, e := range errs {
		c.Errors = append(c.Errors, omgjort.ErrorLabel{Type: e})
	}
	if confirmed {
		c.OutcomeCorrection = &omgjort.LabelCorrection{Action: omgjort.CorrectionConfirm, User: "jurist"}
	}
	d := &omgjort.Decision{ID: id, Number: id, Title: "Egen afgørelse " + id, Source: omgjort.SourceOwn, Team: team,
		Signed: signed, Laws: []string{"Sygedagpengeloven"}, Cases: []omgjort.Case{c}}
	d.RollUpCases()
	return d
}

// TestTeamFiguresForTeamLeadersOnly: /stats shows the own decisions per team (reversal rate
// with its Wilson interval, error types, a note on small n) to teamleder and admin, filtered
// by period and by confirmed labels, in the page, the JSON and the CSV; sagsbehandler, laeser
// and anonymous visitors never see them, and a bad date gets a Danish 400.
func TestTeamFiguresForTeamLeadersOnly(t *testing.T) {
	f := newAuthFixture(t, func(c *server.Config, _ string, db *store.DB) {
		// Besides the fixture's own decision (Team Syd, hjemvist, published 2025-05-01): four more.
		if _, err := db.PutDecisions([]*omgjort.Decision{
			teamOwn("egen-t1", "Team Nord", "2025-02-10", omgjort.OutcomeAendret, true, omgjort.ErrPartshoering),
			teamOwn("egen-t2", "Team Nord", "2025-03-10", omgjort.OutcomeStadfaestet, true),
			teamOwn("egen-t3", "Team Syd", "2025-07-01", omgjort.OutcomeAfvist, false),
			teamOwn("egen-t4", "", "2025-08-01", omgjort.OutcomeHjemvist, false, omgjort.ErrSagsoplysning),
		}); err != nil {
			t.Fatal(err)
		}
		sv := officialstats.New(db)
		c.Official, c.TeamStats = sv, sv
	})
	for _, role := range []string{"teamleder", "admin"} {
		status, page := f.do(t, role, "GET", "/stats", nil)
		if status != http.StatusOK {
			t.Fatalf("/stats as %s: %d", role, status)
		}
		lo, hi, _ := omgjort.Wilson95(1, 2)
		ci := oneDecimal(lo) + "–" + oneDecimal(hi) + " %"
		for _, want := range []string{"Jeres egne omgjorte afgørelser pr. team", "<th scope=\"row\">Team Nord</th>",
			"<th scope=\"row\">Team Syd</th>", "<th scope=\"row\">" + omgjort.NoTeam + "</th>", "50,0 %", "1 af 2", ci,
			"under 10 behandlede afgørelser", "<th scope=\"col\">Manglende partshøring</th>"} {
			if !strings.Contains(page, want) {
				t.Errorf("/stats as %s lacks %q", role, want)
			}
		}
	}
	// Team Nord's row: 2 decisions, 0 afvist, 1 omgjort, n = 2.
	_, page := f.do(t, "teamleder", "GET", "/stats", nil)
	if !strings.Contains(page, `<th scope="row">Team Nord</th><td>2</td><td>0</td><td>1</td><td>2</td>`) {
		t.Errorf("Team Nord's row is wrong:\n%s", excerpt(page, "Team Nord"))
	}
	if !strings.Contains(page, `<th scope="row">Team Syd</th><td>2</td><td>1</td><td>1</td><td>1</td>`) {
		t.Errorf("Team Syd's row is wrong (2 decisions, 1 afvist, 1 omgjort of 1):\n%s", excerpt(page, "Team Syd"))
	}

	for _, role := range []string{"", "laeser", "sagsbehandler", "jurist"} {
		for _, target := range []string{"/stats", "/stats.json", "/stats.csv", "/stats?fra=2025-01-01"} {
			status, body := f.do(t, role, "GET", target, nil)
			if status == http.StatusOK || strings.Contains(body, "Team Nord") || strings.Contains(body, "pr. team") {
				t.Errorf("%s as %q: %d, and the team figures must not be there", target, role, status)
			}
		}
	}

	// The period filter: the first quarter of 2025 holds Team Nord's two decisions only.
	var ex struct {
		Teams *omgjort.TeamStats `json:"teams"`
	}
	status, body := f.do(t, "teamleder", "GET", "/stats.json?fra=2025-01-01&til=2025-03-31", nil)
	if status != http.StatusOK {
		t.Fatalf("/stats.json: %d %s", status, body)
	}
	if err := json.Unmarshal([]byte(body), &ex); err != nil || ex.Teams == nil {
		t.Fatalf("/stats.json has no team figures: %v %.300s", err, body)
	}
	if ex.Teams.Total.All != 2 || len(ex.Teams.Teams) != 1 || ex.Teams.Teams[0].Team != "Team Nord" || ex.Teams.Outside != 3 {
		t.Errorf("first quarter: %+v, want Team Nord's 2 decisions and 3 outside", ex.Teams)
	}
	// Every own decision counts, never the published one.
	_, body = f.do(t, "admin", "GET", "/stats.json", nil)
	ex.Teams = nil
	if err := json.Unmarshal([]byte(body), &ex); err != nil || ex.Teams == nil || ex.Teams.Total.All != 5 || ex.Teams.Total.Reversed != 3 {
		t.Errorf("all own decisions: %+v, want 5 counted (the published one not), 3 reversed", ex.Teams)
	}
	// Confirmed labels only: Team Nord's two.
	_, page = f.do(t, "teamleder", "GET", "/stats?bekraeftede=1", nil)
	if !strings.Contains(page, "kun afgørelser med udfald bekræftet af en jurist") || strings.Contains(page, `<th scope="row">Team Syd</th>`) {
		t.Errorf("confirmed-only filter not applied:\n%s", excerpt(page, "pr. team"))
	}
	_, csv := f.do(t, "teamleder", "GET", "/stats.csv?bekraeftede=1", nil)
	if !strings.Contains(csv, "egne pr. team;;..") || !strings.Contains(csv, ";Team Nord;1;2;50,0;") {
		t.Errorf("CSV lacks Team Nord's line:\n%s", csv)
	}
	for _, bad := range []string{"/stats?fra=31-12-2025", "/stats?fra=2025-05-01&til=2025-01-01", "/stats.json?bekraeftede=kanske"} {
		status, body := f.do(t, "teamleder", "GET", bad, nil)
		if status != http.StatusBadRequest || !(strings.Contains(body, "ÅÅÅÅ-MM-DD") || strings.Contains(body, "Byt om") || strings.Contains(body, "slået til")) {
			t.Errorf("%s: %d, want a Danish 400 (%.200s)", bad, status, body)
		}
	}
}

// oneDecimal formats a percentage the Danish way with one decimal, as the page does.
func oneDecimal(f float64) string {
	return strings.Replace(strconv.FormatFloat(f, 'f', 1, 64), ".", ",", 1)
}

func excerpt(page, near string) string {
	i := strings.Index(page, near)
	if i < 0 {
		return page[:min(len(page), 400)]
	}
	return page[max(0, i-200):min(len(page), i+600)]
}

// TestExportsOfOwnDecisionsAuditedLikePageViews: the CSV export, the JSON search API and the
// Atom feed record one read per own decision they hand out (who, when, which, and the route),
// which the decision's "who has read it" lists; a reader gets none of them and leaves no
// such entry.
func TestExportsOfOwnDecisionsAuditedLikePageViews(t *testing.T) {
	f := newAuthFixture(t, nil)
	id := f.own.ID
	targets := map[string]string{
		"/export.csv?q=" + ownMarker: "udtræk (CSV)",
		"/api/search?q=" + ownMarker: "API-søgning",
		"/feed.atom?q=" + ownMarker:  "Atom-feed",
		"/export.csv?q=sygedagpenge": "udtræk (CSV)",
	}
	for target := range targets {
		status, body := f.do(t, "laeser", "GET", target, nil)
		if status != http.StatusOK || strings.Contains(body, id) || strings.Contains(body, ownMarker+" står") {
			t.Errorf("%s as laeser: %d, and the own decision must not be there", target, status)
		}
	}
	if recs, err := f.log.ReadersOf(id); err != nil || len(recs) != 0 {
		t.Fatalf("a reader's exports recorded reads: %+v %v", recs, err)
	}
	for target, via := range targets {
		status, body := f.do(t, "sagsbehandler", "GET", target, nil)
		if status != http.StatusOK {
			t.Fatalf("%s: %d", target, status)
		}
		recs, err := f.log.ReadersOf(id)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, r := range recs {
			found = found || (r.Entry.User == "u-sagsbehandler" && strings.HasPrefix(r.Entry.Detail, via))
		}
		if !strings.Contains(body, id) || !found {
			t.Errorf("%s: own decision in the output %v, read recorded %v; want both", target, strings.Contains(body, id), found)
		}
	}
	// A search that does not return the own decision records no read of it.
	before, _ := f.log.ReadersOf(id)
	if status, body := f.do(t, "sagsbehandler", "GET", "/api/search?q=partshøre", nil); status != http.StatusOK || strings.Contains(body, id) {
		t.Fatalf("/api/search?q=partshøre: %d, own decision returned %v", status, strings.Contains(body, id))
	}
	if after, _ := f.log.ReadersOf(id); len(after) != len(before) {
		t.Errorf("a search without the own decision recorded %d reads of it", len(after)-len(before))
	}
	// The decision page lists them for the administrator, with the route.
	_, page := f.do(t, "admin", "GET", "/d/"+id, nil)
	for _, want := range []string{"Hvem har læst afgørelsen", "u-sagsbehandler", "udtræk (CSV)", "API-søgning", "Atom-feed"} {
		if !strings.Contains(page, want) {
			t.Errorf("the readers of the own decision lack %q", want)
		}
	}
	if n, err := f.log.Verify(); err != nil || n == 0 {
		t.Errorf("audit chain: %d entries, %v", n, err)
	}
}
