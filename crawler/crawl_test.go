package crawler

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"omgjort"
)

// memSink is an in-memory Sink that behaves like the store: page state per URL, one
// decision per ID with a version count, raw bodies kept even when parsing failed.
type memSink struct {
	mu        sync.Mutex
	states    map[string]omgjort.PageState
	decisions map[string]*omgjort.Decision
	raw       map[string][]byte
	failed    map[string]string
	touched   int
	saves     int
}

func newMemSink() *memSink {
	return &memSink{states: map[string]omgjort.PageState{}, decisions: map[string]*omgjort.Decision{},
		raw: map[string][]byte{}, failed: map[string]string{}}
}

func (s *memSink) PageState(url string) (omgjort.PageState, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.states[url]
	return st, ok, nil
}

func (s *memSink) Save(_ context.Context, f *Fetched) (Change, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.saves++
	s.raw[f.Raw.URL] = f.Raw.Body
	st := omgjort.PageState{URL: f.Raw.URL, Lastmod: f.Lastmod, ETag: f.Raw.ETag,
		LastModified: f.Raw.LastModified, Hash: f.Raw.Hash, FetchedAt: f.Raw.FetchedAt}
	if f.Decision == nil {
		s.states[f.Raw.URL] = st
		return ChangeNone, nil
	}
	st.DecisionID = f.Decision.ID
	s.states[f.Raw.URL] = st
	delete(s.failed, f.Raw.URL)
	old, ok := s.decisions[f.Decision.ID]
	switch {
	case !ok:
		f.Decision.Version = 1
		s.decisions[f.Decision.ID] = f.Decision
		return ChangeNew, nil
	case old.ContentHash != f.Decision.ContentHash:
		f.Decision.Version = old.Version + 1
		s.decisions[f.Decision.ID] = f.Decision
		return ChangeChanged, nil
	}
	return ChangeUnchanged, nil
}

func (s *memSink) Touch(_ context.Context, url string, st omgjort.PageState) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.touched++
	s.states[url] = st
	return nil
}

func (s *memSink) Fail(_ context.Context, url string, reason string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.states[url]
	st.URL = url
	st.Failures++
	st.LastError = reason
	s.states[url] = st
	s.failed[url] = reason
	return nil
}

// hits counts the requests a test server saw, per path, with their arrival times.
type hits struct {
	mu    sync.Mutex
	n     map[string]int
	at    map[string][]time.Time
	total int
}

func newHits() *hits { return &hits{n: map[string]int{}, at: map[string][]time.Time{}} }

func (h *hits) add(path string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.total++
	h.n[path]++
	h.at[path] = append(h.at[path], time.Now())
	return h.n[path]
}

func (h *hits) get(path string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.n[path]
}

func (h *hits) sum() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.total
}

func quietLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// replicaServer serves the shared ast.dk replica exactly as manifest.json maps it, with an
// ETag per file so conditional requests can be answered 304.
func replicaServer(t *testing.T) (*httptest.Server, *hits, map[string]string) {
	t.Helper()
	shared := sharedDir(t)
	root := filepath.Join(shared, "replica", "astdk")
	b, err := os.ReadFile(filepath.Join(root, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var manifest map[string]struct {
		File string `json:"file"`
		Type string `json:"type"`
	}
	if err := json.Unmarshal(b, &manifest); err != nil {
		t.Fatal(err)
	}
	h := newHits()
	files := map[string]string{}
	for p, m := range manifest {
		files[p] = m.File
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.add(r.URL.Path)
		m, ok := manifest[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		body, err := os.ReadFile(filepath.Join(root, m.File))
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		sum := sha256.Sum256(body)
		etag := `"` + hex.EncodeToString(sum[:8]) + `"`
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", m.Type)
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv, h, files
}

func TestCrawlReplica(t *testing.T) {
	srv, h, files := replicaServer(t)
	sink := newMemSink()
	cfg := Config{BaseURL: srv.URL, Contact: "test@example.invalid", Delay: NoDelay, Logger: quietLogger(), RetryBackoff: time.Millisecond}
	ctx := context.Background()

	run, err := Crawl(ctx, cfg, sink)
	if err != nil {
		t.Fatal(err)
	}
	if run.Result != omgjort.RunOK || run.Error != "" || run.Job != "crawl-astdk" || run.Source != "astdk" ||
		run.Started.IsZero() || run.Ended.Before(run.Started) {
		t.Fatalf("run %+v", run)
	}
	if run.Discovered != 10 || run.Fetched != 10 || run.New != 10 || run.ParseFailed != 0 || run.FetchFailed != 0 || len(run.Errors) != 0 {
		t.Errorf("first run counts %+v", run)
	}
	if run.Requests != h.sum() {
		t.Errorf("run counted %d requests, the server saw %d", run.Requests, h.sum())
	}
	var detail []string
	for p := range files {
		if isDetailPath(p) {
			detail = append(detail, p)
			if n := h.get(p); n != 1 {
				t.Errorf("%s requested %d times, want 1", p, n)
			}
		} else if strings.HasSuffix(files[p], ".html") && h.get(p) != 0 {
			t.Errorf("non-detail page %s was requested", p)
		}
	}
	if len(detail) != 10 {
		t.Fatalf("manifest has %d detail pages, want 10", len(detail))
	}
	for _, p := range []string{"/for-myndigheder/principmeddelelser/2025", "/for-myndigheder/principmeddelelser/2026",
		"/for-myndigheder/artikler/2024/dec/nyt-om-sagsbehandlingstider", "/nyheder/nyheder/nyheder-2026/nye-principmeddelelser-fra-ankestyrelsen"} {
		if h.get(p) != 0 {
			t.Errorf("%s requested", p)
		}
	}
	if len(sink.decisions) != 10 {
		t.Errorf("%d decisions saved, want 10", len(sink.decisions))
	}
	for _, id := range []string{"1-25", "17-25", "28-24", "20-25", "1-26", "21-25", "2-26", "22-25", "3-26", "4-26"} {
		d := sink.decisions[id]
		if d == nil {
			t.Errorf("decision %s not saved", id)
			continue
		}
		if d.FetchedAt.IsZero() || !strings.HasPrefix(d.URL, "https://www.ast.dk/for-myndigheder/principmeddelelser/") {
			t.Errorf("decision %s: fetched_at %v url %q", id, d.FetchedAt, d.URL)
		}
	}
	for loc, st := range sink.states {
		if !strings.HasPrefix(loc, "https://www.ast.dk/") || st.Lastmod == "" || st.ETag == "" || st.Hash == "" {
			t.Errorf("state of %s: %+v (want the sitemap loc as key, lastmod, etag, hash)", loc, st)
		}
	}

	// Second run with the same state: every lastmod is unchanged, so no detail page is requested.
	before := map[string]int{}
	for _, p := range detail {
		before[p] = h.get(p)
	}
	run2, err := Crawl(ctx, cfg, sink)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range detail {
		if h.get(p) != before[p] {
			t.Errorf("second run requested %s", p)
		}
	}
	if run2.Result != omgjort.RunOK || run2.Skipped != 10 || run2.Fetched != 0 || run2.NotModified != 0 || run2.New != 0 {
		t.Errorf("second run %+v", run2)
	}

	// Third run: the stored lastmods are stale, so each page is asked for conditionally and
	// the server answers 304 (its ETag is unchanged).
	for loc, st := range sink.states {
		st.Lastmod = "2000-01-01"
		sink.states[loc] = st
	}
	run3, err := Crawl(ctx, cfg, sink)
	if err != nil {
		t.Fatal(err)
	}
	if run3.NotModified != 10 || run3.Fetched != 0 || run3.Skipped != 0 || run3.FetchFailed != 0 {
		t.Errorf("third run %+v", run3)
	}
	for loc, st := range sink.states {
		if st.Lastmod == "2000-01-01" {
			t.Errorf("304 did not update the lastmod of %s", loc)
		}
	}

	// Full: everything is fetched again and found unchanged.
	full := cfg
	full.Full = true
	run4, err := Crawl(ctx, full, sink)
	if err != nil {
		t.Fatal(err)
	}
	if run4.Fetched != 10 || run4.Unchanged != 10 || run4.New != 0 || run4.Changed != 0 {
		t.Errorf("full run %+v", run4)
	}
}

// errorSite is a small site written for the error paths: a sitemap index on ast.dk (no
// www) with good, missing, flaky, oversized, slow and robots-blocked detail pages.
func errorSite(t *testing.T, crawlDelay string) (*httptest.Server, *hits) {
	t.Helper()
	good, err := os.ReadFile(filepath.Join("testdata", "flere-sager.html"))
	if err != nil {
		t.Fatal(err)
	}
	other, err := os.ReadFile(filepath.Join("testdata", "historisk.html"))
	if err != nil {
		t.Fatal(err)
	}
	const p = "/for-myndigheder/principmeddelelser/2025/"
	big := strings.Repeat("<p>fyld</p>", 20000) // about 220 KB
	h := newHits()
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		h.add(r.URL.Path)
		fmt.Fprintf(w, "User-agent: *\nDisallow: %sspaerret\n%s", p, crawlDelay)
	})
	mux.HandleFunc("/sitemap.xml", func(w http.ResponseWriter, r *http.Request) {
		h.add(r.URL.Path)
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://ast.dk/sitemap-1.xml</loc></sitemap></sitemapindex>`)
	})
	mux.HandleFunc("/sitemap-1.xml", func(w http.ResponseWriter, r *http.Request) {
		h.add(r.URL.Path)
		var b strings.Builder
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
		for _, s := range []string{"god", "mangler", "ustabil", "stor", "stor-uden-laengde", "langsom", "spaerret"} {
			fmt.Fprintf(&b, "<url><loc>https://ast.dk%s%s</loc><lastmod>2025-05-01</lastmod></url>", p, s)
		}
		b.WriteString(`<url><loc>https://ast.dk/for-myndigheder/principmeddelelser/2025</loc></url>`)
		b.WriteString(`<url><loc>https://example.org/for-myndigheder/principmeddelelser/2025/fremmed</loc></url>`)
		b.WriteString(`</urlset>`)
		fmt.Fprint(w, b.String())
	})
	mux.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
		n := h.add(r.URL.Path)
		switch strings.TrimPrefix(r.URL.Path, p) {
		case "god":
			w.Write(good)
		case "ustabil":
			if n == 1 {
				http.Error(w, "midlertidig fejl", http.StatusInternalServerError)
				return
			}
			w.Write(other)
		case "stor":
			w.Header().Set("Content-Length", fmt.Sprint(len(big)))
			io.WriteString(w, big)
		case "stor-uden-laengde":
			for i := 0; i < 20; i++ { // chunked: no Content-Length to judge by
				io.WriteString(w, big[:len(big)/20])
				w.(http.Flusher).Flush()
			}
		case "langsom":
			select {
			case <-time.After(5 * time.Second):
			case <-r.Context().Done():
			}
		default:
			http.NotFound(w, r)
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, h
}

func TestCrawlErrors(t *testing.T) {
	srv, h := errorSite(t, "Crawl-delay: 0.15\n")
	sink := newMemSink()
	cfg := Config{BaseURL: srv.URL, Delay: NoDelay, Logger: quietLogger(), MaxBodySize: 64 << 10, Timeout: 300 * time.Millisecond,
		Retries: 1, RetryBackoff: 10 * time.Millisecond}
	run, err := Crawl(context.Background(), cfg, sink)
	if err != nil {
		t.Fatal(err)
	}
	const p = "/for-myndigheder/principmeddelelser/2025/"
	for _, e := range run.Errors {
		t.Logf("recorded error: %+v", e)
	}
	if run.Result != omgjort.RunOK {
		t.Errorf("result %s (%s): per-URL errors must not fail the run", run.Result, run.Error)
	}
	if run.Discovered != 7 || run.Fetched != 2 || run.New != 2 || run.FetchFailed != 5 {
		t.Errorf("counts %+v", run)
	}
	if h.get(p+"spaerret") != 0 {
		t.Error("robots-disallowed page was requested")
	}
	if h.get(p+"ustabil") != 2 {
		t.Errorf("flaky page requested %d times, want 2 (500 then 200)", h.get(p+"ustabil"))
	}
	if h.get(p+"mangler") != 1 {
		t.Errorf("404 page requested %d times, want 1 (no retry)", h.get(p+"mangler"))
	}
	if h.get(p+"langsom") != 2 {
		t.Errorf("slow page requested %d times, want 2 (timeout, one retry)", h.get(p+"langsom"))
	}
	if run.Requests != h.sum() {
		t.Errorf("run counted %d requests, the server saw %d", run.Requests, h.sum())
	}
	want := map[string]string{"mangler": "404", "stor": "larger than", "stor-uden-laengde": "larger than",
		"langsom": "after 2 attempts", "spaerret": "robots.txt"}
	got := map[string]omgjort.URLError{}
	for _, e := range run.Errors {
		got[strings.TrimPrefix(e.URL, "https://ast.dk"+p)] = e
	}
	for slug, frag := range want {
		e, ok := got[slug]
		if !ok || !strings.Contains(e.Reason, frag) {
			t.Errorf("error for %s: %+v, want a reason containing %q", slug, e, frag)
		}
		if reason := sink.failed["https://ast.dk"+p+slug]; reason == "" {
			t.Errorf("sink.Fail not called for %s", slug)
		}
	}
	if got["mangler"].Status != 404 {
		t.Errorf("404 recorded with status %d", got["mangler"].Status)
	}
	if _, ok := sink.raw["https://ast.dk"+p+"stor"]; ok {
		t.Error("a too-large page was handed to Save")
	}
	if sink.decisions["12-24"] == nil || sink.decisions["9-25"] == nil {
		t.Errorf("good and flaky pages not saved: %v", sink.decisions)
	}
	// Crawl-delay 0.15 s beats the configured 0: consecutive detail requests are at least
	// that far apart (a lower bound only, so a slow machine cannot fail it).
	var times []time.Time
	h.mu.Lock()
	for path, ts := range h.at {
		if strings.HasPrefix(path, p) {
			times = append(times, ts...)
		}
	}
	h.mu.Unlock()
	sortTimes(times)
	for i := 1; i < len(times); i++ {
		if gap := times[i].Sub(times[i-1]); gap < 140*time.Millisecond {
			t.Errorf("detail requests %d and %d only %v apart; robots Crawl-delay is 150ms", i-1, i, gap)
		}
	}

	// The failed pages are fetched again next run even though their lastmod is unchanged;
	// the saved ones are skipped.
	before := h.get(p + "god")
	run2, err := Crawl(context.Background(), cfg, sink)
	if err != nil {
		t.Fatal(err)
	}
	if h.get(p+"god") != before || run2.Skipped != 2 || h.get(p+"mangler") != 2 {
		t.Errorf("second run %+v; god requested %d→%d, mangler %d", run2, before, h.get(p+"god"), h.get(p+"mangler"))
	}
}

func sortTimes(ts []time.Time) {
	for i := 1; i < len(ts); i++ {
		for j := i; j > 0 && ts[j].Before(ts[j-1]); j-- {
			ts[j], ts[j-1] = ts[j-1], ts[j]
		}
	}
}

func TestCrawlRunFailures(t *testing.T) {
	const p = "/for-myndigheder/principmeddelelser/2025/"
	notDecision, err := os.ReadFile(filepath.Join("testdata", "ikke-afgoerelse.html"))
	if err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(filepath.Join("testdata", "enkelt-sag.html"))
	if err != nil {
		t.Fatal(err)
	}
	site := func(locs []string) *httptest.Server {
		mux := http.NewServeMux()
		mux.HandleFunc("/sitemap.xml", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
			for _, l := range locs {
				fmt.Fprintf(w, "<url><loc>https://www.ast.dk%s</loc></url>", l)
			}
			fmt.Fprint(w, `</urlset>`)
		})
		mux.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/god") {
				w.Write(good)
				return
			}
			w.Write(notDecision)
		})
		srv := httptest.NewServer(mux)
		t.Cleanup(srv.Close)
		return srv
	}
	cfg := Config{Delay: NoDelay, Logger: quietLogger(), RetryBackoff: time.Millisecond}

	t.Run("no detail URLs", func(t *testing.T) {
		cfg := cfg
		cfg.BaseURL = site([]string{"/for-myndigheder/principmeddelelser/2025", "/nyheder/x"}).URL
		run, err := Crawl(context.Background(), cfg, newMemSink())
		if err != nil {
			t.Fatal(err)
		}
		if run.Result != omgjort.RunFailed || !strings.Contains(run.Error, "site structure may have changed") || !strings.Contains(run.Error, "2 <loc>s") {
			t.Errorf("run %+v", run)
		}
	})
	t.Run("sitemap missing", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		t.Cleanup(srv.Close)
		cfg := cfg
		cfg.BaseURL = srv.URL
		run, err := Crawl(context.Background(), cfg, newMemSink())
		if err != nil {
			t.Fatal(err)
		}
		if run.Result != omgjort.RunFailed || !strings.Contains(run.Error, "sitemap") || run.Ended.IsZero() {
			t.Errorf("run %+v", run)
		}
	})
	t.Run("most pages unparsable", func(t *testing.T) {
		cfg := cfg
		cfg.BaseURL = site([]string{p + "god", p + "a", p + "b"}).URL
		sink := newMemSink()
		run, err := Crawl(context.Background(), cfg, sink)
		if err != nil {
			t.Fatal(err)
		}
		if run.Result != omgjort.RunFailed || !strings.Contains(run.Error, "2 of 3") || run.ParseFailed != 2 || run.New != 1 {
			t.Errorf("run %+v", run)
		}
		// The raw body of an unparsable page is kept, and the URL is marked failed.
		if len(sink.raw["https://www.ast.dk"+p+"a"]) == 0 || sink.failed["https://www.ast.dk"+p+"a"] == "" {
			t.Errorf("unparsable page: raw kept %v, failure %q", len(sink.raw["https://www.ast.dk"+p+"a"]) > 0, sink.failed["https://www.ast.dk"+p+"a"])
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		cfg := cfg
		cfg.BaseURL = site([]string{p + "god"}).URL
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		run, err := Crawl(ctx, cfg, newMemSink())
		if err == nil || run.Result != omgjort.RunFailed || run.Ended.IsZero() || run.Job != Job {
			t.Errorf("cancelled crawl: err %v run %+v", err, run)
		}
	})
}

func TestReroot(t *testing.T) {
	base, _ := url.Parse("http://127.0.0.1:8080/spejl")
	for loc, want := range map[string]string{
		"https://www.ast.dk/for-myndigheder/principmeddelelser/2025/x":  "http://127.0.0.1:8080/spejl/for-myndigheder/principmeddelelser/2025/x",
		"https://ast.dk/sitemap.xml?page=2":                             "http://127.0.0.1:8080/spejl/sitemap.xml?page=2",
		"/for-myndigheder/principmeddelelser/2025/y":                    "http://127.0.0.1:8080/spejl/for-myndigheder/principmeddelelser/2025/y",
		"https://example.org/for-myndigheder/principmeddelelser/2025/z": "",
	} {
		u, ok := reroot(base, loc)
		got := ""
		if ok {
			got = u.String()
		}
		if got != want {
			t.Errorf("reroot(%q) = %q, want %q", loc, got, want)
		}
	}
}
