// Package server is Omgjort's HTTP face: the Danish search site, the decision pages and the JSON
// API. It reads everything through the root package's Searcher and DecisionReader interfaces and
// holds no business logic of its own, so the index and the store can change behind it.
package server

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Copenhagen must resolve even on hosts without a zoneinfo database.

	"github.com/prometheus/client_golang/prometheus"

	"omgjort"
	"omgjort/alerts"
	"omgjort/auth"
)

// DefaultAddr is the listen address used when Config.Addr is empty: loopback only, so a fresh
// install is never exposed to the network by accident.
const DefaultAddr = "127.0.0.1:8080"

// shutdownTimeout bounds how long in-flight requests may run once the server is told to stop.
const shutdownTimeout = 10 * time.Second

// Limits on user input: anything above them is answered with a Danish 400, never a 500.
const (
	maxBodyBytes   = 1 << 20 // 1 MiB; the only bigger post is the statistics upload (maxStatsUpload)
	maxRawQuery    = 8 << 10 // bytes of the whole query string
	maxQueryRunes  = 1000    // characters in the query box
	maxIDBytes     = 200     // bytes of a decision ID in a path
	maxFilterCount = 50      // filter values over all facets
	pageSize       = 20
	maxPage        = 500 // bleve holds from+size in memory, so deep pages are capped
	runsShown      = 20  // runs read to find the last successful one for the footer
)

// contentSecurityPolicy forbids inline scripts and styles; the templates and the CSS comply.
const contentSecurityPolicy = "default-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"script-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Config is what the command passes in to run the server.
type Config struct {
	// Addr is the listen address; DefaultAddr when empty.
	Addr string
	// Logger receives request errors and panics; discarded when nil.
	Logger *slog.Logger
	// Jobs is the scheduler behind /status and POST /admin/run/{job}; nil when jobs are off.
	Jobs omgjort.JobRunner
	// Digests reads the stored digests for /digests and /digests.atom; nil turns them off.
	Digests omgjort.DigestReader
	// Metrics is what /metrics exposes to Prometheus; nil turns the route into a 404.
	Metrics prometheus.Gatherer
	// AdminToken guards the POST routes under /admin/; they are off when it is empty.
	AdminToken string
	// SiteURL is the site's public address ("https://omgjort.kommune.dk"), the root of the
	// absolute links in Atom feeds and CSV exports. It is never taken from the request's Host
	// header, which the client chooses; when empty the links use http://Addr.
	SiteURL string
	// IndexHealth, when set, tells /status whether the search index is degraded after a failed
	// write (a full disk) and since when; searches then answer from the last good snapshot.
	IndexHealth func() (degraded bool, since time.Time)
	// MaxExports bounds the CSV exports served at once (default DefaultMaxExports); beyond it
	// /export.csv answers 503 with Retry-After.
	MaxExports int
	// Official imports and compares Ankestyrelsen's statistics per municipality for /stats and
	// its admin upload; nil leaves that section out.
	Official omgjort.OfficialStats
	// StatsAccess is the hook that restricts /stats (and its CSV/JSON) to teamleder and up once
	// sign-in lands; nil lets everyone see it.
	StatsAccess StatsAccess
	// Imports is the upload and review queue of own letters (/admin/import, /admin/review);
	// nil turns those pages off.
	Imports Imports
	// Auth signs users in (local accounts, sessions, API tokens); nil leaves the site without
	// sign-in: everyone is anonymous and own decisions are never shown.
	Auth *auth.Service
	// OIDC signs users in at the municipality's identity provider; nil turns it off.
	OIDC *auth.OIDC
	// Audit records sign-ins, reads of own decisions, searches that can return them and every
	// refused attempt; an *audit.Log also gives /admin/audit.
	Audit omgjort.AuditLogger
	// Private requires signing in even for published decisions (--public=false).
	Private bool
	// SecureCookies marks cookies Secure (the site is served over https).
	SecureCookies bool
	// TeamStats computes the team leaders' figures over the own decisions (per team: reversal
	// rate and error types) for /stats; nil leaves that section out.
	TeamStats omgjort.TeamStatsSource
	// Curation corrects labels, lists the correction queue and deletes decisions for good
	// (curation.go); nil turns those routes into 404s.
	Curation Curation
	// Alerts keeps users' saved searches and their mail alerts (alerts.go); nil turns those
	// pages off.
	Alerts *alerts.Service
}

// DefaultMaxExports is how many CSV exports run at once: each streams up to 10,000 rows read
// from the store, so a few at a time keep memory flat whatever the number of clients.
const DefaultMaxExports = 4

// Server serves the site and the API. Build it with New; it is safe for concurrent use.
type Server struct {
	cfg       Config
	log       *slog.Logger
	exports   chan struct{}
	admin     *adminGuard
	search    omgjort.Searcher
	decisions omgjort.DecisionReader
	pages     map[string]*template.Template
	loc       *time.Location
	handler   http.Handler
}

// New builds a server over the given searcher and decision reader. It parses the embedded
// templates once, so a broken template fails at start-up rather than on the first request.
func New(cfg Config, search omgjort.Searcher, decisions omgjort.DecisionReader) (*Server, error) {
	if search == nil {
		return nil, errors.New("server: new: searcher is nil")
	}
	if decisions == nil {
		return nil, errors.New("server: new: decision reader is nil")
	}
	if cfg.Addr == "" {
		cfg.Addr = DefaultAddr
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	loc, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		return nil, fmt.Errorf("server: new: load time zone: %w", err)
	}
	pages, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	if cfg.MaxExports <= 0 {
		cfg.MaxExports = DefaultMaxExports
	}
	s := &Server{cfg: cfg, log: log, decisions: decisions, pages: pages, loc: loc,
		exports: make(chan struct{}, cfg.MaxExports), admin: newAdminGuard()}
	// Every search goes through the own-decision rule (auth.go).
	if st, ok := search.(omgjort.StatsSource); ok {
		s.search = ownStatsSearcher{ownSearcher{search, s}, st}
	} else {
		s.search = ownSearcher{search, s}
	}
	s.handler = s.routes()
	return s, nil
}

// Handler returns the server's full handler, middleware included, for tests and for callers
// that run their own http.Server.
func (s *Server) Handler() http.Handler { return s.handler }

// ListenAndServe listens on Config.Addr and serves until ctx is done, then shuts down
// gracefully, giving in-flight requests up to 10 seconds.
func (s *Server) ListenAndServe(ctx context.Context) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("server: listen %s: %w", s.cfg.Addr, err)
	}
	return s.Serve(ctx, ln)
}

// Serve serves on ln until ctx is done, then shuts down gracefully like ListenAndServe. It
// exists so that callers (and tests) can listen on an address of their own, such as port 0.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	s.log.Info("server: listening", slog.String("addr", ln.Addr().String()))
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("server: serve %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("server: shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("server: serve %s: %w", ln.Addr(), err)
	}
	s.log.Info("server: stopped")
	return nil
}

// routes lists every route of the site and wraps the mux in the middleware every response needs.
func (s *Server) routes() http.Handler {
	static, err := fs.Sub(staticFS, "static")
	if err != nil {
		// The embed directive guarantees the directory; reaching this is a build error.
		panic(fmt.Sprintf("server: static files: %v", err))
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.handleSearch)                                 // search page
	mux.HandleFunc("GET /d/{id}", s.handleDecision)                            // one decision with highlighted evidence
	mux.HandleFunc("GET /api/search", s.handleAPISearch)                       // search as JSON
	mux.HandleFunc("GET /api/decisions/{id}", s.handleAPIDecision)             // one decision as JSON
	mux.HandleFunc("GET /feed.atom", s.handleFeed)                             // any search as an Atom feed
	mux.HandleFunc("GET /export.csv", s.handleExport)                          // any search as CSV for Excel
	mux.HandleFunc("GET /stats", s.handleStats)                                // reversal statistics
	mux.HandleFunc("GET /stats.json", s.handleStatsJSON)                       // every figure of /stats as JSON
	mux.HandleFunc("GET /stats.csv", s.handleStatsCSV)                         // every figure of /stats as CSV
	mux.HandleFunc("POST /admin/stats/import", s.handleStatsImport)            // operators: upload official statistics
	s.authRoutes(mux)                                                          // sign-in, sign-out, OIDC, audit log (auth.go)
	s.opsRoutes(mux)                                                           // status, metrics, digests, admin (digest.go)
	s.alertRoutes(mux)                                                         // saved searches and unsubscribe links (alerts.go)
	mux.HandleFunc("GET /healthz", handleHealth)                               // liveness for the supervisor
	mux.HandleFunc("POST /api/decisions/{id}/corrections", s.handleCorrection) // jurists: correct a label
	mux.HandleFunc("POST /d/{id}/rettelser", s.handleCorrectionForm)           // jurists: the decision page's form
	mux.HandleFunc("POST /d/{id}/team", s.handleSetTeam)                       // jurists: the team of an own decision
	mux.HandleFunc("GET /api/queue", s.handleAPIQueue)                         // jurists: labels worth a check
	mux.HandleFunc("GET /rettelser", s.handleQueuePage)                        // the same as a page
	mux.HandleFunc("POST /admin/decisions/{id}/delete", s.handleAdminDelete)   // admins: delete for good
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /admin/import", s.handleImportForm)          // jurist/admin: upload own letters
	mux.HandleFunc("POST /admin/import", s.handleImportUpload)       // the upload itself
	mux.HandleFunc("GET /admin/import/{id}", s.handleImportBatch)    // an upload's progress and report
	mux.HandleFunc("GET /admin/review", s.handleReviewList)          // letters awaiting review
	mux.HandleFunc("GET /admin/review/{key}", s.handleReview)        // one letter, removals marked
	mux.HandleFunc("POST /admin/review/{key}", s.handleReviewAction) // remove more, approve, reject
	// Everything else: a Danish 404. As a GET pattern it lets the mux answer other methods on
	// every route with 405 and an Allow header.
	mux.HandleFunc("GET /", s.handleNotFound)
	return s.secure(s.recoverPanics(s.authenticate(s.authorize(mux))))
}

// handleHealth answers liveness probes; it touches neither index nor store.
func handleHealth(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok"))
}

// secure sets the security headers on every response and bounds the request's size before any
// handler sees it.
func (s *Server) secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		if r.URL.Path == "/status" || strings.HasPrefix(r.URL.Path, "/admin/") {
			// Run errors, admin forms and admin answers are never kept by a cache or browser.
			h.Set("Cache-Control", "no-store")
		}
		if r.Body != nil {
			limit := int64(maxBodyBytes)
			if r.URL.Path == "/admin/stats/import" {
				limit = maxStatsUpload
			}
			if r.URL.Path == "/admin/import" {
				limit = maxImportUpload
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		if len(r.URL.RawQuery) > maxRawQuery {
			s.badRequest(w, r, "Adressen er for lang. Forkort søgningen eller fjern nogle filtre.")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// recoverPanics turns a panicking handler into a logged 500 instead of a dropped connection.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.Error("server: panic in handler", slog.String("path", r.URL.Path),
				slog.Any("panic", v), slog.String("stack", stack()))
			s.serverError(w, r, nil)
		}()
		next.ServeHTTP(w, r)
	})
}
