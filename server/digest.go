package server

import (
	"encoding/xml"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"omgjort"
)

// opsRoutes registers the routes of the scheduled runs and the digest: status, metrics, the
// stored digests and the admin actions.
func (s *Server) opsRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /status", s.handleStatus)             // operators: sources, jobs, runs, sends
	mux.Handle("GET /metrics", s.metricsHandler())            // Prometheus scraper
	mux.HandleFunc("GET /digests", s.handleDigests)           // team leaders: every stored digest
	mux.HandleFunc("GET /digests.atom", s.handleDigestFeed)   // feed readers: the digests as Atom
	mux.HandleFunc("GET /digests/{week}", s.handleDigest)     // one week's digest as a page
	mux.HandleFunc("GET /digests/{week}/mail", s.handleMail)  // the digest exactly as mailed
	mux.HandleFunc("POST /admin/run/{job}", s.handleAdminRun) // operators: start a job now
}

// digestsPage is the data of /digests.
type digestsPage struct {
	base
	Off     bool
	Digests []digestListItem
}

type digestListItem struct {
	Week, Title, Subject, Generated, Summary string
	Reversed, New                            int
	Healthy                                  bool
}

// digestPage is the data of /digests/{week}.
type digestPage struct {
	base
	D         *omgjort.Digest
	Title     string
	Generated string
	Sources   []string
	HasMail   bool
}

func weekTitle(w omgjort.Week) string {
	return "Uge " + itoa(w.Num) + ", " + itoa(w.Year)
}

func itoa(n int) string { return strconv.Itoa(n) }

// handleDigests serves /digests, newest week first.
func (s *Server) handleDigests(w http.ResponseWriter, r *http.Request) {
	p := digestsPage{base: base{Title: "Ugebreve", Fresh: s.freshness()}}
	if s.cfg.Digests == nil {
		p.Off = true
		s.render(w, r, http.StatusOK, "digests.html", p)
		return
	}
	ds, err := s.cfg.Digests.Digests()
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, d := range ds {
		p.Digests = append(p.Digests, digestListItem{Week: d.WeekName, Title: weekTitle(d.Week), Subject: d.Subject,
			Generated: s.danishTime(d.Generated), Summary: d.Summary(), Reversed: d.Reversed, New: len(d.New), Healthy: d.Healthy()})
	}
	s.render(w, r, http.StatusOK, "digests.html", p)
}

// loadDigest reads the digest named in the path, answering 404 for a bad or unknown week.
func (s *Server) loadDigest(w http.ResponseWriter, r *http.Request) (*omgjort.Digest, bool) {
	if s.cfg.Digests == nil {
		s.notFound(w, r, "Ugebreve er ikke slået til.")
		return nil, false
	}
	week, err := omgjort.ParseWeek(r.PathValue("week"))
	if err != nil {
		s.notFound(w, r, "Ugen skal skrives som år og uge, for eksempel 2026-W47.")
		return nil, false
	}
	d, err := s.cfg.Digests.Digest(week)
	if errors.Is(err, omgjort.ErrNotFound) {
		s.notFound(w, r, "Der er intet ugebrev for "+strings.ToLower(weekTitle(week))+". Se listen over ugebreve.")
		return nil, false
	}
	if err != nil {
		s.serverError(w, r, err)
		return nil, false
	}
	return d, true
}

// handleDigest serves /digests/{yyyy-Www} with the site's own layout.
func (s *Server) handleDigest(w http.ResponseWriter, r *http.Request) {
	d, ok := s.loadDigest(w, r)
	if !ok {
		return
	}
	p := digestPage{base: base{Title: "Ugebrev " + strings.ToLower(weekTitle(d.Week)), Fresh: s.freshness()}, D: d,
		Title: weekTitle(d.Week), Generated: s.danishTime(d.Generated), HasMail: d.Rendered != nil}
	p.Sources = d.SourceLines
	if len(p.Sources) == 0 { // a digest stored before the lines were kept
		for _, sc := range d.Sources {
			p.Sources = append(p.Sources, s.sourceLine(sc))
		}
	}
	s.render(w, r, http.StatusOK, "digest.html", p)
}

// sourceLine is the sentence on a source for a digest stored before the digest kept its own
// lines: when it last succeeded, and a warning (never the raw error) when it failed.
func (s *Server) sourceLine(sc omgjort.SourceCheck) string {
	if sc.LastOK.IsZero() {
		return "Kilden " + sc.Name + " var endnu ikke hentet med succes."
	}
	line := "Kilden " + sc.Name + " blev sidst hentet med succes " + s.danishTime(sc.LastOK) + "."
	if sc.Failed {
		line += " Den seneste hentning mislykkedes – se driftsstatus."
	}
	return line
}

// mailCSP lets the mailed HTML keep its inline styles and nothing else; the sandbox keeps it
// from running anything or reaching the site's cookies.
const mailCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox; frame-ancestors 'self'"

// handleMail serves the digest's HTML exactly as it was mailed.
func (s *Server) handleMail(w http.ResponseWriter, r *http.Request) {
	d, ok := s.loadDigest(w, r)
	if !ok {
		return
	}
	if d.Rendered == nil {
		s.notFound(w, r, "Ugebrevet blev ikke gemt som mail.")
		return
	}
	w.Header().Set("Content-Security-Policy", mailCSP)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write([]byte(d.Rendered.HTML))
}

// handleDigestFeed serves /digests.atom: one entry per stored digest, newest first, with the
// mailed HTML as content so a feed reader shows the whole digest.
func (s *Server) handleDigestFeed(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Digests == nil {
		s.notFound(w, r, "Ugebreve er ikke slået til.")
		return
	}
	ds, err := s.cfg.Digests.Digests()
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	root := s.siteBase()
	feed := atomFeed{Lang: "da", ID: root + "/digests", Title: "Omgjort – ugebreve til teamledere",
		Author: atomPerson{Name: "Omgjort"}, Gen: "Omgjort",
		Links: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: root + "/digests.atom"}, {Rel: "alternate", Type: "text/html", Href: root + "/digests"}}}
	updated := time.Unix(0, 0).UTC()
	for i, d := range ds {
		if i == feedEntries {
			break
		}
		e := atomEntry{ID: root + "/digests/" + d.WeekName, Title: d.Subject, Updated: d.Generated.UTC().Format(time.RFC3339),
			Links: []atomLink{{Rel: "alternate", Type: "text/html", Href: root + "/digests/" + d.WeekName}}}
		summary := d.Summary()
		if full, err := s.cfg.Digests.Digest(d.Week); err == nil && full.Rendered != nil {
			e.Content = &atomText{Type: "html", Text: full.Rendered.HTML}
		}
		e.Summary = atomText{Type: "text", Text: summary}
		if d.Generated.After(updated) {
			updated = d.Generated.UTC()
		}
		feed.Entries = append(feed.Entries, e)
	}
	feed.Updated = updated.Format(time.RFC3339)
	out, err := xml.MarshalIndent(feed, "", "  ")
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write([]byte(xml.Header))
	_, _ = w.Write(out)
}
