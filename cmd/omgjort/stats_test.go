package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"omgjort"
	"omgjort/crawler"
	"omgjort/crawler/replica"
	"omgjort/store"
)

func TestStatsImportCommand(t *testing.T) {
	dir := t.TempDir()
	fixture := func(name string) string { return filepath.Join("..", "..", "officialstats", "testdata", name) }
	code, out, errs := runCmd("stats", "import", "--data", dir, "--kommune", "Århus", fixture("talportal_2022_2023.csv"))
	if code != 0 || !strings.Contains(out, "128 rækker, 16 kommuner, perioder 2022, 2023") {
		t.Fatalf("import: %d %q %q", code, out, errs)
	}
	code, _, errs = runCmd("stats", "import", "--data", dir, fixture("talportal_forkert_raekke.csv"))
	if code != 1 || !strings.Contains(errs, "linje 9") || !strings.Contains(errs, "intet er importeret") {
		t.Errorf("malformed: %d %q", code, errs)
	}
	code, _, errs = runCmd("stats", "import", "--data", dir, "--kommune", "Gotham", fixture("talportal_2022_2023.csv"))
	if code != 1 || !strings.Contains(errs, "Gotham") {
		t.Errorf("wrong municipality: %d %q", code, errs)
	}
	code, out, errs = runCmd("stats", "import", "--data", dir, fixture("talportal_2022_2023_revideret.csv"))
	if code != 0 || !strings.Contains(out, "Erstatter 1 tidligere import") {
		t.Errorf("revision: %d %q %q", code, out, errs)
	}

	// While another process (here: another handle) holds the data directory, the command names
	// the admin route that does the same.
	db, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	code, _, errs = runCmd("stats", "import", "--data", dir, fixture("talportal_2022_2023.csv"))
	if code != 1 || !strings.Contains(errs, "POST /admin/stats/import") {
		t.Errorf("locked: %d %q", code, errs)
	}
}

func TestLockedHintNamesTheAdminRoute(t *testing.T) {
	locked := fmt.Errorf("store: open x: %w", store.ErrLocked)
	for _, c := range []struct {
		cmd  string
		args []string
		want string
	}{
		{"crawl", nil, "POST /admin/run/crawl-astdk"},
		{"crawl", []string{"--source", "retsinformation"}, "POST /admin/run/crawl-retsinformation"},
		{"digest", []string{"--send"}, "POST /admin/run/digest"},
		{"backup", nil, "POST /admin/run/backup"},
		{"reindex", nil, "Stop serveren"},
	} {
		if got := lockedHint(locked, c.cmd, c.args); !strings.Contains(got, c.want) {
			t.Errorf("%s %v: %q, want %q", c.cmd, c.args, got, c.want)
		}
	}
	if lockedHint(fmt.Errorf("other"), "crawl", nil) != "" {
		t.Error("a hint for an error that is not the lock")
	}
}

// syncBuffer is a bytes.Buffer safe to read while the command writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func TestDemoChecksItsPortAndShowsItsDigest(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	code, out, errs := runCmd("demo", "--addr", busy.Addr().String())
	if code != 1 || strings.Contains(out, "Replica") || !strings.Contains(errs, "--addr") {
		t.Fatalf("busy port: %d %q %q (must fail before crawling)", code, out, errs)
	}

	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := free.Addr().String()
	free.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"demo", "--addr", addr}, &stdout, &stderr) }()
	defer func() {
		cancel()
		<-done
	}()
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(stdout.String(), "Omgjort is running") {
		if time.Now().After(deadline) {
			t.Fatalf("demo did not start: %s %s", stdout.String(), stderr.String())
		}
		select {
		case c := <-done:
			t.Fatalf("demo ended with %d: %s %s", c, stdout.String(), stderr.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	loc, _ := time.LoadLocation("Europe/Copenhagen")
	week := omgjort.WeekOf(time.Now().In(loc))
	resp, err := http.Get("http://" + addr + "/digests/" + week.String())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page := string(body)
	if resp.StatusCode != 200 || !strings.Contains(page, "Indlæsning fra ast.dk") || !strings.Contains(stdout.String(), "/digests/"+week.String()) {
		t.Errorf("demo digest: %d\n%s\n%s", resp.StatusCode, stdout.String(), page)
	}
	// The demo user, signed in, sees a saved search.
	m := regexp.MustCompile(`one-time password: (\S+)`).FindStringSubmatch(stdout.String())
	if m == nil || !strings.Contains(stdout.String(), "/gemte-soegninger") {
		t.Fatalf("demo output names no password or saved searches: %s", stdout.String())
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err = c.Get("http://" + addr + "/signin")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(string(body))
	if csrf == nil {
		t.Fatal("no CSRF field on the sign-in page")
	}
	resp, err = c.PostForm("http://"+addr+"/signin", url.Values{"csrf": {csrf[1]}, "username": {"demo"}, "password": {m[1]}, "next": {"/gemte-soegninger"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "Sygedagpenge, hjemviste") || !strings.Contains(string(body), "Ugentlig i nyhedsbrevet") {
		t.Errorf("the demo user's saved searches: %d %.600s", resp.StatusCode, body)
	}
}

// TestBackfillRunsAreSummarised: the first crawl and a --full crawl are backfills (one line in
// the digest); a decision a normal run stores later is listed, whatever its publication date.
func TestBackfillRunsAreSummarised(t *testing.T) {
	site, baseURL, err := replica.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer site.Close()
	a, err := openApp(t.TempDir(), testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	cfg := crawler.Config{BaseURL: baseURL, Contact: "test", Delay: crawler.NoDelay, Timeout: 10 * time.Second}
	first, err := a.crawl(context.Background(), cfg)
	if err != nil || first.New == 0 {
		t.Fatalf("first crawl: %v %+v", err, first)
	}
	cfg.Full = true
	full, err := a.crawl(context.Background(), cfg)
	if err != nil || !full.Backfill {
		t.Fatalf("--full run not marked as a backfill: %v %+v", err, full)
	}
	loc, _ := time.LoadLocation("Europe/Copenhagen")
	week := omgjort.WeekOf(time.Now().In(loc))
	d, err := a.makeDigest(week, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.New) != 0 || len(d.Backfill) != 1 || d.Backfill[0].Count != first.New {
		t.Errorf("digest after the first crawl: %d new, backfill %+v; want the %d as one line", len(d.New), d.Backfill, first.New)
	}
	// A normal run later stores a decision published years ago: it is listed.
	if err := a.db.PutDigest(d); err != nil {
		t.Fatal(err)
	}
	late := &omgjort.Decision{ID: "99-19", Number: "99-19", Title: "Sent offentliggjort", Source: "astdk", Published: "2019-03-01",
		ContentHash: "late", Cases: []omgjort.Case{{ID: "1", Outcome: omgjort.OutcomeStadfaestet}}}
	late.RollUpCases()
	if _, err := a.db.PutDecision(late, nil); err != nil {
		t.Fatal(err)
	}
	next, err := a.makeDigest(week.Add(1), nil, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(next.New) != 1 || next.New[0].ID != "99-19" || len(next.Backfill) != 0 {
		t.Errorf("next digest: %+v %+v, want only 99-19", next.New, next.Backfill)
	}
}
