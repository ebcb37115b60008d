package server_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"omgjort"
	"omgjort/index"
	"omgjort/jobs"
	"omgjort/server"
	"omgjort/store"
)

// gatedSearcher is the real index with a gate: while closed, searches wait, so a test can
// hold exports open; a search whose request is cancelled returns the context's error.
type gatedSearcher struct {
	omgjort.Searcher
	mu      sync.Mutex
	gate    chan struct{}
	entered chan struct{}
	calls   int
}

func (g *gatedSearcher) Search(ctx context.Context, req omgjort.SearchRequest) (*omgjort.SearchResult, error) {
	g.mu.Lock()
	g.calls++
	gate := g.gate
	g.mu.Unlock()
	if gate != nil {
		select {
		case g.entered <- struct{}{}:
		default:
		}
		select {
		case <-gate:
		case <-ctx.Done():
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return g.Searcher.Search(ctx, req)
}

// logBuffer collects the server's log lines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

type hardFixture struct {
	srv  *server.Server
	db   *store.DB
	dir  string
	gs   *gatedSearcher
	logs *logBuffer
}

func newHardFixture(t *testing.T, cfg server.Config, ds ...*omgjort.Decision) *hardFixture {
	t.Helper()
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
	for _, d := range ds {
		if _, err := db.PutDecision(d, &omgjort.RawPage{URL: d.URL, Status: 200, Body: []byte(d.ID), Hash: d.ID, FetchedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	if err := idx.Put(ds...); err != nil {
		t.Fatal(err)
	}
	f := &hardFixture{db: db, dir: dir, gs: &gatedSearcher{Searcher: idx, entered: make(chan struct{}, 16)}, logs: &logBuffer{}}
	cfg.Logger = slog.New(slog.NewTextHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	f.srv, err = server.New(cfg, f.gs, db)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *hardFixture) do(t *testing.T, method, target string, hdr map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	f.srv.Handler().ServeHTTP(rec, req)
	return rec
}

// TestExportBoundedStreamedAndCheapHEAD: exports beyond the bound get 503 with Retry-After while
// others run; HEAD answers without searching; links come from the site URL, never from a
// forged Host header.
func TestExportBoundedStreamedAndCheapHEAD(t *testing.T) {
	f := newHardFixture(t, server.Config{MaxExports: 2, SiteURL: "https://omgjort.kommune.dk"}, family()...)

	rec := f.do(t, http.MethodHead, "/export.csv?lov=Aktivloven", nil)
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "text/csv; charset=utf-8" || f.gs.calls != 0 {
		t.Fatalf("HEAD: %d %v, %d searches", rec.Code, rec.Header(), f.gs.calls)
	}

	// Two exports held open inside their first search; the third is refused.
	f.gs.gate = make(chan struct{})
	var wg sync.WaitGroup
	results := make([]*httptest.ResponseRecorder, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = f.do(t, http.MethodGet, "/export.csv", nil)
		}()
	}
	<-f.gs.entered
	<-f.gs.entered
	rec = f.do(t, http.MethodGet, "/export.csv", nil)
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Errorf("export beyond the bound: %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
	}
	f.gs.mu.Lock()
	close(f.gs.gate)
	f.gs.gate = nil
	f.gs.mu.Unlock()
	wg.Wait()
	for _, r := range results {
		if r.Code != 200 || strings.Count(r.Body.String(), "\r\n") != 6 {
			t.Errorf("held export: %d %q", r.Code, r.Body.String())
		}
	}
	// The slots are free again.
	rec = f.do(t, http.MethodGet, "/export.csv", map[string]string{"Host": "angriber.example"})
	if rec.Code != 200 {
		t.Fatalf("export after the others: %d", rec.Code)
	}
	if strings.Contains(rec.Body.String(), "angriber") || !strings.Contains(rec.Body.String(), "https://omgjort.kommune.dk/d/") {
		t.Errorf("CSV links do not come from the site URL: %q", rec.Body.String())
	}
	feed := f.do(t, http.MethodGet, "/feed.atom", map[string]string{"Host": "angriber.example"})
	if strings.Contains(feed.Body.String(), "angriber") || !strings.Contains(feed.Body.String(), "https://omgjort.kommune.dk/d/") {
		t.Errorf("Atom links do not come from the site URL: %q", feed.Body.String())
	}
}

// TestExportSkipsACorruptedRecord: one decision whose stored record is damaged is skipped and
// reported; the export carries on with the others.
func TestExportSkipsACorruptedRecord(t *testing.T) {
	f := newHardFixture(t, server.Config{}, family()...)
	if err := f.db.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := bolt.Open(filepath.Join(f.dir, store.FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("decisions")).Put([]byte("15-25"), []byte(`{"id":"15-25","cases":[{`))
	}); err != nil {
		t.Fatal(err)
	}
	b.Close()
	db, err := store.Open(f.dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f.srv, err = server.New(server.Config{Logger: slog.New(slog.NewTextHandler(f.logs, nil))}, f.gs, db)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(f.srv.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/export.csv?lov=Aktivloven")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	rows, err := csvRows(body)
	if err != nil || len(rows) != 3 {
		t.Fatalf("rows %q %v", rows, err)
	}
	if resp.Trailer.Get("X-Omgjort-Skipped") != "1" || resp.Trailer.Get("X-Omgjort-Rows") != "2" {
		t.Errorf("trailers %v", resp.Trailer)
	}
	if !strings.Contains(f.logs.String(), "15-25") {
		t.Errorf("the skipped record is not reported: %s", f.logs.String())
	}
}

func csvRows(body []byte) ([][]string, error) {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\uFEFF"))))
	r.Comma = ';'
	return r.ReadAll()
}

// TestSmallHardenings: unknown methods get 405 with Allow; /status and admin answers are
// no-store; failed admin attempts are limited and logged; a client that goes away is not an
// ERROR; short or repetitive admin tokens are refused.
func TestSmallHardenings(t *testing.T) {
	token := strings.Repeat("0123456789abcdef", 4)
	f := newHardFixture(t, server.Config{AdminToken: token}, family()...)
	sched, err := jobs.New(jobs.Config{Logger: slog.New(slog.DiscardHandler), Recorder: f.db}, jobs.Job{Name: "crawl-astdk", Spec: "0 6 * * *",
		Run: func(context.Context, *omgjort.CrawlRun) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	f.srv, err = server.New(server.Config{AdminToken: token, Jobs: sched,
		Logger: slog.New(slog.NewTextHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelInfo}))}, f.gs, f.db)
	if err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{"/", "/status", "/export.csv"} {
		rec := f.do(t, http.MethodDelete, target, nil)
		if rec.Code != http.StatusMethodNotAllowed || !strings.Contains(rec.Header().Get("Allow"), "GET") {
			t.Errorf("DELETE %s: %d, Allow %q", target, rec.Code, rec.Header().Get("Allow"))
		}
	}
	if rec := f.do(t, http.MethodGet, "/status", nil); rec.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("/status Cache-Control %q", rec.Header().Get("Cache-Control"))
	}
	var last *httptest.ResponseRecorder
	for range 7 {
		last = f.do(t, http.MethodPost, "/admin/run/crawl-astdk", map[string]string{"Authorization": "Bearer forkert"})
		if last.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("admin answer Cache-Control %q", last.Header().Get("Cache-Control"))
		}
	}
	if last.Code != http.StatusTooManyRequests || last.Header().Get("Retry-After") == "" {
		t.Errorf("7th wrong token: %d", last.Code)
	}
	// Even the right token waits out the window once the address has failed too often.
	if rec := f.do(t, http.MethodPost, "/admin/run/crawl-astdk", map[string]string{"Authorization": "Bearer " + token}); rec.Code != http.StatusTooManyRequests {
		t.Errorf("right token during the lock-out: %d", rec.Code)
	}
	if n := strings.Count(f.logs.String(), "wrong token"); n != 5 {
		t.Errorf("%d failed attempts logged, want 5", n)
	}

	// From another server (a fresh lock-out count) the right token starts the job, and the run
	// is recorded as started by an admin.
	admin, err := server.New(server.Config{AdminToken: token, Jobs: sched}, f.gs, f.db)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/admin/run/crawl-astdk", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	admin.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusAccepted {
		t.Fatalf("right token: %d %s", rec.Code, rec.Body)
	}
	var runs []omgjort.CrawlRun
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if runs, err = f.db.Runs(1); err == nil && len(runs) == 1 && runs[0].Result != omgjort.RunRunning {
			break
		}
	}
	if len(runs) != 1 || runs[0].Trigger != omgjort.TriggerAdmin {
		t.Errorf("admin run recorded as %+v (%v)", runs, err)
	}
	if body := f.do(t, http.MethodGet, "/status", nil).Body.String(); !strings.Contains(body, "startet af en administrator") {
		t.Error("/status does not say the run was started by an admin")
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req = httptest.NewRequest(http.MethodGet, "/?q=kommunen", nil).WithContext(ctx)
	f.srv.Handler().ServeHTTP(httptest.NewRecorder(), req)
	if strings.Contains(f.logs.String(), "level=ERROR") {
		t.Errorf("a client that went away is logged as an error: %s", f.logs.String())
	}

	for _, bad := range []string{"kort", strings.Repeat("a", 40), "abcdefghabcdefghabcdefghabcdefg"} {
		if server.CheckAdminToken(bad) == nil {
			t.Errorf("token %q accepted", bad)
		}
	}
	if err := server.CheckAdminToken(token); err != nil || !strings.Contains(fmt.Sprint(server.CheckAdminToken("x")), "openssl rand -hex 32") {
		t.Errorf("good token refused (%v), or no advice", err)
	}
}
