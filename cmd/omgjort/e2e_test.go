package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"omgjort"
	"omgjort/crawler"
	"omgjort/crawler/replica"
	"omgjort/server"
)

// counter counts the requests a test site answers, by path and status.
type counter struct {
	mu     sync.Mutex
	total  int
	full   map[string]int // detail pages answered 200
	status map[int]int
}

func (c *counter) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, code: 200}
		h.ServeHTTP(rec, r)
		c.mu.Lock()
		defer c.mu.Unlock()
		c.total++
		c.status[rec.code]++
		if rec.code == 200 && strings.Count(strings.Trim(r.URL.Path, "/"), "/") >= 3 && strings.Contains(r.URL.Path, "/principmeddelelser/") {
			c.full[r.URL.Path]++
		}
	})
}

func (c *counter) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.total, c.full, c.status = 0, map[string]int{}, map[int]int{}
}

func (c *counter) snapshot() (int, int, map[int]int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, v := range c.full {
		n += v
	}
	st := map[int]int{}
	for k, v := range c.status {
		st[k] = v
	}
	return c.total, n, st
}

type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (r *statusRecorder) WriteHeader(code int) { r.code = code; r.ResponseWriter.WriteHeader(code) }

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

func TestEndToEndReplica(t *testing.T) {
	expected, err := replica.Expected()
	if err != nil {
		t.Fatal(err)
	}
	cnt := &counter{}
	cnt.reset()
	site := httptest.NewServer(cnt.wrap(replica.Handler()))
	defer site.Close()

	dir := t.TempDir()
	ctx := context.Background()
	a, err := openApp(dir, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	cfg := crawler.Config{BaseURL: site.URL, Delay: crawler.NoDelay, Contact: "test", Timeout: 10 * time.Second}
	run, err := a.crawl(ctx, cfg)
	if err != nil {
		t.Fatalf("crawl: %v (%+v)", err, run)
	}
	if run.Result != omgjort.RunOK || run.New != len(expected) || run.ParseFailed != 0 || run.FetchFailed != 0 {
		t.Fatalf("first crawl: %+v; want %d new and no failures", run, len(expected))
	}

	// Every decision is stored with its metadata and its cases classified as expected.
	for _, e := range expected {
		d, err := a.db.Decision(e.ID)
		if err != nil {
			t.Fatalf("decision %s: %v", e.Number, err)
		}
		if d.Number != e.Number || d.Title != e.Title || d.Journal != e.Journal || d.Published != e.Published || string(d.Status) != e.Status {
			t.Errorf("%s stored as number=%q title=%q journal=%q published=%q status=%q; want %+v", e.ID, d.Number, d.Title, d.Journal, d.Published, d.Status, e)
		}
		if len(d.Cases) != len(e.Cases) {
			t.Errorf("%s: %d cases, want %d", e.ID, len(d.Cases), len(e.Cases))
			continue
		}
		for i, c := range e.Cases {
			got := d.Cases[i]
			if got.Outcome != c.Outcome {
				t.Errorf("%s case %s: outcome %s, want %s (evidence %+v)", e.ID, c.ID, got.Outcome, c.Outcome, got.OutcomeEvidence)
			}
			if got.Outcome != omgjort.OutcomeUkendt && len(got.OutcomeEvidence) == 0 {
				t.Errorf("%s case %s: outcome without evidence", e.ID, c.ID)
			}
		}
	}

	// Search over HTTP through the real server, store and index.
	srv, err := server.New(server.Config{Logger: testLogger(t)}, a.Index(), a.db)
	if err != nil {
		t.Fatal(err)
	}
	web := httptest.NewServer(srv.Handler())
	defer web.Close()
	target := expected[0]
	for _, e := range expected {
		if len(e.Cases) > 1 {
			target = e
			break
		}
	}
	word := titleWord(target.Title)
	var res struct {
		Total int                 `json:"total"`
		Hits  []omgjort.SearchHit `json:"hits"`
	}
	getJSON(t, web.URL+"/api/search?q="+url.QueryEscape(word)+"&size=100", &res)
	var hit *omgjort.SearchHit
	for i := range res.Hits {
		if res.Hits[i].ID == target.ID {
			hit = &res.Hits[i]
		}
	}
	if hit == nil {
		t.Fatalf("search %q: %s not among %d hits", word, target.ID, res.Total)
	}
	if !strings.Contains(strings.Join(hit.Snippets, " "), "<mark>") {
		t.Errorf("search %q: hit %s has no highlighted snippet: %q", word, target.ID, hit.Snippets)
	}
	// Danish stemming: the plural finds the definite singular.
	getJSON(t, web.URL+"/api/search?q=afg%C3%B8relser", &res)
	if res.Total == 0 {
		t.Errorf("search afgørelser found nothing")
	}
	page := get(t, web.URL+"/?q="+url.QueryEscape(word), 200)
	if !strings.Contains(page, "<mark>") || !strings.Contains(page, "/d/"+target.ID) {
		t.Errorf("search page lacks the highlighted hit %s", target.ID)
	}
	get(t, web.URL+"/d/"+target.ID, 200)
	if body := get(t, web.URL+"/?q=%22ulukket", 400); !strings.Contains(body, "citationstegn") && !strings.Contains(strings.ToLower(body), "søgning") {
		t.Errorf("malformed query page does not explain in Danish: %.300s", body)
	}

	count, _ := a.db.Count()
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}

	// Reopen: everything is still there, and a second crawl with nothing changed fetches no
	// detail page in full and duplicates nothing.
	a, err = openApp(dir, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if n, _ := a.db.Count(); n != count {
		t.Fatalf("after reopen %d decisions, want %d", n, count)
	}
	if n, _ := a.Index().Count(); int(n) != count {
		t.Fatalf("after reopen index holds %d, want %d", n, count)
	}
	cnt.reset()
	run, err = a.crawl(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	total, full, status := cnt.snapshot()
	t.Logf("second crawl: %d requests (%v), %d full detail fetches; run %+v", total, status, full, run)
	if full != 0 || run.Fetched != 0 || run.New != 0 || run.Changed != 0 {
		t.Errorf("second crawl fetched %d detail pages in full (run %+v); want 0", full, run)
	}
	if n, _ := a.db.Count(); n != count {
		t.Errorf("after second crawl %d decisions, want %d", n, count)
	}
	if n, _ := a.Index().Count(); int(n) != count {
		t.Errorf("after second crawl index holds %d, want %d", n, count)
	}
	runs, _ := a.db.Runs(10)
	if len(runs) != 2 || runs[0].Result != omgjort.RunOK {
		t.Errorf("runs recorded: %+v", runs)
	}

	// A full crawl refetches everything with conditional requests... and still duplicates nothing.
	cnt.reset()
	cfg.Full = true
	run, err = a.crawl(ctx, cfg)
	if err != nil || run.New != 0 || run.Changed != 0 {
		t.Errorf("full recrawl: %v %+v", err, run)
	}
}

func TestIndexRepairedAfterCrashBetweenWrites(t *testing.T) {
	site := httptest.NewServer(replica.Handler())
	defer site.Close()
	dir := t.TempDir()
	a, err := openApp(dir, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.crawl(context.Background(), crawler.Config{BaseURL: site.URL, Delay: crawler.NoDelay, Timeout: 10 * time.Second}); err != nil {
		t.Fatal(err)
	}
	want, _ := a.db.Count()
	// Simulate a crash after the store write but before the index write: drop some documents
	// from the index, and add one that the store does not have.
	var ids []string
	a.db.ForEach(func(d *omgjort.Decision) error {
		if len(ids) < 3 {
			ids = append(ids, d.ID)
		}
		return nil
	})
	if err := a.Index().Delete(ids...); err != nil {
		t.Fatal(err)
	}
	ghost := &omgjort.Decision{ID: "999-99", Number: "999-99", Title: "spøgelse", Outcome: omgjort.OutcomeUkendt}
	if err := a.Index().Put(ghost); err != nil {
		t.Fatal(err)
	}
	a.Close()

	a, err = openApp(dir, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	n, _ := a.Index().Count()
	if int(n) != want {
		t.Fatalf("index after repair holds %d, want %d", n, want)
	}
	stamps, _ := a.Index().Stamps()
	if _, ok := stamps["999-99"]; ok {
		t.Fatal("ghost document survived the repair")
	}
}

func TestExportAndReindexCommands(t *testing.T) {
	site := httptest.NewServer(replica.Handler())
	defer site.Close()
	dir := t.TempDir()
	var out, errb bytes.Buffer
	ctx := context.Background()
	if code := run(ctx, []string{"crawl", "--data", dir, "--base-url", site.URL, "--delay", "0"}, &out, &errb); code != 0 {
		t.Fatalf("crawl exit %d: %s %s", code, out.String(), errb.String())
	}
	out.Reset()
	if code := run(ctx, []string{"export", "--data", dir, "--format", "jsonl"}, &out, &errb); code != 0 {
		t.Fatalf("export exit %d: %s", code, errb.String())
	}
	expected, _ := replica.Expected()
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != len(expected) {
		t.Fatalf("export printed %d lines, want %d", len(lines), len(expected))
	}
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"id", "number", "numbers", "title", "url", "status", "published", "signed", "journal", "laws", "keywords", "paragraphs", "authority", "outcome", "mixed", "errors", "cases"} {
			if _, ok := m[k]; !ok {
				t.Fatalf("export line lacks %q: %.200s", k, l)
			}
		}
		cases := m["cases"].([]any)
		for _, c := range cases {
			for _, k := range []string{"id", "outcome", "kritik", "ugyldig", "errors", "text"} {
				if _, ok := c.(map[string]any)[k]; !ok {
					t.Fatalf("export case lacks %q", k)
				}
			}
		}
	}
	out.Reset()
	if code := run(ctx, []string{"reindex", "--data", dir}, &out, &errb); code != 0 || !strings.Contains(out.String(), "reindexed") {
		t.Fatalf("reindex exit %d: %s %s", code, out.String(), errb.String())
	}
}

// TestCrawlRealReplica crawls the replica of the real ast.dk pages in ../shared, served the way
// the real server serves them, and checks that all ten real decisions come through.
func TestCrawlRealReplica(t *testing.T) {
	root := filepath.Join("..", "..", "..", "shared", "replica", "astdk")
	manifest, err := os.ReadFile(filepath.Join(root, "manifest.json"))
	if err != nil {
		t.Skipf("../shared replica not available (%v): skipping the real-page crawl", err)
	}
	var files map[string]struct{ File, Type string }
	if err := json.Unmarshal(manifest, &files); err != nil {
		t.Fatal(err)
	}
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", f.Type)
		http.ServeFile(w, r, filepath.Join(root, f.File))
	}))
	defer site.Close()
	a, err := openApp(t.TempDir(), testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	run, err := a.crawl(context.Background(), crawler.Config{BaseURL: site.URL, Delay: crawler.NoDelay, Timeout: 10 * time.Second})
	if err != nil || run.Result != omgjort.RunOK {
		t.Fatalf("crawl: %v %+v", err, run)
	}
	want := []string{"1-25", "17-25", "28-24", "1-26", "2-26", "20-25", "21-25", "22-25", "3-26", "4-26"}
	for _, id := range want {
		d, err := a.db.Decision(id)
		if err != nil {
			t.Errorf("real decision %s not stored: %v", id, err)
			continue
		}
		page, _ := os.ReadFile(filepath.Join(root, "files", "principmeddelelse-"+id+".html"))
		wantCases := countCaseLetters(string(page))
		if len(d.Cases) != wantCases {
			t.Errorf("real decision %s: %d case letters, want %d", id, len(d.Cases), wantCases)
		}
		if d.Number != id || d.Title == "" || d.Published == "" || d.Journal == "" {
			t.Errorf("real decision %s incomplete: number=%q title=%q published=%q journal=%q", id, d.Number, d.Title, d.Published, d.Journal)
		}
	}
	if n, _ := a.db.Count(); n != len(want) {
		t.Errorf("stored %d decisions, want %d", n, len(want))
	}
	// The three republications of March 2026 are families: Historisk → Gældende.
	for old, cur := range map[string]string{"20-25": "1-26", "21-25": "2-26", "22-25": "3-26"} {
		h, _ := a.db.Get(old)
		g, _ := a.db.Get(cur)
		if h == nil || g == nil || h.ReplacedBy != cur || len(g.Replaces) != 1 || g.Replaces[0] != old ||
			len(h.Numbers) != 2 || len(g.Numbers) != 2 || h.Numbers[1] != cur || g.Numbers[1] != old {
			t.Errorf("family %s/%s not linked: %+v / %+v", old, cur, h, g)
		}
	}
}

func titleWord(title string) string {
	_, after, _ := strings.Cut(title, " om ")
	for _, w := range strings.FieldsFunc(after, func(r rune) bool { return r == ' ' || r == '-' || r == '–' || r == ',' }) {
		if len([]rune(w)) >= 6 {
			return w
		}
	}
	return "kommunen"
}

func get(t *testing.T, u string, wantStatus int) string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != wantStatus {
		t.Fatalf("GET %s = %d, want %d: %.300s", u, resp.StatusCode, wantStatus, b)
	}
	return string(b)
}

func getJSON(t *testing.T, u string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(get(t, u, 200)), v); err != nil {
		t.Fatal(err)
	}
}

// countCaseLetters counts the distinct "Sag nr. N," letters in the concrete-decision section of a
// real page (headings are sometimes inline in running text), and 1 for a section with one
// unnumbered letter.
func countCaseLetters(page string) int {
	i := max(strings.LastIndex(page, ">Den konkrete afgørelse<"), strings.LastIndex(page, ">De konkrete afgørelser<"))
	if i < 0 {
		return 0
	}
	seen := map[string]bool{}
	for _, m := range regexp.MustCompile(`Sag nr\. (\d+),`).FindAllStringSubmatch(page[i:], -1) {
		seen[m[1]] = true
	}
	return max(len(seen), 1)
}
