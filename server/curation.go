package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"omgjort"
)

// Curation is what the jurists' and administrators' routes need from the composition layer:
// correcting labels (stored, relabelled and indexed there), the queue of labels worth a check,
// and deletion for good. The server writes each correction and deletion to the audit log
// (Config.Audit) with the client's address. The acting user is in ctx (omgjort.UserFrom).
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

// curationAllowed reports whether the request may do what perm guards: a signed-in user (or API token)
// holding perm, or the admin token for automation. It returns the acting user, the admin
// token's principal when that is what was shown.
func (s *Server) curationAllowed(r *http.Request, perm omgjort.Permission) (*omgjort.User, bool) {
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
	u, ok := s.curationAllowed(r, omgjort.PermCorrectLabels)
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
	s.auditCorrection(r, u, c, err)
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
	u, ok := s.curationAllowed(r, omgjort.PermCorrectLabels)
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
	u, ok := s.curationAllowed(r, omgjort.PermDelete)
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
	s.audit(r, omgjort.AuditEntry{User: u.Name, Action: omgjort.AuditDelete, DecisionID: id, Outcome: auditOutcome(err)})
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

// caseForm is the small correction form under each case on the decision page, for jurists.
type caseForm struct {
	CSRF       string
	DecisionID string
	CaseID     string
	Anchor     string
	// Targets are the labels to judge: the case's own labels first, then every other.
	Targets []option
	// Sentences are the case text's sentences to choose the evidence from.
	Sentences []option
	// Suggestions are the types one signal finds and the other does not (omgjort.Case.
	// Suggestions), for the jurist to add or dismiss.
	Suggestions []suggestionView
}

// suggestionView is one suggested type: its name, why it is suggested (which signal found it
// and which did not, probabilities with a Danish decimal comma) and its sentence.
type suggestionView struct {
	Label, Why, Sentence string
}

// option is one choice of a select or a checkbox list.
type option struct {
	Value string
	Label string
}

// deleteForm is the administrators' delete button on the decision page.
type deleteForm struct {
	CSRF       string
	DecisionID string
}

// curate fills in the correction forms (PermCorrectLabels) and the delete button (PermDelete)
// of the decision page for a signed-in user who may use them.
func (s *Server) curate(r *http.Request, d *omgjort.Decision, p *decisionPage) {
	u := omgjort.UserFrom(r.Context())
	if s.cfg.Curation == nil || u == nil {
		return
	}
	csrf := infoFrom(r.Context()).csrf
	if u.Can(omgjort.PermDelete) {
		p.Delete = &deleteForm{CSRF: csrf, DecisionID: d.ID}
	}
	if !u.Can(omgjort.PermCorrectLabels) {
		return
	}
	for i := range p.Cases {
		if i >= len(d.Cases) {
			break
		}
		c := d.Cases[i]
		f := &caseForm{CSRF: csrf, DecisionID: d.ID, CaseID: c.ID, Anchor: p.Cases[i].Anchor, Sentences: sentenceOptions(c.Text)}
		f.Targets = append(f.Targets, option{"outcome:" + string(c.Outcome), "Udfald: " + c.Outcome.Label() + " (nu)"})
		for _, e := range c.Errors {
			f.Targets = append(f.Targets, option{"error:" + string(e.Type), "Fejltype: " + e.Type.Label() + " (nu)"})
		}
		for _, e := range c.Suggestions {
			f.Targets = append(f.Targets, option{"error:" + string(e.Type), "Fejltype: " + e.Type.Label() + " (foreslået)"})
			sv := suggestionView{Label: e.Type.Label(), Why: e.SuggestionReason()}
			if len(e.Evidence) > 0 {
				sv.Sentence = e.Evidence[0].Text
			}
			f.Suggestions = append(f.Suggestions, sv)
		}
		for _, o := range omgjort.Outcomes {
			if o != c.Outcome && o != omgjort.OutcomeUkendt {
				f.Targets = append(f.Targets, option{"outcome:" + string(o), "Udfald: " + o.Label()})
			}
		}
		for _, t := range omgjort.ErrorTypes {
			has := false
			for _, e := range c.Errors {
				has = has || e.Type == t
			}
			for _, e := range c.Suggestions {
				has = has || e.Type == t
			}
			if !has {
				f.Targets = append(f.Targets, option{"error:" + string(t), "Fejltype: " + t.Label()})
			}
		}
		p.Cases[i].Correct = f
	}
}

// maxSentences caps the evidence choices offered per case.
const maxSentences = 400

// sentenceOptions splits a case text into sentences, each with its character range as value
// ("start-end"), for the evidence checkboxes.
func sentenceOptions(text string) []option {
	var out []option
	runes := []rune(text)
	start := 0
	flush := func(end int) {
		for start < end && (runes[start] == ' ' || runes[start] == '\n' || runes[start] == '\t') {
			start++
		}
		e := end
		for e > start && (runes[e-1] == ' ' || runes[e-1] == '\n' || runes[e-1] == '\t') {
			e--
		}
		if e > start && len(out) < maxSentences {
			out = append(out, option{Value: strconv.Itoa(start) + "-" + strconv.Itoa(e), Label: string(runes[start:e])})
		}
		start = end
	}
	for i, r := range runes {
		switch {
		case r == '\n' && i+1 < len(runes) && runes[i+1] == '\n':
			flush(i)
		case (r == '.' || r == '!' || r == '?') && i+1 < len(runes) && (runes[i+1] == ' ' || runes[i+1] == '\n'):
			// "jf. § 7" and "nr. 3" do not end a sentence: the next word starts in lower case
			// or with a digit or §.
			if j := i + 2; j < len(runes) && (unicode.IsLower(runes[j]) || unicode.IsDigit(runes[j]) || runes[j] == '§') {
				continue
			}
			flush(i + 1)
		}
	}
	flush(len(runes))
	return out
}

// handleCorrectionForm serves POST /d/{id}/rettelser: the decision page's correction form.
// Success returns to the case; a correction that does not fit is a Danish 400 that says why.
func (s *Server) handleCorrectionForm(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Curation == nil {
		s.notFound(w, r, "Rettelser er ikke slået til på denne server.")
		return
	}
	u, ok := s.curationAllowed(r, omgjort.PermCorrectLabels)
	if !ok {
		s.refuseCuration(w, r, "rette etiketter")
		return
	}
	if err := r.ParseForm(); err != nil {
		s.badRequest(w, r, "Formularen kunne ikke læses.")
		return
	}
	id := strings.TrimSpace(r.PathValue("id"))
	kind, value, _ := strings.Cut(r.PostFormValue("target"), ":")
	c := omgjort.Correction{DecisionID: id, CaseID: r.PostFormValue("case"), Kind: kind, Action: r.PostFormValue("action"),
		Reason: r.PostFormValue("reason"), User: u.Name}
	if kind == omgjort.CorrectOutcome {
		c.Outcome = omgjort.Outcome(value)
	} else {
		c.ErrorType = omgjort.ErrorType(value)
	}
	for _, v := range r.PostForm["evidence"] {
		a, b, _ := strings.Cut(v, "-")
		start, err1 := strconv.Atoi(a)
		end, err2 := strconv.Atoi(b)
		if err1 != nil || err2 != nil {
			s.badRequest(w, r, "En valgt sætning kunne ikke læses. Genindlæs siden og prøv igen.")
			return
		}
		c.Evidence = append(c.Evidence, omgjort.Evidence{Start: start, End: end})
	}
	d, err := s.cfg.Curation.Correct(omgjort.WithUser(r.Context(), u), c)
	s.auditCorrection(r, u, c, err)
	var qe *omgjort.QueryError
	switch {
	case errors.As(err, &qe):
		s.errorHTML(w, r, http.StatusBadRequest, "Rettelsen blev ikke gemt", qe.Message+". Gå tilbage og ret formularen.", true)
		return
	case errors.Is(err, omgjort.ErrNotFound):
		s.notFound(w, r, "Afgørelsen findes ikke.")
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/d/"+url.PathEscape(d.ID)+"?rettet=1#sag-"+url.QueryEscape(c.CaseID), http.StatusSeeOther)
}

// auditCorrection writes a correction (or a refused one) to the audit log with the client's
// address.
func (s *Server) auditCorrection(r *http.Request, u *omgjort.User, c omgjort.Correction, err error) {
	s.audit(r, omgjort.AuditEntry{User: u.Name, Action: omgjort.AuditCorrectLabels, DecisionID: c.DecisionID,
		Outcome: auditOutcome(err), Detail: "sag " + c.CaseID + ": " + c.Action + " " + c.Kind + " " + string(c.Outcome) + string(c.ErrorType)})
}

// auditOutcome is the audit outcome of a curation call's error.
func auditOutcome(err error) string {
	var qe *omgjort.QueryError
	switch {
	case err == nil:
		return omgjort.AuditOK
	case errors.As(err, &qe), errors.Is(err, omgjort.ErrNotFound):
		return omgjort.AuditInvalid
	}
	return omgjort.AuditFailed
}
