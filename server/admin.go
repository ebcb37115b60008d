package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"

	"omgjort"
)

// adminAuthorized reports whether the request carries the admin token, as "Authorization:
// Bearer <token>" or as the form field "token" (the form on /status). Both sides are hashed
// first, so the constant-time comparison does not leak the token's length either.
func (s *Server) adminAuthorized(r *http.Request) bool {
	got := ""
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		got = strings.TrimSpace(strings.TrimPrefix(h, "Bearer "))
	} else {
		got = r.PostFormValue("token")
	}
	if got == "" || s.cfg.AdminToken == "" {
		return false
	}
	a, b := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(s.cfg.AdminToken))
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1
}

// handleAdminRun serves POST /admin/run/{job}: an operator starts a job now. Who calls it: a
// person on /status or a script with the token. The job runs in the background; its run record
// on /status tells how it went. Off (404) when no admin token is configured.
func (s *Server) handleAdminRun(w http.ResponseWriter, r *http.Request) {
	if (s.cfg.AdminToken == "" && s.cfg.Auth == nil) || s.cfg.Jobs == nil {
		s.notFound(w, r, "Der findes ingen side på denne adresse.")
		return
	}
	// A signed-in administrator (session with CSRF, or API token) may start jobs too.
	if !s.adminAuthorized(r) && !omgjort.UserFrom(r.Context()).Can(omgjort.PermAdminJobs) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="omgjort-admin"`)
		s.adminAnswer(w, r, http.StatusUnauthorized, "Adgang nægtet", "Admin-nøglen mangler eller er forkert.")
		return
	}
	job := r.PathValue("job")
	err := s.cfg.Jobs.RunNow(job)
	switch {
	case err == nil:
		s.log.Info("server: admin started a job", "job", job, "remote", r.RemoteAddr)
		s.adminAnswer(w, r, http.StatusAccepted, "Kørslen er startet", "Jobbet "+job+" kører nu. Følg det under Seneste kørsler på statussiden.")
	case errors.Is(err, omgjort.ErrUnknownJob):
		s.adminAnswer(w, r, http.StatusNotFound, "Ukendt job", "Der findes intet job med navnet "+job+".")
	case errors.Is(err, omgjort.ErrJobRunning):
		s.adminAnswer(w, r, http.StatusConflict, "Jobbet kører allerede", "Jobbet "+job+" kører allerede; et job kører aldrig to gange samtidig.")
	case errors.Is(err, omgjort.ErrOutsideWindow):
		s.adminAnswer(w, r, http.StatusConflict, "Uden for tidsvinduet", "Jobbet "+job+" må kun køre i sit tidsvindue: "+err.Error())
	default:
		s.log.Error("server: admin run", "job", job, "error", err)
		s.adminAnswer(w, r, http.StatusServiceUnavailable, "Jobbet kunne ikke startes", "Jobbet kunne ikke startes lige nu. Prøv igen om lidt.")
	}
}

// adminAnswer answers in JSON to scripts and with a page to browsers.
func (s *Server) adminAnswer(w http.ResponseWriter, r *http.Request, status int, heading, msg string) {
	if !strings.Contains(r.Header.Get("Accept"), "text/html") {
		writeJSON(w, status, map[string]string{"status": heading, "message": msg})
		return
	}
	p := errorPage{base: base{Title: heading, Fresh: s.freshness()}, Heading: heading, Message: msg}
	s.render(w, r, status, "error.html", p)
}
