package server

import (
	"log/slog"
	"net/http"

	"omgjort"
)

// Exports, the JSON API and feeds that hand out own decisions are audited like page views: one
// read_own entry per own decision (who, when, which), with the route and the criterion in
// Detail, so "who has looked at this decision" on its page also lists who exported it. The
// search entry with the criterion (ownSearcher) stays besides.

// auditOwnIDs records one read of each own decision in ids, in one write.
func (s *Server) auditOwnIDs(r *http.Request, via string, ids []string) {
	if s.cfg.Audit == nil || len(ids) == 0 {
		return
	}
	detail := via
	if q := r.URL.RawQuery; q != "" {
		detail += " (" + q + ")"
	}
	es := make([]omgjort.AuditEntry, 0, len(ids))
	for _, id := range ids {
		es = append(es, omgjort.AuditEntry{Action: omgjort.AuditReadOwn, DecisionID: id, Outcome: omgjort.AuditOK, Detail: detail})
	}
	if err := omgjort.RecordAll(r.Context(), s.cfg.Audit, es); err != nil {
		s.log.Error("server: audit log write failed", slog.String("via", via), slog.Int("entries", len(es)), slog.Any("error", err))
	}
}

// auditOwnHits records the own decisions among a page of hits (the JSON API, a feed), for a
// principal who may read them; nobody else is ever given one.
func (s *Server) auditOwnHits(r *http.Request, via string, hits []omgjort.SearchHit) {
	if s.cfg.Audit == nil || len(hits) == 0 || !omgjort.CanReadOwn(r.Context()) {
		return
	}
	var ids []string
	for _, h := range hits {
		if d, err := s.decisions.Decision(h.ID); err == nil && d.IsOwn() {
			ids = append(ids, d.ID)
		}
	}
	s.auditOwnIDs(r, via, ids)
}
