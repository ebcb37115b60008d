package server

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"omgjort"
)

// ownInfo is what an own decision's page shows in place of a published decision's status and
// source: when and how the letter came in, whether a jurist approved its redaction, its team
// and version. Nothing names a person, and nothing links to the original letter, which is not
// kept.
type ownInfo struct {
	Imported  string
	Route     string
	Review    string
	Team      string
	Version   int
	Stored    string
	Decided   string
	Statistic string
	// Agrees: Ankestyrelsen's statistics registration equals the classifier's outcome.
	Agrees, HasStatistic bool
}

// teamForm is the form that sets or changes an own decision's team (jurist, teamleder, admin).
type teamForm struct {
	DecisionID string
	CSRF       string
	Teams      []string
	Current    string
	// Changed is set right after a change was stored.
	Changed bool
}

// maxTeamBytes bounds a team name typed in where no list is configured.
const maxTeamBytes = 100

// ownView fills the parts of the page that differ for an own decision.
func (s *Server) ownView(w http.ResponseWriter, r *http.Request, d *omgjort.Decision, p *decisionPage) {
	if !d.IsOwn() {
		return
	}
	in := d.Intake
	info := &ownInfo{Route: in.RouteLabel(), Review: in.ReviewLabel(), Team: d.Team, Version: d.Version,
		Decided: danishDate(d.Signed)}
	imported := d.FirstStored
	if in != nil && !in.Imported.IsZero() {
		imported = in.Imported
	}
	info.Imported = s.danishTime(imported)
	if d.Version > 1 && !d.Stored.IsZero() {
		info.Stored = s.danishTime(d.Stored)
	}
	if d.Statistic != "" {
		info.HasStatistic, info.Statistic, info.Agrees = true, d.Statistic.Label(), d.Statistic == d.Outcome
	}
	p.OwnInfo = info
	// An own decision has no source to link to and no published status.
	p.SourceURL, p.Status, p.Historic, p.HistoricWhy = "", "", false, ""
	if s.cfg.Imports != nil && omgjort.UserFrom(r.Context()).Can(omgjort.PermReviewImports) {
		p.TeamForm = &teamForm{DecisionID: d.ID, CSRF: s.formToken(w, r), Teams: s.cfg.Imports.Teams(), Current: d.Team,
			Changed: r.URL.Query().Get("team") == "1"}
	}
}

// handleSetTeam serves POST /d/{id}/team: a jurist sets or changes the team of an own decision,
// from the configured list (or any name when no list is configured). The change is audited
// by the import service; the page shows the new team.
func (s *Server) handleSetTeam(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Imports == nil {
		s.notFound(w, r, "Der findes ingen side på denne adresse.")
		return
	}
	d, ok := s.loadDecision(w, r)
	if !ok {
		return
	}
	if !d.IsOwn() {
		s.badRequest(w, r, "Kun kommunens egne afgørelser har et team. En offentliggjort principmeddelelse kan ikke få et.")
		return
	}
	team := strings.TrimSpace(r.PostFormValue("team"))
	if !utf8.ValidString(team) || len(team) > maxTeamBytes {
		s.badRequest(w, r, "Teamets navn må højst være "+strconv.Itoa(maxTeamBytes)+" tegn.")
		return
	}
	if teams := s.cfg.Imports.Teams(); team != "" && len(teams) > 0 && !contains(teams, team) {
		s.badRequest(w, r, "Vælg et team fra listen. Teams, der ikke står på listen, kan ikke bruges.")
		return
	}
	err := s.cfg.Imports.SetTeam(r.Context(), d.ID, team)
	switch {
	case errors.Is(err, omgjort.ErrNotFound):
		s.notFound(w, r, "Afgørelsen findes ikke. Den kan være fjernet, eller adressen kan være forkert.")
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/d/"+url.PathEscape(d.ID)+"?team=1#team", http.StatusSeeOther)
}
