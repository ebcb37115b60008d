package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"omgjort"
	"omgjort/crawler"
	"omgjort/crawler/replica"
	"omgjort/store"
)

// crawledDir crawls the embedded replica into a fresh data directory.
func crawledDir(t *testing.T) string {
	t.Helper()
	site := httptest.NewServer(replica.Handler())
	defer site.Close()
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"crawl", "--data", dir, "--base-url", site.URL, "--delay", "0"}, &out, &errb); code != 0 {
		t.Fatalf("crawl exit %d: %s %s", code, out.String(), errb.String())
	}
	return dir
}

// copyDir copies a closed data directory, so each damage starts from the same good one.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if info.IsDir() {
			return os.MkdirAll(target, 0o750)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, info.Mode())
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func runCmd(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// TestBrokenFilesGiveAClearMessage: a damaged .zap footer makes the index rebuild from the
// store; a truncated store file, or one whose meta pages are damaged, is a clear message
// naming the file and `omgjort restore`, never a crash; a zero-length store beside an index or
// backups is refused with the reason.
func TestBrokenFilesGiveAClearMessage(t *testing.T) {
	good := crawledDir(t)
	want := 0
	{
		db, err := store.Open(good)
		if err != nil {
			t.Fatal(err)
		}
		want, _ = db.Count()
		db.Close()
	}

	t.Run("damaged zap footer", func(t *testing.T) {
		dir := copyDir(t, good)
		segs, _ := filepath.Glob(filepath.Join(dir, "index", "store", "*.zap"))
		if len(segs) == 0 {
			t.Fatal("no zap segment")
		}
		sort.Strings(segs)
		for _, seg := range segs {
			b, _ := os.ReadFile(seg)
			for i := len(b) - 40; i < len(b)-4; i++ {
				b[i] ^= 0xA5
			}
			os.WriteFile(seg, b, 0o600)
		}
		if code, out, errs := runCmd("reindex", "--data", dir); code != 0 || !strings.Contains(out, "reindexed") {
			t.Fatalf("reindex exit %d: %s %s", code, out, errs)
		}
		a, err := openApp(dir, quietLog())
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		if n, _ := a.Index().Count(); int(n) != want {
			t.Errorf("index holds %d decisions after the rebuild, store %d", n, want)
		}
	})

	for name, damage := range map[string]func(path string){
		"truncated": func(path string) {
			st, _ := os.Stat(path)
			os.Truncate(path, st.Size()/2)
		},
		"meta pages": func(path string) {
			f, _ := os.OpenFile(path, os.O_RDWR, 0)
			f.WriteAt(bytes.Repeat([]byte{0x5A}, 8192), 0)
			f.Close()
		},
	} {
		t.Run(name, func(t *testing.T) {
			dir := copyDir(t, good)
			path := filepath.Join(dir, store.FileName)
			damage(path)
			code, _, errs := runCmd("export", "--data", dir)
			if code == 0 || !strings.Contains(errs, path) || !strings.Contains(errs, "omgjort restore") {
				t.Errorf("export on a %s store: exit %d, %s", name, code, errs)
			}
		})
	}

	t.Run("zero-length store beside an index", func(t *testing.T) {
		dir := copyDir(t, good)
		os.Truncate(filepath.Join(dir, store.FileName), 0)
		code, _, errs := runCmd("export", "--data", dir)
		if code == 0 || !strings.Contains(errs, "is empty") || !strings.Contains(errs, "search index") {
			t.Errorf("zero-length store: exit %d, %s", code, errs)
		}
		// The index was not emptied.
		if n := countZap(t, dir); n == 0 {
			t.Error("the index was removed")
		}
	})
	t.Run("zero-length store with backups", func(t *testing.T) {
		dir := t.TempDir()
		os.MkdirAll(filepath.Join(dir, "backups"), 0o750)
		os.WriteFile(filepath.Join(dir, "backups", "omgjort-2026-12-01.db"), []byte("x"), 0o600)
		os.WriteFile(filepath.Join(dir, store.FileName), nil, 0o600)
		if code, _, errs := runCmd("export", "--data", dir); code == 0 || !strings.Contains(errs, "backups") {
			t.Errorf("zero-length store with backups: exit %d, %s", code, errs)
		}
	})
}

func countZap(t *testing.T, dir string) int {
	segs, _ := filepath.Glob(filepath.Join(dir, "index", "store", "*.zap"))
	return len(segs)
}

func quietLog() *slog.Logger { return slog.New(slog.DiscardHandler) }

// TestExportCommandSkipsDamagedAndNeutralisesFormulas: `omgjort export --format csv` writes a
// title that starts with "=" as text, and a damaged record is skipped and reported while the
// rest is exported.
func TestExportCommandSkipsDamagedAndNeutralisesFormulas(t *testing.T) {
	dir := t.TempDir()
	db, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []*omgjort.Decision{
		{ID: "1-26", Number: "1-26", Title: `=HYPERLINK("http://angriber.example","Klik")`, Source: "astdk", Published: "2026-01-05"},
		{ID: "2-26", Number: "2-26", Title: "Principmeddelelse 2-26", Source: "astdk", Published: "2026-01-06"},
		{ID: "3-26", Number: "3-26", Title: "+SUM(A1)", Source: "astdk", Published: "2026-01-07"},
	} {
		if _, err := db.PutDecision(d, &omgjort.RawPage{URL: "https://www.ast.dk/x/" + d.ID, Status: 200, Body: []byte("x"), Hash: d.ID, FetchedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	b, err := bolt.Open(filepath.Join(dir, store.FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	b.Update(func(tx *bolt.Tx) error { return tx.Bucket([]byte("decisions")).Put([]byte("2-26"), []byte(`{"id":`)) })
	b.Close()

	code, out, errs := runCmd("export", "--data", dir, "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff")))
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("rows %q", rows)
	}
	for _, row := range rows[1:] {
		if c := row[3][0]; c == '=' || c == '+' {
			t.Errorf("formula cell %q not neutralised", row[3])
		}
	}
	if !strings.Contains(errs, "2-26") || !strings.Contains(errs, "skipped") {
		t.Errorf("the damaged record is not reported: %q", errs)
	}
}

// testAdminToken is an admin token as `openssl rand -hex 32` makes them.
const testAdminToken = "9f2c4e1a7b3d5f60818293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8"

// TestServeWarnsWhenExposedWithoutTLS: listening beyond loopback without an https site URL
// (a TLS proxy in front) is warned about; loopback, or https in front, is not.
func TestServeWarnsWhenExposedWithoutTLS(t *testing.T) {
	for _, c := range []struct {
		addr, site string
		warn       bool
	}{
		{"0.0.0.0:8080", "", true},
		{"192.0.2.10:8080", "http://omgjort.kommune.dk", true},
		{":8080", "", true},
		{"127.0.0.1:8080", "", false},
		{"localhost:8080", "", false},
		{"[::1]:8080", "", false},
		{"0.0.0.0:8080", "https://omgjort.kommune.dk", false},
	} {
		var buf bytes.Buffer
		warnIfExposed(slog.New(slog.NewTextHandler(&buf, nil)), c.addr, c.site)
		if got := strings.Contains(buf.String(), "without TLS"); got != c.warn {
			t.Errorf("%s with site %q: warned %v, want %v", c.addr, c.site, got, c.warn)
		}
	}
}

// TestCrawlThatFetchedNothingIsFailed: after a good crawl, a crawl whose every page request
// fails (503) is recorded as failed, so the banner shows and staleness keeps counting from
// the good one.
func TestCrawlThatFetchedNothingIsFailed(t *testing.T) {
	dir := crawledDir(t)
	var down atomic.Bool
	down.Store(true)
	h := replica.Handler()
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down.Load() && r.URL.Path != "/robots.txt" && r.URL.Path != "/sitemap.xml" {
			http.Error(w, "vedligeholdelse", http.StatusServiceUnavailable)
			return
		}
		h.ServeHTTP(w, r)
	}))
	defer site.Close()
	a, err := openApp(dir, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := a.crawl(context.Background(), crawler.Config{BaseURL: site.URL, Delay: crawler.NoDelay, Retries: -1, Full: true}); err != nil {
		t.Fatal(err)
	}
	db := a.db
	runs, err := db.Runs(5)
	if err != nil || len(runs) < 2 {
		t.Fatalf("runs %v %v", runs, err)
	}
	if runs[0].Result != omgjort.RunFailed || !strings.Contains(runs[0].Error, "no pages could be fetched") {
		t.Fatalf("the run that fetched nothing: %+v", runs[0])
	}
	var sc omgjort.SourceCheck
	for _, c := range omgjort.SourceChecks(runs, time.Now()) {
		if c.Source == "astdk" {
			sc = c
		}
	}
	if !sc.Failed || !sc.LastOK.Equal(runs[1].Ended) {
		t.Errorf("source check %+v: the failed run must show and leave the last success at %v", sc, runs[1].Ended)
	}
}
