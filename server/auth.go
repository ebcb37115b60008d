package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"omgjort"
	"omgjort/audit"
	"omgjort/auth"
)

// Cookie names. The session cookie holds only the random session id; the CSRF cookie is the
// pre-session token of the sign-in form; the state cookie binds an OIDC sign-in to the browser
// that started it.
const (
	sessionCookie = "omgjort_session"
	csrfCookie    = "omgjort_csrf"
	stateCookie   = "omgjort_oidc_state"
	csrfField     = "csrf"
)

// access is who may use a route.
type access int

const (
	// anyone, signed in or not, whatever --public says: sign-in, static files, health, 404.
	accessOpen access = iota
	// published decisions: anonymous when the site is public, else PermReadPublished.
	accessRead
	// a signed-in principal (sign-out).
	accessSignedIn
	// the permission in rule.perm.
	accessPerm
	// the permission in rule.perm where sign-in exists (Config.Auth set); like accessRead on a
	// server without sign-in, where nobody could hold it (issue 14: /stats is for teamleder
	// and up, and was open to all before sign-in).
	accessPermWithSignIn
)

type rule struct {
	level access
	perm  omgjort.Permission
}

// routeRules is the one table of who may use which route, keyed by the mux pattern. Every
// route registered in this package must be here (TestEveryRouteHasARule reads the source);
// own decisions are guarded again where they are read (allowDecision, ownSearcher).
var routeRules = map[string]rule{
	"GET /{$}":                             {level: accessRead},
	"GET /d/{id}":                          {level: accessRead},
	"GET /api/search":                      {level: accessRead},
	"GET /api/decisions/{id}":              {level: accessRead},
	"GET /feed.atom":                       {level: accessRead},
	"GET /export.csv":                      {level: accessRead},
	"GET /stats":                           {level: accessPermWithSignIn, perm: omgjort.PermTeamStats},
	"GET /status":                          {level: accessRead},
	"GET /metrics":                         {level: accessRead},
	"GET /digests":                         {level: accessRead},
	"GET /digests.atom":                    {level: accessRead},
	"GET /digests/{week}":                  {level: accessRead},
	"GET /digests/{week}/mail":             {level: accessRead},
	"POST /admin/run/{job}":                {level: accessPerm, perm: omgjort.PermAdminJobs},
	"GET /admin/audit":                     {level: accessPerm, perm: omgjort.PermAudit},
	"GET /admin/audit.jsonl":               {level: accessPerm, perm: omgjort.PermAudit},
	"GET /stats.json":                      {level: accessPermWithSignIn, perm: omgjort.PermTeamStats},
	"GET /stats.csv":                       {level: accessPermWithSignIn, perm: omgjort.PermTeamStats},
	"POST /admin/stats/import":             {level: accessPerm, perm: omgjort.PermAdminImports},
	"GET /admin/import":                    {level: accessPerm, perm: omgjort.PermAdminImports},
	"POST /admin/import":                   {level: accessPerm, perm: omgjort.PermAdminImports},
	"GET /admin/import/{id}":               {level: accessPerm, perm: omgjort.PermAdminImports},
	"GET /admin/review":                    {level: accessPerm, perm: omgjort.PermReviewImports},
	"GET /admin/review/{key}":              {level: accessPerm, perm: omgjort.PermReviewImports},
	"POST /admin/review/{key}":             {level: accessPerm, perm: omgjort.PermReviewImports},
	"POST /api/decisions/{id}/corrections": {level: accessPerm, perm: omgjort.PermCorrectLabels},
	"POST /d/{id}/rettelser":               {level: accessPerm, perm: omgjort.PermCorrectLabels},
	"POST /d/{id}/team":                    {level: accessPerm, perm: omgjort.PermReviewImports},
	"GET /api/queue":                       {level: accessPerm, perm: omgjort.PermCorrectLabels},
	"GET /rettelser":                       {level: accessPerm, perm: omgjort.PermCorrectLabels},
	"POST /admin/decisions/{id}/delete":    {level: accessPerm, perm: omgjort.PermDelete},
	"GET /healthz":                         {level: accessOpen},
	"GET /static/":                         {level: accessOpen},
	"GET /signin":                          {level: accessOpen},
	"POST /signin":                         {level: accessOpen},
	"POST /signout":                        {level: accessSignedIn},
	"GET /auth/oidc/start":                 {level: accessOpen},
	"GET /auth/oidc/callback":              {level: accessOpen},
	"GET /":                                {level: accessOpen},
	"GET /gemte-soegninger":                {level: accessSignedIn},
	"POST /gemte-soegninger":               {level: accessSignedIn},
	"POST /gemte-soegninger/adresse":       {level: accessSignedIn},
	"POST /gemte-soegninger/{id}":          {level: accessSignedIn},
	"GET /afmeld/{token}":                  {level: accessOpen},
	"POST /afmeld/{token}":                 {level: accessOpen},
}

// ruleFor returns the rule of a mux pattern. A pattern missing from the table (a route added
// without a rule) is readable like a published page when it only reads, and admin-only when
// it changes anything: fail closed for writes.
func ruleFor(pattern, method string) (rule, bool) {
	if r, ok := routeRules[pattern]; ok {
		return r, true
	}
	if method == http.MethodGet || method == http.MethodHead {
		return rule{level: accessRead}, false
	}
	return rule{level: accessPerm, perm: omgjort.PermAdminJobs}, false
}

// reqInfo is what the authentication middleware learned about a request, for the handlers,
// the templates and the audit log.
type reqInfo struct {
	session   *auth.Session
	sessionID string
	// bearer is set when the principal came from an Authorization header (no CSRF needed).
	bearer bool
	// csrf is the token the page's forms must carry (the session's, or the pre-session
	// cookie's on the sign-in page).
	csrf   string
	client string
	path   string
}

type reqInfoKey struct{}

func infoFrom(ctx context.Context) *reqInfo {
	if i, ok := ctx.Value(reqInfoKey{}).(*reqInfo); ok {
		return i
	}
	return &reqInfo{}
}

// clientAddr is the client's IP address (no proxy headers are trusted).
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// audit records e for request r, filling in the user, client and time; a failure to log is
// itself logged (the request goes on: refusing every request because the log is full would
// take the service down).
func (s *Server) audit(r *http.Request, e omgjort.AuditEntry) {
	if s.cfg.Audit == nil {
		return
	}
	if e.Client == "" {
		e.Client = clientAddr(r)
	}
	if e.User == "" {
		if u := omgjort.UserFrom(r.Context()); u != nil {
			e.User = u.Name
		}
	}
	if err := s.cfg.Audit.Record(r.Context(), e); err != nil {
		s.log.Error("server: audit log write failed", slog.String("action", e.Action), slog.Any("error", err))
	}
}

// secretQueryKeys are query parameters that would carry a credential in the URL, where it ends
// up in browser history, proxy logs and Referer headers.
var secretQueryKeys = []string{"access_token", "token", "api_key", "apikey", "bearer", "session"}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// authenticate finds the principal of a request: a bearer token (personal API token or the
// --admin-token), or the session cookie. It refuses credentials in the query string and
// state-changing requests without the right CSRF token, and audits every refusal.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info := &reqInfo{client: clientAddr(r), path: r.URL.Path}
		ctx := omgjort.WithClient(context.WithValue(r.Context(), reqInfoKey{}, info), info.client)
		r = r.WithContext(ctx)
		q := r.URL.Query()
		for _, k := range secretQueryKeys {
			if q.Get(k) != "" {
				s.audit(r, omgjort.AuditEntry{Action: omgjort.AuditRefused, Outcome: omgjort.AuditDenied,
					Detail: "adgangsnøgle i adressen (" + k + ") afvist"})
				s.badRequest(w, r, "Adgangsnøgler må aldrig stå i adressen, hvor de gemmes i historik og logfiler. "+
					"Send nøglen i headeren Authorization: Bearer …, og lav en ny nøgle, da den gamle må anses for lækket.")
				return
			}
		}
		// A secret offered (bearer token, the admin form on /status) from an address that has
		// offered too many wrong ones is not even checked until its lock-out ends.
		adminForm := r.Method == http.MethodPost && tokenFormPath(r.URL.Path) && r.PostFormValue("token") != ""
		if r.Header.Get("Authorization") != "" || adminForm {
			if blocked, wait := s.admin.blocked(info.client); blocked {
				w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
				w.Header().Set("Cache-Control", "no-store")
				s.log.Warn("server: secret refused unchecked: too many wrong ones from this address", "remote", info.client, "path", r.URL.Path)
				s.denied(w, r, http.StatusTooManyRequests, "For mange forkerte forsøg. Vent et kvarter, og prøv igen.")
				return
			}
		}
		var u *omgjort.User
		if h := r.Header.Get("Authorization"); h != "" {
			tok, ok := strings.CutPrefix(h, "Bearer ")
			tok = strings.TrimSpace(tok)
			switch {
			case ok && s.isAdminToken(tok):
				u = &omgjort.User{Name: "admin-token", Roles: []omgjort.Role{omgjort.RoleAdmin}, Method: "admin-token"}
			case ok && s.cfg.Auth != nil:
				if tu, _, err := s.cfg.Auth.TokenUser(tok); err == nil {
					u = tu
				}
			}
			if u == nil {
				s.admin.failed(info.client)
				s.log.Warn("server: request with a wrong token (admin or API)", "remote", info.client, "path", r.URL.Path)
				s.audit(r, omgjort.AuditEntry{Action: omgjort.AuditRefused, Outcome: omgjort.AuditDenied,
					Detail: "ukendt eller tilbagekaldt API-nøgle"})
				w.Header().Set("WWW-Authenticate", `Bearer realm="omgjort"`)
				s.denied(w, r, http.StatusUnauthorized, "API-nøglen er ukendt eller tilbagekaldt. Lav en ny med omgjort token create.")
				return
			}
			info.bearer = true
		} else if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" && s.cfg.Auth != nil {
			sess, err := s.cfg.Auth.Session(c.Value)
			if err == nil {
				u, info.session, info.sessionID, info.csrf = sess.Principal(), sess, c.Value, sess.CSRF
			} else {
				s.audit(r, omgjort.AuditEntry{Action: omgjort.AuditRefused, Outcome: omgjort.AuditDenied,
					Detail: "ukendt eller udløbet session"})
				s.clearCookie(w, sessionCookie, "/")
			}
		}
		if u == nil && adminForm {
			if s.adminAuthorized(r) {
				// The admin-token form on /status: an explicit secret, like a bearer token.
				u, info.bearer = &omgjort.User{Name: "admin-token", Roles: []omgjort.Role{omgjort.RoleAdmin}, Method: "admin-token"}, true
			} else {
				s.admin.failed(info.client)
				s.log.Warn("server: admin form with a wrong token", "remote", info.client, "path", r.URL.Path)
			}
		}
		if u != nil {
			r = r.WithContext(omgjort.WithUser(r.Context(), u))
		}
		if info.csrf == "" {
			if c, err := r.Cookie(csrfCookie); err == nil {
				info.csrf = c.Value
			}
		}
		next.ServeHTTP(w, r)
	})
}

// csrfOK checks the form's CSRF token against the session's (or the sign-in page's cookie). The
// admin-token form on /status carries an explicit secret instead, which no other site can know.
func (s *Server) csrfOK(r *http.Request, info *reqInfo) bool {
	got := r.PostFormValue(csrfField)
	if got == "" {
		got = r.Header.Get("X-CSRF-Token")
	}
	if auth.CheckCSRF(info.csrf, got) {
		return true
	}
	return tokenFormPath(r.URL.Path) && s.adminAuthorized(r)
}

// tokenFormPath reports whether a POST to path may carry the admin token as the form field
// "token" (the forms on /status), which no other site can know, so it needs no CSRF token.
func tokenFormPath(path string) bool {
	return strings.HasPrefix(path, "/admin/run/") || path == "/admin/status"
}

func (s *Server) isAdminToken(tok string) bool {
	if tok == "" || s.cfg.AdminToken == "" {
		return false
	}
	a, b := sha256.Sum256([]byte(tok)), sha256.Sum256([]byte(s.cfg.AdminToken))
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1
}

// authorize enforces routeRules on the route the mux would pick for r.
func (s *Server) authorize(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, pattern := mux.Handler(r)
		if pattern == "" {
			// No route takes this method here: the mux answers 405 with Allow (every path has a
			// GET route, the Danish 404), touching nothing.
			mux.ServeHTTP(w, r)
			return
		}
		rl, known := ruleFor(pattern, r.Method)
		if !known && pattern != "" {
			s.log.Warn("server: route without an access rule", slog.String("pattern", pattern))
		}
		u := omgjort.UserFrom(r.Context())
		allowed := false
		switch rl.level {
		case accessOpen:
			allowed = true
		case accessRead:
			allowed = !s.cfg.Private || u.Can(omgjort.PermReadPublished)
		case accessSignedIn:
			allowed = u != nil
		case accessPermWithSignIn:
			if s.cfg.Auth == nil {
				allowed = !s.cfg.Private || u.Can(omgjort.PermReadPublished)
			} else {
				allowed = u.Can(rl.perm)
			}
		case accessPerm:
			allowed = u.Can(rl.perm)
		}
		if !allowed && s.cfg.Auth == nil && s.cfg.AdminToken == "" && (pattern == "POST /admin/run/{job}" || pattern == "POST /admin/status") {
			// Neither sign-in nor an admin token: starting jobs does not exist on this server.
			s.notFound(w, r, "Der findes ingen side på denne adresse.")
			return
		}
		if !allowed {
			s.refuse(w, r, "adgang nægtet til "+r.Method+" "+r.URL.Path, "")
			return
		}
		// CSRF after the rights check, so a refusal says why. Without sign-in (Auth nil) no
		// request carries ambient credentials: there is nothing to forge.
		info := infoFrom(r.Context())
		if !safeMethod(r.Method) && !info.bearer && s.cfg.Auth != nil && !unsubscribePath(r.URL.Path) && !s.csrfOK(r, info) {
			s.audit(r, omgjort.AuditEntry{Action: omgjort.AuditRefused, Outcome: omgjort.AuditDenied,
				Detail: "manglende eller forkert CSRF-nøgle på " + r.Method + " " + r.URL.Path})
			s.denied(w, r, http.StatusForbidden, "Formularen manglede sin sikkerhedsnøgle eller var for gammel, så intet blev ændret. Gå tilbage, genindlæs siden og prøv igen.")
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// refuse answers a request the principal may not make: 401 with a way to sign in for
// anonymous users, 403 for a signed-in one (a role escalation attempt, audited).
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, detail, decisionID string) {
	u := omgjort.UserFrom(r.Context())
	s.audit(r, omgjort.AuditEntry{Action: omgjort.AuditRefused, Outcome: omgjort.AuditDenied, Detail: detail, DecisionID: decisionID})
	if u == nil {
		w.Header().Set("WWW-Authenticate", `Bearer realm="omgjort"`)
		s.denied(w, r, http.StatusUnauthorized, "Du skal logge ind for at se denne side.")
		return
	}
	s.denied(w, r, http.StatusForbidden, "Din bruger ("+u.Name+") har ikke en rolle, der giver adgang til denne side. Bed en administrator om den rolle, du har brug for.")
}

// deniedPage is the 401/403 page.
type deniedPage struct {
	base
	Status  int
	Heading string
	Message string
	SignIn  string
}

// denied renders the Danish 401/403 page (JSON under /api/, plain text for feeds and exports).
func (s *Server) denied(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if isAPI(r) || !strings.Contains(r.Header.Get("Accept"), "text/html") && (strings.HasSuffix(r.URL.Path, ".csv") || strings.HasSuffix(r.URL.Path, ".atom") || strings.HasSuffix(r.URL.Path, ".jsonl") || r.Header.Get("Authorization") != "") {
		writeJSON(w, status, apiError{Error: msg})
		return
	}
	p := deniedPage{base: base{Title: "Adgang nægtet", Fresh: s.freshness()}, Status: status, Message: msg, Heading: "Adgang nægtet"}
	if status == http.StatusUnauthorized {
		p.Heading = "Log ind for at fortsætte"
		if s.cfg.Auth != nil {
			p.SignIn = "/signin?next=" + url.QueryEscape(localPath(r.URL.RequestURI()))
		}
	}
	s.render(w, r, status, "denied.html", p)
}

// allowDecision guards every read of one decision (page and API): an own decision needs
// PermReadOwn, and every read of one is audited, as is every refusal.
func (s *Server) allowDecision(w http.ResponseWriter, r *http.Request, d *omgjort.Decision) bool {
	if !d.IsOwn() {
		return true
	}
	if !omgjort.CanReadOwn(r.Context()) {
		s.refuse(w, r, "læsning af egen afgørelse afvist", d.ID)
		return false
	}
	s.audit(r, omgjort.AuditEntry{Action: omgjort.AuditReadOwn, DecisionID: d.ID, Outcome: omgjort.AuditOK})
	return true
}

// ownSearcher lets own decisions into a search only for principals with PermReadOwn, and
// audits those searches with their criterion (the feed or export they came from included).
type ownSearcher struct {
	inner omgjort.Searcher
	s     *Server
}

func (o ownSearcher) Search(ctx context.Context, req omgjort.SearchRequest) (*omgjort.SearchResult, error) {
	req.IncludeOwn = omgjort.CanReadOwn(ctx)
	res, err := o.inner.Search(ctx, req)
	if req.IncludeOwn && o.s.cfg.Audit != nil {
		info := infoFrom(ctx)
		action := omgjort.AuditSearch
		switch {
		case strings.HasSuffix(info.path, ".atom"):
			action = omgjort.AuditFeed
		case strings.HasSuffix(info.path, ".csv"):
			action = omgjort.AuditExport
		}
		e := omgjort.AuditEntry{Action: action, Query: describeSearch(req), Client: info.client, Outcome: omgjort.AuditOK}
		if err != nil {
			e.Outcome = omgjort.AuditFailed
		}
		if u := omgjort.UserFrom(ctx); u != nil {
			e.User = u.Name
		}
		if aerr := o.s.cfg.Audit.Record(ctx, e); aerr != nil {
			o.s.log.Error("server: audit log write failed", slog.String("action", action), slog.Any("error", aerr))
		}
	}
	return res, err
}

// ownStatsSearcher is ownSearcher for an index that also computes statistics.
type ownStatsSearcher struct {
	ownSearcher
	stats omgjort.StatsSource
}

func (o ownStatsSearcher) Stats(ctx context.Context) (*omgjort.Stats, error) {
	return o.stats.Stats(ctx)
}

// describeSearch is the search criterion as the audit log records it.
func describeSearch(req omgjort.SearchRequest) string {
	var b strings.Builder
	b.WriteString(strings.TrimSpace(req.Query))
	keys := make([]string, 0, len(req.Filters))
	for k := range req.Filters {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range req.Filters[k] {
			fmt.Fprintf(&b, " [%s=%s]", k, v)
		}
	}
	return strings.TrimSpace(b.String())
}

// localPath keeps a redirect target on this site: a path starting with one slash, else "/".
func localPath(p string) string {
	if p == "" || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\\r\n") {
		return "/"
	}
	return p
}

func (s *Server) setCookie(w http.ResponseWriter, name, value, path string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: path, HttpOnly: true,
		Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: int(maxAge.Seconds())})
}

func (s *Server) clearCookie(w http.ResponseWriter, name, path string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: path, HttpOnly: true,
		Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// authRoutes adds sign-in, sign-out, OIDC and the audit pages.
func (s *Server) authRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /signin", s.handleSignInPage)               // sign-in form (local and OIDC)
	mux.HandleFunc("POST /signin", s.handleSignIn)                  // local sign-in
	mux.HandleFunc("POST /signout", s.handleSignOut)                // sign out (here or everywhere)
	mux.HandleFunc("GET /auth/oidc/start", s.handleOIDCStart)       // to the identity provider
	mux.HandleFunc("GET /auth/oidc/callback", s.handleOIDCCallback) // back from it
	mux.HandleFunc("GET /admin/audit", s.handleAudit)               // the audit log, filtered
	mux.HandleFunc("GET /admin/audit.jsonl", s.handleAuditExport)   // the same as JSON Lines
}

// signinPage is the data of the sign-in page.
type signinPage struct {
	base
	Next     string
	CSRF     string
	Name     string
	Error    string
	Local    bool
	OIDC     bool
	Disabled bool
}

// csrfForPage returns the request's CSRF token, minting the pre-session cookie when absent.
func (s *Server) csrfForPage(w http.ResponseWriter, r *http.Request) string {
	info := infoFrom(r.Context())
	if info.csrf != "" {
		return info.csrf
	}
	tok, err := auth.RandomToken(32)
	if err != nil {
		return ""
	}
	s.setCookie(w, csrfCookie, tok, "/", 2*time.Hour)
	info.csrf = tok
	return tok
}

func (s *Server) handleSignInPage(w http.ResponseWriter, r *http.Request) {
	s.signinForm(w, r, http.StatusOK, "", "")
}

func (s *Server) signinForm(w http.ResponseWriter, r *http.Request, status int, name, msg string) {
	p := signinPage{base: base{Title: "Log ind", Fresh: s.freshness()}, Next: localPath(r.FormValue("next")), Name: name, Error: msg,
		Local: s.cfg.Auth != nil, OIDC: s.cfg.OIDC != nil, Disabled: s.cfg.Auth == nil}
	p.CSRF = s.csrfForPage(w, r)
	s.render(w, r, status, "signin.html", p)
}

func (s *Server) handleSignIn(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Auth == nil {
		s.notFound(w, r, "Log ind er ikke slået til på denne server.")
		return
	}
	name := strings.TrimSpace(r.PostFormValue("username"))
	pw := r.PostFormValue("password")
	if name == "" || pw == "" {
		s.signinForm(w, r, http.StatusBadRequest, name, "Skriv både brugernavn og adgangskode.")
		return
	}
	u, err := s.cfg.Auth.CheckPassword(name, pw)
	var te *auth.ThrottledError
	switch {
	case errors.As(err, &te):
		s.audit(r, omgjort.AuditEntry{User: name, Action: omgjort.AuditSignInFailed, Outcome: omgjort.AuditDenied, Detail: "for mange forkerte forsøg"})
		wait := int(time.Until(te.Until).Seconds()) + 1
		msg := "For mange forkerte forsøg. Vent " + strconv.Itoa(wait) + " sekunder, og prøv igen."
		if te.Locked {
			msg = "Kontoen er midlertidigt låst efter for mange forkerte forsøg. Prøv igen om " + strconv.Itoa((wait+59)/60) + " minutter, eller bed en administrator låse den op."
		}
		w.Header().Set("Retry-After", strconv.Itoa(wait))
		s.signinForm(w, r, http.StatusTooManyRequests, name, msg)
		return
	case errors.Is(err, auth.ErrBadLogin):
		s.audit(r, omgjort.AuditEntry{User: name, Action: omgjort.AuditSignInFailed, Outcome: omgjort.AuditDenied, Detail: "forkert brugernavn eller adgangskode"})
		s.signinForm(w, r, http.StatusUnauthorized, name, "Forkert brugernavn eller adgangskode.")
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	s.startSession(w, r, u, localPath(r.PostFormValue("next")))
}

// startSession signs u in: a new session (a fresh id: no session fixation), its cookie, the
// audit entry, and a redirect to next.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, u *omgjort.User, next string) {
	if old, err := r.Cookie(sessionCookie); err == nil {
		_ = s.cfg.Auth.EndSession(old.Value)
	}
	id, _, err := s.cfg.Auth.NewSession(u)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.setCookie(w, sessionCookie, id, "/", auth.DefaultSessionTTL)
	s.clearCookie(w, csrfCookie, "/")
	roles := make([]string, 0, len(u.Roles))
	for _, rl := range u.Roles {
		roles = append(roles, string(rl))
	}
	s.audit(r, omgjort.AuditEntry{User: u.Name, Action: omgjort.AuditSignIn, Outcome: omgjort.AuditOK,
		Detail: u.Method + "; roller: " + strings.Join(roles, ",")})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) handleSignOut(w http.ResponseWriter, r *http.Request) {
	info := infoFrom(r.Context())
	u := omgjort.UserFrom(r.Context())
	detail := "denne browser"
	if info.bearer {
		s.denied(w, r, http.StatusBadRequest, "En API-nøgle logges ikke ud; tilbagekald den med omgjort token revoke.")
		return
	}
	if r.PostFormValue("everywhere") != "" {
		n, err := s.cfg.Auth.EndSessions(u.Name)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		detail = "alle browsere (" + strconv.Itoa(n) + " sessioner)"
	} else if err := s.cfg.Auth.EndSession(info.sessionID); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.clearCookie(w, sessionCookie, "/")
	s.audit(r, omgjort.AuditEntry{Action: omgjort.AuditSignOut, Outcome: omgjort.AuditOK, Detail: detail})
	http.Redirect(w, r, "/signin?ud=1", http.StatusSeeOther)
}

func (s *Server) handleOIDCStart(w http.ResponseWriter, r *http.Request) {
	if s.cfg.OIDC == nil {
		s.notFound(w, r, "Log ind via organisationens identitetsudbyder er ikke slået til.")
		return
	}
	state, authURL, err := s.cfg.OIDC.Begin(localPath(r.FormValue("next")))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.setCookie(w, stateCookie, state, "/auth/oidc/", 10*time.Minute)
	http.Redirect(w, r, authURL, http.StatusFound)
}

func (s *Server) handleOIDCCallback(w http.ResponseWriter, r *http.Request) {
	if s.cfg.OIDC == nil || s.cfg.Auth == nil {
		s.notFound(w, r, "Log ind via organisationens identitetsudbyder er ikke slået til.")
		return
	}
	q := r.URL.Query()
	state := q.Get("state")
	fail := func(msg, detail string) {
		s.audit(r, omgjort.AuditEntry{Action: omgjort.AuditSignInFailed, Outcome: omgjort.AuditDenied, Detail: "oidc: " + detail})
		s.signinForm(w, r, http.StatusUnauthorized, "", msg)
	}
	if e := q.Get("error"); e != "" {
		fail("Identitetsudbyderen afviste log ind ("+e+"). Prøv igen, eller kontakt it-afdelingen.", "udbyderen svarede "+e)
		return
	}
	c, err := r.Cookie(stateCookie)
	s.clearCookie(w, stateCookie, "/auth/oidc/")
	if err != nil || state == "" || !auth.CheckCSRF(c.Value, state) {
		fail("Log ind-svaret hører ikke til denne browser eller er allerede brugt. Start forfra.", "state passer ikke til browserens cookie")
		return
	}
	u, next, err := s.cfg.OIDC.Finish(r.Context(), state, q.Get("code"))
	var se *auth.SignInError
	switch {
	case errors.As(err, &se):
		fail(se.Message, se.Err.Error())
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	s.startSession(w, r, u, localPath(next))
}

// auditPage is the data of /admin/audit.
type auditPage struct {
	base
	User, Decision, From, To string
	Error                    string
	Rows                     []auditRow
	Total                    int
	Limit                    int
	Export                   string
	Verified                 string
}

type auditRow struct {
	Seq                                                  uint64
	Time, User, Action, Decision, Query, Client, Outcome string
	Detail                                               string
}

const auditPageLimit = 500

// auditFilter reads the page's filters; a bad date is a Danish message.
func (s *Server) auditFilter(r *http.Request) (audit.Filter, auditPage, string) {
	q := r.URL.Query()
	p := auditPage{base: base{Title: "Revisionslog"}, User: strings.TrimSpace(q.Get("user")),
		Decision: strings.TrimSpace(q.Get("decision")), From: q.Get("from"), To: q.Get("to"), Limit: auditPageLimit}
	f := audit.Filter{User: p.User, DecisionID: p.Decision}
	if p.From != "" {
		t, err := time.ParseInLocation(time.DateOnly, p.From, s.loc)
		if err != nil {
			return f, p, "Fra-datoen skal skrives som ÅÅÅÅ-MM-DD, fx 2026-01-31."
		}
		f.From = t
	}
	if p.To != "" {
		t, err := time.ParseInLocation(time.DateOnly, p.To, s.loc)
		if err != nil {
			return f, p, "Til-datoen skal skrives som ÅÅÅÅ-MM-DD, fx 2026-01-31."
		}
		f.To = t.AddDate(0, 0, 1) // the whole last day
	}
	return f, p, ""
}

func (s *Server) handleAudit(w http.ResponseWriter, r *http.Request) {
	log, ok := s.cfg.Audit.(*audit.Log)
	if !ok || log == nil {
		s.notFound(w, r, "Revisionsloggen er ikke slået til på denne server.")
		return
	}
	f, p, msg := s.auditFilter(r)
	p.Fresh = s.freshness()
	if msg != "" {
		p.Error = msg
		s.render(w, r, http.StatusBadRequest, "audit.html", p)
		return
	}
	f.Limit = auditPageLimit
	recs, err := log.List(f)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p.Total = len(recs)
	for _, rec := range recs {
		e := rec.Entry
		p.Rows = append(p.Rows, auditRow{Seq: rec.Seq, Time: e.Time.In(s.loc).Format("2006-01-02 15:04:05"), User: e.User,
			Action: actionLabel(e.Action), Decision: e.DecisionID, Query: e.Query, Client: e.Client, Outcome: e.Outcome, Detail: e.Detail})
	}
	p.Export = "/admin/audit.jsonl?" + r.URL.RawQuery
	s.render(w, r, http.StatusOK, "audit.html", p)
}

func (s *Server) handleAuditExport(w http.ResponseWriter, r *http.Request) {
	log, ok := s.cfg.Audit.(*audit.Log)
	if !ok || log == nil {
		s.notFound(w, r, "Revisionsloggen er ikke slået til på denne server.")
		return
	}
	f, _, msg := s.auditFilter(r)
	if msg != "" {
		s.badRequest(w, r, msg)
		return
	}
	var buf bytes.Buffer
	if _, err := log.Export(&buf, f); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.audit(r, omgjort.AuditEntry{Action: omgjort.AuditExport, Query: "revisionslog " + r.URL.RawQuery, Outcome: omgjort.AuditOK})
	w.Header().Set("Content-Type", "application/x-ndjson; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="omgjort-revisionslog.jsonl"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = buf.WriteTo(w)
}

// actionLabel is the Danish name of an audit action.
func actionLabel(a string) string {
	switch a {
	case omgjort.AuditSignIn:
		return "Log ind"
	case omgjort.AuditSignInFailed:
		return "Mislykket log ind"
	case omgjort.AuditSignOut:
		return "Log ud"
	case omgjort.AuditReadOwn:
		return "Læst egen afgørelse"
	case omgjort.AuditSearch:
		return "Søgning"
	case omgjort.AuditExport:
		return "Udtræk"
	case omgjort.AuditFeed:
		return "Feed"
	case omgjort.AuditImport:
		return "Import"
	case omgjort.AuditCorrectLabels:
		return "Rettet mærkning"
	case omgjort.AuditDelete:
		return "Sletning"
	case omgjort.AuditUserChange:
		return "Brugerændring"
	case omgjort.AuditTokenChange:
		return "API-nøgle"
	case omgjort.AuditRefused:
		return "Afvist forsøg"
	case omgjort.AuditPrune:
		return "Oprydning"
	}
	return a
}

// readersOf lists who has read an own decision, for administrators on its page.
func (s *Server) readersOf(r *http.Request, d *omgjort.Decision) []auditRow {
	log, ok := s.cfg.Audit.(*audit.Log)
	if !ok || log == nil || !d.IsOwn() || !omgjort.UserFrom(r.Context()).Can(omgjort.PermAudit) {
		return nil
	}
	recs, err := log.ReadersOf(d.ID)
	if err != nil {
		s.log.Error("server: readers of a decision", slog.Any("error", err))
		return nil
	}
	out := make([]auditRow, 0, len(recs))
	for _, rec := range recs {
		how := rec.Entry.Detail
		if how == "" {
			how = "Afgørelsens side"
		}
		out = append(out, auditRow{Time: rec.Entry.Time.In(s.loc).Format("2006-01-02 15:04"), User: rec.Entry.User, Detail: how})
	}
	return out
}

// userMenu is the header's sign-in state, put into every rendered page at the layout's marker.
type userMenu struct {
	Enabled bool
	User    *omgjort.User
	Roles   string
	CSRF    string
	Next    string
	Audit   bool
	// Saved links to the user's saved searches (when the server keeps them).
	Saved bool
}

const userMenuMarker = "<span data-omgjort-user-menu hidden></span>"

var userMenuTmpl = template.Must(template.New("usermenu").Parse(
	`{{if .User}}<div class="user-menu"><p>Logget ind som <strong>{{.User.Name}}</strong> <span class="roles">({{.Roles}})</span></p>` +
		`{{if .Saved}}<a href="/gemte-soegninger">Mine gemte søgninger</a> {{end}}{{if .Audit}}<a href="/admin/audit">Revisionslog</a> {{end}}` +
		`<form method="post" action="/signout"><input type="hidden" name="csrf" value="{{.CSRF}}"><button type="submit">Log ud</button></form>` +
		`<form method="post" action="/signout"><input type="hidden" name="csrf" value="{{.CSRF}}"><input type="hidden" name="everywhere" value="1"><button type="submit" class="link-button">Log ud alle steder</button></form></div>` +
		`{{else if .Enabled}}<div class="user-menu"><a href="/signin?next={{.Next}}">Log ind</a></div>{{end}}`))

// withUserMenu replaces the layout's marker in a rendered page with the user menu.
func (s *Server) withUserMenu(r *http.Request, page []byte) []byte {
	i := bytes.Index(page, []byte(userMenuMarker))
	if i < 0 {
		return page
	}
	u := omgjort.UserFrom(r.Context())
	m := userMenu{Enabled: s.cfg.Auth != nil, User: u, CSRF: infoFrom(r.Context()).csrf, Next: localPath(r.URL.RequestURI())}
	if u != nil {
		names := make([]string, 0, len(u.Roles))
		for _, rl := range u.Roles {
			names = append(names, rl.Label())
		}
		m.Roles = strings.Join(names, ", ")
		m.Audit = u.Can(omgjort.PermAudit) && s.cfg.Audit != nil
		m.Saved = s.cfg.Alerts != nil
		if m.CSRF == "" && !infoFrom(r.Context()).bearer {
			m.CSRF = infoFrom(r.Context()).csrf
		}
	}
	var buf bytes.Buffer
	if err := userMenuTmpl.Execute(&buf, m); err != nil {
		s.log.Error("server: user menu", slog.Any("error", err))
		return bytes.Replace(page, []byte(userMenuMarker), nil, 1)
	}
	return bytes.Replace(page, []byte(userMenuMarker), buf.Bytes(), 1)
}

// Suggest forwards "Mente du …" to the index when it can suggest. The words come from the
// whole index; own decisions are redacted before they are indexed, so no personal detail can
// be proposed.
func (o ownSearcher) Suggest(ctx context.Context, query string) (string, error) {
	sg, ok := o.inner.(omgjort.Suggester)
	if !ok {
		return "", nil
	}
	return sg.Suggest(ctx, query)
}
