package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"omgjort"
)

// Curation is what the jurists' and administrators' routes need from the composition layer:
// correcting labels (stored, relabelled, indexed and audited there), the queue of labels worth a
// check, and deletion for good (audited there). The acting user is in ctx (omgjort.UserFrom).
type Curation interface {
	Correct(ctx context.Context, c omgjort.Correction) (*omgjort.Decision, error)
	Queue(ctx context.Context, n int, withOwn bool) ([]omgjort.QueueItem, error)
	Delete(ctx context.Context, id string) error
}

// queueSize is how many labels /rettelser and /api/queue list by default, and at most.
const (
	queueSize    = 50
	maxQueueSize = 500
)

// allowed reports whether the request may do what perm guards: a signed-in user (or API token)
// holding perm, or the admin token for automation. It returns the acting user, the admin
// token's principal when that is what was shown.
func (s *Server) allowed(r *http.Request, perm omgjort.Permission) (*omgjort.User, bool) {
	if u := omgjort.UserFrom(r.Context()); u.Can(perm) {
		return u, true
	}
	if s.adminAuthorized(r) {
		return &omgjort.User{Name: "admin-token", Roles: []omgjort.Role{omgjort.RoleAdmin}, Method: "admin-token"}, true
	}
	return nil, false
}

// refuseCuration answers a request without the right: 401 with how to sign in when nobody is signed
// in, 403 when the signed-in user lacks the role.
func (s *Server) refuseCuration(w http.ResponseWriter, r *http.Request, what string) {
	status, heading, msg := http.StatusForbidden, "Ingen adgang", "Din rolle giver ikke adgang til at "+what+". Kontakt en administrator, hvis du skal have adgang."
	if omgjort.UserFrom(r.Context()) == nil {
		status, heading, msg = http.StatusUnauthorized, "Log ind", "Log ind som jurist eller administrator for at "+what+"."
		w.Header().Set("WWW-Authenticate", `Bearer realm="omgjort"`)
	}
	if isAPI(r) {
		writeJSON(w, status, apiError{Error: msg})
		return
	}
	s.errorHTML(w, r, status, heading, msg, true)
}

// correctionRequest is the JSON body of POST /api/decisions/{id}/corrections.
type correctionRequest struct {
	Case      string `json:"case"`
	Kind      string `json:"kind"`
	Action    string `json:"action"`
	Outcome   string `json:"outcome"`
	ErrorType string `json:"error_type"`
	Evidence  []struct {
		Start int `json:"start"`
		End   int `json:"end"`
	} `json:"evidence"`
	Reason string `json:"reason"`
}

// correctionAnswer is the reply: the corrected case as it is now stored.
type correctionAnswer struct {
	DecisionID string       `json:"decision_id"`
	Case       omgjort.Case `json:"case"`
}

// handleCorrection serves POST /api/decisions/{id}/corrections: a jurist confirms, removes or
// adds one label of one case, with evidence ranges and a reason.
func (s *Server) handleCorrection(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Curation == nil {
		s.notFound(w, r, "Rettelser er ikke slået til på denne server.")
		return
	}
	u, ok := s.allowed(r, omgjort.PermCorrectLabels)
	if !ok {
		s.refuseCuration(w, r, "rette etiketter")
		return
	}
	var req correctionRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		s.badRequest(w, r, "Rettelsen kunne ikke læses: send JSON med case, kind (outcome eller error), action (confirm, remove eller add), outcome eller error_type, evidence [{start, end}] og reason.")
		return
	}
	id := strings.TrimSpace(r.PathValue("id"))
	if id == "" || len(id) > maxIDBytes {
		s.notFound(w, r, "Afgørelsen findes ikke.")
		return
	}
	c := omgjort.Correction{DecisionID: id, CaseID: req.Case, Kind: req.Kind, Action: req.Action,
		Outcome: omgjort.Outcome(req.Outcome), ErrorType: omgjort.ErrorType(req.ErrorType), Reason: req.Reason, User: u.Name}
	if c.CaseID == "" {
		c.CaseID = "1"
	}
	for _, e := range req.Evidence {
		c.Evidence = append(c.Evidence, omgjort.Evidence{Start: e.Start, End: e.End})
	}
	d, err := s.cfg.Curation.Correct(omgjort.WithUser(r.Context(), u), c)
	var qe *omgjort.QueryError
	switch {
	case errors.As(err, &qe):
		s.badRequest(w, r, qe.Message)
		return
	case errors.Is(err, omgjort.ErrNotFound):
		s.notFound(w, r, "Afgørelsen findes ikke.")
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	ans := correctionAnswer{DecisionID: d.ID}
	for _, cs := range d.Cases {
		if cs.ID == c.CaseID {
			ans.Case = cs
		}
	}
	writeJSON(w, http.StatusOK, ans)
}

// queueLimit reads ?n= for the queue routes.
func queueLimit(r *http.Request) (int, bool) {
	v := r.URL.Query().Get("n")
	if v == "" {
		return queueSize, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > maxQueueSize {
		return 0, false
	}
	return n, true
}

// handleAPIQueue serves GET /api/queue: the labels most worth a jurist's check, as JSON.
func (s *Server) handleAPIQueue(w http.ResponseWriter, r *http.Request) {
	items, ok := s.queue(w, r)
	if !ok {
		return
	}
	if items == nil {
		items = []omgjort.QueueItem{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

// queuePage is the data of /rettelser.
type queuePage struct {
	base
	Items []omgjort.QueueItem
	Count string
}

// handleQueuePage serves GET /rettelser: the correction queue for jurists.
func (s *Server) handleQueuePage(w http.ResponseWriter, r *http.Request) {
	items, ok := s.queue(w, r)
	if !ok {
		return
	}
	count := "Ingen etiketter venter på et tjek."
	switch len(items) {
	case 0:
	case 1:
		count = "1 etiket bør tjekkes."
	default:
		count = fmt.Sprintf("%d etiketter bør tjekkes.", len(items))
	}
	s.render(w, r, http.StatusOK, "corrections.html", queuePage{base: base{Title: "Rettelser", Fresh: s.freshness()}, Items: items, Count: count})
}

func (s *Server) queue(w http.ResponseWriter, r *http.Request) ([]omgjort.QueueItem, bool) {
	if s.cfg.Curation == nil {
		s.notFound(w, r, "Rettelser er ikke slået til på denne server.")
		return nil, false
	}
	u, ok := s.allowed(r, omgjort.PermCorrectLabels)
	if !ok {
		s.refuseCuration(w, r, "se køen af etiketter, der bør tjekkes")
		return nil, false
	}
	n, ok := queueLimit(r)
	if !ok {
		s.badRequest(w, r, fmt.Sprintf("n skal være et helt tal fra 1 til %d.", maxQueueSize))
		return nil, false
	}
	items, err := s.cfg.Curation.Queue(omgjort.WithUser(r.Context(), u), n, u.Can(omgjort.PermReadOwn))
	if err != nil {
		s.serverError(w, r, err)
		return nil, false
	}
	return items, true
}

// handleAdminDelete serves POST /admin/decisions/{id}/delete: an administrator deletes a
// decision for good (store, versions, raw pages, index, digests; an own decision's key is
// destroyed). Scripts use the admin token; the decision page's button posts here.
func (s *Server) handleAdminDelete(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Curation == nil {
		s.notFound(w, r, "Der findes ingen side på denne adresse.")
		return
	}
	u, ok := s.allowed(r, omgjort.PermDelete)
	if !ok {
		s.refuseCuration(w, r, "slette afgørelser")
		return
	}
	id := strings.TrimSpace(r.PathValue("id"))
	if id == "" || len(id) > maxIDBytes {
		s.adminAnswer(w, r, http.StatusNotFound, "Afgørelsen findes ikke", "Der findes ingen afgørelse med det nummer.")
		return
	}
	err := s.cfg.Curation.Delete(omgjort.WithUser(r.Context(), u), id)
	switch {
	case errors.Is(err, omgjort.ErrNotFound):
		s.adminAnswer(w, r, http.StatusNotFound, "Afgørelsen findes ikke", "Der findes ingen afgørelse med det nummer; den kan allerede være slettet.")
	case err != nil:
		s.log.Error("server: delete", "error", err)
		s.adminAnswer(w, r, http.StatusInternalServerError, "Sletningen mislykkedes", "Afgørelsen kunne ikke slettes helt. Prøv igen; fejlen er logget.")
	default:
		s.adminAnswer(w, r, http.StatusOK, "Afgørelsen er slettet", "Afgørelsen, dens versioner, rå sider og indeks-data er slettet for altid.")
	}
}
