package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"omgjort"
)

// MinAdminToken is the shortest admin token accepted: 32 random characters (`openssl rand
// -hex 32` makes 64) cannot be guessed through a rate-limited login.
const MinAdminToken = 32

// CheckAdminToken says why a token is not good enough to guard the admin routes, or nil; serve
// refuses to start with a bad one. An empty token is fine: the admin routes are then off.
func CheckAdminToken(token string) error {
	if token == "" {
		return nil
	}
	distinct := map[rune]bool{}
	for _, c := range token {
		distinct[c] = true
	}
	if len(token) < MinAdminToken || len(distinct) < 8 {
		return errors.New("the admin token must be at least 32 random characters; make one with `openssl rand -hex 32`")
	}
	return nil
}

// Failed admin attempts allowed per client address, and from all addresses together, in one
// adminWindow; more are answered 429 until the window has passed.
const (
	adminFailsPerClient = 5
	adminFailsTotal     = 50
	adminWindow         = 15 * time.Minute
)

// adminGuard counts failed admin attempts so the token cannot be guessed by trying.
type adminGuard struct {
	mu    sync.Mutex
	start time.Time
	total int
	per   map[string]int
	now   func() time.Time
}

func newAdminGuard() *adminGuard {
	return &adminGuard{per: map[string]int{}, now: time.Now}
}

// blocked reports whether client has used up its failed attempts, and for how long.
func (g *adminGuard) blocked(client string) (bool, time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.roll()
	left := g.start.Add(adminWindow).Sub(g.now())
	return g.per[client] >= adminFailsPerClient || g.total >= adminFailsTotal, left
}

// failed records a failed attempt from client.
func (g *adminGuard) failed(client string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.roll()
	g.per[client]++
	g.total++
}

func (g *adminGuard) roll() {
	if now := g.now(); now.Sub(g.start) >= adminWindow {
		g.start, g.total = now, 0
		clear(g.per)
	}
}

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
	// A signed-in administrator (session with CSRF, or API token) may start jobs too. Wrong
	// tokens are counted and locked out before this (authenticate, adminGuard).
	if !s.adminAuthorized(r) && !omgjort.UserFrom(r.Context()).Can(omgjort.PermAdminJobs) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="omgjort-admin"`)
		s.adminAnswer(w, r, http.StatusUnauthorized, "Adgang nægtet", "Admin-nøglen mangler eller er forkert.")
		return
	}
	job := r.PathValue("job")
	var err error
	if by, ok := s.cfg.Jobs.(interface {
		RunNowAs(name, trigger string) error
	}); ok {
		err = by.RunNowAs(job, omgjort.TriggerAdmin) // recorded on the run as started by an admin
	} else {
		err = s.cfg.Jobs.RunNow(job)
	}
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
	w.Header().Set("Cache-Control", "no-store")
	if !strings.Contains(r.Header.Get("Accept"), "text/html") {
		writeJSON(w, status, map[string]string{"status": heading, "message": msg})
		return
	}
	p := errorPage{base: base{Title: heading, Fresh: s.freshness()}, Heading: heading, Message: msg}
	s.render(w, r, status, "error.html", p)
}
