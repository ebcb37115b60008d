package server

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"omgjort"
	"omgjort/alerts"
)

// alertRoutes adds the saved searches and the unsubscribe links of their mails.
func (s *Server) alertRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /gemte-soegninger", s.handleSavedPage)           // signed in: my saved searches
	mux.HandleFunc("POST /gemte-soegninger", s.handleSaveSearch)         // signed in: save the search page's search
	mux.HandleFunc("POST /gemte-soegninger/adresse", s.handleAlertEmail) // signed in: where alerts are mailed
	mux.HandleFunc("POST /gemte-soegninger/{id}", s.handleSavedChange)   // signed in: rename, frequency, delete
	mux.HandleFunc("GET /afmeld/{token}", s.handleUnsubscribePage)       // anyone with the mail's link: confirm
	mux.HandleFunc("POST /afmeld/{token}", s.handleUnsubscribe)          // the same, and RFC 8058 one-click
}

// unsubscribePath reports whether a POST goes to an unsubscribe link: its HMAC token in the
// path is a secret only the mail's recipient has, so no other site can forge the request and
// it needs no CSRF token (mail clients' one-click unsubscribe sends none).
func unsubscribePath(p string) bool { return strings.HasPrefix(p, "/afmeld/") }

// saveForm is the search page's "Gem søgning" form.
type saveForm struct {
	Query       string
	CSRF        string
	Frequencies []freqOption
	// SignIn is set instead for anonymous users: the link that signs in and comes back.
	SignIn string
}

type freqOption struct {
	Value, Label string
	Checked      bool
}

func freqOptions(current alerts.Frequency) []freqOption {
	var out []freqOption
	for _, f := range alerts.Frequencies {
		out = append(out, freqOption{Value: string(f), Label: f.Label(), Checked: f == current})
	}
	return out
}

// saveFormFor is the save form for a search page showing rawQuery, nil when saving is off.
func (s *Server) saveFormFor(r *http.Request) *saveForm {
	if s.cfg.Alerts == nil || s.cfg.Auth == nil {
		return nil
	}
	q, msg := alerts.Canonical(r.URL.RawQuery)
	if msg != "" {
		return nil
	}
	if omgjort.UserFrom(r.Context()) == nil {
		return &saveForm{SignIn: "/signin?next=" + url.QueryEscape(localPath(r.URL.RequestURI()))}
	}
	return &saveForm{Query: q, CSRF: infoFrom(r.Context()).csrf, Frequencies: freqOptions(alerts.Weekly)}
}

// savedPage is the data of "Mine gemte søgninger".
type savedPage struct {
	base
	CSRF    string
	Email   string
	Message string // what the last action did (role=status)
	Error   string // why it was refused (role=alert)
	Alerts  []savedView
}

type savedView struct {
	ID, Name, Href, Freq, LastSent, Error string
	Options                               []freqOption
}

// savedMessages are the confirmations after a change, by the redirect's besked parameter.
var savedMessages = map[string]string{
	"gemt":     "Søgningen er gemt.",
	"omdoebt":  "Søgningen har fået nyt navn.",
	"frekvens": "Hvor ofte du får besked er ændret.",
	"slettet":  "Søgningen er slettet.",
	"adresse":  "Mailadressen er gemt.",
}

func (s *Server) alertsOff(w http.ResponseWriter, r *http.Request) bool {
	if s.cfg.Alerts == nil {
		s.notFound(w, r, "Gemte søgninger er ikke slået til på denne server.")
		return true
	}
	return false
}

func (s *Server) handleSavedPage(w http.ResponseWriter, r *http.Request) {
	if s.alertsOff(w, r) {
		return
	}
	s.renderSaved(w, r, http.StatusOK, savedMessages[r.URL.Query().Get("besked")], "")
}

func (s *Server) renderSaved(w http.ResponseWriter, r *http.Request, status int, msg, errMsg string) {
	u := omgjort.UserFrom(r.Context())
	list, err := s.cfg.Alerts.List(u.Name)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	email, err := s.cfg.Alerts.Email(u.Name)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := savedPage{base: base{Title: "Mine gemte søgninger", Fresh: s.freshness()}, CSRF: infoFrom(r.Context()).csrf,
		Email: email, Message: msg, Error: errMsg}
	for _, a := range list {
		v := savedView{ID: a.ID, Name: a.Name, Href: "/?" + a.Query, Freq: a.Freq.Label(), Error: a.LastError, Options: freqOptions(a.Freq)}
		if !a.LastSent.IsZero() {
			v.LastSent = s.danishTime(a.LastSent)
		}
		p.Alerts = append(p.Alerts, v)
	}
	s.render(w, r, status, "saved.html", p)
}

// alertInputError answers a refused change with the page and the Danish reason.
func (s *Server) alertInputError(w http.ResponseWriter, r *http.Request, err error) {
	var ie *alerts.InputError
	switch {
	case errors.As(err, &ie):
		s.renderSaved(w, r, http.StatusBadRequest, "", ie.Message)
	case errors.Is(err, alerts.ErrNotFound):
		s.notFound(w, r, "Den gemte søgning findes ikke (måske er den slettet).")
	default:
		s.serverError(w, r, err)
	}
}

func (s *Server) handleSaveSearch(w http.ResponseWriter, r *http.Request) {
	if s.alertsOff(w, r) {
		return
	}
	_, err := s.cfg.Alerts.Save(r.Context(), r.PostFormValue("navn"), r.PostFormValue("soegning"), r.PostFormValue("frekvens"))
	if err != nil {
		s.alertInputError(w, r, err)
		return
	}
	http.Redirect(w, r, "/gemte-soegninger?besked=gemt", http.StatusSeeOther)
}

func (s *Server) handleAlertEmail(w http.ResponseWriter, r *http.Request) {
	if s.alertsOff(w, r) {
		return
	}
	if err := s.cfg.Alerts.SetEmail(omgjort.UserFrom(r.Context()).Name, r.PostFormValue("email")); err != nil {
		s.alertInputError(w, r, err)
		return
	}
	http.Redirect(w, r, "/gemte-soegninger?besked=adresse", http.StatusSeeOther)
}

func (s *Server) handleSavedChange(w http.ResponseWriter, r *http.Request) {
	if s.alertsOff(w, r) {
		return
	}
	user, id := omgjort.UserFrom(r.Context()).Name, r.PathValue("id")
	var err error
	done := ""
	switch r.PostFormValue("handling") {
	case "omdoeb":
		done = "omdoebt"
		_, err = s.cfg.Alerts.Rename(user, id, r.PostFormValue("navn"))
	case "frekvens":
		done = "frekvens"
		_, err = s.cfg.Alerts.SetFrequency(user, id, r.PostFormValue("frekvens"))
	case "slet":
		done = "slettet"
		err = s.cfg.Alerts.Delete(user, id)
	default:
		s.badRequest(w, r, "Handlingen findes ikke. Brug knapperne på siden Mine gemte søgninger.")
		return
	}
	if err != nil {
		s.alertInputError(w, r, err)
		return
	}
	http.Redirect(w, r, "/gemte-soegninger?besked="+done, http.StatusSeeOther)
}

// unsubscribePage is the data of the unsubscribe confirmation.
type unsubscribePage struct {
	base
	Token string
	Names []string
	Done  bool
}

func (s *Server) handleUnsubscribePage(w http.ResponseWriter, r *http.Request) {
	if s.alertsOff(w, r) {
		return
	}
	list, err := s.cfg.Alerts.Unsubscribing(r.PathValue("token"))
	if s.badUnsubscribe(w, r, list, err) {
		return
	}
	p := unsubscribePage{base: base{Title: "Stop beskeder", Fresh: s.freshness()}, Token: r.PathValue("token")}
	for _, a := range list {
		p.Names = append(p.Names, a.Name)
	}
	s.render(w, r, http.StatusOK, "unsubscribe.html", p)
}

func (s *Server) handleUnsubscribe(w http.ResponseWriter, r *http.Request) {
	if s.alertsOff(w, r) {
		return
	}
	list, err := s.cfg.Alerts.Unsubscribe(r.PathValue("token"))
	if s.badUnsubscribe(w, r, list, err) {
		return
	}
	s.log.Info("server: alerts unsubscribed by link", slog.Int("alerts", len(list)))
	p := unsubscribePage{base: base{Title: "Beskeder stoppet", Fresh: s.freshness()}, Done: true}
	for _, a := range list {
		p.Names = append(p.Names, a.Name)
	}
	s.render(w, r, http.StatusOK, "unsubscribe.html", p)
}

// badUnsubscribe answers a link that is not valid (400) or whose searches are all deleted
// (404); it reports whether it answered.
func (s *Server) badUnsubscribe(w http.ResponseWriter, r *http.Request, list []alerts.Alert, err error) bool {
	switch {
	case errors.Is(err, alerts.ErrBadToken):
		s.badRequest(w, r, "Linket til at stoppe beskeder er ikke gyldigt. Brug linket i den nyeste mail, eller log ind og ret dine gemte søgninger.")
		return true
	case err != nil:
		s.serverError(w, r, err)
		return true
	case len(list) == 0:
		s.notFound(w, r, "Søgningen, som linket gælder, er slettet, så du får ingen beskeder om den.")
		return true
	}
	return false
}
