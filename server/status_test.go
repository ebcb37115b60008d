package server_test

import (
	"fmt"
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
	return opsFixtureToken(t, "", runs...)
}

// opsFixtureToken is opsFixture with an admin token.
func opsFixtureToken(t *testing.T, token string, runs ...omgjort.CrawlRun) (*httptest.Server, *store.DB) {
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
	srv, err := server.New(server.Config{Logger: slog.New(slog.DiscardHandler), Digests: db, AdminToken: token}, idx, db)
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
	if !strings.Contains(b, `class="state-bad"`) || !strings.Contains(b, "Fejlbeskeden vises kun for administratorer") || !strings.Contains(b, "Mislykkedes") {
		t.Error("/status does not show the failed backup in red")
	}
	if strings.Contains(b, "disken er fuld") {
		t.Error("/status shows the raw error to everyone")
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

// TestOperatorsToldTheTruth: a crawl that failed without network says so in Danish on every
// page, with when, and never the raw error or an internal address; the raw error is on /status
// for the admin; a source that never succeeded says so instead of "stale for 8 days".
func TestOperatorsToldTheTruth(t *testing.T) {
	now := time.Now()
	raw := `Get "http://10.20.30.40:3128/sitemap.xml": dial tcp 10.20.30.40:3128: connect: network is unreachable`
	ts, _ := opsFixtureToken(t, "nøgle",
		omgjort.CrawlRun{Job: "crawl-astdk", Source: "astdk", Started: now.Add(-16 * time.Second), Ended: now.Add(-15 * time.Second), Result: omgjort.RunFailed, Error: raw})
	cph, _ := time.LoadLocation("Europe/Copenhagen")
	at := now.Add(-15 * time.Second).In(cph)
	months := []string{"jan.", "feb.", "mar.", "apr.", "maj", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec."}
	want := fmt.Sprintf("Seneste hentning fra ast.dk mislykkedes %d. %s kl. %02d.%02d — afgørelserne kan være forældede.", at.Day(), months[at.Month()-1], at.Hour(), at.Minute())
	for _, path := range []string{"/", "/stats", "/digests", "/status", "/findes-ikke"} {
		b := body(t, ts.URL+path)
		if !strings.Contains(b, want) {
			t.Errorf("%s lacks %q", path, want)
		}
		if strings.Contains(b, "10.20.30.40") || strings.Contains(b, "dial tcp") {
			t.Errorf("%s shows the raw error", path)
		}
		if strings.Contains(b, "8 dage") || !strings.Contains(b, "endnu ikke hentet med succes") {
			t.Errorf("%s: a source that never succeeded must say so, not call itself stale for 8 days", path)
		}
	}
	// The admin (here: the admin token as a bearer token) sees the raw error.
	req, _ := http.NewRequest("GET", ts.URL+"/status", nil)
	req.Header.Set("Authorization", "Bearer nøgle")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), "10.20.30.40") {
		t.Error("/status with the admin token lacks the raw error")
	}
	// A wrong bearer token is refused; without one, no raw error.
	req, _ = http.NewRequest("GET", ts.URL+"/status", nil)
	req.Header.Set("Authorization", "Bearer forkert")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || strings.Contains(string(b), "10.20.30.40") {
		t.Errorf("wrong token: %d", resp.StatusCode)
	}
}
