package server_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"omgjort"
	"omgjort/index"
	"omgjort/server"
	"omgjort/store"
)

// opsFixture is a real store and index behind a server with the ops routes on.
func opsFixture(t *testing.T, runs ...omgjort.CrawlRun) (*httptest.Server, *store.DB) {
	t.Helper()
	dir := t.TempDir()
	db, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	idx, err := index.Open(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	for i := range runs {
		r := runs[i]
		if err := db.StartRun(&r); err != nil {
			t.Fatal(err)
		}
		if err := db.FinishRun(&r); err != nil {
			t.Fatal(err)
		}
	}
	srv, err := server.New(server.Config{Logger: slog.New(slog.DiscardHandler), Digests: db}, idx, db)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts, db
}

func body(t *testing.T, u string) string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func TestStaleSourceIsRedOnEveryPage(t *testing.T) {
	old := time.Now().Add(-10*24*time.Hour - time.Hour)
	ts, _ := opsFixture(t,
		omgjort.CrawlRun{Job: "crawl-astdk", Source: "astdk", Started: old, Ended: old.Add(time.Minute), Result: omgjort.RunOK, Fetched: 3},
		// A later successful backup must not hide the stale source.
		omgjort.CrawlRun{Job: "backup", Started: time.Now(), Ended: time.Now(), Result: omgjort.RunOK},
	)
	for _, path := range []string{"/", "/status", "/digests"} {
		b := body(t, ts.URL+path)
		if !strings.Contains(b, "banner-error") || !strings.Contains(b, "Kilden ast.dk er ikke blevet hentet med succes i 10 dage") {
			t.Errorf("%s: no red stale banner", path)
		}
	}
}

func TestFailedJobOnStatusNotOnPages(t *testing.T) {
	now := time.Now()
	ts, _ := opsFixture(t,
		omgjort.CrawlRun{Job: "crawl-astdk", Source: "astdk", Started: now.Add(-time.Hour), Ended: now.Add(-time.Hour), Result: omgjort.RunOK},
		omgjort.CrawlRun{Job: "backup", Started: now, Ended: now, Result: omgjort.RunFailed, Error: "disken er fuld"},
	)
	if b := body(t, ts.URL+"/"); strings.Contains(b, "banner-error") {
		t.Error("a failed backup put a source banner on the search page")
	}
	b := body(t, ts.URL+"/status")
	if !strings.Contains(b, `class="state-bad"`) || !strings.Contains(b, "disken er fuld") || !strings.Contains(b, "Mislykkedes") {
		t.Error("/status does not show the failed backup in red")
	}
	// Runs are named in Danish even when this process runs no jobs (the name stays beside it).
	if !strings.Contains(b, "Sikkerhedskopi <span class=\"muted\">(backup)</span>") || !strings.Contains(b, "Hent fra ast.dk") {
		t.Error("/status does not name the runs in Danish")
	}
	if !strings.Contains(b, "Planlagte kørsler er slået fra") {
		t.Error("/status should say that jobs are off in this process")
	}
	// No admin token configured: the admin route does not exist.
	resp, err := http.Post(ts.URL+"/admin/run/backup", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("admin without token: %d", resp.StatusCode)
	}
}
