package server_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"omgjort"
	"omgjort/alerts"
	"omgjort/audit"
	"omgjort/auth"
	"omgjort/index"
	"omgjort/server"
	"omgjort/store"
)

const (
	testPassword = "korrekt hest batteri"
	adminToken   = "automation-admin-token-0123456789"
	ownMarker    = "ringkøbingmarkør"
)

// authFixture is a server over a real store, index, user store and audit log, with one local
// user and one API token per role.
type authFixture struct {
	ts     *httptest.Server
	srv    *server.Server
	db     *store.DB
	idx    *index.Index
	svc    *auth.Service
	log    *audit.Log
	tokens map[string]string // role → bearer token; "" is anonymous
	own    *omgjort.Decision
	alerts *alerts.Service
}

func ownDecision() *omgjort.Decision {
	text := "Vi hjemviser sagen om sygedagpenge til kommunen. " + ownMarker + " står kun i denne egen afgørelse."
	d := &omgjort.Decision{ID: "E-25-70001", Number: "25-70001", Numbers: []string{"25-70001"},
		Title: "Egen afgørelse om sygedagpenge", Source: omgjort.SourceOwn, Team: "Team Syd",
		Status: omgjort.StatusGaeldende, Published: "2025-05-01", Year: 2025, Laws: []string{"Sygedagpengeloven"},
		Cases: []omgjort.Case{{ID: "1", Text: text, Outcome: omgjort.OutcomeHjemvist}}}
	d.RollUpCases()
	return d
}

var roleNames = []string{"", "laeser", "sagsbehandler", "jurist", "teamleder", "admin"}

func newAuthFixture(t *testing.T, tweak func(c *server.Config, base string, db *store.DB)) *authFixture {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	dir := t.TempDir()
	db, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	idx, err := index.Open(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = idx.Close() })
	pub, own := sampleDecision(), ownDecision()
	if _, err := db.PutDecisions([]*omgjort.Decision{pub, own}); err != nil {
		t.Fatal(err)
	}
	if err := idx.Put(pub, own); err != nil {
		t.Fatal(err)
	}
	svc, err := auth.Open(db.Bolt())
	if err != nil {
		t.Fatal(err)
	}
	svc.SetParams(auth.Params{Time: 1, Memory: 1024, Threads: 1, KeyLen: 32})
	alog, err := audit.Open(db.Bolt())
	if err != nil {
		t.Fatal(err)
	}
	f := &authFixture{db: db, idx: idx, svc: svc, log: alog, tokens: map[string]string{}, own: own}
	for _, r := range roleNames[1:] {
		if err := svc.AddUser("u-"+r, testPassword, []omgjort.Role{omgjort.Role(r)}); err != nil {
			t.Fatal(err)
		}
		tok, _, err := svc.CreateToken("u-"+r, "test")
		if err != nil {
			t.Fatal(err)
		}
		f.tokens[r] = tok
	}
	key, err := alerts.LoadKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	f.alerts, err = alerts.Open(db.Bolt(), alerts.Config{Search: idx, Decisions: db, Users: svc, Audit: alog, Key: key, SiteURL: base})
	if err != nil {
		t.Fatal(err)
	}
	cfg := server.Config{Logger: slog.New(slog.DiscardHandler), Auth: svc, Audit: alog, AdminToken: adminToken, Alerts: f.alerts}
	if tweak != nil {
		tweak(&cfg, base, db)
	}
	f.srv, err = server.New(cfg, idx, db)
	if err != nil {
		t.Fatal(err)
	}
	f.ts = httptest.NewUnstartedServer(f.srv.Handler())
	_ = f.ts.Listener.Close()
	f.ts.Listener = ln
	f.ts.Start()
	t.Cleanup(f.ts.Close)
	return f
}

// do makes a request as role ("" anonymous) with its bearer token.
func (f *authFixture) do(t *testing.T, role, method, target string, form url.Values) (int, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, f.ts.URL+target, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	client := noRedirect
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+f.tokens[role])
	} else if method == http.MethodPost {
		// An anonymous browser posts the CSRF token its sign-in page gave it.
		client = browserClient(t)
		form.Set("csrf", getCSRF(t, client, f.ts.URL+"/signin"))
		req, _ = http.NewRequest(method, f.ts.URL+target, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// routeRequests is one concrete request per route pattern of the server.
var routeRequests = map[string][2]string{
	"GET /{$}":                             {"GET", "/?q=partshøre"},
	"GET /d/{id}":                          {"GET", "/d/17-25"},
	"GET /api/search":                      {"GET", "/api/search?q=partshøre"},
	"GET /api/decisions/{id}":              {"GET", "/api/decisions/17-25"},
	"GET /feed.atom":                       {"GET", "/feed.atom?q=partshøre"},
	"GET /export.csv":                      {"GET", "/export.csv?q=partshøre"},
	"GET /stats":                           {"GET", "/stats"},
	"GET /status":                          {"GET", "/status"},
	"GET /metrics":                         {"GET", "/metrics"},
	"GET /digests":                         {"GET", "/digests"},
	"GET /digests.atom":                    {"GET", "/digests.atom"},
	"GET /digests/{week}":                  {"GET", "/digests/2026-W02"},
	"GET /digests/{week}/mail":             {"GET", "/digests/2026-W02/mail"},
	"POST /admin/run/{job}":                {"POST", "/admin/run/backup"},
	"GET /admin/audit":                     {"GET", "/admin/audit"},
	"GET /admin/audit.jsonl":               {"GET", "/admin/audit.jsonl"},
	"GET /stats.json":                      {"GET", "/stats.json"},
	"GET /stats.csv":                       {"GET", "/stats.csv"},
	"POST /admin/stats/import":             {"POST", "/admin/stats/import"},
	"GET /admin/import":                    {"GET", "/admin/import"},
	"POST /admin/import":                   {"POST", "/admin/import"},
	"GET /admin/import/{id}":               {"GET", "/admin/import/1"},
	"GET /admin/review":                    {"GET", "/admin/review"},
	"GET /admin/review/{key}":              {"GET", "/admin/review/1"},
	"POST /admin/review/{key}":             {"POST", "/admin/review/1"},
	"POST /api/decisions/{id}/corrections": {"POST", "/api/decisions/17-25/corrections"},
	"POST /d/{id}/rettelser":               {"POST", "/d/17-25/rettelser"},
	"POST /d/{id}/team":                    {"POST", "/d/17-25/team"},
	"GET /api/queue":                       {"GET", "/api/queue"},
	"GET /rettelser":                       {"GET", "/rettelser"},
	"POST /admin/decisions/{id}/delete":    {"POST", "/admin/decisions/findes-ikke/delete"},
	"GET /healthz":                         {"GET", "/healthz"},
	"GET /static/":                         {"GET", "/static/style.css"},
	"GET /signin":                          {"GET", "/signin"},
	"POST /signin":                         {"POST", "/signin"},
	"POST /signout":                        {"POST", "/signout"},
	"GET /auth/oidc/start":                 {"GET", "/auth/oidc/start"},
	"GET /auth/oidc/callback":              {"GET", "/auth/oidc/callback"},
	"GET /":                                {"GET", "/findes-ikke"},
	"GET /gemte-soegninger":                {"GET", "/gemte-soegninger"},
	"POST /gemte-soegninger":               {"POST", "/gemte-soegninger"},
	"POST /gemte-soegninger/adresse":       {"POST", "/gemte-soegninger/adresse"},
	"POST /gemte-soegninger/{id}":          {"POST", "/gemte-soegninger/findes-ikke"},
	"GET /afmeld/{token}":                  {"GET", "/afmeld/forkert.link"},
	"POST /afmeld/{token}":                 {"POST", "/afmeld/forkert.link"},
}

// TestEveryRouteHasARule reads the server's source: every pattern it registers must be in the
// permission table and in this test's walk, so a new route cannot skip either.
func TestEveryRouteHasARule(t *testing.T) {
	rules := server.RouteRules()
	files, _ := filepath.Glob("*.go")
	re := regexp.MustCompile(`\.Handle(?:Func)?\("([^"]+)"`)
	var found []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			found = append(found, m[1])
		}
	}
	if len(found) < 20 {
		t.Fatalf("found only %d route patterns in the source: %v", len(found), found)
	}
	for _, p := range found {
		if _, ok := rules[p]; !ok {
			t.Errorf("route %q has no entry in routeRules (server/auth.go)", p)
		}
		if _, ok := routeRequests[p]; !ok {
			t.Errorf("route %q is not walked by TestRoutePermissions", p)
		}
	}
	for p := range rules {
		if !slices.Contains(found, p) {
			t.Errorf("routeRules has %q, which no code registers", p)
		}
	}
}

// allowedFor says whether role may use a route with the given rule (the table's meaning).
func allowedFor(rule, role string, public bool) bool {
	switch rule {
	case "open":
		return true
	case "read":
		return public || role != ""
	case "signedin":
		return role != ""
	}
	u := &omgjort.User{Roles: []omgjort.Role{omgjort.Role(role)}}
	return role != "" && u.Can(omgjort.Permission(rule))
}

// TestRoutePermissions walks every route with every role and anonymously, on a public and on
// a private site: allowed requests get no 401/403, refused ones get 401 (anonymous) or 403.
func TestRoutePermissions(t *testing.T) {
	for _, public := range []bool{true, false} {
		f := newAuthFixture(t, func(c *server.Config, _ string, _ *store.DB) { c.Private = !public })
		patterns := make([]string, 0, len(routeRequests))
		for p := range routeRequests {
			patterns = append(patterns, p)
		}
		sort.Strings(patterns)
		rules := server.RouteRules()
		for _, p := range patterns {
			req := routeRequests[p]
			for _, role := range roleNames {
				status, body := f.do(t, role, req[0], req[1], url.Values{})
				want := allowedFor(rules[p], role, public)
				refused := status == http.StatusUnauthorized || status == http.StatusForbidden
				if want && refused {
					t.Errorf("public=%v %s as %q: %d, want allowed (%.120s)", public, p, role, status, body)
				}
				if !want {
					wantStatus := http.StatusForbidden
					if role == "" {
						wantStatus = http.StatusUnauthorized
					}
					if status != wantStatus {
						t.Errorf("public=%v %s as %q: %d, want %d", public, p, role, status, wantStatus)
					}
				}
			}
		}
	}
}

// TestOwnDecisionsNeverAnonymous: an own decision is refused on its page and in the API to
// anonymous users (401) and to readers (403), left out of every search, feed and export for
// them, shown to sagsbehandler and up, and every read and refusal is in the audit log.
func TestOwnDecisionsNeverAnonymous(t *testing.T) {
	f := newAuthFixture(t, nil)
	id := f.own.ID
	for _, role := range roleNames {
		canRead := role != "" && role != "laeser"
		for _, target := range []string{"/d/" + id, "/api/decisions/" + id} {
			status, body := f.do(t, role, "GET", target, nil)
			switch {
			case canRead && status != http.StatusOK:
				t.Errorf("%s as %q: %d", target, role, status)
			case !canRead && role == "" && status != http.StatusUnauthorized:
				t.Errorf("%s anonymously: %d, want 401", target, status)
			case !canRead && role != "" && status != http.StatusForbidden:
				t.Errorf("%s as %q: %d, want 403", target, role, status)
			case !canRead && strings.Contains(body, ownMarker):
				t.Errorf("%s as %q leaked the text", target, role)
			}
		}
		for _, target := range []string{"/?q=" + url.QueryEscape(ownMarker), "/api/search?q=" + url.QueryEscape(ownMarker),
			"/feed.atom?q=" + url.QueryEscape(ownMarker), "/export.csv?q=" + url.QueryEscape(ownMarker), "/api/search?q=sygedagpenge"} {
			status, body := f.do(t, role, "GET", target, nil)
			if status != http.StatusOK {
				t.Errorf("%s as %q: %d", target, role, status)
				continue
			}
			if got := strings.Contains(body, id); got != canRead {
				t.Errorf("%s as %q: own decision in the result = %v, want %v", target, role, got, canRead)
			}
		}
	}
	reads, _ := f.log.ReadersOf(id)
	// 4 roles × (page + API decision + the 4 outputs that hand it out: 2 API searches, the
	// feed and the CSV export, each audited like a page view; the search page only lists it).
	if len(reads) != 24 {
		t.Errorf("audit has %d reads of the own decision, want 24", len(reads))
	}
	refused, _ := f.log.List(audit.Filter{DecisionID: id, Action: omgjort.AuditRefused})
	if len(refused) != 4 {
		t.Errorf("audit has %d refused reads, want 4 (anonymous and laeser, page and API)", len(refused))
	}
	searches, _ := f.log.List(audit.Filter{User: "u-jurist", Action: omgjort.AuditSearch})
	feeds, _ := f.log.List(audit.Filter{User: "u-jurist", Action: omgjort.AuditFeed})
	exports, _ := f.log.List(audit.Filter{User: "u-jurist", Action: omgjort.AuditExport})
	if len(searches) < 3 || len(feeds) != 1 || len(exports) != 1 || !strings.Contains(feeds[0].Entry.Query, ownMarker) {
		t.Errorf("audit of searches: %d searches, %d feeds, %d exports (%+v)", len(searches), len(feeds), len(exports), feeds)
	}
	// The admin sees who read it on the decision page.
	_, body := f.do(t, "admin", "GET", "/d/"+id, nil)
	if !strings.Contains(body, "Hvem har læst afgørelsen") || !strings.Contains(body, "u-sagsbehandler") {
		t.Error("the admin's own-decision page does not list its readers")
	}
	_, body = f.do(t, "jurist", "GET", "/d/"+id, nil)
	if strings.Contains(body, "Hvem har læst afgørelsen") {
		t.Error("a jurist sees the readers list")
	}
	if n, err := f.log.Verify(); err != nil || n == 0 {
		t.Errorf("audit chain after the walk: %d, %v", n, err)
	}
}

// browserClient is an HTTP client with a cookie jar, like a browser.
func browserClient(t *testing.T) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func getCSRF(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	m := csrfRe.FindStringSubmatch(string(b))
	if m == nil {
		t.Fatalf("no CSRF field on %s", u)
	}
	return m[1]
}

func post(t *testing.T, c *http.Client, u string, form url.Values) (*http.Response, string) {
	t.Helper()
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// TestSessionsAndBadInput: sign-in sets a hardened cookie; a wrong password, a missing CSRF
// token, a forged session, a token in the query string and a role escalation are refused,
// change nothing and are audited.
func TestSessionsAndBadInput(t *testing.T) {
	f := newAuthFixture(t, func(c *server.Config, _ string, _ *store.DB) { c.SecureCookies = true })
	c := browserClient(t)
	csrf := getCSRF(t, c, f.ts.URL+"/signin")

	// Sign-in without the CSRF field: refused, nothing set.
	resp, _ := post(t, c, f.ts.URL+"/signin", url.Values{"username": {"u-jurist"}, "password": {testPassword}})
	if resp.StatusCode != http.StatusForbidden || len(resp.Cookies()) > 0 {
		t.Fatalf("sign-in without CSRF: %d %v", resp.StatusCode, resp.Cookies())
	}
	// Wrong password: 401, Danish message announced.
	resp, body := post(t, c, f.ts.URL+"/signin", url.Values{"csrf": {csrf}, "username": {"u-jurist"}, "password": {"forkert forkert"}})
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, `role="alert"`) || !strings.Contains(body, "Forkert brugernavn eller adgangskode") {
		t.Fatalf("wrong password: %d", resp.StatusCode)
	}
	// Right password: session cookie HttpOnly, SameSite=Lax, Secure; redirect to next.
	resp, _ = post(t, c, f.ts.URL+"/signin", url.Values{"csrf": {csrf}, "username": {"u-jurist"}, "password": {testPassword}, "next": {"/d/" + f.own.ID}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/d/"+f.own.ID {
		t.Fatalf("sign-in: %d → %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	var sc *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == "omgjort_session" {
			sc = ck
		}
	}
	if sc == nil || !sc.HttpOnly || !sc.Secure || sc.SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie = %+v", sc)
	}
	// The jar will not send a Secure cookie over http: send it by hand from here on.
	withSession := func(method, target string, form url.Values, cookie string) (int, string) {
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req, _ := http.NewRequest(method, f.ts.URL+target, body)
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		req.AddCookie(&http.Cookie{Name: "omgjort_session", Value: cookie})
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	status, page := withSession("GET", "/d/"+f.own.ID, nil, sc.Value)
	if status != http.StatusOK || !strings.Contains(page, "Logget ind som <strong>u-jurist</strong>") {
		i := strings.Index(page, "</nav>")
		t.Fatalf("own decision with a jurist session: %d %s", status, page[i:min(len(page), i+600)])
	}
	sessCSRF := csrfRe.FindStringSubmatch(page)[1]

	// Role escalation: a jurist on the audit log.
	if status, _ := withSession("GET", "/admin/audit", nil, sc.Value); status != http.StatusForbidden {
		t.Errorf("jurist on /admin/audit: %d", status)
	}
	// Sign-out without CSRF: refused, the session lives on.
	if status, _ := withSession("POST", "/signout", url.Values{}, sc.Value); status != http.StatusForbidden {
		t.Errorf("sign-out without CSRF: %d", status)
	}
	if status, _ := withSession("GET", "/d/"+f.own.ID, nil, sc.Value); status != http.StatusOK {
		t.Error("the session ended on a forged sign-out")
	}
	// A forged session: treated as anonymous, refused on the own decision.
	if status, _ := withSession("GET", "/d/"+f.own.ID, nil, sc.Value+"x"); status != http.StatusUnauthorized {
		t.Errorf("forged session: %d", status)
	}
	// A token in the query string: refused with 400 even when valid.
	if status, body := f.do(t, "", "GET", "/api/search?q=x&access_token="+url.QueryEscape(f.tokens["admin"]), nil); status != http.StatusBadRequest || !strings.Contains(body, "Authorization") {
		t.Errorf("token in query: %d %s", status, body)
	}
	// A bad bearer token: 401.
	req, _ := http.NewRequest("GET", f.ts.URL+"/api/search?q=x", nil)
	req.Header.Set("Authorization", "Bearer omgjort_forfalsket")
	if resp, err := noRedirect.Do(req); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("bad bearer: %v %v", resp, err)
	}
	// The admin token keeps working for automation.
	req, _ = http.NewRequest("GET", f.ts.URL+"/admin/audit.jsonl", nil)
	req.Header.Set("Authorization", "Bearer "+adminToken)
	if resp, err := noRedirect.Do(req); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("admin token on the audit export: %v %v", resp, err)
	}
	// Sign-out everywhere with the CSRF token ends the session.
	if status, _ := withSession("POST", "/signout", url.Values{"csrf": {sessCSRF}, "everywhere": {"1"}}, sc.Value); status != http.StatusSeeOther {
		t.Errorf("sign-out: %d", status)
	}
	if status, _ := withSession("GET", "/d/"+f.own.ID, nil, sc.Value); status != http.StatusUnauthorized {
		t.Errorf("session alive after sign-out: %d", status)
	}

	refused, _ := f.log.List(audit.Filter{Action: omgjort.AuditRefused})
	var details []string
	for _, r := range refused {
		details = append(details, r.Entry.Detail)
	}
	all := strings.Join(details, "\n")
	for _, want := range []string{"CSRF", "udløbet session", "adgangsnøgle i adressen", "adgang nægtet til GET /admin/audit", "API-nøgle"} {
		if !strings.Contains(all, want) {
			t.Errorf("no refused entry about %q in:\n%s", want, all)
		}
	}
	failed, _ := f.log.List(audit.Filter{Action: omgjort.AuditSignInFailed})
	ok, _ := f.log.List(audit.Filter{Action: omgjort.AuditSignIn})
	if len(failed) != 1 || len(ok) != 1 || ok[0].Entry.User != "u-jurist" {
		t.Errorf("sign-in audit: %d failed, %+v ok", len(failed), ok)
	}
	// Nothing secret in the log.
	var buf strings.Builder
	_, _ = f.log.Export(&buf, audit.Filter{})
	for _, secret := range []string{testPassword, sc.Value, f.tokens["admin"], adminToken, csrf} {
		if strings.Contains(buf.String(), secret) {
			t.Errorf("audit log holds a secret (%.6s…)", secret)
		}
	}
	var rec audit.Record
	_ = json.Unmarshal([]byte(strings.SplitN(buf.String(), "\n", 2)[0]), &rec)
	if rec.Entry.Client != "127.0.0.1" {
		t.Errorf("client address = %q", rec.Entry.Client)
	}
}

func auditFilterSignIn(user string) audit.Filter {
	return audit.Filter{User: user, Action: omgjort.AuditSignIn}
}
