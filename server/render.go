package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"omgjort"
)

// pageFiles are the page templates; each is parsed together with the layout into its own set,
// so that every page can define the same "title" and "content" blocks.
var pageFiles = []string{"search.html", "decision.html", "error.html", "stats.html", "status.html", "digests.html", "digest.html",
	"import.html", "review_list.html", "review.html",
	"signin.html", "denied.html", "audit.html", "corrections.html", "saved.html", "unsubscribe.html"}

// parseTemplates parses every page once at start-up and fails if a page is missing or broken.
func parseTemplates() (map[string]*template.Template, error) {
	funcs := template.FuncMap{
		"thousands": thousands,
		"date":      danishDate,
		"inc":       func(i int) int { return i + 1 },
		"caseName":  func(anchor string) string { return strings.Replace(anchor, "sag-", "sag nr. ", 1) },
		"u64":       func(i int) uint64 { return uint64(max(i, 0)) },
		"evidence":  func(label string, ids []string) evidenceLinks { return evidenceLinks{Label: label, IDs: ids} },
		"fileName":  uploadName,
		"pages":     pagesText,
		"result":    resultText,
	}
	pages := make(map[string]*template.Template, len(pageFiles))
	for _, name := range pageFiles {
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+name)
		if err != nil {
			return nil, fmt.Errorf("server: parse template %s: %w", name, err)
		}
		if t.Lookup("layout") == nil || t.Lookup("content") == nil {
			return nil, fmt.Errorf("server: parse template %s: layout or content block missing", name)
		}
		pages[name] = t
	}
	return pages, nil
}

// evidenceLinks is a label with the IDs of the marks that show its evidence; the label names
// the links for screen readers ("Se begrundelsen for Manglende partshøring").
type evidenceLinks struct {
	Label string
	IDs   []string
}

// base is what the layout needs on every page: the title and the data's freshness.
type base struct {
	Title string
	Fresh freshness
}

// freshness is the footer line and the red banners, built from the newest crawl run records:
// one per source whose newest crawl failed (what and when, in Danish, never the raw error: that
// is on /status for admins), and one per source without a successful crawl in
// omgjort.StaleAfter, or never. Runs of other jobs (digest, backup) only show on /status.
type freshness struct {
	// Known is false when the runs could not be read; the footer then says so.
	Known bool
	// NoRuns is true when no run has been recorded yet.
	NoRuns bool
	// Updated is when the last successful crawl ended, in Danish; empty when none succeeded.
	Updated string
	Fetched int
	// Failed has one Danish sentence per source whose newest finished crawl failed.
	Failed []string
	// Stale has one Danish sentence per source that has gone too long without a successful
	// crawl, or never had one.
	Stale []string
}

// freshnessRuns is how many of the newest runs are read: several jobs run every day, and the
// staleness rule looks 8 days back.
const freshnessRuns = 300

// freshness reads the newest runs for the footer and the banners. An error is logged, not
// returned: a page must still render when the run records cannot be read.
func (s *Server) freshness() freshness {
	runs, err := s.decisions.Runs(freshnessRuns)
	if err != nil {
		s.log.Error("server: read runs", slog.Any("error", err))
		return freshness{}
	}
	crawls := runs[:0:0]
	for _, r := range runs {
		if omgjort.RunSource(r) != "" {
			crawls = append(crawls, r)
		}
	}
	f := freshness{Known: true, NoRuns: len(crawls) == 0}
	for _, r := range crawls {
		if r.Succeeded() {
			f.Updated = s.danishTime(runTime(r))
			f.Fetched = r.Fetched
			break
		}
	}
	if f.NoRuns {
		return f
	}
	now := time.Now()
	for _, sc := range omgjort.SourceChecks(crawls, now) {
		if sc.Failed {
			f.Failed = append(f.Failed, fmt.Sprintf("Seneste hentning fra %s mislykkedes %s — afgørelserne kan være forældede.", sc.Name, s.shortTime(sc.FailedAt)))
		}
		switch {
		case !sc.Stale:
		case sc.LastOK.IsZero():
			f.Stale = append(f.Stale, "Kilden "+sc.Name+" er endnu ikke hentet med succes.")
		default:
			days := int(now.Sub(sc.LastOK).Hours() / 24)
			f.Stale = append(f.Stale, fmt.Sprintf("Kilden %s er ikke blevet hentet med succes i %d dage (senest %s).", sc.Name, days, s.danishTime(sc.LastOK)))
		}
	}
	return f
}

// shortMonths are Danish month abbreviations as written in a short date ("6. dec.").
var shortMonths = [...]string{"jan.", "feb.", "mar.", "apr.", "maj", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec."}

// shortTime formats an instant in Copenhagen time as "6. dec. kl. 06.15".
func (s *Server) shortTime(t time.Time) string {
	if t.IsZero() {
		return "på et ukendt tidspunkt"
	}
	t = t.In(s.loc)
	return fmt.Sprintf("%d. %s kl. %02d.%02d", t.Day(), shortMonths[t.Month()-1], t.Hour(), t.Minute())
}

// runTime is when a run ended, or when it started if no end was recorded.
func runTime(r omgjort.CrawlRun) time.Time {
	if !r.Ended.IsZero() {
		return r.Ended
	}
	return r.Started
}

// danishMonths are the month names as Danish writes them in a date ("9. januar 2026").
var danishMonths = [...]string{"januar", "februar", "marts", "april", "maj", "juni", "juli",
	"august", "september", "oktober", "november", "december"}

// danishDate formats a YYYY-MM-DD date as "9. januar 2026"; anything else is returned as is.
func danishDate(ymd string) string {
	t, err := time.Parse(time.DateOnly, ymd)
	if err != nil {
		return ymd
	}
	return fmt.Sprintf("%d. %s %d", t.Day(), danishMonths[t.Month()-1], t.Year())
}

// danishTime formats an instant in Copenhagen time as "9. januar 2026 kl. 14.05".
func (s *Server) danishTime(t time.Time) string {
	if t.IsZero() {
		return "ukendt tidspunkt"
	}
	t = t.In(s.loc)
	return fmt.Sprintf("%d. %s %d kl. %02d.%02d", t.Day(), danishMonths[t.Month()-1], t.Year(), t.Hour(), t.Minute())
}

// thousands writes n with Danish thousands separators ("1.234").
func thousands(n uint64) string {
	s := strconv.FormatUint(n, 10)
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	pre := len(s) % 3
	if pre > 0 {
		b.WriteString(s[:pre])
	}
	for i := pre; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

// render executes a page into a buffer first, so a template error becomes a clean 500 instead
// of half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	t, ok := s.pages[name]
	if !ok {
		s.log.Error("server: unknown template", slog.String("template", name))
		s.plainError(w)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		s.log.Error("server: render", slog.String("template", name), slog.String("path", r.URL.Path), slog.Any("error", err))
		s.plainError(w)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	setCacheControl(w, "no-cache")
	w.WriteHeader(status)
	_, _ = w.Write(s.withUserMenu(r, buf.Bytes()))
}

// plainError is the last resort when even the error page cannot be rendered.
func (s *Server) plainError(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = w.Write([]byte("Der opstod en fejl på serveren. Prøv igen senere."))
}

// errorPage is the data of the shared error page.
type errorPage struct {
	base
	Heading string
	Message string
}

// errorHTML renders the Danish error page with the given status. withFresh is false on the
// panic path, where reading the store again could fail the same way.
func (s *Server) errorHTML(w http.ResponseWriter, r *http.Request, status int, heading, msg string, withFresh bool) {
	p := errorPage{base: base{Title: heading}, Heading: heading, Message: msg}
	if withFresh {
		p.Fresh = s.freshness()
	}
	s.render(w, r, status, "error.html", p)
}

// badRequest answers bad user input with a Danish 400, as JSON under /api/.
func (s *Server) badRequest(w http.ResponseWriter, r *http.Request, msg string) {
	if isAPI(r) {
		writeJSON(w, http.StatusBadRequest, apiError{Error: msg})
		return
	}
	s.errorHTML(w, r, http.StatusBadRequest, "Ugyldig forespørgsel", msg, true)
}

// serverError logs err (if any) and answers with a Danish apology that reveals nothing of it.
func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	if clientGone(r, err) {
		// The client disconnected (or gave up): nothing failed on our side and nobody reads
		// the answer.
		s.log.Info("server: client went away", slog.String("method", r.Method), slog.String("path", r.URL.Path))
		return
	}
	if err != nil {
		s.log.Error("server: request failed", slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("error", err))
	}
	const msg = "Der opstod en fejl på serveren, og vi kunne ikke vise siden. Prøv igen om lidt."
	if isAPI(r) {
		writeJSON(w, http.StatusInternalServerError, apiError{Error: msg})
		return
	}
	s.errorHTML(w, r, http.StatusInternalServerError, "Beklager, der opstod en fejl", msg, err != nil)
}

// notFound answers an unknown page or decision with a Danish 404.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request, msg string) {
	if isAPI(r) {
		writeJSON(w, http.StatusNotFound, apiError{Error: msg})
		return
	}
	s.errorHTML(w, r, http.StatusNotFound, "Siden blev ikke fundet", msg, true)
}

// handleNotFound is the catch-all route.
func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) {
	s.notFound(w, r, "Der findes ingen side på denne adresse. Gå til forsiden og søg efter afgørelsen.")
}

// isAPI reports whether the request is for the JSON API, so errors are answered in JSON.
func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// apiError is the JSON body of every API error.
type apiError struct {
	Error string `json:"error"`
}

// writeJSON encodes v into a buffer and writes it with status; an encoding failure is a 500.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"error":"Der opstod en fejl på serveren."}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	setCacheControl(w, "no-cache")
	w.WriteHeader(status)
	_, _ = w.Write(b)
	_, _ = w.Write([]byte("\n"))
}

// setCacheControl sets Cache-Control unless the handler chose one already (no-store on /status
// and admin answers must not be weakened by the renderer).
func setCacheControl(w http.ResponseWriter, v string) {
	if w.Header().Get("Cache-Control") == "" {
		w.Header().Set("Cache-Control", v)
	}
}

// clientGone reports whether a request failed because its client disconnected or cancelled it.
func clientGone(r *http.Request, err error) bool {
	return r.Context().Err() != nil && (err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded))
}

// stack returns the current goroutine's stack for panic logs.
func stack() string { return string(debug.Stack()) }
